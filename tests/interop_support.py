"""What the import and export tests share: the catalog, reading an import back, hostile files.

A plain module: tests import its helpers with ``from tests.interop_support import ...``. A test
module that uses one of its fixtures binds it to a module-level name (``catalog =
interop_support.catalog``), which is where pytest looks for fixtures.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from scoping_tui.engine.assessment import Assessment, assess
from scoping_tui.engine.catalog import Catalog, load_catalog
from scoping_tui.formats.common import ImportFailed, read_source
from scoping_tui.formats.importer import ImportResult, import_file
from scoping_tui.model.diagnostics import Severity
from scoping_tui.model.types import Component, SystemModel
from scoping_tui.model.validate import load_model, load_text
from tests.conftest import ROOT, SAMPLES

AS_OF = dt.date(2026, 11, 28)
"""The date every import and analysis runs as of, so expiry dates in assertions hold."""
INTEROP = ROOT / "tests" / "data" / "interop"
HOSTILE_MODELS = ROOT / "tests" / "data" / "hostile"
UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""Control, line-separator and bidi characters: none may reach a name or a YAML comment."""


# --- fixtures --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="module")
def model(imported: ImportResult, catalog: Catalog) -> SystemModel:
    """The test module's ``imported`` fixture, read back."""
    return reloaded(imported, catalog)


@pytest.fixture(scope="module")
def assessment(model: SystemModel, catalog: Catalog) -> Assessment:
    return assess(model, catalog, as_of=AS_OF)


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Run in an empty folder, so anything a hostile file managed to execute (the fixtures
    ``touch hostile-marker…``) or write is found there afterwards."""
    monkeypatch.chdir(tmp_path)
    yield tmp_path
    assert list(tmp_path.iterdir()) == [], "something was executed or written"


# --- an import, as the user's next command sees it ---------------------------------------------

def reloaded(result: ImportResult, catalog: Catalog, name: str = "imported.yaml") -> SystemModel:
    """The written YAML read back as the user's next command reads it: valid, no errors."""
    known = catalog.known_ids()
    loaded = load_text(result.text, name, catalog=known)
    errors = [d.format() for d in loaded.diagnostics if d.severity is Severity.ERROR]
    assert loaded.model is not None and not errors, errors
    return loaded.model


def comment_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.lstrip().startswith("#")]


def summary_header(result: ImportResult, title: str, source: Path) -> list[str]:
    """The comment lines above the document: where the model came from, then as many notes of
    each kind as the import made; nothing but comments until the document starts."""
    header = result.text.split("\nversion: 1\n")[0].splitlines()
    assert header[0] == f"# Imported from {title}: {source}"
    kinds = [n.kind for n in result.notes]
    assert header[1] == (f"# {kinds.count('mapped')} mapped, {kinds.count('guessed')} guessed, "
                         f"{kinds.count('human')} need a human decision.")
    assert all(line.startswith("#") for line in header if line)
    return header


def assert_clean_names(result: ImportResult, model: SystemModel) -> None:
    """Every name and tag is one line of safe text, no escape character reaches the file raw,
    and the document starts right after the comments."""
    labels = [model.system.name, *(c.name for c in model.components),
              *(b.name for b in model.boundaries), *(f.name for f in model.flows),
              *(t for c in model.components for t in c.tags)]
    for label in labels:
        assert not UNSAFE.search(label) and "\n" not in label and "\r" not in label
    assert "\x1b" not in result.text                             # escapes written as \e
    body = [line for line in result.text.splitlines() if line and not line.startswith("#")]
    assert body[0] == "version: 1"


def notes(result: ImportResult, element: str, kind: str | None = None) -> list[str]:
    """The notes on ``element`` ("" for the whole model), of one kind or all."""
    return [n.message for n in result.notes
            if n.element == element and (kind is None or n.kind == kind)]


def component(model: SystemModel, cid: str) -> Component:
    return next(c for c in model.components if c.id == cid)


def write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


# --- detection -------------------------------------------------------------------------------

def readable(path: Path) -> bool:
    try:
        read_source(path)
    except ImportFailed:
        return False
    return True


