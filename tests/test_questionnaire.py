"""The guided start: the parts the user names become a valid model, nothing more, and every
part can be dropped in the review before it is written."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from scoping_tui.editing.edit import EditableModel
from scoping_tui.editing.part_lines import parse_names, parse_stores, parse_tools
from scoping_tui.editing.proposal import propose, starting_model
from scoping_tui.editing.questionnaire import QUESTIONS, QUESTIONS_BY_ID, Answers
from scoping_tui.engine.catalog import load_catalog
from scoping_tui.engine.scope import agentic_scope, generative_scope, scope_mismatches
from scoping_tui.engine.threats import derive_findings
from scoping_tui.model.types import SystemModel
from scoping_tui.model.validate import load_text
from scoping_tui.util.locations import model_schema_path

# The system of issue 15's trial, as a person would answer for it.
SUPPORT_BOT: dict[str, Any] = {
    "name": "Support bot", "users": "public", "front_end": "web", "backend": "Support API",
    "agents": "Support agent",
    "tools": ["order lookup: read\nrefunds: write, approval above 100 EUR"],
    "stores": "Internal documents: product manuals, internal",
}


SECTION_OF = {"boundary": "boundaries", "component": "components", "flow": "flows"}


def load(text: str) -> SystemModel:
    result = load_text(text, "new.yaml", checks=[scope_mismatches])
    assert result.model is not None, [d.format() for d in result.diagnostics]
    assert result.diagnostics == (), [d.format() for d in result.diagnostics]
    return result.model


def load_allowing_orphans(text: str) -> SystemModel:
    """Dropping a tool's only flow leaves the tool unconnected, or its agent with no tool: a
    warning, as in any model."""
    result = load_text(text, "new.yaml", checks=[scope_mismatches])
    assert result.model is not None, [d.format() for d in result.diagnostics]
    assert {d.code for d in result.diagnostics} <= {"orphan", "agent-without-tools"}, \
        [d.format() for d in result.diagnostics]
    return result.model


def ids(model: SystemModel, kind: str) -> set[str]:
    items = {"components": model.components, "flows": model.flows,
             "boundaries": model.boundaries}[kind]
    return {item.id for item in items}


# -- the lines a person types -------------------------------------------------------------------


def test_tool_lines_read_access_and_approval_in_plain_words() -> None:
    tools = parse_tools("order lookup: read\n"
                        "- Refunds: write, approval above 100 EUR\n"
                        "# a comment\n\n"
                        "mailer: send, needs approval\n"
                        "crm: read/write; no approval\n"
                        "runner: run code, approval when the customer is new\n")
    assert [(t.name, t.permissions, t.approval, t.approval_when) for t in tools] == [
        ("order lookup", ("read",), None, None),
        ("Refunds", ("write",), "conditional", "above 100 EUR"),
        ("mailer", ("external-communication",), "always", None),
        ("crm", ("read", "write"), "none", None),
        ("runner", ("execute",), "conditional", "the customer is new"),
    ]
    assert [t.line for t in tools] == [1, 2, 5, 6, 7]


def test_every_bad_tool_line_is_reported_at_once_with_its_number() -> None:
    with pytest.raises(ValueError) as caught:
        parse_tools("refunds write\norders: read\n: read\nsearch: fly\norders: write\n"
                    "x: read, approval, approval always")
    lines = str(caught.value).splitlines()
    assert [line.split(" ")[1] for line in lines] == ["1", "3", "4", "5", "6"]
    assert "colon" in lines[0]
    assert "'fly' is not an access" in lines[2]
    assert "already on line 2" in lines[3]
    assert "approval is said twice" in lines[4]


def test_store_lines_and_names() -> None:
    stores = parse_stores("Internal documents: product manuals, internal\nTickets\n")
    assert [(s.name, s.holds) for s in stores] == [
        ("Internal documents", "product manuals, internal"), ("Tickets", "")]
    assert parse_names("Support staff,  Admins ", "groups") == ("Support staff", "Admins")
    assert parse_names("3", "agents", numbered="Agent") == ("Agent 1", "Agent 2", "Agent 3")
    assert parse_names("1", "agents", numbered="Agent") == ("Agent",)
    with pytest.raises(ValueError, match="named twice"):
        parse_names("Bot, bot", "agents")


# -- what is proposed ---------------------------------------------------------------------------


def test_the_trial_system_comes_out_as_stated_and_nothing_more() -> None:
    answers = Answers.from_mapping(SUPPORT_BOT)
    model = load(starting_model(propose(answers)))
    assert ids(model, "boundaries") == {"internet", "cloud-account", "model-provider"}
    assert {(c.id, c.type) for c in model.components} == {
        ("customers", "user"), ("web-app", "client-app"), ("support-api", "service"),
        ("foundation-model", "foundation-model"), ("support-agent", "agent"),
        ("order-lookup", "tool"), ("refunds", "tool"),
        ("internal-documents", "vector-store")}
    assert {(f.source, f.target) for f in model.flows} == {
        ("customers", "web-app"), ("web-app", "support-api"), ("support-api", "support-agent"),
        ("support-agent", "foundation-model"), ("support-agent", "order-lookup"),
        ("support-agent", "refunds"), ("support-agent", "internal-documents")}
    agent = next(c for c in model.components if c.id == "support-agent").agent
    assert agent is not None and agent.model == "foundation-model"
    grants = {g.tool: (g.permissions, g.approval, g.approval_when) for g in agent.tools}
    assert grants == {"order-lookup": (("read",), None, ""),
                      "refunds": (("write",), "conditional", "above 100 EUR")}
    assert (generative_scope(model).value, agentic_scope(model).value) == (3, 3)


def test_no_security_fact_is_asserted() -> None:
    """Encryption, authentication, tenancy and data classes nobody typed stay unstated."""
    model = load(starting_model(propose(Answers.from_mapping(SUPPORT_BOT))))
    for flow in model.flows:
        assert (flow.authenticated, flow.encrypted, flow.data, flow.protocol) == \
            (None, None, (), None)
    store = next(c for c in model.components if c.type == "vector-store")
    assert store.data == ("internal",)  # typed: "product manuals, internal"
    assert store.store is None or (store.store.multi_tenant, store.store.encrypted_at_rest) \
        == (None, None)
    text = starting_model(propose(Answers.from_mapping(SUPPORT_BOT)))
    for fact in ("multi_tenant", "encrypted", "authenticated", "identity", "pii"):
        assert fact not in text.split("version: 1")[1]


def test_only_stated_parts_a_staff_chat_bot_with_no_agents() -> None:
    answers = Answers.from_mapping({"name": "Helpdesk", "users": "staff",
                                    "staff_groups": "Support staff, Admins",
                                    "front_end": "chat", "front_end_name": "Slack bot",
                                    "model_name": "Claude"})
    model = load(starting_model(propose(answers)))
    assert {(c.id, c.type) for c in model.components} == {
        ("support-staff", "user"), ("admins", "user"), ("slack-bot", "client-app"),
        ("claude", "foundation-model")}
    assert {(f.source, f.target) for f in model.flows} == {
        ("support-staff", "slack-bot"), ("admins", "slack-bot"), ("slack-bot", "claude")}
    assert agentic_scope(model).value == 1


def test_event_started_agents_get_no_flow_from_people() -> None:
    answers = Answers.from_mapping({
        "name": "Ops", "users": "staff", "front_end": "none", "ownership": "fine-tuned",
        "agents": "Triage, Fixer", "trigger": "event",
        "tools": ["tickets: read", "deploy: execute\ntickets: write"]})
    model = load(starting_model(propose(answers)))
    flows = {(f.source, f.target) for f in model.flows}
    assert not any(target in ("triage", "fixer") for _, target in flows)
    assert ("employees", "fine-tuned-model") in flows  # people use the model directly
    assert sum(1 for c in model.components if c.id == "tickets") == 1  # shared by both agents
    assert (generative_scope(model).value, agentic_scope(model).value) == (4, 4)


@pytest.mark.parametrize(("ownership", "users", "front_end", "agents", "trigger"),
                         list(itertools.product(
                             ("consumer-app", "enterprise-app", "model-api", "fine-tuned",
                              "self-trained"),
                             ("staff", "public", "both"),
                             ("web", "chat", "mobile", "api", "none"),
                             ("", "Agent A, Agent B"),
                             ("person", "event", "both"))))
def test_every_combination_is_valid_and_every_item_can_be_dropped(
        ownership: str, users: str, front_end: str, agents: str, trigger: str) -> None:
    answers = Answers.from_mapping({
        "name": "Any", "ownership": ownership, "users": users, "front_end": front_end,
        "agents": agents, "trigger": trigger, "backend": "",
        "tools": ["a: read\nb: write, approval always", "b: write"],
        "stores": "Docs: internal"})
    expected = {"consumer-app": 1, "enterprise-app": 2, "model-api": 3, "fine-tuned": 4,
                "self-trained": 5}[ownership]
    proposal = propose(answers)
    model = load(starting_model(proposal))
    assert generative_scope(model).value == expected
    assert len(ids(model, "components")) == proposal.counts()["component"]
    for item in proposal.items[::3]:
        dropped = load_allowing_orphans(starting_model(proposal, {item.key}))
        assert item.id not in ids(dropped, SECTION_OF[item.kind])


def test_dropping_a_part_drops_what_needs_it_and_no_more() -> None:
    answers = Answers.from_mapping(SUPPORT_BOT)
    proposal = propose(answers)
    assert [i.key for i in proposal.dependents("component:support-api")] == [
        "flow:web-app-to-support-api", "flow:support-api-to-support-agent"]
    assert [i.key for i in proposal.requirements("flow:support-agent-to-refunds")] == [
        "component:support-agent", "component:refunds"]
    model = load(starting_model(proposal, {"component:refunds", "boundary:model-provider"}))
    agent = next(c for c in model.components if c.id == "support-agent").agent
    assert agent is not None and [g.tool for g in agent.tools] == ["order-lookup"]
    assert "refunds" not in ids(model, "components")
    assert next(c for c in model.components if c.id == "foundation-model").boundary is None
    # The grant goes with its flow; the tool stays.
    model = load_allowing_orphans(starting_model(proposal, {"flow:support-agent-to-order-lookup"}))
    agent = next(c for c in model.components if c.id == "support-agent").agent
    assert agent is not None and [g.tool for g in agent.tools] == ["refunds"]
    assert "order-lookup" in ids(model, "components")
    # Without its model, the agent names none.
    model = load(starting_model(proposal, {"component:foundation-model"}))
    agent = next(c for c in model.components if c.id == "support-agent").agent
    assert agent is not None and agent.model is None
    # Everything dropped: still a valid (empty) model.
    everything = {item.key for item in proposal.items}
    assert load(starting_model(proposal, everything)).components == ()


def test_the_proposal_reads_as_a_review() -> None:
    proposal = propose(Answers.from_mapping(SUPPORT_BOT))
    labels = [proposal.label(item) for item in proposal.items]
    assert "Web app (client-app) in Internet" in labels
    assert "Support agent → Refunds: may write; approval above 100 EUR" in labels
    assert "Support agent → Order lookup: may read" in labels
    assert proposal.counts() == {"boundary": 3, "component": 8, "flow": 7}
    assert proposal.counts({"component:support-api"}) == {
        "boundary": 3, "component": 7, "flow": 5}


def test_the_trial_system_raises_findings_only_from_what_was_stated() -> None:
    model = load(starting_model(propose(Answers.from_mapping(SUPPORT_BOT))))
    findings = derive_findings(model, load_catalog())
    threats = {f.threat.id for f in findings}
    # A wrong default once asserted a shared store; nothing here says so.
    assert not any("TENANT" in t or "CROSS-USER" in t for t in threats)
    assert any(f.target == "support-agent" for f in findings)


# -- the text -----------------------------------------------------------------------------------


def test_header_points_at_the_schema_and_says_what_is_left_out() -> None:
    text = starting_model(propose(Answers()))
    lines = text.splitlines()
    assert lines[0] == f"# yaml-language-server: $schema={model_schema_path().as_posix()}"
    assert "left out on" in text and "question for the review" in text
    assert starting_model(propose(Answers()), schema_ref="../schemas/x.json").startswith(
        "# yaml-language-server: $schema=../schemas/x.json\n")


@pytest.mark.parametrize("answers", [Answers(), Answers.from_mapping(SUPPORT_BOT)])
def test_the_starting_model_is_editable_without_noise(answers: Answers) -> None:
    """Written the way ruamel would write it, so the first edit's diff is one line."""
    text = starting_model(propose(answers))
    model = EditableModel.from_text(text)
    assert model.text() == text
    model.set_value(("system", "phase"), "production")
    before, after = text.splitlines(), model.text().splitlines()
    assert [a for a, b in zip(before, after, strict=True) if a != b] == ["  phase: prototype"]


