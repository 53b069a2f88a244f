"""An explicit tag on any scalar is read strictly, or refused with the file, line and column.

`!!bool customer`, `!!float ""`, `!!int ""` and `!!int "-"` were KeyError and IndexError
tracebacks with exit code 1 (which CI reads as "findings") on every command, on import and when
opening the UI. A value must fit its tag; object-constructing and unknown tags are refused.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoping_tui.cli.entry import main
from scoping_tui.model.diagnostics import Severity
from scoping_tui.model.load import Document, LoadFailure, parse
from scoping_tui.model.validate import load_text
from scoping_tui.tui.screens.main import MainScreen
from tests.tui.conftest import app_for, settle

SETTINGS = settings(derandomize=True, max_examples=500, deadline=None)

STANDARD = ["str", "int", "float", "bool", "null", "timestamp", "binary", "set", "omap",
            "pairs", "map", "seq", "merge", "value", "yaml"]
TAGS = [
    *(f"!!{name}" for name in STANDARD),
    *(f"!<tag:yaml.org,2002:{name}>" for name in STANDARD),
    "!!python/object/apply:os.system", "!!python/object/new:os.system", "!!python/name:os.system",
    "!!python/module:os", "!!python/none", "!!python/str", "!!python/tuple", "!!python/bytes",
    "!foo", "!include", "!<!bar>", "!<tag:example.com,2024:thing>", "!!unknown",
]
"""Tags a model may carry, as written. (`!` alone is the non-specific tag, read as usual.)"""
KIND = {"str": str, "int": int, "float": float, "bool": bool, "null": type(None),
        "timestamp": str}
"""The Python type a value of each accepted tag becomes; every other tag is refused."""

ODD = ["", "customer", "-", "+", ".", "_", "0", "-0", "+1", "12", "1_000", "0x1f", "0x_", "0b",
       "0b101", "0o17", "017", "08", "1:30", "1:1:1.5", "1e5", "1.5", "-.inf", ".NaN", "nan",
       "yes", "No", "TRUE", "tRUE", "~", "null", "NULL", "None", "2027-03-31", "2027-02-30",
       "2027-03-31T10:00:00Z", "2027-3-1", " 12", "12 ", "  spaced  ", "é", "\u202e", "日本",
       "<<", "=", "9" * 400, "0x" + "f" * 400, "1" + ":1" * 500, "'", '"', "\\", "#", "a: b"]
scalars = st.one_of(st.sampled_from(ODD),
                    st.text(alphabet=st.characters(categories=["L", "N", "P", "S", "Zs"]),
                            max_size=20))

PLAIN_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.+\-~:]*")


def written(value: str, style: str) -> str:
    """``value`` as a YAML scalar in one of three styles (plain only when that is the same)."""
    if style == "plain" and (PLAIN_SAFE.fullmatch(value) or value == ""):
        return value
    if style == "single":
        return "'" + value.replace("'", "''") + "'"
    return json.dumps(value, ensure_ascii=False)


def check(text: str, line: int, column: int, tag: str) -> Document | LoadFailure:
    parsed = parse(text, "model.yaml")
    assert isinstance(parsed, Document | LoadFailure)
    if isinstance(parsed, LoadFailure):
        assert parsed.diagnostics
        for diagnostic in parsed.diagnostics:
            assert diagnostic.severity is Severity.ERROR
            assert diagnostic.line >= 1 and diagnostic.column >= 1
            if diagnostic.code != "yaml-syntax":
                # Pointing at the tagged scalar, where the tag starts.
                assert (diagnostic.line, diagnostic.column) == (line, column), diagnostic
                assert diagnostic.code in ("bad-tag-value", "forbidden-tag", "bad-number")
    # The same text through validation: never raises, always a located answer.
    result = load_text(text, "model.yaml")
    assert all(d.line >= 1 and d.column >= 1 for d in result.diagnostics)
    return parsed


def standard_name(tag: str) -> str | None:
    for prefix, suffix in (("!!", ""), ("!<tag:yaml.org,2002:", ">")):
        if tag.startswith(prefix) and tag.endswith(suffix):
            return tag[len(prefix):len(tag) - len(suffix)]
    return None


@SETTINGS
@given(st.sampled_from(TAGS), scalars, st.sampled_from(["plain", "single", "double"]))
def test_a_tagged_value_is_read_as_its_tag_or_refused_where_it_is(tag: str, value: str,
                                                                  style: str) -> None:
    text = f"version: 1\nsystem:\n  name: {tag} {written(value, style)}\n"
    parsed = check(text, 3, 9, tag)
    if isinstance(parsed, Document):
        name = standard_name(tag)
        assert name in KIND, f"{tag} was accepted"
        read = parsed.data["system"]["name"]
        assert type(read) is KIND[name], (tag, value, read)
        if name in ("str", "timestamp"):
            assert read == value


@SETTINGS
@given(st.sampled_from(TAGS), scalars, st.sampled_from(["plain", "single", "double"]))
def test_a_tagged_key_is_refused_where_it_is_or_read_as_written(tag: str, value: str,
                                                                style: str) -> None:
    text = f"version: 1\nsystem:\n  {tag} {written(value, style)}: x\n"
    parsed = check(text, 3, 3, tag)
    if isinstance(parsed, Document):
        assert standard_name(tag) in KIND, f"{tag} was accepted on a key"
        assert list(parsed.data["system"]) == [value]  # keys are the text as written


@SETTINGS
@given(st.sampled_from(TAGS), st.sampled_from(["[a, b]", "{a: b}", "[]", "{}"]))
def test_a_tagged_collection_is_read_as_its_tag_or_refused_where_it_is(tag: str,
                                                                       value: str) -> None:
    text = f"version: 1\nsystem:\n  name: {tag} {value}\n"
    parsed = check(text, 3, 9, tag)
    if isinstance(parsed, Document):
        expected = "seq" if value.startswith("[") else "map"
        assert standard_name(tag) == expected, f"{tag} was accepted on {value}"


@pytest.mark.parametrize(("written_value", "says"), [
    ("!!bool customer", "'customer' is not a valid !!bool (true or false)"),
    ('!!float ""', "an empty value is not a valid !!float"),
    ('!!int ""', "an empty value is not a valid !!int"),
    ('!!int "-"', "'-' is not a valid !!int"),
    ("!!int 1:30", "'1:30' is not a valid !!int (base-60 numbers such as 1:30 are not read"),
    ("!!null customer", "'customer' is not a valid !!null"),
    ("!!timestamp soon", "'soon' is not a valid !!timestamp (a date such as 2027-03-31)"),
    ("!!seq customer", "the single value 'customer' is not a valid !!seq (a list)"),
    ("!!str [a]", "a list is not a valid !!str"),
    ("!!seq {a: b}", "a mapping is not a valid !!seq"),
])
def test_a_value_that_does_not_fit_its_tag_says_so(written_value: str, says: str) -> None:
    parsed = parse(f"version: 1\nsystem:\n  name: {written_value}\n", "model.yaml")
    assert isinstance(parsed, LoadFailure)
    assert [d.code for d in parsed.diagnostics] == ["bad-tag-value"]
    assert parsed.diagnostics[0].format().startswith(f"model.yaml:3:9: error: {says}")


@pytest.mark.parametrize(("written_value", "value"), [
    ("!!bool yes", True), ("!!bool False", False), ("!!int 0x1f", 31), ("!!int '-12'", -12),
    ("!!float 1", 1.0), ("!!float 1e5", 100000.0), ('!!float "-.inf"', float("-inf")),
    ("!!null ~", None), ("!!null", None), ("!!str 12", "12"), ("!!str", ""),
    ("!!timestamp 2027-03-31", "2027-03-31"), ("!<tag:yaml.org,2002:int> 7", 7), ("! 12", 12),
])
def test_a_value_that_fits_its_tag_is_read(written_value: str, value: Any) -> None:
    parsed = parse(f"v: {written_value}\n", "model.yaml")
    assert isinstance(parsed, Document), parsed
    assert parsed.data["v"] == value and type(parsed.data["v"]) is type(value)


# -- through the real commands and the UI ------------------------------------------------------

BAD_TAGS = ["!!bool customer", '!!float ""', '!!int ""', '!!int "-"']
MODEL = """\
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
    encrypted: {value}