def other_tools_files(own: str) -> list[Path]:
    """The other importers' fixtures that can be read at all (not those in the ``own``
    folder), and our own sample models: files the ``own`` format must not claim."""
    found = [p for p in INTEROP.glob("*/*") if p.is_file() and p.parent.name != own
             and p.suffix in (".json", ".yaml", ".yml") and readable(p)]
    return sorted(found) + sorted((ROOT / "samples").glob("*.yaml"))


def fixture_id(path: Path) -> str:
    """A test id naming a fixture by its folder and file."""
    return f"{path.parent.name}/{path.name}"


# --- hostile files ---------------------------------------------------------------------------

Expected = tuple[int, str] | tuple[int, int, str] | None
"""What a hostile file must give: None for a valid model, else the line (and column) of the
error and words of its message."""


def assert_all_listed(folder: Path, expected: Iterable[str], readme: Path) -> None:
    """Every file in ``folder`` (but its README) has an expectation, and ``readme`` names it."""
    on_disk = {p.name for p in folder.iterdir() if p.is_file() and p.name != "README.md"}
    assert on_disk == set(expected)
    text = readme.read_text(encoding="utf-8")
    assert all(f"`{name}`" in text for name in on_disk)


def assert_safe_import(result: ImportResult, catalog: Catalog,
                       sections: Iterable[str] | None = None) -> SystemModel:
    """A valid model with a component, the analysis runs on it, no unsafe character anywhere in
    the file, a header of comments only, and (when given) no section but ``sections``."""
    model = reloaded(result, catalog)
    assert model.components
    assert not UNSAFE.search(result.text), "control or bidi characters reached the YAML"
    header = result.text.split("\nversion: 1\n")[0]
    assert all(line.startswith("#") for line in header.splitlines() if line)
    if sections is not None:
        assert set(yaml.safe_load(result.text)) <= {"version", "system", *sections}
    assess(model, catalog, as_of=AS_OF)
    return model


def check_hostile(path: Path, fmt: str, expected: Expected, catalog: Catalog, *,
                  display: str | None = None, sections: Iterable[str] | None = None) -> None:
    """Import ``path`` as ``fmt``: a safe model, or ImportFailed naming the file at the line
    (and column) ``expected`` gives, with its words."""
    if expected is None:
        result = import_file(path, fmt, display=display, catalog=catalog, as_of=AS_OF)
        assert_safe_import(result, catalog, sections)
        return
    *position, words = expected
    with pytest.raises(ImportFailed) as failed:
        import_file(path, fmt, display=display, catalog=catalog, as_of=AS_OF)
    first = failed.value.diagnostics[0]
    assert first.file == (str(path) if display is None else display)
    assert [first.line, first.column][:len(position)] == position, first.format()
    assert first.column >= 1 and words in first.message, first.format()


# --- exports ---------------------------------------------------------------------------------

def assessed(path: Path) -> Assessment:
    """The analysis of a model file, named as from the repository root."""
    result = load_model(path, str(path.relative_to(ROOT)))
    assert result.model is not None, [d.format() for d in result.diagnostics]
    return assess(result.model, load_catalog(), as_of=AS_OF)


def assessed_elsewhere(path: Path, folder: Path) -> Assessment:
    """The analysis of a copy of ``path`` in ``folder``, named as the original: what is
    exported must not depend on where the file lies."""
    copy = folder / path.name
    copy.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    result = load_model(copy, str(path.relative_to(ROOT)))
    assert result.model is not None
    return assess(result.model, load_catalog(), as_of=AS_OF)


def sample_fixture(render: Callable[[Assessment], str]) -> Any:
    """A module fixture giving each bundled sample's analysis and its ``render`` as JSON."""
    @pytest.fixture(scope="module", params=SAMPLES, ids=lambda p: p.stem)
    def sample(request: pytest.FixtureRequest) -> tuple[Assessment, dict[str, Any]]:
        assessment = assessed(request.param)
        document: dict[str, Any] = json.loads(render(assessment))
        return assessment, document
    return sample


LONG = "Ünïcødé 🔥 <script>alert('x')</script> \"quoted\" \u202eevil\u202c\n" * 200
NAME = ("\u202e<script>\"Name\"</script>\n" + "🔥" * 200)[:200]


