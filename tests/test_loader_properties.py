"""Property tests: no input makes the loader raise, and every problem has a sane position."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from scoping_tui.model.diagnostics import Diagnostic, Severity, has_errors
from scoping_tui.model.load import Document, LoadFailure, decode, parse
from scoping_tui.model.validate import LoadResult, load_model, load_text

SETTINGS = settings(derandomize=True, max_examples=300, deadline=None)

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

RICH_MODEL = """\
version: 1
system:
  name: Support assistant
  phase: production
  generative_scope: 3
  agentic_scope: 3
  tags: [support, "rag"]
boundaries:
  - id: internet
    name: Internet
    kind: internet
  - id: cloud
    name: Cloud account
    kind: cloud-account
  - id: vpc
    name: VPC
    kind: vpc
    parent: cloud
components:
  - id: customer
    name: Customer
    type: user
    boundary: internet
  - id: bot
    name: Support bot
    type: agent
    boundary: vpc
    agent:
      model: llm
      tools:
        - tool: tickets
          permissions: [read, write]
      approval: high-risk
      triggers: [user]
      memory: [history]
  - id: llm
    name: Model
    type: foundation-model
    hosting: managed-api
    boundary: cloud
  - id: tickets
    name: Ticket API
    type: tool
    boundary: vpc
    tool:
      authentication: oauth
      side_effects: [read, write]
  - id: history
    name: History
    type: memory
    boundary: vpc
    store:
      encrypted_at_rest: true
      persistence: session
flows:
  - id: ask
    from: customer
    to: bot
    data: [pii, untrusted-content]
    protocol: https
    encrypted: true
  - id: infer
    from: bot
    to: llm
controls:
  - control: GUARD-INPUT-FILTER
    status: implemented
    targets: [bot]
  - control: LOG-AUDIT
    status: not-applicable
    reason: No audit requirement yet
accepted_risks:
  - finding: LLM01-DIRECT-INJECTION@bot
    owner: Security team
    reason: Internal pilot only
    expires: "2027-01-31"
"""

MODELS = [VALID_MODEL, RICH_MODEL]


def line_count(text: str) -> int:
    # splitlines() breaks on every character YAML treats as a line break (and a few more).
    return len(text.splitlines())


def check_positions(diagnostics: tuple[Diagnostic, ...], text: str | None = None) -> None:
    for diagnostic in diagnostics:
        assert diagnostic.line >= 1, diagnostic
        assert diagnostic.column >= 1, diagnostic
        if text is not None:
            assert diagnostic.line <= line_count(text) + 1, diagnostic
        assert diagnostic.format().startswith(
            f"{diagnostic.file}:{diagnostic.line}:{diagnostic.column}: {diagnostic.severity}: ")


def check_parsed(parsed: Document | LoadFailure, text: str) -> None:
    if isinstance(parsed, Document):
        assert parsed.text == text
        return
    assert isinstance(parsed, LoadFailure)
    assert parsed.diagnostics
    assert any(d.severity is Severity.ERROR for d in parsed.diagnostics)
    check_positions(parsed.diagnostics, text)


def check_result(result: LoadResult, text: str) -> None:
    assert isinstance(result, LoadResult)
    assert result.document is not None or has_errors(result.diagnostics)
    if result.model is None:
        assert has_errors(result.diagnostics)
    check_positions(result.diagnostics, text)
    assert all(d.file == "model.yaml" for d in result.diagnostics)
    keys = [d.sort_key() for d in result.diagnostics]
    assert keys == sorted(keys)


def test_fixture_models_are_valid() -> None:
    for text in MODELS:
        result = load_text(text, "model.yaml")
        assert result.ok
        assert result.diagnostics == ()


# YAML-looking text finds the interesting paths far more often than uniform text does.
yaml_ish = st.text(
    alphabet=st.sampled_from([*"ab1: -[]{}#&*!|>'\"?,.\n\t\r~%@`\\", "\ufeff", "é", "\x85"]),
    max_size=200,
)
any_text = st.one_of(st.text(max_size=300), yaml_ish)


@SETTINGS
@given(any_text)
def test_parse_any_text_never_raises(text: str) -> None:
    check_parsed(parse(text, "model.yaml"), text)


@SETTINGS
@given(st.binary(max_size=300))
def test_decode_any_bytes_never_raises(raw: bytes) -> None:
    decoded = decode(raw, "model.yaml")
    if isinstance(decoded, str):
        check_parsed(parse(decoded, "model.yaml"), decoded)
        check_result(load_text(decoded, "model.yaml"), decoded)
        return
    assert isinstance(decoded, LoadFailure)
    assert [d.severity for d in decoded.diagnostics] == [Severity.ERROR]
    check_positions(decoded.diagnostics, raw.decode("utf-8", errors="replace"))


@SETTINGS
@given(st.binary(max_size=300))
def test_load_model_any_file_never_raises(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.yaml"
        path.write_bytes(raw)
        result = load_model(path, display="model.yaml")
    check_result(result, raw.decode("utf-8", errors="replace"))


@SETTINGS
@given(any_text)
def test_load_text_any_text_never_raises(text: str) -> None:
    check_result(load_text(text, "model.yaml"), text)


@SETTINGS
@given(st.sampled_from(MODELS), st.text(max_size=40), st.integers(min_value=0))
def test_load_text_with_text_inserted_never_raises(model: str, inserted: str, where: int) -> None:
    cut = where % (len(model) + 1)
    text = model[:cut] + inserted + model[cut:]
    check_result(load_text(text, "model.yaml"), text)


def delete_line(text: str, index: int, _: int) -> str:
    lines = text.splitlines(keepends=True)
    del lines[index % len(lines)]
    return "".join(lines)


def duplicate_line(text: str, index: int, _: int) -> str:
    lines = text.splitlines(keepends=True)
    at = index % len(lines)
    lines.insert(at, lines[at])
    return "".join(lines)


def swap_characters(text: str, first: int, second: int) -> str:
    chars = list(text)
    i, j = first % len(chars), second % len(chars)
    chars[i], chars[j] = chars[j], chars[i]
    return "".join(chars)


def swap_adjacent(text: str, index: int, _: int) -> str:
    i = index % (len(text) - 1)
    return swap_characters(text, i, i + 1)


def insert_tab(text: str, index: int, _: int) -> str:
    at = index % (len(text) + 1)
    return text[:at] + "\t" + text[at:]


def tab_indent_line(text: str, index: int, _: int) -> str:
    lines = text.splitlines(keepends=True)
    at = index % len(lines)
    lines[at] = "\t" + lines[at].lstrip(" ")
    return "".join(lines)


MUTATIONS = [delete_line, duplicate_line, swap_characters, swap_adjacent, insert_tab,
             tab_indent_line]

mutation = st.tuples(st.sampled_from(MUTATIONS), st.integers(min_value=0),
                     st.integers(min_value=0))


@SETTINGS
@given(st.sampled_from(MODELS), st.lists(mutation, min_size=1, max_size=3))
def test_mutated_model_never_raises(model: str, mutations: list) -> None:
    text = model
    for mutate, first, second in mutations:
        text = mutate(text, first, second)
    result = load_text(text, "model.yaml")
    check_result(result, text)
    for diagnostic in result.diagnostics:
        assert diagnostic.line <= line_count(text) + 1


@SETTINGS
@given(st.sampled_from(MODELS), mutation)
def test_single_mutation_positions_stay_in_file(model: str, change: tuple) -> None:
    mutate, first, second = change
    text = mutate(model, first, second)
    result = load_text(text, "model.yaml")
    check_result(result, text)
    if text == model:
        assert result.ok
