"""The README and docs/ stay true to the tool: the README stays short, links lead to files and
headings that exist, the commands shown are commands the CLI has (with options it takes), the
README's examples name files of this repository, and the docs list every format the registry
knows."""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import shlex
from pathlib import Path

import pytest

from scoping_tui.cli.entry import build_parser
from scoping_tui.formats.registry import FORMATS
from tests.conftest import ROOT

README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
PAGES = [README, *DOCS]
MAX_README_LINES = 150

FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.S | re.M)
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
INLINE_COMMAND = re.compile(r"`scoping-tui ([a-z][a-z-]*)\b[^`]*`")
SHELL_STOPS = {">", ">>", "|", "||", "&&", ";", "2>"}
"""Where the shell takes over from the command's own arguments."""


def commands() -> dict[str, argparse.ArgumentParser]:
    for action in build_parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("the parser has no subcommands")


def command_lines(text: str) -> list[str]:
    """Every line of the page's code blocks that runs scoping-tui."""
    return [line.strip() for block in FENCE.findall(text) for line in block.splitlines()
            if line.strip() == "scoping-tui" or line.strip().startswith("scoping-tui ")]


def words_of(line: str) -> list[str]:
    """The arguments scoping-tui gets from ``line`` (comments and redirections dropped),
    with `open` put in front of a bare file as the CLI does."""
    words = shlex.split(line, comments=True)[1:]
    for index, word in enumerate(words):
        if word in SHELL_STOPS:
            words = words[:index]
            break
    if words and words[0] not in commands() and not words[0].startswith("-"):
        words = ["open", *words]
    return words


def parse(line: str) -> tuple[argparse.Namespace | None, str]:
    """The parsed arguments of a documented command line, or None and argparse's complaint."""
    words = words_of(line)
    errors = io.StringIO()
    try:
        with contextlib.redirect_stderr(errors), contextlib.redirect_stdout(io.StringIO()):
            return build_parser().parse_args(words), ""
    except SystemExit:
        return None, errors.getvalue().strip().splitlines()[-1] if errors.getvalue() else "exit"


def command_problems(text: str) -> list[str]:
    """Documented command lines the CLI would refuse, and inline `scoping-tui WORD` spans whose
    WORD is no command."""
    problems = []
    for line in command_lines(text):
        if not words_of(line):
            continue  # `scoping-tui` alone opens the start screen
        args, complaint = parse(line)
        if args is None:
            problems.append(f"{line}: {complaint}")
    known = commands()
    for word in INLINE_COMMAND.findall(text):
        if word not in known:
            problems.append(f"`scoping-tui {word}` is not a command")
    return problems


def input_files(args: argparse.Namespace) -> list[str]:
    """The paths a parsed command reads (not the ones it writes)."""
    paths: list[str] = []
    if args.command != "new" and isinstance(getattr(args, "file", None), str):
        paths.append(args.file)
    paths += getattr(args, "files", None) or []
    if getattr(args, "baseline", None):
        paths.append(args.baseline)
    paths += getattr(args, "catalog", None) or []
    return paths


def missing_inputs(text: str) -> list[str]:
    missing = []
    for line in command_lines(text):
        if not words_of(line):
            continue
        args, _complaint = parse(line)
        assert args is not None, line
        for path in input_files(args):
            found = (any(ROOT.glob(path)) if any(c in path for c in "*?[")
                     else (ROOT / path).exists())
            if not found:
                missing.append(f"{line}: {path}")
    return missing


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    return {slug(m.group(1)) for m in re.finditer(r"^#{1,6} +(.+?) *$", text, re.M)}


def link_problems(page: Path) -> list[str]:
    problems = []
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    for target in LINK.findall(text):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):
            continue  # https:, mailto: and the like
        path, _, fragment = target.partition("#")
        destination = (page.parent / path).resolve() if path else page
        if not destination.exists():
            problems.append(f"{page.name}: {target} (no such file)")
        elif fragment and destination.suffix == ".md" and fragment not in anchors(destination):
            problems.append(f"{page.name}: {target} (no such heading)")
    return problems


