"""Every rating factor (models/rating.yaml) and every control's `applies_to` (models/controls.yaml),
tested on small models: the element where the condition holds and the nearest one where it does
not. The ids and conditions are read from the YAML, so a new factor or a new distinct `applies_to`
without a case here fails the meta-tests.
"""

from __future__ import annotations

import json
import textwrap
from typing import Any

import pytest
import yaml

from scoping_tui.engine.catalog import Catalog, load_catalog
from scoping_tui.engine.conditions import Condition, holds
from scoping_tui.engine.index import ModelIndex
from scoping_tui.engine.threats import FactCache
from scoping_tui.model.types import Component, Flow, SystemModel
from scoping_tui.model.validate import load_text
from tests.conftest import ROOT

HEADER = "version: 1\nsystem: {name: Factor test}\n"


def model(body: str) -> str:
    return HEADER + textwrap.dedent(body)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def _load(text: str) -> SystemModel:
    result = load_text(text, "case.yaml")
    assert result.ok and result.model is not None, [str(d) for d in result.diagnostics]
    return result.model


def _holds(condition: Condition, text: str, kind: str, target: str) -> bool:
    system = _load(text)
    cache = FactCache(ModelIndex(system))
    elements: tuple[Component | Flow, ...] = (
        system.components if kind == "component" else system.flows)
    (element,) = [e for e in elements if e.id == target]
    return holds(condition, cache.for_target(kind, element))


# Pieces most cases share.
BOUNDARIES = """
boundaries:
  - {id: net, name: Internet, kind: internet}
  - {id: corp, name: Corporate network, kind: vpc}
"""
LOOKUP = "  - {id: lookup, name: Lookup, type: tool, tool: {side_effects: [read]}}\n"
WRITER = "  - {id: writer, name: Writer, type: tool, tool: {side_effects: [write]}}\n"


def _agent(ident: str, **facts: Any) -> str:
    agent_facts: dict[str, Any] = {"tools": [{"tool": "lookup", "permissions": ["read"]}]}
    agent_facts.update(facts)
    item = {"id": ident, "name": ident.title(), "type": "agent",
            "agent": agent_facts}
    return "  - " + yaml.safe_dump(item, default_flow_style=True, width=10_000,
                                   sort_keys=False).strip() + "\n"


# --- rating factors: (factor, kind, model, where it holds, where it does not) --------------------

FACTOR_CASES: list[Any] = []


def factor(ident: str, kind: str, text: str, holds_on: str, silent_on: str,
           name: str = "") -> None:
    FACTOR_CASES.append(pytest.param(ident, kind, text, holds_on, silent_on,
                                     id=f"{ident}-{name}" if name else ident))


factor("internet-exposure", "component", model(BOUNDARIES + """
components:
  - {id: web, name: Web, type: client-app, boundary: net}
  - {id: api, name: API, type: service, boundary: corp}
  - {id: db, name: DB, type: data-store, boundary: corp}
flows:
  - {id: call, from: web, to: api}
  - {id: read, from: api, to: db}
"""), "api", "db")

factor("sensitive-data", "component", model("""
components:
  - {id: crm, name: CRM, type: data-store, data: [pii]}
  - {id: docs, name: Docs, type: data-store, data: [public]}
"""), "crm", "docs")

factor("acts-without-approval", "component", model(
    "components:\n" + LOOKUP + WRITER
    + _agent("free", tools=[{"tool": "writer", "permissions": ["write"]}], approval="none")
    + _agent("gated", tools=[{"tool": "writer", "permissions": ["write"]}],
             approval="high-risk")), "free", "gated")

# Per tool: refunds wait for a person, notes do not, so the agent still acts unapproved.
factor("acts-without-approval", "component", model(
    "components:\n" + LOOKUP + WRITER
    + _agent("notes", tools=[{"tool": "writer", "permissions": ["write"], "approval": "none"},
                             {"tool": "lookup", "permissions": ["financial"],
                              "approval": "conditional", "approval_when": "above 100 EUR"}])
    + _agent("refunds", tools=[{"tool": "lookup", "permissions": ["financial"],
                                "approval": "conditional", "approval_when": "above 100 EUR"}])),
       "notes", "refunds", name="per-tool")

