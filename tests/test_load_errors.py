"""Every class of broken model file is reported as ``file:line:col: severity: message``.

The inputs live in ``tests/data/broken/`` (one small file per problem); inputs that cannot be
text (NUL bytes, invalid UTF-8, control characters, BOM, CRLF) are written with ``tmp_path``.
Lines and columns below were counted by hand from those files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from scoping_tui.model import load
from scoping_tui.model.diagnostics import Diagnostic, Severity, has_errors
from scoping_tui.model.validate import LoadResult, load_model, load_text

BROKEN = Path(__file__).parent / "data" / "broken"

VALID_MODEL = """\
version: 1
system:
  name: Demo
components:
  - id: user
    name: User
    type: user
  - id: app
    name: App
    type: client-app
flows:
  - id: f1
    from: user
    to: app
"""


def load_broken(name: str, max_bytes: int | None = None) -> LoadResult:
    return load_model(BROKEN / name, display=f"broken/{name}", max_bytes=max_bytes)


def shown(diagnostics: tuple[Diagnostic, ...] | list[Diagnostic]) -> str:
    return "\n".join(f"{d.format()} [{d.code}]" for d in diagnostics)


@dataclass(frozen=True)
class Case:
    file: str
    code: str
    where: str
    """``line:col: severity`` of the diagnostic with ``code``."""
    says: tuple[str, ...]
    """Words the message must contain: what a user needs to fix the problem."""
    also: tuple[str, ...] = ()
    """Codes of the other diagnostics the file legitimately gets."""
    max_bytes: int | None = None


ERRORS = [
    pytest.param(Case("yaml-syntax-unclosed-bracket.yaml", "yaml-syntax", "5:11: error",
                      ("invalid YAML", "flow sequence", "line 4, column 9")),
                 id="yaml-syntax-unclosed-bracket"),
    pytest.param(Case("tab-indentation.yaml", "yaml-syntax", "3:1: error",
                      ("tab character", "indent with spaces")),
                 id="tab-indentation"),
    pytest.param(Case("duplicate-key.yaml", "duplicate-key", "8:5: error",
                      ("duplicate key 'name'", "line 6, column 5", "first value"),
                      also=("orphan",)),
                 id="duplicate-key-names-first-line"),
    pytest.param(Case("forbidden-tag.yaml", "forbidden-tag", "3:9: error",
                      ("python/object/apply:os.system", "not allowed")),
                 id="forbidden-python-tag"),
    pytest.param(Case("billion-laughs.yaml", "too-large", "8:8: error",
                      ("more than 1,000,000 values", "aliases")),
                 id="alias-expansion-bomb"),
    pytest.param(Case("nesting-10000-deep.yaml", "too-deep", "1:65: error",
                      ("nested more than 64 levels",)),
                 id="nesting-10000-deep"),
    pytest.param(Case("empty.yaml", "empty", "1:1: error", ("empty", "version: 1")),
                 id="empty-file"),
    pytest.param(Case("comments-only.yaml", "empty", "1:1: error",
                      ("only comments", "version: 1")),
                 id="comments-only"),
    pytest.param(Case("top-level-list.yaml", "not-a-mapping", "1:1: error",
                      ("a model is a mapping", "holds a list")),
                 id="top-level-list"),
    pytest.param(Case("top-level-scalar.yaml", "not-a-mapping", "1:1: error",
                      ("a model is a mapping", "'just some text'")),
                 id="top-level-scalar"),
    pytest.param(Case("two-documents.yaml", "multiple-documents", "5:1: error",
                      ("more than one YAML document", "---")),
                 id="two-documents"),
    pytest.param(Case("unknown-key.yaml", "unknown-key", "7:5: error",
                      ("unknown key 'tpye'", "did you mean 'type'?"),
                      also=("missing-key", "orphan")),
                 id="unknown-key-did-you-mean"),
    pytest.param(Case("bad-enum.yaml", "bad-value", "7:11: error",
                      ("'agnet' is not allowed", "did you mean 'agent'?"), also=("orphan",)),
                 id="bad-enum-did-you-mean"),
    pytest.param(Case("missing-required.yaml", "missing-key", "5:5: error",
                      ("components[0] (user)", "required key 'name'"), also=("orphan",)),
                 id="missing-required-key"),
    pytest.param(Case("wrong-type.yaml", "bad-type", "15:16: error",
                      ("flows[0] (f1).encrypted", "true or false", "'yes'")),
                 id="wrong-type-string-for-boolean"),
    pytest.param(Case("invalid-id.yaml", "bad-value", "5:9: error",
                      ("'My Agent' is not a valid id", "lowercase"), also=("orphan",)),
                 id="invalid-id"),
    pytest.param(Case("duplicate-id.yaml", "duplicate-id", "12:9: error",
                      ("id 'app'", "already used by a component at line 8")),
                 id="duplicate-id-component-and-flow"),
    pytest.param(Case("dangling-reference.yaml", "unknown-reference", "14:9: error",
                      ("flows[0].to", "'apps'", "did you mean 'app'?"), also=("orphan",)),
                 id="dangling-flow-reference"),
    pytest.param(Case("unknown-boundary.yaml", "unknown-reference", "12:15: error",
                      ("components[0].boundary", "no boundary", "'internet'")),
                 id="unknown-boundary"),
    pytest.param(Case("boundary-cycle.yaml", "boundary-cycle", "12:13: error",
                      ("cycle", "inner → outer → inner")),
                 id="boundary-cycle"),
    pytest.param(Case("misplaced-section.yaml", "misplaced-section", "11:5: error",
                      ("section 'store'", "'search' is a tool")),
                 id="store-section-on-a-tool"),
    pytest.param(Case("not-applicable-without-reason.yaml", "missing-key", "16:5: error",
                      ("controls[0]", "not-applicable, which needs a `reason`")),
                 id="not-applicable-without-reason"),
    pytest.param(Case("bad-finding-id.yaml", "bad-value", "16:14: error",
                      ("'llm01 on app' is not a finding id", "THREAT@target")),
                 id="invalid-accepted-risk-finding-id"),
    pytest.param(Case("impossible-date.yaml", "bad-value", "19:14: error",
                      ("'2027-02-30'", "not a real calendar date")),
                 id="impossible-date"),
    pytest.param(Case("above-size-limit.yaml", "too-large", "1:1: error",
                      ("larger than the 64-byte limit", "--max-size", "SCOPING_TUI_MAX_BYTES"),
                      max_bytes=64),
                 id="above-size-limit"),
    pytest.param(Case("huge-integer.yaml", "bad-number", "4:21: error",
                      ("the number '9999", "too large to read")),
                 id="huge-integer"),
    pytest.param(Case("nan-integer.yaml", "bad-type", "4:21: error",
                      ("system.generative_scope", "whole number", "not-a-number")),
                 id="nan-where-integer-goes"),
]

WARNINGS = [
    pytest.param(Case("orphan-component.yaml", "orphan", "11:5: warning",
                      ("component 'logs'", "no flows")),
                 id="orphan-component"),
    pytest.param(Case("agent-without-tools.yaml", "agent-without-tools", "11:5: warning",
                      ("agent 'bot'", "no tools")),
                 id="agent-with-empty-agent-section"),
    pytest.param(Case("agent-without-agent-section.yaml", "agent-without-tools", "8:5: warning",
                      ("agent 'bot'", "no `agent` section")),
                 id="agent-without-agent-section"),
    pytest.param(Case("self-flow.yaml", "self-flow", "15:5: warning",
                      ("flow 'loop'", "'app' to itself")),
                 id="self-flow"),
]


def check_case(case: Case) -> LoadResult:
    result = load_broken(case.file, max_bytes=case.max_bytes)
    report = shown(result.diagnostics)
    found = [d for d in result.diagnostics if d.code == case.code]
    assert len(found) == 1, report
    diagnostic = found[0]
    assert diagnostic.format().startswith(f"broken/{case.file}:{case.where}: "), report
    for words in case.says:
        assert words in diagnostic.message, report
    assert sorted(d.code for d in result.diagnostics) == sorted((case.code, *case.also)), report
    return result


@pytest.mark.parametrize("case", ERRORS)
def test_error_is_reported_at_its_line_and_column(case: Case) -> None:
    result = check_case(case)
    assert result.model is None
    assert not result.ok


@pytest.mark.parametrize("case", WARNINGS)
def test_warning_is_reported_and_model_still_loads(case: Case) -> None:
    result = check_case(case)
    assert not has_errors(result.diagnostics)
    assert all(d.severity is Severity.WARNING for d in result.diagnostics)
    assert result.model is not None
    assert result.ok


def test_several_problems_are_all_reported_sorted_by_line() -> None:
    result = load_broken("several-problems.yaml")
    report = shown(result.diagnostics)
    got = [(d.format().split(": ", 2)[0] + ": " + str(d.severity), d.code)
           for d in result.diagnostics]
    name = "broken/several-problems.yaml"
    assert got == [
        (f"{name}:4:10: error", "bad-value"),
        (f"{name}:9:5: error", "missing-key"),
        (f"{name}:10:5: error", "unknown-key"),
        (f"{name}:15:9: error", "unknown-reference"),
        (f"{name}:16:5: warning", "self-flow"),
    ], report
    messages = [d.message for d in result.diagnostics]
    assert "'prod' is not allowed" in messages[0]
    assert "required key 'name'" in messages[1]
    assert "did you mean 'name'?" in messages[2]
    assert "did you mean 'app'?" in messages[3]
    assert "'f2'" in messages[4]
    positions = [(d.line, d.column) for d in result.diagnostics]
    assert positions == sorted(positions)
    assert result.model is None


def test_size_limit_is_exact(tmp_path: Path) -> None:
    path = tmp_path / "model.yaml"
    path.write_bytes(VALID_MODEL.encode())
    size = len(VALID_MODEL.encode())
    at_limit = load_model(path, display="model.yaml", max_bytes=size)
    assert at_limit.ok, shown(at_limit.diagnostics)
    over = load_model(path, display="model.yaml", max_bytes=size - 1)
    assert [d.format() for d in over.diagnostics] == [
        f"model.yaml:1:1: error: file is larger than the {size - 1:,}-byte limit; raise it with "
        "--max-size or SCOPING_TUI_MAX_BYTES if the model really is this big"
    ]


BINARY = [
    # "  name: De" is 10 characters, so the NUL is column 11.
    pytest.param(b"version: 1\nsystem:\n  name: De\x00mo\n", "3:11: error", "binary",
                 ("NUL bytes",), id="nul-byte"),
    # "  name: Zoë" is 11 characters (12 bytes): the bad byte is column 12, offset 11+8+12=31.
    pytest.param("version: 1\nsystem:\n  name: Zoë".encode() + b"\xff\ncomponents: []\n",
                 "3:12: error", "encoding", ("not valid UTF-8", "0xff", "offset 31", "UTF-8"),
                 id="invalid-utf8"),
    pytest.param(b"\xc3version: 1\n", "1:1: error", "encoding", ("not valid UTF-8", "0xc3"),
                 id="invalid-utf8-first-byte"),
]


@pytest.mark.parametrize(("raw", "where", "code", "says"), BINARY)
def test_binary_input_is_refused_with_position(tmp_path: Path, raw: bytes, where: str,
                                               code: str, says: tuple[str, ...]) -> None:
    path = tmp_path / "model.yaml"
    path.write_bytes(raw)
    result = load_model(path, display="model.yaml")
    report = shown(result.diagnostics)
    assert len(result.diagnostics) == 1, report
    diagnostic = result.diagnostics[0]
    assert diagnostic.code == code
    assert diagnostic.format().startswith(f"model.yaml:{where}: "), report
    for words in says:
        assert words in diagnostic.message, report
    assert result.model is None


def test_utf16_file_is_refused_without_raising(tmp_path: Path) -> None:
    path = tmp_path / "model.yaml"
    path.write_bytes(VALID_MODEL.encode("utf-16"))
    result = load_model(path, display="model.yaml")
    assert result.model is None
    assert [d.code for d in result.diagnostics] == ["encoding"]
    assert result.diagnostics[0].format() == ("model.yaml:1:1: error: file is UTF-16; save it "
                                              "as UTF-8")


ENCODINGS = [
    pytest.param(b"\xef\xbb\xbf", "\n", id="utf8-bom"),
    pytest.param(b"", "\r\n", id="crlf"),
    pytest.param(b"\xef\xbb\xbf", "\r\n", id="utf8-bom-and-crlf"),
]


@pytest.mark.parametrize(("bom", "newline"), ENCODINGS)
def test_bom_and_crlf_valid_model_loads(tmp_path: Path, bom: bytes, newline: str) -> None:
    path = tmp_path / "model.yaml"
    path.write_bytes(bom + VALID_MODEL.replace("\n", newline).encode())
    result = load_model(path, display="model.yaml")
    assert result.diagnostics == (), shown(result.diagnostics)
    assert result.ok
    assert result.model is not None
    assert result.model.system.name == "Demo"
    assert [c.id for c in result.model.components] == ["user", "app"]


@pytest.mark.parametrize(("bom", "newline"), ENCODINGS)
def test_bom_and_crlf_do_not_shift_positions(tmp_path: Path, bom: bytes, newline: str) -> None:
    text = (BROKEN / "dangling-reference.yaml").read_text(encoding="utf-8")
    path = tmp_path / "dangling-reference.yaml"
    path.write_bytes(bom + text.replace("\n", newline).encode())
    result = load_model(path, display="model.yaml")
    errors = [d.format() for d in result.diagnostics if d.code == "unknown-reference"]
    assert len(errors) == 1
    assert errors[0].startswith("model.yaml:14:9: error: flows[0].to: no component has the id "
                                "'apps'; did you mean 'app'?")


def test_missing_file_and_directory_are_diagnostics(tmp_path: Path) -> None:
    missing = load_model(tmp_path / "nope.yaml", display="nope.yaml")
    assert [d.format() for d in missing.diagnostics] == ["nope.yaml:1:1: error: file not found"]
    folder = load_model(tmp_path, display="dir")
    assert [d.code for d in folder.diagnostics] == ["unreadable"]
    assert folder.diagnostics[0].format().startswith("dir:1:1: error: is a directory")


KNOWN_RAISING: dict[str, str] = {}


@pytest.mark.parametrize("name", [
    pytest.param(path.name, id=path.stem,
                 marks=[pytest.mark.xfail(strict=True, raises=ValueError,
                                          reason=KNOWN_RAISING[path.name])]
                 if path.name in KNOWN_RAISING else [])
    for path in sorted(BROKEN.glob("*.yaml"))
])
def test_no_broken_file_raises(name: str) -> None:
    text = (BROKEN / name).read_text(encoding="utf-8")
    line_count = len(text.splitlines())
    for result in (load_broken(name), load_text(text, f"broken/{name}")):
        for diagnostic in result.diagnostics:
            assert diagnostic.file == f"broken/{name}"
            assert 1 <= diagnostic.line <= line_count + 1
            assert diagnostic.column >= 1


# Bugs found while writing these tests: each test states the behaviour that is expected.


def test_huge_hex_integer_is_a_diagnostic() -> None:
    result = load_broken("huge-hex-integer.yaml")
    assert [d.code for d in result.diagnostics] == ["bad-number"]
    assert result.diagnostics[0].format().startswith(
        "broken/huge-hex-integer.yaml:4:21: error: the number '0xffff")


HUGE_NUMBER_FORMS = [
    pytest.param("0b" + "1" * 15000, id="binary"),
    pytest.param("0" + "7" * 6000, id="octal"),
    pytest.param("0x" + "f" * 6000, id="hex"),
    pytest.param("-" + "9" * 6000, id="decimal"),
    pytest.param("1_" * 3000 + "1", id="underscores"),
]
# Base-60 numbers (`1:59:59`) are text: see test_loader_numbers.py.


@pytest.mark.parametrize("number", HUGE_NUMBER_FORMS)
def test_huge_integer_in_any_form_is_a_diagnostic(number: str) -> None:
    text = f"version: 1\nsystem:\n  name: Demo\n  generative_scope: {number}\ncomponents: []\n"
    result = load_text(text, "model.yaml")
    assert [d.code for d in result.diagnostics] == ["bad-number"]
    assert result.diagnostics[0].format().startswith("model.yaml:4:21: error: ")


def test_long_integer_message_stays_short() -> None:
    result = load_broken("long-integer.yaml")
    assert [d.code for d in result.diagnostics] == ["bad-number"]
    diagnostic = result.diagnostics[0]
    assert diagnostic.format().startswith("broken/long-integer.yaml:4:21: error: "
                                          "the number '9999")
    assert len(diagnostic.message) < 200


def test_explicit_key_overrides_merged_key() -> None:
    result = load_broken("merge-key-override.yaml")
    assert result.diagnostics == (), shown(result.diagnostics)
    assert result.model is not None
    app = result.model.components[1]
    assert (app.id, app.name, app.type) == ("app", "App", "service")


NON_PRINTABLE = [
    pytest.param("\x01", "#x0001", id="control-x01"),
    pytest.param("\x7f", "#x007f", id="delete-x7f"),
    pytest.param("\ufffe", "#xfffe", id="noncharacter-ufffe"),
]


def non_printable_model(tmp_path: Path, char: str) -> LoadResult:
    # "  name: De" is 10 characters, so the bad character is line 3, column 11.
    path = tmp_path / "model.yaml"
    path.write_bytes(f"version: 1\nsystem:\n  name: De{char}mo\ncomponents: []\n".encode())
    return load_model(path, display="model.yaml")


@pytest.mark.parametrize(("char", "code_point"), NON_PRINTABLE)
def test_non_printable_character_is_a_syntax_error(tmp_path: Path, char: str,
                                                   code_point: str) -> None:
    result = non_printable_model(tmp_path, char)
    assert [d.code for d in result.diagnostics] == ["yaml-syntax"]
    assert result.model is None


@pytest.mark.parametrize(("char", "code_point"), NON_PRINTABLE)
def test_non_printable_character_is_not_called_a_tab(tmp_path: Path, char: str,
                                                     code_point: str) -> None:
    result = non_printable_model(tmp_path, char)
    message = result.diagnostics[0].message
    assert "tab" not in message
    assert code_point in message


@pytest.mark.parametrize(("char", "code_point"), NON_PRINTABLE)
def test_non_printable_character_position(tmp_path: Path, char: str, code_point: str) -> None:
    result = non_printable_model(tmp_path, char)
    assert result.diagnostics[0].format().startswith("model.yaml:3:11: error: ")


@pytest.mark.skipif(not getattr(yaml, "__with_libyaml__", False), reason="needs libyaml")
def test_libyaml_event_parser_reads_plain_scalars(monkeypatch: pytest.MonkeyPatch) -> None:
    from yaml.cyaml import CParser

    monkeypatch.setattr(load, "_EventParser", CParser)
    result = load_text(VALID_MODEL, "model.yaml")
    assert result.diagnostics == (), shown(result.diagnostics)


# A misspelling is one error: the checks that depend on the misspelled value stay quiet.


@pytest.mark.parametrize(("old", "new", "says"), [
    # The component keeps its `agent:` section: it is not also "misplaced".
    ("type: agent\n", "type: agnet\n", "'agnet' is not allowed; did you mean 'agent'?"),
    # The agent's tool grant is not also "a tol, expected a tool".
    ("type: tool\n", "type: tol\n", "'tol' is not allowed; did you mean 'tool'?"),
    # Not also "expected a whole number".
    ("version: 1\n", "version: one\n", "version: 'one' is not allowed (expected one of: 1)"),
])
def test_a_misspelled_value_is_exactly_one_error(tmp_path: Path, old: str, new: str,
                                                 says: str) -> None:
    text = (Path(__file__).parent.parent / "samples" / "ops-agent.yaml").read_text(
        encoding="utf-8")
    assert old in text
    path = tmp_path / "ops-agent.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = load_model(path, display="ops-agent.yaml")
    report = shown(result.diagnostics)
    assert len(result.diagnostics) == 1, report
    diagnostic = result.diagnostics[0]
    assert says in diagnostic.message, report
    assert diagnostic.line == text[:text.index(old)].count("\n") + 1, report