@pytest.mark.parametrize("name", [
    "Claims: triage \"v2\" # pilot", "no", "2027-01-01", "  Padded name  ",
    "Zürich café — 日本語", "Line one\nline two", "- starts like a list item", "x" * 200,
])
def test_any_name_round_trips(name: str) -> None:
    one_line = " ".join(name.split())
    answers = Answers.from_mapping({**SUPPORT_BOT, "name": name, "agents": one_line[:40],
                                    "backend": name})
    model = load(starting_model(propose(answers)))
    assert model.system.name == name.strip()
    names = {c.name for c in model.components}
    assert one_line[:40].strip() in names and one_line in names


# -- the questions ------------------------------------------------------------------------------


@pytest.mark.parametrize(("values", "message"), [
    ({"name": ""}, "needs a name"),
    ({"name": "x" * 201}, "at most 200"),
    ({"users": "robots"}, "users"),
    ({"ownership": "rented"}, "ownership"),
    ({"agents": "A", "tools": ["refunds write"]}, "tools of A: line 1"),
    ({"agents": "25"}, "more than 20"),
    ({"stores": "Docs\ndocs"}, "stores: line 2"),
])
def test_bad_answers_are_refused_naming_the_question(values: dict[str, Any],
                                                     message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Answers.from_mapping(values)


def test_follow_up_questions_apply_only_when_relevant() -> None:
    tools, trigger = QUESTIONS_BY_ID["tools"], QUESTIONS_BY_ID["trigger"]
    assert not tools.applies({"agents": ""}) and not trigger.applies({"agents": "0"})
    assert tools.applies({"agents": "Bot"}) and trigger.applies({"agents": "2"})
    staff, public = QUESTIONS_BY_ID["staff_groups"], QUESTIONS_BY_ID["public_groups"]
    assert staff.applies({"users": "staff"}) and not public.applies({"users": "staff"})
    assert staff.applies({"users": "both"}) and public.applies({"users": "both"})
    # A stale answer to a question that no longer applies cannot sneak in.
    answers = Answers.from_mapping({"users": "staff", "public_groups": "Partners"})
    assert answers.public_groups == ()


def test_every_choice_is_described() -> None:
    for question in QUESTIONS:
        assert question.text
        if question.kind == "single":
            assert len(question.choices) >= 2
            assert all(choice.label and choice.help for choice in question.choices)
            assert question.default in question.values