factor("unpinned-dependencies", "component", model("""
components:
  - {id: npx, name: Server via npx, type: mcp-server, software: {installs_at_runtime: true}}
  - {id: locked, name: Locked server, type: mcp-server,
     software: {installs_at_runtime: true, pinned: true}}
"""), "npx", "locked")

factor("verified-dependencies", "component", model("""
components:
  - {id: signed, name: Signed build, type: service, software: {pinned: true, verified: true}}
  - {id: pinned, name: Pinned only, type: service, software: {pinned: true}}
"""), "signed", "pinned")

factor("executes-code", "component", model(
    "components:\n" + LOOKUP
    + _agent("coder", runs_generated_code=True) + _agent("reader")), "coder", "reader")

factor("every-action-approval", "component", model(
    "components:\n" + LOOKUP + WRITER
    + _agent("gated", tools=[{"tool": "writer", "permissions": ["write"]}],
             approval="every-action")
    + _agent("partly", tools=[{"tool": "writer", "permissions": ["write"]}],
             approval="high-risk")), "gated", "partly")

factor("human-review", "component", model("""
components:
  - {id: reviewed, name: Reviewed, type: genai-app, human_review: true}
  - {id: unstated, name: Unstated, type: genai-app}
"""), "reviewed", "unstated")

factor("holds-secrets", "component", model("""
components:
  - {id: vault, name: Vault, type: service, secrets: true}
  - {id: api, name: API, type: service, secrets: false}
"""), "vault", "api")

factor("untrusted-input", "component", model("""
components:
  - {id: crawler, name: Crawler, type: tool, tool: {fetches_untrusted: true}}
  - {id: index, name: Index, type: vector-store}
  - {id: api, name: API, type: service}
  - {id: db, name: DB, type: data-store}
flows:
  - {id: crawl, from: crawler, to: index}
  - {id: read, from: db, to: api}
"""), "index", "api")

factor("unauthenticated-access", "component", model("""
components:
  - {id: caller, name: Caller, type: service}
  - {id: open, name: Open, type: service}
  - {id: closed, name: Closed, type: service}
flows:
  - {id: anon, from: caller, to: open, authenticated: false}
  - {id: signed, from: caller, to: closed, authenticated: true}
"""), "open", "closed")

factor("self-started", "component", model(
    "components:\n" + LOOKUP
    + _agent("nightly", triggers=["schedule"]) + _agent("asked", triggers=["user"])),
    "nightly", "asked")

factor("crosses-from-untrusted-zone", "flow", model(BOUNDARIES + """
components:
  - {id: web, name: Web, type: client-app, boundary: net}
  - {id: api, name: API, type: service, boundary: corp}
  - {id: db, name: DB, type: data-store, boundary: corp}
flows:
  - {id: call, from: web, to: api}
  - {id: read, from: api, to: db}
"""), "call", "read")

factor("sensitive-flow", "flow", model("""
components:
  - {id: api, name: API, type: service}
  - {id: db, name: DB, type: data-store}
flows:
  - {id: records, from: db, to: api, data: [phi]}
  - {id: stats, from: api, to: db, data: [public]}
"""), "records", "stats")

factor("unauthenticated-flow", "flow", model("""
components:
  - {id: api, name: API, type: service}
  - {id: db, name: DB, type: data-store}
flows:
  - {id: anon, from: api, to: db, authenticated: false}
  - {id: signed, from: db, to: api, authenticated: true}
"""), "anon", "signed")


@pytest.mark.parametrize(("ident", "kind", "text", "holds_on", "silent_on"), FACTOR_CASES)
def test_factor_holds_where_stated(catalog: Catalog, ident: str, kind: str, text: str,
                                   holds_on: str, silent_on: str) -> None:
    factor_ = catalog.factors[ident]
    assert factor_.target == kind
    assert _holds(factor_.when, text, kind, holds_on)
    assert not _holds(factor_.when, text, kind, silent_on)


def test_every_factor_has_a_case() -> None:
    data = yaml.safe_load((ROOT / "models" / "rating.yaml").read_text(encoding="utf-8"))
    ids = [f["id"] for f in data["factors"]]
    assert sorted(ids) == sorted({p.values[0] for p in FACTOR_CASES})


# --- control applies_to: one case per distinct condition, named by a control that uses it -------

