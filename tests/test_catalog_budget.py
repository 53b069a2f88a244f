"""A small catalog cannot make analysis crawl: conditions have a budget, checked on load.

Aliases and merge keys let a few hundred bytes of YAML stand for a condition of a hundred
thousand tests, run on every element of every model; such catalogs are refused with the
place in the file, before any model is analysed.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from scoping_tui.cli.entry import main
from scoping_tui.engine.catalog import CatalogError, load_catalog
from scoping_tui.engine.conditions import MAX_CONDITION_DEPTH, leaves
from tests.conftest import ROOT

SAMPLE = str(ROOT / "samples" / "ops-agent.yaml")
HEAD = textwrap.dedent("""\
    version: 1
    threats:
    """)
TAIL = """\
    likelihood: high
    impact: high
    references: {owasp-llm: ["LLM06:2025"]}
"""


def _threat(threat_id: str, when: list[str]) -> str:
    body = [f"  - id: {threat_id}", "    title: Expanding rule", "    description: Expands.",
            "    stride: [I]", "    target: component", "    when:", *when]
    return "\n".join(body) + "\n" + TAIL


def _doubling(levels: int) -> list[str]:
    """any: [a1, a2, ...] where each level repeats the one before four times."""
    when = ["      any:", "        - &a1 {any: [&a0 {fact: type, equals: agent}, *a0, *a0, *a0]}"]
    when += [f"        - &a{i} {{any: [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]}}"
             for i in range(2, levels + 1)]
    return when


def _run(tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    extra = tmp_path / "org.yaml"
    extra.write_text(text, encoding="utf-8")
    code = main(["analyze", SAMPLE, "--catalog", str(extra)])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.err


def test_an_alias_bomb_in_a_condition_is_refused_where_it_is_written(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = HEAD + _threat("ORG-BOMB", _doubling(8))   # 4**8 = 65,536 tests from 600 bytes
    assert len(text) < 1_000
    code, err = _run(tmp_path, text, capsys)
    assert code == 2
    line = next(row for row in err.splitlines() if "expands to more than 1,000" in row)
    assert line.startswith(f"{tmp_path / 'org.yaml'}:")
    row = int(line.split(":")[1])
    assert "*a" in text.splitlines()[row - 1]            # points at an alias in the rule
    assert "nothing was analysed" in err


def test_a_modest_condition_with_aliases_still_loads(tmp_path: Path) -> None:
    extra = tmp_path / "org.yaml"
    extra.write_text(HEAD + _threat("ORG-SMALL", _doubling(4)), encoding="utf-8")
    catalog = load_catalog([extra])
    assert len(leaves(catalog.threats["ORG-SMALL"].when)) == 4 + 4**2 + 4**3 + 4**4


def test_many_merged_copies_of_a_large_condition_are_refused_together(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Each copy is under the limit for one condition; together they are not."""
    values = ", ".join(f"v{i}" for i in range(990))
    rule = textwrap.dedent(f"""\
        threats:
          - &rule
            id: ORG-BASE
            title: Large list
            description: A rule with a long list.
            stride: [I]
            target: component
            when: {{fact: type, in: [{values}]}}
        """) + TAIL
    copies = "".join(f"  - {{<<: *rule, id: ORG-COPY-{i}}}\n" for i in range(120))
    code, err = _run(tmp_path, "version: 1\n" + rule + copies, capsys)
    assert code == 2
    assert "conditions together expand to more than 100,000" in err
    assert err.count("conditions together") == 1        # one error, not one per later rule


def test_conditions_nested_too_deeply_are_refused(tmp_path: Path) -> None:
    when = "{fact: type, equals: agent}"
    for _ in range(MAX_CONDITION_DEPTH + 1):
        when = f"{{not: {when}}}"
    extra = tmp_path / "org.yaml"
    extra.write_text(HEAD + _threat("ORG-DEEP", [f"      {when}"]), encoding="utf-8")
    with pytest.raises(CatalogError) as raised:
        load_catalog([extra])
    [diagnostic] = raised.value.diagnostics
    assert f"nest more than {MAX_CONDITION_DEPTH} levels" in diagnostic.message
    assert diagnostic.position.line == 9                 # the line after `when:`


def test_a_small_size_limit_bounds_the_users_files_not_the_built_in_knowledge_base(
        tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    small = ROOT / "samples" / "public-chat-assistant.yaml"       # about 8 KB
    env = {**os.environ, "SCOPING_TUI_MAX_BYTES": "20000"}        # models/controls.yaml: 100 KB
    done = subprocess.run([sys.executable, "-m", "scoping_tui", "validate", str(small)],
                          capture_output=True, text=True, env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    extra = tmp_path / "org.yaml"
    extra.write_text(HEAD + "".join(_threat(f"ORG-T{i}", ["      {fact: type, equals: agent}"])
                                    for i in range(120)), encoding="utf-8")
    assert extra.stat().st_size > 20000
    done = subprocess.run([sys.executable, "-m", "scoping_tui", "validate", str(small),
                           "--catalog", str(extra)], capture_output=True, text=True, env=env,
                          timeout=120, check=False)
    assert done.returncode == 2
    assert f"{extra}:1:1: error: file is larger than the 20,000-byte limit" in done.stderr