# --- the README ----------------------------------------------------------------------------

def test_the_readme_is_short() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= MAX_README_LINES, (
        f"README.md has {len(lines)} lines; move detail into docs/ (at most {MAX_README_LINES})")


def test_the_readme_opens_with_the_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    section = re.search(r"^## Two commands\n(.*?)^## ", text, re.S | re.M)
    assert section, "the README lost its Two commands section"
    block = FENCE.search(section.group(1))
    assert block
    shown = [shlex.split(line, comments=True) for line in block.group(1).splitlines()]
    assert [words for words in shown if words] == [["make", "run"], ["make", "test"]]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in ("run", "test"):
        assert re.search(rf"^{target}:", makefile, re.M), target


def test_readme_commands_are_real_commands() -> None:
    text = README.read_text(encoding="utf-8")
    assert len(command_lines(text)) >= 6, "the quick starts lost their examples"
    assert command_problems(text) == []


def test_readme_examples_name_files_that_exist() -> None:
    assert missing_inputs(README.read_text(encoding="utf-8")) == []


# --- every page ----------------------------------------------------------------------------

def test_the_docs_pages_exist() -> None:
    names = {page.name for page in DOCS}
    assert names >= {"tui.md", "model-format.md", "reports.md", "rules.md", "architecture.md",
                     "ci.md"}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_relative_links_lead_somewhere(page: Path) -> None:
    assert link_problems(page) == []


@pytest.mark.parametrize("page", DOCS, ids=lambda p: p.name)
def test_documented_commands_take_the_options_shown(page: Path) -> None:
    assert command_problems(page.read_text(encoding="utf-8")) == []


def test_the_docs_list_every_format_the_registry_has() -> None:
    reports = (ROOT / "docs" / "reports.md").read_text(encoding="utf-8")
    text = reports + (ROOT / "docs" / "model-format.md").read_text(encoding="utf-8")
    assert [f.name for f in FORMATS if f"`{f.name}`" not in text] == []
    # the extensions a report or diagram is recognised by are in the table of reports.md
    unlisted = [(f.name, ending) for f in FORMATS if f.kind != "model"
                for ending in f.extensions if f"`.{ending}`" not in reports]
    assert unlisted == []


# --- the checks themselves catch what they are for -------------------------------------------

@pytest.mark.parametrize("line", [
    "scoping-tui frobnicate samples/ops-agent.yaml",
    "scoping-tui check samples/ops-agent.yaml --fail-at high",
    "scoping-tui diagram samples/ops-agent.yaml",            # -o is required
    "scoping-tui report samples/ops-agent.yaml --format docx",
])
def test_a_made_up_command_or_option_is_caught(line: str) -> None:
    assert command_problems(f"```sh\n{line}\n```\n") != []


def test_an_inline_made_up_command_is_caught() -> None:
    assert command_problems("run `scoping-tui lint FILE` first") != []
    assert command_problems("run `scoping-tui validate FILE` first") == []


def test_a_missing_example_file_is_caught() -> None:
    text = ("```sh\nscoping-tui samples/no-such.yaml\n"
            "scoping-tui check samples/ops-agent.yaml --baseline old/ops-agent.yaml\n"
            "scoping-tui validate 'nowhere/**/*.yaml'\n"
            "scoping-tui new threat-model.yaml --template ops-agent\n```\n")
    assert [problem.rsplit(": ", 1)[1] for problem in missing_inputs(text)] == [
        "samples/no-such.yaml", "old/ops-agent.yaml", "nowhere/**/*.yaml"]


def test_a_broken_link_is_caught(tmp_path: Path) -> None:
    (tmp_path / "there.md").write_text("# A heading\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text("[ok](there.md) [ok](there.md#a-heading) [web](https://example.com)\n"
                    "[gone](missing.md) [bad anchor](there.md#nope)\n", encoding="utf-8")
    assert link_problems(page) == ["page.md: missing.md (no such file)",
                                   "page.md: there.md#nope (no such heading)"]