CONTROL_CASES: list[Any] = []


def control(ident: str, text: str, holds_on: str, silent_on: str) -> None:
    CONTROL_CASES.append(pytest.param(ident, text, holds_on, silent_on, id=ident))


SELF_TRAINED = model("""
components:
  - {id: scorer, name: Scorer, type: foundation-model, model: {origin: self-trained}}
  - {id: api, name: API, type: service}
""")
PRE_TRAINED = model("""
components:
  - {id: llm, name: LLM, type: foundation-model, hosting: managed-api,
     model: {origin: pre-trained}}
  - {id: api, name: API, type: service}
""")
CONSUMER = model("""
components:
  - {id: chat, name: Chat, type: genai-app, model: {terms: consumer}}
""")

control("IAM-AGENT-IDENTITY", model(
    "components:\n" + LOOKUP + _agent("bot")), "bot", "lookup")

control("IAM-PER-USER-RETRIEVAL-AUTHZ", model("""
components:
  - {id: index, name: Index, type: vector-store}
  - {id: api, name: API, type: service}
  - {id: reader, name: Reader, type: service}
  - {id: db, name: DB, type: data-store}
flows:
  - {id: retrieve, from: index, to: reader}
  - {id: read, from: db, to: api}
"""), "reader", "api")

control("IAM-MODEL-ARTIFACT-ACCESS", model("""
components:
  - {id: bucket, name: Bucket, type: data-store, data: [model-artifacts]}
  - {id: files, name: Files, type: data-store, data: [internal]}
"""), "bucket", "files")

control("DATA-ERASURE-PLAN", SELF_TRAINED, "api", "api")  # holds in scope 5: see below

control("DATA-PII-OUT-OF-TRAINING", model("""
components:
  - {id: llm, name: LLM, type: foundation-model, hosting: managed-api}
  - {id: pipeline, name: Pipeline, type: training-pipeline}
"""), "llm", "llm")

control("LOG-HUMAN-DECISIONS", model(
    "components:\n" + LOOKUP + WRITER
    + _agent("gated", tools=[{"tool": "writer", "permissions": ["write"]}],
             approval="high-risk") + _agent("unstated")), "gated", "unstated")

control("MON-TRAINING-ANOMALY", SELF_TRAINED, "api", "api")

control("NET-CODE-SANDBOX", model(
    "components:\n" + LOOKUP
    + _agent("coder", runs_generated_code=True) + _agent("reader")), "coder", "reader")

control("ASSESS-AGENT-PENTEST", model("components:\n" + LOOKUP + """
  - {id: db, name: DB, type: data-store}
"""), "lookup", "db")

control("SC-SAFE-SERIALISATION", model("""
components:
  - {id: pickled, name: Pickled, type: foundation-model, hosting: self-hosted,
     model: {origin: fine-tuned, weights_format: pickle}}
  - {id: safe, name: Safe, type: foundation-model, hosting: self-hosted,
     model: {origin: fine-tuned, weights_format: safetensors}}
"""), "pickled", "safe")

control("SC-MODEL-SCANNING", model("""
components:
  - {id: own, name: Own, type: foundation-model, hosting: self-hosted}
  - {id: api, name: API, type: foundation-model, hosting: managed-api}
"""), "own", "api")

control("AGENT-HITL-APPROVAL", model(
    "components:\n" + LOOKUP + WRITER
    + _agent("actor", tools=[{"tool": "writer", "permissions": ["write"]}])
    + _agent("reader")), "actor", "reader")

control("AGENT-UNTRUSTED-DATA-TOOL-LIMITS", model("""
components:
  - {id: web, name: Web, type: tool, tool: {side_effects: [read], fetches_untrusted: true}}
""" + LOOKUP + WRITER
    + _agent("exposed", tools=[{"tool": "writer", "permissions": ["write"]},
                               {"tool": "web", "permissions": ["read"]}])
    + _agent("sheltered", tools=[{"tool": "writer", "permissions": ["write"]}])),
    "exposed", "sheltered")

control("AGENT-MEMORY-ISOLATION", model("""
components:
  - {id: notes, name: Notes, type: vector-store}
  - {id: docs, name: Docs, type: vector-store}
""" + LOOKUP + _agent("bot", memory=["notes"])), "notes", "docs")

