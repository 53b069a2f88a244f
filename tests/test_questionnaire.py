"""The guided start: every combination of answers gives a valid model at the intended scopes."""

from __future__ import annotations

import dataclasses
import itertools
from typing import Any, get_args

import pytest

from scoping_tui.editing.edit import EditableModel
from scoping_tui.editing.questionnaire import (
    QUESTIONS,
    QUESTIONS_BY_ID,
    Agency,
    Answers,
    Approval,
    Ownership,
    ToolKind,
    Trigger,
    Users,
    build_model,
)
from scoping_tui.engine.scope import agentic_scope, generative_scope, scope_mismatches
from scoping_tui.model.types import SystemModel
from scoping_tui.model.validate import load_text
from scoping_tui.util.locations import model_schema_path

# What the answers imply, written out from the two AWS matrices rather than taken from the
# code under test.
EXPECTED_GENERATIVE = {"consumer-app": 1, "enterprise-app": 2, "model-api": 3, "fine-tuned": 4,
                       "self-trained": 5}


def expected_agentic(agency: str, approval: str, trigger: str) -> int:
    if agency in ("none", "read-only"):
        return 1
    if approval == "every-action":
        return 2
    return {"person": 3, "event": 4}[trigger]


TOOL_SETS: list[frozenset[ToolKind]] = [
    frozenset({"write-data"}),
    frozenset({"read-data", "write-data", "run-code", "move-money", "send-messages"}),
    frozenset({"send-messages"}),
    frozenset({"run-code", "read-data"}),
    frozenset({"move-money"}),
    frozenset({"read-data"}),  # nothing that acts: writing data is assumed
]
COMBINATIONS = list(itertools.product(
    get_args(Ownership), get_args(Agency), get_args(Approval), get_args(Trigger),
    (False, True), get_args(Users)))


def load(text: str) -> SystemModel:
    result = load_text(text, "new.yaml", checks=[scope_mismatches])
    assert result.model is not None, [d.format() for d in result.diagnostics]
    assert result.diagnostics == (), [d.format() for d in result.diagnostics]
    return result.model


@pytest.mark.parametrize(("ownership", "agency", "approval", "trigger", "rag", "users"),
                         COMBINATIONS, ids=["-".join(map(str, c)) for c in COMBINATIONS])
def test_every_combination_is_valid_at_the_intended_scopes(
        ownership: Ownership, agency: Agency, approval: Approval, trigger: Trigger, rag: bool,
        users: Users) -> None:
    tools = TOOL_SETS[COMBINATIONS.index((ownership, agency, approval, trigger, rag, users))
                      % len(TOOL_SETS)]
    answers = Answers(name="Scoped system", ownership=ownership, agency=agency,
                      approval=approval, trigger=trigger, rag=rag, users=users, tools=tools)
    text = build_model(answers)

    model = load(text)  # no errors and no warnings, scope mismatches included

    gen, agentic = generative_scope(model), agentic_scope(model)
    assert gen.value == EXPECTED_GENERATIVE[ownership] == model.system.generative_scope
    assert agentic.value == expected_agentic(agency, approval, trigger) \
        == model.system.agentic_scope
    assert (answers.generative_scope, answers.agentic_scope) == (gen.value, agentic.value)
    types = {component.type for component in model.components}
    assert ("genai-app" in types) == (ownership in ("consumer-app", "enterprise-app"))
    assert ("training-pipeline" in types) == (ownership in ("fine-tuned", "self-trained"))
    assert ("vector-store" in types) == rag
    assert ("agent" in types) == (agency != "none")
    # No security fact is asserted by default: what the review asks stays unstated.
    for component in model.components:
        if component.store is not None:
            assert (component.store.multi_tenant, component.store.encrypted_at_rest) == \
                (None, None), component.id
    assert all(flow.authenticated is None and flow.encrypted is None for flow in model.flows)


def test_header_points_at_the_schema_and_the_file_is_commented() -> None:
    text = build_model(Answers())
    lines = text.splitlines()
    assert lines[0] == f"# yaml-language-server: $schema={model_schema_path().as_posix()}"
    assert sum(line.lstrip().startswith("#") for line in lines) >= 8
    assert any("#" in line and not line.lstrip().startswith("#") for line in lines)
    assert all(len(line) <= 100 for line in lines)
    assert build_model(Answers(), schema_ref="../schemas/x.json").startswith(
        "# yaml-language-server: $schema=../schemas/x.json\n")