def hostile_model() -> str:
    """A valid model whose every text is hostile: 10 000-character descriptions, names at the
    200-character limit full of astral emoji, quotes, newlines, markup and bidi overrides."""
    assert len(LONG) > 10_000
    model = {
        "version": 1,
        "system": {"name": NAME, "description": LONG, "owner": LONG[:300], "phase": "production",
                   "tags": ["<b>x</b>", "\u202etag\u0007"]},
        "boundaries": [
            {"id": "net", "name": NAME, "kind": "internet", "description": LONG},
            {"id": "cloud", "name": NAME, "kind": "cloud-account"},
            {"id": "vpc", "name": NAME, "kind": "vpc", "parent": "cloud"},
        ],
        "components": [
            {"id": "person", "name": NAME, "type": "user", "boundary": "net"},
            {"id": "app", "name": NAME, "type": "client-app", "boundary": "net",
             "description": LONG},
            {"id": "bot", "name": NAME, "type": "agent", "boundary": "vpc", "description": LONG,
             "data": ["pii", "credentials", "untrusted-content"],
             "agent": {"model": "llm", "tools": [{"tool": "shell",
                                                  "permissions": ["execute", "write"]}],
                       "runs_generated_code": True, "approval": "none"}},
            {"id": "llm", "name": NAME, "type": "foundation-model", "hosting": "managed-api",
             "model": {"provider": LONG, "origin": "pre-trained"}},
            {"id": "shell", "name": NAME, "type": "tool", "boundary": "vpc",
             "tool": {"authentication": "none", "side_effects": ["execute"]}},
        ],
        "flows": [
            {"id": "ask", "from": "person", "to": "app", "name": LONG, "data": ["pii"],
             "protocol": "http", "authenticated": False, "encrypted": False,
             "description": LONG},
            {"id": "call", "from": "app", "to": "bot", "name": NAME,
             "data": ["untrusted-content", "pii"], "protocol": "https"},
            {"id": "infer", "from": "bot", "to": "llm", "data": ["pii"]},
        ],
        "controls": [{"control": "GUARD-INPUT-FILTER", "targets": ["bot"],
                      "status": "implemented", "evidence": LONG, "owner": LONG[:500]}],
        "accepted_risks": [{"finding": "LLM09-MISINFORMATION@bot", "owner": NAME,
                            "reason": LONG, "expires": "2099-12-31", "ticket": NAME}],
    }
    return json.dumps(model, ensure_ascii=False)


def hostile_assessments() -> list[tuple[str, Assessment]]:
    """The generated hostile model and the hostile sample models, analysed."""
    loaded = load_text(hostile_model(), "hostile.yaml")
    assert loaded.model is not None, [d.format() for d in loaded.diagnostics]
    found = [("generated", assess(loaded.model, load_catalog(), as_of=AS_OF))]
    found += [(name, assessed(HOSTILE_MODELS / name))
              for name in ("hostile-names.yaml", "nul-and-noncharacters.yaml")]
    return found


ORG_CATALOG = """\
version: 1
threats:
  - id: ORG-EDGE-ZONE
    title: Internet zone reaches the system directly
    description: The system's own components sit in a zone anyone on the internet can reach.
    stride: [S, D]
    target: boundary
    when: {fact: kind, equals: internet}
    likelihood: medium
    impact: high
    references: {}
controls:
  - id: ORG-EDGE-FIREWALL
    title: Filter traffic at the edge
    description: Put a web application firewall in front of everything in the internet zone.
    phase: prototype
    layer: ai-application
    mitigates: [ORG-EDGE-ZONE]
    references: {}
"""


def with_boundary_threat(tmp_path: Path) -> Assessment:
    """An organisation's catalog adds a threat on boundaries, which OTM zones cannot carry."""
    extra = tmp_path / "org.yaml"
    extra.write_text(ORG_CATALOG, encoding="utf-8")
    loaded = load_model(ROOT / "samples" / "multi-agent-research.yaml")
    assert loaded.model is not None
    return assess(loaded.model, load_catalog([extra]), as_of=AS_OF)