control("AGENT-INTER-AGENT-AUTH", model(
    "components:\n" + LOOKUP + _agent("lead", delegates_to=["helper"]) + _agent("helper")
    + _agent("solo")), "helper", "solo")

control("AGENT-PROTOCOL-HARDENING", model("""
components:
  - {id: remote, name: Remote, type: tool, tool: {transport: http}}
  - {id: local, name: Local, type: tool, tool: {transport: in-process}}
"""), "remote", "local")

control("GOV-APPROVED-APP-LIST", CONSUMER, "chat", "chat")

control("GOV-PROVIDER-TERMS-REVIEW", model("""
components:
  - {id: llm, name: LLM, type: foundation-model, hosting: managed-api}
  - {id: crm, name: CRM, type: external-service, hosting: third-party-saas}
  - {id: db, name: DB, type: data-store, hosting: self-hosted}
"""), "crm", "db")

# Conditions on the system's scope hold on every component or on none: the nearest silent case is
# a system in another scope, so those cases name a second model.
SYSTEM_WIDE = {
    "DATA-ERASURE-PLAN": PRE_TRAINED,
    "DATA-PII-OUT-OF-TRAINING": PRE_TRAINED,
    "MON-TRAINING-ANOMALY": PRE_TRAINED,
    "GOV-APPROVED-APP-LIST": PRE_TRAINED,
}


def _controls_yaml() -> list[dict[str, Any]]:
    data = yaml.safe_load((ROOT / "models" / "controls.yaml").read_text(encoding="utf-8"))
    controls: list[dict[str, Any]] = data["controls"]
    return controls


def _condition_key(raw: Any) -> str:
    return json.dumps(raw, sort_keys=True)


@pytest.mark.parametrize(("ident", "text", "holds_on", "silent_on"), CONTROL_CASES)
def test_control_applies_where_its_condition_says(catalog: Catalog, ident: str, text: str,
                                                  holds_on: str, silent_on: str) -> None:
    condition = catalog.controls[ident].applies_to
    assert condition is not None
    assert _holds(condition, text, "component", holds_on)
    other = SYSTEM_WIDE.get(ident, text)
    silent_target = silent_on if other is text else _load(other).components[-1].id
    assert not _holds(condition, other, "component", silent_target)
    # Every control written with the same condition behaves the same: one case covers them.
    key = _condition_key(next(c["applies_to"] for c in _controls_yaml() if c["id"] == ident))
    for raw in _controls_yaml():
        if "applies_to" in raw and _condition_key(raw["applies_to"]) == key:
            same = catalog.controls[raw["id"]].applies_to
            assert same is not None and _holds(same, text, "component", holds_on)


def test_every_distinct_applies_to_has_a_case() -> None:
    by_condition: dict[str, list[str]] = {}
    for raw in _controls_yaml():
        if "applies_to" in raw:
            by_condition.setdefault(_condition_key(raw["applies_to"]), []).append(raw["id"])
    covered = {p.values[0] for p in CONTROL_CASES}
    missing = [ids for ids in by_condition.values() if not covered & set(ids)]
    assert missing == []
    assert len(covered) == len(by_condition)


def test_scope_conditions_change_which_controls_a_system_needs(catalog: Catalog) -> None:
    # What a user sees: the training controls are asked of the fine-tuned and self-trained samples
    # and not of one calling a pre-trained model; the buy-side governance list only of the bought
    # assistants.
    from scoping_tui.engine.assessment import assess
    from scoping_tui.model.validate import load_model

    def required(name: str) -> set[str]:
        result = load_model(ROOT / "samples" / name)
        assert result.model is not None
        return {r.control.id for r in assess(result.model, catalog).requirements}

    training = {"DATA-ERASURE-PLAN", "MON-TRAINING-ANOMALY", "DATA-PII-OUT-OF-TRAINING"}
    assert training <= required("self-trained-fraud-model.yaml")
    assert training <= required("claims-triage-finetuned.yaml")
    assert not training & required("rag-support-assistant.yaml")
    assert "GOV-APPROVED-APP-LIST" in required("public-chat-assistant.yaml")
    assert "GOV-APPROVED-APP-LIST" not in required("self-trained-fraud-model.yaml")