@pytest.mark.parametrize("answers", [
    Answers(),
    Answers(ownership="fine-tuned", agency="acts", tools=frozenset(get_args(ToolKind)),
            trigger="event", rag=True, users="public"),
    Answers(ownership="enterprise-app", agency="acts", approval="every-action", rag=True),
])
def test_the_starting_model_is_editable_without_noise(answers: Answers) -> None:
    """Written the way ruamel would write it, so the first edit's diff is one line."""
    text = build_model(answers)
    model = EditableModel.from_text(text)
    assert model.text() == text
    model.set_value(("system", "phase"), "production")
    before, after = text.splitlines(), model.text().splitlines()
    assert [a for a, b in zip(before, after, strict=True) if a != b] == ["  phase: prototype"]


def test_tools_follow_the_answers() -> None:
    answers = Answers(agency="acts", tools=frozenset({"run-code", "move-money",
                                                      "send-messages"}))
    model = load(build_model(answers))
    agent = next(c for c in model.components if c.agent is not None)
    assert agent.agent is not None
    granted = {p for grant in agent.agent.tools for p in grant.permissions}
    assert granted == {"execute", "financial", "external-communication"}
    assert agent.agent.runs_generated_code is True

    read_only = load(build_model(Answers(agency="read-only", rag=True,
                                         tools=frozenset({"move-money"}))))
    agent = next(c for c in read_only.components if c.agent is not None)
    assert agent.agent is not None
    assert {p for grant in agent.agent.tools for p in grant.permissions} == {"read"}
    assert agent.agent.approval == "none"


@pytest.mark.parametrize("name", [
    "Claims: triage \"v2\" # pilot",
    "no",
    "2027-01-01",
    "  Padded name  ",
    "Zürich café — 日本語",
    "Line one\nline two",
    "Tab\tand backslash \\",
    "- starts like a list item",
    "x" * 200,
])
def test_any_name_round_trips(name: str) -> None:
    model = load(build_model(Answers(name=name)))
    assert model.system.name == name.strip()


@pytest.mark.parametrize(("changes", "message"), [
    ({"name": ""}, "needs a name"),
    ({"name": "   "}, "needs a name"),
    ({"name": "x" * 201}, "at most 200"),
    ({"ownership": "rented"}, "ownership"),
    ({"agency": "some"}, "agency"),
    ({"tools": frozenset({"teleport"})}, "tools"),
    ({"approval": "maybe"}, "approval"),
    ({"trigger": "moon"}, "trigger"),
    ({"users": "robots"}, "users"),
    ({"phase": "done"}, "phase"),
])
def test_bad_answers_are_refused(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Answers(**changes)


def test_questions_describe_every_answer() -> None:
    fields = {field.name: field for field in dataclasses.fields(Answers)}
    assert [q.id for q in QUESTIONS] == list(fields)
    literal_of = {"phase": None, "ownership": Ownership, "users": Users, "agency": Agency,
                  "tools": ToolKind, "approval": Approval, "trigger": Trigger}
    defaults = Answers().as_mapping()
    for question in QUESTIONS:
        assert question.text.endswith("?")
        if question.kind in ("single", "multiple"):
            assert len(question.choices) >= 2
            assert all(choice.label for choice in question.choices)
            expected = literal_of[question.id]
            if expected is not None:
                assert set(question.values) == set(get_args(expected))
        if question.kind == "yes-no":
            assert question.values == ("yes", "no")
        default = question.default
        assert default == defaults[question.id] or (
            isinstance(default, tuple) and tuple(sorted(default)) == defaults[question.id])
    ownership = QUESTIONS_BY_ID["ownership"]
    assert [c.value for c in ownership.choices] == list(EXPECTED_GENERATIVE)


def test_follow_up_questions_apply_only_when_relevant() -> None:
    tools, approval, trigger = (QUESTIONS_BY_ID[q] for q in ("tools", "approval", "trigger"))
    assert not tools.applies({"agency": "none"}) and not trigger.applies({"agency": "none"})
    assert not approval.applies({"agency": "read-only"})
    assert trigger.applies({"agency": "read-only"})
    assert all(q.applies(Answers(agency="acts")) for q in (tools, approval, trigger))
    assert QUESTIONS_BY_ID["name"].applies({})


def test_answers_from_a_ui_mapping() -> None:
    answers = Answers.from_mapping({
        "name": "From the UI", "ownership": "self-trained", "rag": "yes", "agency": "acts",
        "tools": ["move-money", "send-messages"], "approval": "every-action",
        "trigger": "event", "users": "public", "phase": "scaled"})
    assert answers == Answers(name="From the UI", ownership="self-trained", rag=True,
                              agency="acts", tools=frozenset({"move-money", "send-messages"}),
                              approval="every-action", trigger="event", users="public",
                              phase="scaled")
    assert Answers.from_mapping(answers.as_mapping()) == answers
    # Follow-ups that do not apply are ignored, so a stale answer cannot sneak in.
    assert Answers.from_mapping({"agency": "none", "approval": "every-action"}).approval \
        == Answers().approval
    with pytest.raises(ValueError, match="yes or no"):
        Answers.from_mapping({"rag": "perhaps"})