"""


@pytest.fixture(params=BAD_TAGS)
def tagged_model(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    path = tmp_path / "model.yaml"
    path.write_text(MODEL.format(value=request.param), encoding="utf-8")
    return path


@pytest.mark.parametrize("command", [
    ["validate"], ["analyze", "--as-of", "2026-06-01"], ["check", "--as-of", "2026-06-01"],
    ["import", "--from", "threagile"], ["import"],
])
def test_every_command_refuses_a_bad_tag_with_its_position(
        tagged_model: Path, command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code = main([*command, str(tagged_model)])
    captured = capsys.readouterr()
    output = captured.out + captured.err
    assert code == 2, output
    assert f"{tagged_model}:15:16: error: " in output, output
    assert "is not a valid !!" in output
    assert "Traceback" not in output


async def test_the_ui_opens_a_bad_tag_read_only_with_its_position(tagged_model: Path) -> None:
    app = app_for(tagged_model)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.workspace is not None and app.workspace.editable is None
        assert app.workspace.edit_error is not None
        assert "is not a valid !!" in app.workspace.edit_error
        assert "(line 15, column 16)" in app.workspace.edit_error
        assert app.analysis is not None
        assert [(d.line, d.column, d.code) for d in app.analysis.diagnostics] == [
            (15, 16, "bad-tag-value")]


def test_dates_keep_their_text_under_a_timestamp_tag() -> None:
    parsed = parse("v: !!timestamp 2027-03-31 10:00:00 +02:00\n", "model.yaml")
    assert isinstance(parsed, Document)
    assert parsed.data["v"] == "2027-03-31 10:00:00 +02:00"
    assert not isinstance(parsed.data["v"], dt.date)
