"""Scope on both AWS matrices, derived from the components, with the reasons."""

from __future__ import annotations

import textwrap

import pytest

from scoping_tui.engine.scope import agentic_scope, generative_scope, scope_mismatches
from scoping_tui.model.validate import load_text

BASE = """\
version: 1
system:
  name: S
  generative_scope: {declared_gen}
components:
  - {{id: person, name: Person, type: user}}
{components}
flows:
  - {{id: f1, from: person, to: thing, data: [internal]}}
"""


def model_with(components: str, declared_gen: int = 3):  # type: ignore[no-untyped-def]
    text = BASE.format(components=textwrap.indent(textwrap.dedent(components), "  "),
                       declared_gen=declared_gen)
    result = load_text(text, "m.yaml")
    assert result.model is not None, [d.format() for d in result.diagnostics]
    return result.model


@pytest.mark.parametrize(("component", "scope"), [
    ("- {id: thing, name: T, type: genai-app, model: {terms: consumer}}", 1),
    ("- {id: thing, name: T, type: genai-app, model: {terms: enterprise}}", 2),
    ("- {id: thing, name: T, type: foundation-model}", 3),
    ("- {id: thing, name: T, type: foundation-model, model: {origin: fine-tuned}}", 4),
    ("- {id: thing, name: T, type: foundation-model, model: {origin: self-trained}}", 5),
])
def test_generative_scope_follows_model_ownership(component: str, scope: int) -> None:
    model = model_with(component)
    derived = generative_scope(model)
    assert derived.value == scope
    assert "`thing`" in derived.reasons[0].text


AGENT = """\
- id: thing
  name: Agent
  type: agent
  agent:
    tools: [{{tool: api, permissions: [{perms}]}}]
    approval: {approval}
    triggers: [{triggers}]
- {{id: api, name: API, type: tool}}
"""


@pytest.mark.parametrize(("perms", "approval", "triggers", "scope"), [
    ("read", "none", "user", 1),
    ("read, write", "every-action", "event", 2),
    ("read, write", "high-risk", "user", 3),
    ("financial", "none", "user", 3),
    ("read, write", "high-risk", "schedule", 4),
])
def test_agentic_scope_follows_agency_and_oversight(perms: str, approval: str, triggers: str,
                                                    scope: int) -> None:
    model = model_with(AGENT.format(perms=perms, approval=approval, triggers=triggers))
    assert agentic_scope(model).value == scope


def test_no_agent_means_no_agency() -> None:
    model = model_with("- {id: thing, name: T, type: service}")
    assert agentic_scope(model).value == 1
    assert agentic_scope(model).reasons[0].text == "no agent or orchestrator component"


def test_a_declared_scope_that_contradicts_the_components_is_a_warning_naming_both() -> None:
    model = model_with("- {id: thing, name: T, type: foundation-model, "
                       "model: {origin: fine-tuned}}", declared_gen=3)
    (warning,) = scope_mismatches(model)
    assert warning.format() == (
        "m.yaml:4:21: warning: system.generative_scope declares 3 (Pre-trained models) but the "
        "components imply 4 (Fine-tuned models): foundation-model `thing` is a third-party "
        "model fine-tuned on your data")
