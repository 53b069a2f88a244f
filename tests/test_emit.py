"""The one emitter for new YAML (model/emit.py), used by the guided start and by imports: what
it writes reads back as exactly the values given, no character that could hide what a line
says is written raw, and long or multi-line text stays readable."""

from __future__ import annotations

import re
from typing import Any

import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from scoping_tui.model.emit import Field, Item, emit_fields, emit_items, text_of, to_fields

UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")

TRICKY = ["yes", "no", "on", "null", "~", "0.5", "1e3", "0x1F", "12:30", "2026-12-04", "#x",
          "a #b", "key: value", "- item", "[x]", "{x}", "*alias", "&anchor", "!tag", "'q'",
          '"q"', " lead", "trail ", "tab\there", "line\nbreak", "two\n\nparas\n",
          "esc\x1bape", "bidi\u202eflip", "iso\u2066late", "nul\x00", "bom\ufeff",
          "read-only self-hosted model-api", "é ü 中文 emoji 🙂", "a" * 300,
          " ".join(["word"] * 60), "ends with colon:", "%percent", "@at", "`tick`"]


def emitted(fields: list[Field]) -> str:
    lines = ["version: 1", "", "system:"]
    emit_fields(lines, fields, 2)
    return text_of(lines)


def read_back(text: str) -> Any:
    return yaml.safe_load(text)["system"]


def test_tricky_scalars_read_back_exactly_and_nothing_unsafe_is_raw() -> None:
    fields = [Field(f"k{n}", value) for n, value in enumerate(TRICKY)]
    text = emitted(fields)
    assert read_back(text) == {f"k{n}": value for n, value in enumerate(TRICKY)}
    assert not UNSAFE.search(text.replace("\n", "")), "an unsafe character was written raw"


def test_long_text_is_folded_and_lines_stay_short() -> None:
    prose = " ".join(["a well-known self-hosted model"] * 12)
    text = emitted([Field("description", prose)])
    assert "description: >-" in text
    assert max(len(line) for line in text.splitlines()) <= 100
    assert read_back(text)["description"] == prose


def test_several_lines_become_a_literal_block() -> None:
    text = emitted([Field("description", "First line.\nSecond line.\n")])
    assert "description: |\n    First line.\n    Second line.\n" in text
    assert read_back(text)["description"] == "First line.\nSecond line.\n"


def test_nested_mappings_lists_and_comments() -> None:
    lines: list[str] = []
    agent = {"model": "llm", "tools": [{"tool": "search", "permissions": ["read"]}],
             "memory": ["notes"], "limits": {}}
    component = {"id": "bot", "name": "Bot", "type": "agent", "agent": agent,
                 "rules": [{"when": {"over": 100}, "then": "ask"}], "tags": []}
    item = Item([Field("note", "x", note="a note"), *to_fields(component)],
                above=("# decide: who owns it",))
    emit_items(lines, "components", [item], gap=False)
    text = text_of(lines)
    assert "  # decide: who owns it\n  - note: x   # a note\n" in text
    assert "      tools:\n        - {tool: search, permissions: [read]}\n" in text
    loaded = yaml.safe_load(text)["components"][0]
    assert loaded == {"note": "x", **component}


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.from_regex(r"[a-z][a-z_]{0,8}", fullmatch=True),
                       st.one_of(st.text(max_size=200), st.integers(), st.booleans(),
                                 st.lists(st.text(max_size=30), max_size=4)),
                       max_size=6))
@example({"a": "\n"})   # only a line break: a literal block would read back as ""
@example({"on": ""})    # a key YAML 1.1 reads as a boolean
def test_any_values_read_back_exactly(values: dict[str, Any]) -> None:
    text = emitted(to_fields(values))
    assert (yaml.safe_load(text).get("system") or {}) == values
    assert not UNSAFE.search(text.replace("\n", ""))
