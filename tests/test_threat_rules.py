"""Every threat rule in models/threats.yaml, tested on small models: where it fires and where not.

Each case is a tiny system written for one rule. `pass` cases name the exact targets the rule must
fire on; `fail` cases are the nearest system where it must stay silent, usually the fact that the
rule's narrower scoping (see the comments in threats.yaml) depends on.
"""

from __future__ import annotations

import textwrap
from typing import Any

import pytest
import yaml

from scoping_tui.engine.catalog import Catalog, load_catalog
from scoping_tui.engine.threats import derive_findings
from scoping_tui.model.types import SystemModel
from scoping_tui.model.validate import load_model, load_text
from tests.conftest import ROOT, SAMPLES

HEADER = "version: 1\nsystem: {name: Rule test}\n"

# Pieces most cases share: a person reaching a component through a client app.
PEOPLE = """
  - {id: person, name: Person, type: user}
  - {id: app, name: App, type: client-app}
"""
LOOKUP = "  - {id: lookup, name: Lookup, type: tool, tool: {side_effects: [read]}}\n"
WEB = ("  - {id: web, name: Web fetch, type: tool,"
       " tool: {side_effects: [read], fetches_untrusted: true}}\n")
WRITER = "  - {id: writer, name: Writer, type: tool, tool: {side_effects: [write]}}\n"


def model(body: str) -> str:
    return HEADER + textwrap.dedent(body)


def agent(ident: str = "bot", kind: str = "agent", **facts: Any) -> str:
    """One agent component as a YAML flow mapping; keyword arguments become its agent facts."""
    agent_facts: dict[str, Any] = {"tools": [{"tool": "lookup", "permissions": ["read"]}]}
    extra: dict[str, Any] = {}
    for key, value in facts.items():
        if key in ("hosting", "human_review", "data", "boundary", "secrets"):
            extra[key] = value
        else:
            agent_facts[key] = value
    item = {"id": ident, "name": ident.title(), "type": kind, **extra, "agent": agent_facts}
    text = yaml.safe_dump(item, default_flow_style=True, width=10_000, sort_keys=False)
    return "  - " + text.strip() + "\n"


CASES: list[Any] = []


def case(threat: str, name: str, text: str, expected: set[str]) -> None:
    CASES.append(pytest.param(threat, text, expected, id=f"{threat}-{name}"))


# --- LLM01 ---------------------------------------------------------------------------------------

case("LLM01-DIRECT-INJECTION", "pass", model(
    "components:" + PEOPLE + agent() + LOOKUP + """
flows:
  - {id: ask, from: person, to: app}
  - {id: call, from: app, to: bot}
"""), {"bot"})
# A consumer chat app holds only what its typist pasted: injecting it attacks nobody else.
case("LLM01-DIRECT-INJECTION", "fail-consumer-app", model(
    "components:" + PEOPLE + """
  - {id: chat, name: Chat, type: genai-app, model: {terms: consumer}}
flows:
  - {id: ask, from: person, to: app}
  - {id: call, from: app, to: chat}
"""), set())
# An embedding model behind a search tool answers the tool, not the person.
case("LLM01-DIRECT-INJECTION", "fail-model-behind-tool", model(
    "components:" + PEOPLE + """
  - {id: api, name: API, type: service}
  - {id: search, name: Search, type: tool}
  - {id: embed, name: Embeddings, type: foundation-model}
flows:
  - {id: ask, from: person, to: app}
  - {id: call, from: app, to: api}
  - {id: index, from: api, to: embed}
  - {id: query, from: search, to: embed}
"""), set())

case("LLM01-INDIRECT-INJECTION", "pass", model("""
components:
  - {id: api, name: RAG back end, type: service}
  - {id: llm, name: Model, type: foundation-model}
flows:
  - {id: prompt, from: api, to: llm, data: [untrusted-content]}
"""), {"llm"})
# The agent in front of the model gets AGENT-GOAL-HIJACK instead.
case("LLM01-INDIRECT-INJECTION", "fail-fed-by-agent", model(
    "components:\n" + agent(model="llm") + LOOKUP + """
  - {id: llm, name: Model, type: foundation-model}
flows:
  - {id: prompt, from: bot, to: llm, data: [untrusted-content]}
"""), set())

# --- LLM02 ---------------------------------------------------------------------------------------

case("LLM02-SENSITIVE-DISCLOSURE", "pass", model(
    "components:" + PEOPLE + agent(data=["pii"]) + LOOKUP + """
flows:
  - {id: ask, from: person, to: app}
  - {id: call, from: app, to: bot}
"""), {"bot"})
case("LLM02-SENSITIVE-DISCLOSURE", "fail-consumer-app", model(
    "components:" + PEOPLE + """
  - {id: chat, name: Chat, type: genai-app, data: [pii], model: {terms: consumer}}
flows:
  - {id: ask, from: person, to: app}
  - {id: call, from: app, to: chat}
"""), set())

case("LLM02-PROVIDER-RETENTION", "pass", model(
    "components:" + PEOPLE + """
  - {id: chat, name: Chat, type: genai-app, data: [confidential], model: {terms: consumer}}
flows:
  - {id: ask, from: person, to: app}
  - {id: call, from: app, to: chat}
"""), {"chat"})
case("LLM02-PROVIDER-RETENTION", "pass-api-trains", model("""
components:
  - {id: api, name: API, type: service}
  - id: llm
    name: Model
    type: foundation-model
    hosting: managed-api
    model: {trains_on_inputs: true}
flows:
  - {id: prompt, from: api, to: llm, data: [pii]}
"""), {"llm"})
case("LLM02-PROVIDER-RETENTION", "fail-enterprise", model(
    "components:" + PEOPLE + """
  - id: chat
    name: Chat
    type: genai-app
    data: [confidential]
    model: {terms: enterprise, trains_on_inputs: false}
flows:
  - {id: ask, from: person, to: app}
  - {id: call, from: app, to: chat}
"""), set())

# --- LLM03, LLM04 --------------------------------------------------------------------------------

case("LLM03-MODEL-SUPPLY-CHAIN", "pass", model("""
components:
  - {id: api, name: API, type: service}
  - {id: llm, name: Open model, type: foundation-model, hosting: self-hosted}
flows:
  - {id: prompt, from: api, to: llm}
"""), {"llm"})
case("LLM03-MODEL-SUPPLY-CHAIN", "fail-managed", model("""
components:
  - {id: api, name: API, type: service}
  - id: llm
    name: Managed model
    type: foundation-model
    hosting: managed-api
    model: {origin: pre-trained}
flows:
  - {id: prompt, from: api, to: llm}
"""), set())

case("LLM03-UNSAFE-MODEL-ARTIFACT", "pass", model("""
components:
  - {id: api, name: API, type: service}
  - {id: llm, name: Model, type: foundation-model, model: {weights_format: pickle}}
flows:
  - {id: prompt, from: api, to: llm}
"""), {"llm"})
case("LLM03-UNSAFE-MODEL-ARTIFACT", "fail", model("""
components:
  - {id: api, name: API, type: service}
  - {id: llm, name: Model, type: foundation-model, model: {weights_format: safetensors}}
flows:
  - {id: prompt, from: api, to: llm}
"""), set())

# The finding sits on the data set, not again on the model tuned from it.
case("LLM04-TRAINING-DATA-POISONING", "pass", model("""
components:
  - {id: train, name: Tuning job, type: training-pipeline}
  - {id: corpus, name: Corpus, type: training-data}
  - {id: llm, name: Tuned model, type: foundation-model, model: {origin: fine-tuned}}
flows:
  - {id: load, from: train, to: corpus, data: [training-data]}
"""), {"corpus"})
case("LLM04-TRAINING-DATA-POISONING", "pass-no-data-set-modelled", model("""
components:
  - {id: api, name: API, type: service}
  - {id: llm, name: Tuned model, type: foundation-model, model: {origin: self-trained}}
flows:
  - {id: prompt, from: api, to: llm}
"""), {"llm"})
case("LLM04-TRAINING-DATA-POISONING", "fail", model("""
components:
  - {id: api, name: API, type: service}
  - {id: llm, name: Model, type: foundation-model, hosting: managed-api}
flows:
  - {id: prompt, from: api, to: llm}
"""), set())

# --- LLM05 (flows) -------------------------------------------------------------------------------

case("LLM05-IMPROPER-OUTPUT-HANDLING", "pass", model(
    "components:\n" + agent() + LOOKUP + """
  - {id: db, name: DB, type: data-store}
  - {id: llm, name: Model, type: foundation-model}
flows:
  - {id: save, from: bot, to: db}
  - {id: think, from: bot, to: llm}
"""), {"save"})
case("LLM05-IMPROPER-OUTPUT-HANDLING", "pass-answer-to-caller", model(
    "components:\n" + agent() + LOOKUP + """
  - {id: api, name: API, type: service}
flows:
  - {id: ask, from: api, to: bot}
"""), {"ask"})
# Inside a third-party app's own boundary the output handling is the vendor's.
case("LLM05-IMPROPER-OUTPUT-HANDLING", "fail", model("""
boundaries:
  - {id: vendor, name: Vendor, kind: saas-provider}
components:
  - {id: chat, name: Chat, type: genai-app, boundary: vendor}
  - {id: history, name: History, type: data-store, boundary: vendor}
  - {id: llm, name: Model, type: foundation-model, boundary: vendor}
flows:
  - {id: keep, from: chat, to: history}
  - {id: think, from: chat, to: llm}
"""), set())

# --- LLM06, LLM07 --------------------------------------------------------------------------------

case("LLM06-EXCESSIVE-AGENCY", "pass", model(
    "components:\n" + agent(tools=[{"tool": "writer", "permissions": ["write"]}],
                            approval="high-risk") + WRITER), {"bot"})
case("LLM06-EXCESSIVE-AGENCY", "fail-every-action", model(
    "components:\n" + agent(tools=[{"tool": "writer", "permissions": ["write"]}],
                            approval="every-action") + WRITER), set())

case("LLM07-SYSTEM-PROMPT-LEAKAGE", "pass", model(
    "components:" + PEOPLE + agent() + LOOKUP + """
flows:
  - {id: ask, from: person, to: app}
  - {id: call, from: app, to: bot}
"""), {"bot"})
case("LLM07-SYSTEM-PROMPT-LEAKAGE", "fail-vendor-agent", model(
    "components:" + PEOPLE + agent(hosting="third-party-saas") + LOOKUP + """
flows:
  - {id: ask, from: person, to: app}
  - {id: call, from: app, to: bot}
"""), set())

# --- LLM08 ---------------------------------------------------------------------------------------

case("LLM08-RETRIEVAL-POISONING", "pass", model("""
components:
  - {id: api, name: API, type: service}
  - {id: index, name: Index, type: vector-store, store: {ingests_untrusted: true}}
flows:
  - {id: search, from: api, to: index}
"""), {"index"})
# Used as agent memory: AGENT-MEMORY-POISONING covers it.
case("LLM08-RETRIEVAL-POISONING", "fail-agent-memory", model(
    "components:\n" + agent(memory=["index"]) + LOOKUP + """
  - {id: index, name: Index, type: vector-store, store: {ingests_untrusted: true}}
"""), set())

case("LLM08-CROSS-TENANT-RETRIEVAL", "pass", model("""
components:
  - {id: api, name: API, type: service}
  - {id: index, name: Index, type: vector-store, data: [pii], store: {multi_tenant: true}}
flows:
  - {id: search, from: api, to: index}
"""), {"index"})
case("LLM08-CROSS-TENANT-RETRIEVAL", "fail-public-only", model("""
components:
  - {id: api, name: API, type: service}
  - {id: index, name: Index, type: vector-store, data: [public], store: {multi_tenant: true}}
flows:
  - {id: search, from: api, to: index, data: [public]}
"""), set())

# --- LLM09, LLM10 --------------------------------------------------------------------------------

case("LLM09-MISINFORMATION", "pass", model(
    "components:" + PEOPLE + agent() + LOOKUP + """
flows:
  - {id: ask, from: person, to: app}
  - {id: call, from: app, to: bot}
"""), {"bot"})
case("LLM09-MISINFORMATION", "pass-publishes", model(
    "components:\n" + agent("pub", tools=[{"tool": "cms", "permissions": [
        "write", "external-communication"]}], triggers=["schedule"]) + """
  - {id: cms, name: CMS, type: tool, tool: {side_effects: [write, external-communication]}}
"""), {"pub"})
case("LLM09-MISINFORMATION", "fail-reviewed", model(
    "components:" + PEOPLE + agent(human_review=True) + LOOKUP + """
flows:
  - {id: ask, from: person, to: app}
  - {id: call, from: app, to: bot}
"""), set())

case("LLM10-UNBOUNDED-CONSUMPTION", "pass", model(
    "components:" + PEOPLE + agent() + LOOKUP + """
flows:
  - {id: ask, from: person, to: app}
  - {id: call, from: app, to: bot}
"""), {"bot"})
case("LLM10-UNBOUNDED-CONSUMPTION", "pass-event", model(
    "components:\n" + agent(triggers=["event"]) + LOOKUP), {"bot"})
# A vendor-run genai-app is paid per seat: its capacity and cost are the vendor's.
case("LLM10-UNBOUNDED-CONSUMPTION", "fail-vendor-app", model(
    "components:" + PEOPLE + """
  - {id: chat, name: Chat, type: genai-app, hosting: third-party-saas}
flows:
  - {id: ask, from: person, to: app}
  - {id: call, from: app, to: chat}
"""), set())

case("LLM10-MODEL-EXTRACTION", "pass", model(
    "components:" + PEOPLE + """
  - {id: api, name: API, type: service}
  - {id: llm, name: Tuned model, type: foundation-model, model: {origin: fine-tuned}}
flows:
  - {id: ask, from: person, to: app}
  - {id: call, from: app, to: api}
  - {id: infer, from: api, to: llm, authenticated: true}
"""), {"llm"})
case("LLM10-MODEL-EXTRACTION", "fail-provider-model", model(
    "components:" + PEOPLE + """
  - {id: api, name: API, type: service}
  - {id: llm, name: Model, type: foundation-model, model: {origin: pre-trained}}
flows:
  - {id: ask, from: person, to: app}
  - {id: call, from: app, to: api}
  - {id: infer, from: api, to: llm, authenticated: true}
"""), set())

# --- Agentic T1-T17 ------------------------------------------------------------------------------

case("AGENT-MEMORY-POISONING", "pass", model(
    "components:\n" + agent(memory=["mem"]) + LOOKUP + """
  - id: mem
    name: Memory
    type: memory
    store: {persistence: long-term, shared: per-user, ingests_untrusted: true}
"""), {"mem"})
# Session memory of one user only misleads that user in that conversation.
case("AGENT-MEMORY-POISONING", "fail-session", model(
    "components:\n" + agent(memory=["mem"]) + LOOKUP + """
  - id: mem
    name: Memory
    type: memory
    store: {persistence: session, shared: per-user, ingests_untrusted: true}
"""), set())
# ... and so does session memory that does not say it is shared.
case("AGENT-MEMORY-POISONING", "fail-session-sharing-unstated", model(
    "components:\n" + agent(memory=["mem"]) + LOOKUP + """
  - id: mem
    name: Memory
    type: memory
    store: {persistence: session, ingests_untrusted: true}
"""), set())
case("AGENT-MEMORY-POISONING", "pass-session-shared", model(
    "components:\n" + agent(memory=["mem"]) + LOOKUP + """
  - id: mem
    name: Memory
    type: memory
    store: {persistence: session, shared: shared-across-users, ingests_untrusted: true}
"""), {"mem"})

case("AGENT-TOOL-MISUSE", "pass", model(
    "components:\n" + agent(tools=[{"tool": "web", "permissions": ["read"]},
                                   {"tool": "writer", "permissions": ["write"]}])
    + WEB + WRITER), {"bot"})
case("AGENT-TOOL-MISUSE", "fail-read-only", model(
    "components:\n" + agent(tools=[{"tool": "web", "permissions": ["read"]}]) + WEB), set())

case("AGENT-PRIVILEGE-COMPROMISE", "pass", model(
    "components:\n" + agent(identity="shared-service-account") + LOOKUP), {"bot"})
case("AGENT-PRIVILEGE-COMPROMISE", "fail", model(
    "components:\n" + agent(identity="own-service-identity",
                            credential_lifetime="short-lived") + LOOKUP), set())

case("AGENT-RESOURCE-OVERLOAD", "pass", model(
    "components:\n" + agent(runs_generated_code=True) + LOOKUP), {"bot"})
# Event-started but every action waits for a person: the volume risk is LLM10's.
case("AGENT-RESOURCE-OVERLOAD", "fail", model(
    "components:\n" + agent(tools=[{"tool": "writer", "permissions": ["write"]}],
                            triggers=["event"], approval="every-action") + WRITER), set())

case("AGENT-CASCADING-HALLUCINATION", "pass", model(
    "components:\n" + agent("boss", "orchestrator", delegates_to=["worker"])
    + agent("worker") + LOOKUP), {"boss", "worker"})
case("AGENT-CASCADING-HALLUCINATION", "fail", model(
    "components:\n" + agent() + LOOKUP), set())

case("AGENT-GOAL-HIJACK", "pass", model(
    "components:\n" + agent(tools=[{"tool": "web", "permissions": ["read"]}]) + WEB),
    {"bot"})
# Untrusted text only from the person typing: that is LLM01-DIRECT-INJECTION.
case("AGENT-GOAL-HIJACK", "fail-only-people", model(
    "components:" + PEOPLE + agent() + LOOKUP + """
flows:
  - {id: ask, from: person, to: app, data: [untrusted-content]}
  - {id: call, from: app, to: bot, data: [untrusted-content]}
"""), set())

case("AGENT-MISALIGNED-BEHAVIOR", "pass", model(
    "components:\n" + agent(tools=[{"tool": "writer", "permissions": ["write"]}],
                            triggers=["schedule"], approval="none") + WRITER), {"bot"})
case("AGENT-MISALIGNED-BEHAVIOR", "fail-person-started", model(
    "components:\n" + agent(tools=[{"tool": "writer", "permissions": ["write"]}],
                            triggers=["user"], approval="none") + WRITER), set())

case("AGENT-REPUDIATION", "pass", model(
    "components:\n" + agent(tools=[{"tool": "writer", "permissions": ["write"]}]) + WRITER),
    {"bot"})
case("AGENT-REPUDIATION", "fail-traced", model(
    "components:\n" + agent(tools=[{"tool": "writer", "permissions": ["write"]}]) + WRITER + """
  - {id: logs, name: Traces, type: monitoring}
flows:
  - {id: trace, from: bot, to: logs}
"""), set())
# Started by an orchestrator that traces the run: the delegator's traces cover it.
case("AGENT-REPUDIATION", "fail-delegated", model(
    "components:\n" + agent("boss", "orchestrator", delegates_to=["bot"])
    + agent(tools=[{"tool": "writer", "permissions": ["write"]}]) + WRITER + LOOKUP + """
  - {id: logs, name: Traces, type: monitoring}
flows:
  - {id: trace, from: boss, to: logs}
"""), set())

case("AGENT-IDENTITY-SPOOFING", "pass", model(
    "components:\n" + agent() + LOOKUP + """
  - {id: api, name: API, type: service}
flows:
  - {id: task, from: api, to: bot, authenticated: false}
"""), {"bot"})
case("AGENT-IDENTITY-SPOOFING", "fail", model(
    "components:\n" + agent() + LOOKUP + """
  - {id: api, name: API, type: service}
flows:
  - {id: task, from: api, to: bot, authenticated: true}
"""), set())

case("AGENT-HITL-OVERWHELM", "pass", model(
    "components:\n" + agent(tools=[{"tool": "writer", "permissions": ["write"]}],
                            approval="high-risk") + WRITER), {"bot"})
case("AGENT-HITL-OVERWHELM", "fail-no-approvals", model(
    "components:\n" + agent(tools=[{"tool": "writer", "permissions": ["write"]}],
                            approval="none") + WRITER), set())

case("AGENT-CODE-EXECUTION", "pass", model(
    "components:\n" + agent(runs_generated_code=True) + LOOKUP), {"bot"})
case("AGENT-CODE-EXECUTION", "fail", model(
    "components:\n" + agent(runs_generated_code=False) + LOOKUP), set())

case("AGENT-COMMUNICATION-POISONING", "pass", model(
    "components:\n" + agent("boss", "orchestrator", delegates_to=["worker"])
    + agent("worker") + LOOKUP + """
flows:
  - {id: handoff, from: boss, to: worker}
"""), {"handoff"})
case("AGENT-COMMUNICATION-POISONING", "fail", model(
    "components:\n" + agent() + LOOKUP + """
flows:
  - {id: call, from: bot, to: lookup}
"""), set())

case("AGENT-ROGUE", "pass", model(
    "components:\n" + agent("boss", "orchestrator", delegates_to=["worker"])
    + agent("worker", tools=[{"tool": "writer", "permissions": ["write"]}], approval="none")
    + LOOKUP + WRITER), {"worker"})
case("AGENT-ROGUE", "fail-every-action", model(
    "components:\n" + agent("boss", "orchestrator", delegates_to=["worker"])
    + agent("worker", tools=[{"tool": "writer", "permissions": ["write"]}],
            approval="every-action") + LOOKUP + WRITER), set())

case("AGENT-HUMAN-ATTACKS-MAS", "pass", model(
    "components:" + PEOPLE + agent("boss", "orchestrator", delegates_to=["worker"])
    + agent("worker") + LOOKUP + """
flows:
  - {id: ask, from: person, to: app}
  - {id: call, from: app, to: boss}
"""), {"boss"})
case("AGENT-HUMAN-ATTACKS-MAS", "fail-nobody-talks-to-it", model(
    "components:\n" + agent("boss", "orchestrator", delegates_to=["worker"],
                            triggers=["schedule"]) + agent("worker") + LOOKUP), set())

case("AGENT-HUMAN-MANIPULATION", "pass", model(
    "components:" + PEOPLE + agent(tools=[{"tool": "web", "permissions": ["read"]}]) + WEB + """
flows:
  - {id: ask, from: person, to: app}
  - {id: call, from: app, to: bot}
"""), {"bot"})
case("AGENT-HUMAN-MANIPULATION", "fail-trusted-sources", model(
    "components:" + PEOPLE + agent() + LOOKUP + """
flows:
  - {id: ask, from: person, to: app}
  - {id: call, from: app, to: bot}
"""), set())

case("AGENT-PROTOCOL-ABUSE", "pass", model(
    "components:\n" + agent(tools=[{"tool": "mcp", "permissions": ["read"]}]) + """
  - {id: mcp, name: MCP, type: mcp-server, tool: {transport: http, authentication: none}}
"""), {"mcp"})
# A stdio server has one caller, the process that started it.
case("AGENT-PROTOCOL-ABUSE", "fail-stdio", model(
    "components:\n" + agent(tools=[{"tool": "mcp", "permissions": ["read"]}]) + """
  - {id: mcp, name: MCP, type: mcp-server, tool: {transport: stdio, authentication: none}}
"""), set())

case("AGENT-TOOL-SUPPLY-CHAIN", "pass", model(
    "components:\n" + agent(tools=[{"tool": "mcp", "permissions": ["read"]}]) + """
  - {id: mcp, name: MCP, type: mcp-server, tool: {source: community, transport: stdio}}
"""), {"mcp"})
# A vendor's tool run by the vendor as SaaS is a service under contract, not loaded code.
case("AGENT-TOOL-SUPPLY-CHAIN", "fail-vendor-saas", model(
    "components:\n" + agent(tools=[{"tool": "mail", "permissions": ["read"]}]) + """
  - {id: mail, name: Mail API, type: tool, hosting: third-party-saas, tool: {source: third-party}}
"""), set())

# --- STRIDE --------------------------------------------------------------------------------------

TWO_ZONES = """
boundaries:
  - {id: zone-a, name: Zone A, kind: vpc}
  - {id: zone-b, name: Zone B, kind: vpc}
"""

case("STRIDE-FLOW-UNAUTHENTICATED", "pass", model(TWO_ZONES + """
components:
  - {id: api, name: API, type: service, boundary: zone-a}
  - {id: db, name: DB, type: data-store, boundary: zone-b}
flows:
  - {id: query, from: api, to: db, authenticated: false, encrypted: true}
"""), {"query"})
case("STRIDE-FLOW-UNAUTHENTICATED", "fail-same-zone", model(TWO_ZONES + """
components:
  - {id: api, name: API, type: service, boundary: zone-a}
  - {id: db, name: DB, type: data-store, boundary: zone-a}
flows:
  - {id: query, from: api, to: db, authenticated: false, encrypted: true}
"""), set())
# A public web site not authenticating us is not our exposure.
case("STRIDE-FLOW-UNAUTHENTICATED", "fail-to-outside", model(TWO_ZONES + """
components:
  - {id: api, name: API, type: service, boundary: zone-a}
  - {id: site, name: Web, type: external-service}
flows:
  - {id: fetch, from: api, to: site, authenticated: false, encrypted: true}
"""), set())

case("STRIDE-FLOW-UNENCRYPTED", "pass", model(TWO_ZONES + """
components:
  - {id: api, name: API, type: service, boundary: zone-a}
  - {id: db, name: DB, type: data-store, boundary: zone-b}
flows:
  - {id: query, from: api, to: db, protocol: http, authenticated: true}
"""), {"query"})
case("STRIDE-FLOW-UNENCRYPTED", "fail", model(TWO_ZONES + """
components:
  - {id: api, name: API, type: service, boundary: zone-a}
  - {id: db, name: DB, type: data-store, boundary: zone-b}
flows:
  - {id: query, from: api, to: db, protocol: https, authenticated: true, encrypted: true}
"""), set())

case("STRIDE-STORE-UNENCRYPTED", "pass", model("""
components:
  - {id: api, name: API, type: service}
  - {id: db, name: DB, type: data-store, data: [pii], store: {encrypted_at_rest: false}}
flows:
  - {id: query, from: api, to: db, authenticated: true}
"""), {"db"})
case("STRIDE-STORE-UNENCRYPTED", "fail", model("""
components:
  - {id: api, name: API, type: service}
  - {id: db, name: DB, type: data-store, data: [pii], store: {encrypted_at_rest: true}}
flows:
  - {id: query, from: api, to: db, authenticated: true}
"""), set())

case("STRIDE-STORE-TAMPERING", "pass", model("""
components:
  - {id: api, name: API, type: service}
  - {id: db, name: DB, type: data-store}
flows:
  - {id: write, from: api, to: db, authenticated: false}
"""), {"db"})
# Inbound mail from the internet is unauthenticated by design; injection threats cover it.
case("STRIDE-STORE-TAMPERING", "fail-by-design-inbox", model("""
components:
  - {id: senders, name: Mail servers, type: external-service}
  - {id: inbox, name: Inbox, type: data-store, store: {ingests_untrusted: true}}
flows:
  - {id: mail, from: senders, to: inbox, authenticated: false}
"""), set())

case("STRIDE-NO-AUDIT-TRAIL", "pass", model(
    "components:" + PEOPLE + """
  - {id: api, name: API, type: service}
flows:
  - {id: ask, from: person, to: app}
  - {id: call, from: app, to: api}
"""), {"api"})
case("STRIDE-NO-AUDIT-TRAIL", "fail-logged", model(
    "components:" + PEOPLE + """
  - {id: api, name: API, type: service}
  - {id: logs, name: Logs, type: monitoring}
flows:
  - {id: ask, from: person, to: app}
  - {id: call, from: app, to: api}
  - {id: log, from: api, to: logs}
"""), set())

case("STRIDE-ENTRY-DOS", "pass", model("""
boundaries:
  - {id: net, name: Internet, kind: internet}
  - {id: dc, name: Data centre, kind: on-prem}
components:
  - {id: visitor, name: Visitor, type: user, boundary: net}
  - {id: site, name: Site, type: service, boundary: dc}
flows:
  - {id: visit, from: visitor, to: site}
"""), {"site"})
case("STRIDE-ENTRY-DOS", "fail-gateway", model("""
boundaries:
  - {id: net, name: Internet, kind: internet}
  - {id: dc, name: Data centre, kind: on-prem}
components:
  - {id: visitor, name: Visitor, type: user, boundary: net}
  - {id: gw, name: Gateway, type: api-gateway, boundary: dc}
  - {id: site, name: Site, type: service, boundary: dc}
flows:
  - {id: visit, from: visitor, to: gw}
  - {id: forward, from: gw, to: site}
"""), set())

case("STRIDE-TOOL-NO-AUTH", "pass", model(
    "components:\n" + agent(tools=[{"tool": "t", "permissions": ["write"]}]) + """
  - {id: t, name: Tool, type: tool, tool: {authentication: none, transport: http,
     side_effects: [write]}}
"""), {"t"})
case("STRIDE-TOOL-NO-AUTH", "pass-reads-pii", model(
    "components:\n" + agent(tools=[{"tool": "t", "permissions": ["read"]}]) + """
  - {id: t, name: Tool, type: tool, data: [pii], tool: {authentication: none, transport: http,
     side_effects: [read]}}
"""), {"t"})
case("STRIDE-TOOL-NO-AUTH", "fail-stdio", model(
    "components:\n" + agent(tools=[{"tool": "t", "permissions": ["write"]}]) + """
  - {id: t, name: Tool, type: tool, tool: {authentication: none, transport: stdio,
     side_effects: [write]}}
"""), set())

# --- Training side -------------------------------------------------------------------------------

case("TRAIN-PIPELINE-TAMPERING", "pass", model("""
components:
  - {id: train, name: Training, type: training-pipeline}
  - {id: corpus, name: Corpus, type: training-data}
flows:
  - {id: load, from: train, to: corpus}
"""), {"train"})
case("TRAIN-PIPELINE-TAMPERING", "fail", model("""
components:
  - {id: etl, name: ETL, type: service}
  - {id: corpus, name: Corpus, type: training-data}
flows:
  - {id: load, from: etl, to: corpus}
"""), set())

case("TRAIN-MODEL-THEFT", "pass", model("""
components:
  - {id: llm, name: Tuned, type: foundation-model, hosting: self-hosted,
     model: {origin: fine-tuned}}
  - {id: registry, name: Registry, type: model-registry}
flows:
  - {id: pull, from: llm, to: registry, data: [model-artifacts]}
"""), {"registry"})
case("TRAIN-MODEL-THEFT", "pass-no-registry", model("""
components:
  - {id: api, name: API, type: service}
  - {id: llm, name: Tuned, type: foundation-model, hosting: self-hosted,
     model: {origin: fine-tuned}}
flows:
  - {id: infer, from: api, to: llm}
"""), {"llm"})
# At scope 3 a registry only holds weights anyone can download.
case("TRAIN-MODEL-THEFT", "fail-public-weights", model("""
components:
  - {id: llm, name: Open model, type: foundation-model, hosting: self-hosted}
  - {id: registry, name: Registry, type: model-registry}
flows:
  - {id: pull, from: llm, to: registry, data: [model-artifacts]}
"""), set())

case("TRAIN-DATA-LEAKAGE", "pass", model("""
components:
  - {id: api, name: API, type: service}
  - {id: llm, name: Tuned, type: foundation-model, data: [phi], model: {origin: fine-tuned}}
flows:
  - {id: infer, from: api, to: llm}
"""), {"llm"})
case("TRAIN-DATA-LEAKAGE", "fail", model("""
components:
  - {id: api, name: API, type: service}
  - {id: llm, name: Tuned, type: foundation-model, data: [internal],
     model: {origin: fine-tuned}}
flows:
  - {id: infer, from: api, to: llm}
"""), set())


# --- what the precision work added: modality, roles, providers, unknowns ----------------------

# An embedding model returns vectors: nobody reads them and they carry no instructions on.
case("LLM01-DIRECT-INJECTION", "fail-embedding-model", model(
    "components:" + PEOPLE + """
  - {id: api, name: API, type: service}
  - {id: embed, name: Embedder, type: foundation-model, hosting: managed-api,
     model: {modality: [embedding]}}
flows:
  - {id: ask, from: person, to: app}
  - {id: call, from: app, to: api}
  - {id: vectorise, from: api, to: embed}
"""), set())
case("LLM09-MISINFORMATION", "fail-classifier", model(
    "components:" + PEOPLE + """
  - {id: api, name: API, type: service}
  - {id: score, name: Scorer, type: foundation-model, model: {modality: [classification]}}
flows:
  - {id: ask, from: person, to: app}
  - {id: call, from: app, to: api}
  - {id: classify, from: api, to: score}
"""), set())
# Operators and approvers are the system's own staff: not the untrusted people of the rule.
case("LLM01-DIRECT-INJECTION", "fail-operator", model("""
components:
  - {id: person, name: SRE, type: user, role: operator}
  - {id: app, name: Console, type: client-app}
""" + agent() + LOOKUP + """
flows:
  - {id: ask, from: person, to: app}
  - {id: call, from: app, to: bot}
"""), set())
# A chat platform in between still relays what a person wrote.
case("LLM01-DIRECT-INJECTION", "pass-through-chat-platform", model("""
components:
  - {id: person, name: Employee, type: user}
  - {id: chat, name: Chat platform, type: external-service}
""" + agent() + LOOKUP + """
flows:
  - {id: ask, from: person, to: chat}
  - {id: relay, from: chat, to: bot}
"""), {"bot"})
# Unstated is not insecure: a flow that does not say is a question, not a finding.
case("STRIDE-FLOW-UNAUTHENTICATED", "fail-unstated", model(TWO_ZONES + """
components:
  - {id: api, name: API, type: service, boundary: zone-a}
  - {id: db, name: DB, type: data-store, boundary: zone-b}
flows:
  - {id: query, from: api, to: db, encrypted: true}
"""), set())
case("STRIDE-FLOW-UNENCRYPTED", "pass-plain-http", model(TWO_ZONES + """
components:
  - {id: api, name: API, type: service, boundary: zone-a}
  - {id: db, name: DB, type: data-store, boundary: zone-b}
flows:
  - {id: query, from: api, to: db, protocol: http, authenticated: true}
"""), {"query"})
case("STRIDE-FLOW-UNENCRYPTED", "fail-https-implies-tls", model(TWO_ZONES + """
components:
  - {id: api, name: API, type: service, boundary: zone-a}
  - {id: db, name: DB, type: data-store, boundary: zone-b}
flows:
  - {id: query, from: api, to: db, protocol: https, authenticated: true}
"""), set())
# Hops inside a SaaS provider's own boundary are the provider's to secure.
INSIDE_PROVIDER = model("""
boundaries:
  - {id: saas, name: Vendor, kind: saas-provider}
  - {id: front, name: Front, kind: vpc, parent: saas}
  - {id: back, name: Back, kind: vpc, parent: saas}
components:
  - {id: api, name: API, type: service, boundary: front}
  - {id: db, name: DB, type: data-store, boundary: back}
flows:
  - {id: query, from: api, to: db, authenticated: false, encrypted: false}
""")
case("STRIDE-FLOW-UNENCRYPTED", "fail-inside-provider", INSIDE_PROVIDER, set())
case("STRIDE-FLOW-UNAUTHENTICATED", "fail-inside-provider", INSIDE_PROVIDER, set())
# The user's front end is not the server anyone floods: the service behind it is.
case("STRIDE-ENTRY-DOS", "fail-client-app", model("""
boundaries:
  - {id: net, name: Internet, kind: internet}
  - {id: dc, name: Data centre, kind: on-prem}
components:
  - {id: visitor, name: Visitor, type: user, boundary: net}
  - {id: app, name: Mobile app, type: client-app, boundary: net}
  - {id: gw, name: Gateway, type: api-gateway, boundary: dc}
flows:
  - {id: use, from: visitor, to: app}
  - {id: call, from: app, to: gw}
"""), set())

# --- the threats the precision work added ----------------------------------------------------

case("LLM03-SOFTWARE-SUPPLY-CHAIN", "pass", model("""
components:
  - {id: web, name: Web back end, type: service}
  - {id: site, name: Static site, type: service}
  - {id: llm, name: Model, type: foundation-model, hosting: managed-api}
  - {id: mcp, name: Our MCP server, type: mcp-server, tool: {source: first-party}}
flows:
  - {id: ask, from: web, to: llm}
"""), {"web", "mcp"})
# A vendor's SaaS or a provider's model API runs the vendor's code; community tools have
# AGENT-TOOL-SUPPLY-CHAIN.
case("LLM03-SOFTWARE-SUPPLY-CHAIN", "fail-vendor-code", model("""
components:
  - {id: web, name: SaaS app, type: service, hosting: third-party-saas}
  - {id: llm, name: Model, type: foundation-model, hosting: managed-api}
  - {id: mcp, name: Community MCP, type: mcp-server, tool: {source: community}}
flows:
  - {id: ask, from: web, to: llm}
"""), set())

case("AGENT-CREDENTIAL-THEFT", "pass", model(
    "components:" + PEOPLE + agent(secrets=True) + LOOKUP + """
  - {id: sandbox, name: Sandbox, type: code-sandbox, secrets: true}
flows:
  - {id: ask, from: person, to: app}
  - {id: call, from: app, to: bot}
"""), {"bot", "sandbox"})
case("AGENT-CREDENTIAL-THEFT", "fail-no-secrets-or-no-steering", model(
    "components:" + PEOPLE + agent() + agent("batch", secrets=True) + LOOKUP + """
  - {id: sandbox, name: Sandbox, type: code-sandbox}
flows:
  - {id: ask, from: person, to: app}
  - {id: call, from: app, to: bot}
"""), set())

case("AGENT-CONFUSED-DEPUTY", "pass", model(
    "components:\n" + agent(identity="delegated-user",
                          tools=[{"tool": "writer", "permissions": ["write"]}]) + WRITER),
    {"bot"})
case("AGENT-CONFUSED-DEPUTY", "fail-own-identity", model(
    "components:\n" + agent(identity="own-service-identity",
                          tools=[{"tool": "writer", "permissions": ["write"]}]) + WRITER),
    set())
case("AGENT-CONFUSED-DEPUTY", "fail-read-only", model(
    "components:\n" + agent(identity="delegated-user") + LOOKUP), set())

case("MCP-ROGUE-SERVER", "pass", model("""
components:
  - {id: community, name: Community MCP, type: mcp-server, tool: {source: community}}
  - {id: hosted, name: Vendor MCP, type: mcp-server, hosting: third-party-saas}
"""), {"community", "hosted"})
case("MCP-ROGUE-SERVER", "fail-first-party", model("""
components:
  - {id: ours, name: Our MCP, type: mcp-server, tool: {source: first-party}}
  - {id: unsaid, name: MCP, type: mcp-server}
"""), set())

case("LLM08-EMBEDDING-INVERSION", "pass", model("""
components:
  - {id: vectors, name: Case vectors, type: vector-store, data: [pii]}
"""), {"vectors"})
case("LLM08-EMBEDDING-INVERSION", "fail-public-docs", model("""
components:
  - {id: vectors, name: Doc vectors, type: vector-store, data: [public]}
"""), set())

# An agent started by events whose report reaches a person: misinformation and manipulation
# apply even though nobody typed to it.
EVENT_AGENT = (agent(triggers=["event"], tools=[{"tool": "web", "permissions": ["read"]}])
               + WEB + """
  - {id: topic, name: Notifications, type: service}
  - {id: oncall, name: On-call, type: user}
flows:
  - {id: notify, from: bot, to: topic}
""")
case("LLM09-MISINFORMATION", "pass-report-reaches-people", model(
    "components:\n" + EVENT_AGENT + "  - {id: mail, from: topic, to: oncall}\n"), {"bot"})
case("LLM09-MISINFORMATION", "fail-report-reaches-nobody", model(
    "components:\n" + EVENT_AGENT), set())
case("AGENT-HUMAN-MANIPULATION", "pass-report-reaches-people", model(
    "components:\n" + EVENT_AGENT + "  - {id: mail, from: topic, to: oncall}\n"), {"bot"})
case("AGENT-HUMAN-MANIPULATION", "fail-report-reaches-nobody", model(
    "components:\n" + EVENT_AGENT), set())

case("AGENT-PRIVILEGE-COMPROMISE", "pass-admin-server", model("""
components:
  - {id: k8s, name: Cluster MCP, type: mcp-server, tool: {privileges: admin}}
  - {id: docs, name: Docs MCP, type: mcp-server, tool: {privileges: scoped}}
"""), {"k8s"})

# Financial records are sensitive data like payment data.
case("STRIDE-STORE-UNENCRYPTED", "pass-financial", model("""
components:
  - {id: ledger, name: Ledger, type: data-store, data: [financial],
     store: {encrypted_at_rest: false}}
"""), {"ledger"})

# Output posted to a chat platform is rendered there.
case("LLM05-IMPROPER-OUTPUT-HANDLING", "pass-to-outside-service", model(
    "components:\n" + agent() + LOOKUP + """
  - {id: chat, name: Chat platform, type: external-service}
flows:
  - {id: post, from: bot, to: chat}
"""), {"post"})

# Delegating to another organisation's agent: its answers are outside content for ours, and its
# own inside is not ours to harden.
PARTNER = """
boundaries:
  - {id: ours, name: Ours, kind: cloud-account}
  - {id: partner, name: Partner, kind: third-party}
components:
""" + agent("planner", boundary="ours", delegates_to=["booking"]) + LOOKUP + agent(
    "booking", boundary="partner", triggers=["agent"], tools=[{"tool": "web",
                                                               "permissions": ["read"]}]) + WEB
case("AGENT-GOAL-HIJACK", "pass-partner-answers", model(PARTNER), {"planner"})
case("AGENT-CASCADING-HALLUCINATION", "partner-agent-left-out", model(PARTNER), {"planner"})

REMOTE = """
boundaries:
  - {id: ours, name: Ours, kind: cloud-account}
  - {id: partner, name: Partner, kind: third-party}
components:
""" + agent("planner", boundary="ours", delegates_to=["booking"]) + LOOKUP + agent(
    "booking", boundary="partner", triggers=["agent"])
case("AGENT-MESSAGE-REPLAY", "pass", model(REMOTE + """
flows:
  - {id: book, from: planner, to: booking, authenticated: true, replay_protected: false}
"""), {"book"})
# Unstated is a question; stated protection is no finding.
case("AGENT-MESSAGE-REPLAY", "fail-unstated-or-protected", model(REMOTE + """
flows:
  - {id: book, from: planner, to: booking, authenticated: true}
  - {id: rebook, from: planner, to: booking, authenticated: true, replay_protected: true,
     protocol: grpc}
"""), set())

# A vendor's package run over stdio is code beside the agent, even on a vendor's runner.
case("AGENT-TOOL-SUPPLY-CHAIN", "pass-vendor-stdio-package", model("""
components:
  - {id: local, name: Vendor MCP via npx, type: mcp-server, hosting: third-party-saas,
     tool: {source: third-party, transport: stdio}}
  - {id: remote, name: Vendor MCP, type: mcp-server, hosting: third-party-saas,
     tool: {source: third-party, transport: http}}
"""), {"local"})


# --- facts added for real architectures ----------------------------------------------------------

# Where answers are shown: the client app renders them; a back end calling the model keeps the
# flow finding, the app's own request flow does not repeat it.
CHAT = "components:" + PEOPLE + agent() + LOOKUP + """
  - {id: api, name: API, type: service}
flows:
  - {id: ask, from: person, to: app}
  - {id: call, from: app, to: api}
  - {id: run, from: api, to: bot}
"""
case("LLM05-UNSAFE-RENDERING", "pass-chat-front-end", model(CHAT), {"app"})
case("LLM05-IMPROPER-OUTPUT-HANDLING", "client-request-left-to-rendering", model("""
components:
  - {id: app, name: App, type: client-app}
  - {id: api, name: API, type: service}
  - {id: llm, name: LLM, type: foundation-model}
flows:
  - {id: direct, from: app, to: llm}
  - {id: backend, from: api, to: llm}
"""), {"backend"})
case("LLM05-UNSAFE-RENDERING", "fail-no-model-behind", model("""
components:
  - {id: person, name: Person, type: user}
  - {id: app, name: App, type: client-app}
  - {id: api, name: API, type: service}
  - {id: db, name: DB, type: data-store}
  - {id: vendor, name: Vendor chat client, type: client-app, hosting: third-party-saas}
  - {id: llm, name: LLM, type: foundation-model}
flows:
  - {id: ask, from: person, to: app}
  - {id: call, from: app, to: api}
  - {id: read, from: api, to: db}
  - {id: chat, from: vendor, to: llm}
"""), set())

# Whoever may write the documents: one user's entries reaching everyone is the insider path.
case("LLM08-INSIDER-KNOWLEDGE-POISONING", "pass-shared-wiki", model("""
components:
  - {id: wiki, name: Team wiki, type: knowledge-base, store: {shared: shared-across-users}}
  - {id: mine, name: My notes, type: vector-store, store: {shared: per-user}}
  - {id: web, name: Crawled web, type: vector-store,
     store: {shared: shared-across-users, ingests_untrusted: true}}
"""), {"wiki"})
case("LLM08-INSIDER-KNOWLEDGE-POISONING", "fail-unstated-sharing", model("""
components:
  - {id: docs, name: Docs, type: knowledge-base}
"""), set())

# A component stated to install packages when it runs, on a vendor's runner too; a community
# server installed with npx is AGENT-TOOL-SUPPLY-CHAIN's.
case("LLM03-SOFTWARE-SUPPLY-CHAIN", "pass-installs-at-runtime", model("""
components:
  - {id: runner, name: CI runner, type: code-sandbox, hosting: third-party-saas,
     software: {installs_at_runtime: true}, tool: {source: third-party}}
  - {id: npx, name: Community server, type: mcp-server, software: {installs_at_runtime: true},
     tool: {source: community, transport: stdio}}
  - {id: vendor, name: Vendor sandbox, type: code-sandbox, hosting: third-party-saas}
"""), {"runner"})
case("AGENT-TOOL-SUPPLY-CHAIN", "pass-community-npx", model("""
components:
  - {id: npx, name: Community server, type: mcp-server, software: {installs_at_runtime: true},
     tool: {source: community, transport: stdio}}
"""), {"npx"})

# Exposure stated outright: a public index with no flow drawn from the internet.
case("STRIDE-ENTRY-DOS", "pass-stated-exposure", model("""
components:
  - {id: index, name: Search index, type: vector-store, hosting: managed-service,
     exposure: internet}
  - {id: private, name: Private index, type: vector-store, exposure: internal}
  - {id: studio, name: Agent on a vendor platform, type: agent, hosting: configured-saas,
     exposure: internet, agent: {tools: []}}
"""), {"index"})

# An agent configured on a vendor's platform carries the instructions we wrote; one the vendor
# runs as it is does not.
CONFIGURED = "components:" + PEOPLE + agent("ours", hosting="configured-saas") + agent(
    "theirs", hosting="third-party-saas") + LOOKUP + """
flows:
  - {id: ask, from: person, to: app}
  - {id: a, from: app, to: ours}
  - {id: b, from: app, to: theirs}
"""
case("LLM07-SYSTEM-PROMPT-LEAKAGE", "configured-saas-is-ours", model(CONFIGURED), {"ours"})
case("LLM10-UNBOUNDED-CONSUMPTION", "configured-saas-is-ours", model(CONFIGURED), {"ours"})

# Callers who are not authenticated (caller id) can claim to be any customer of an acting agent.
CALLERS = "components:" + PEOPLE + agent(
    "voice", tools=[{"tool": "writer", "permissions": ["write"]}]) + agent("faq") + WRITER \
    + LOOKUP + """
flows:
  - {id: call, from: person, to: app, authenticated: false}
  - {id: to-voice, from: app, to: voice, protocol: in-process}
  - {id: to-faq, from: app, to: faq, protocol: in-process}
"""
case("AGENT-IDENTITY-SPOOFING", "pass-unauthenticated-callers", model(CALLERS), {"voice"})

# A token accepted without checking its audience or clients authenticates nobody in particular.
case("STRIDE-FLOW-UNAUTHENTICATED", "pass-token-not-validated", model("""
boundaries:
  - {id: a, name: A, kind: vpc}
  - {id: b, name: B, kind: vpc}
components:
  - {id: api, name: API, type: service, boundary: a}
  - {id: gw, name: Gateway, type: mcp-server, boundary: b}
flows:
  - {id: loose, from: api, to: gw, authenticated: true, token_validated: false}
  - {id: strict, from: gw, to: api, authenticated: true, token_validated: true}
"""), {"loose"})

# Retrieval that applies the asker's permissions does not mix tenants, and needs no question.
case("LLM08-CROSS-TENANT-RETRIEVAL", "fail-filtered-per-user", model("""
components:
  - {id: docs, name: Docs, type: vector-store, data: [confidential],
     store: {multi_tenant: true, filters_by_user: true}}
  - {id: open, name: Open docs, type: vector-store, data: [confidential],
     store: {filters_by_user: true}}
"""), set())

# An agent our own agents call over the network answers them as it would a person; another
# organisation's agent is theirs, and an in-process call is the caller's own code.
CALLED = """
boundaries:
  - {id: ours, name: Ours, kind: cloud-account}
  - {id: partner, name: Partner, kind: third-party}
components:
""" + agent("planner", boundary="ours", triggers=["event"]) + agent(
    "worker", boundary="ours", data=["pii"]) + agent("helper", boundary="ours", data=["pii"]) \
    + agent("remote", boundary="partner", data=["pii"]) + LOOKUP + """
flows:
  - {id: a, from: planner, to: worker, protocol: https}
  - {id: b, from: planner, to: helper, protocol: in-process}
  - {id: c, from: planner, to: remote, protocol: https}
"""
case("LLM10-UNBOUNDED-CONSUMPTION", "pass-called-by-agents", model(CALLED), {"planner", "worker"})
case("LLM02-SENSITIVE-DISCLOSURE", "pass-called-by-agents", model(CALLED), {"worker"})

# An outsider's e-mail reaches the agent and it can answer outside: the reply discloses.
case("LLM02-SENSITIVE-DISCLOSURE", "pass-answers-outsiders", model(
    "components:\n" + agent(data=["pii"], tools=[
        {"tool": "inbox", "permissions": ["read", "external-communication"]}]) + """
  - {id: inbox, name: Inbox, type: data-store, store: {ingests_untrusted: true}}
"""), {"bot"})

# Every acting tool waits for a person: prescribed agency, whatever the agent-level field says.
case("LLM06-EXCESSIVE-AGENCY", "fail-every-grant-approved", model(
    "components:\n" + agent(tools=[
        {"tool": "writer", "permissions": ["write"], "approval": "always"},
        {"tool": "lookup", "permissions": ["read"]}]) + WRITER + LOOKUP), set())
case("LLM06-EXCESSIVE-AGENCY", "pass-one-grant-unapproved", model(
    "components:\n" + agent(approval="every-action", tools=[
        {"tool": "writer", "permissions": ["write"], "approval": "none"}]) + WRITER), {"bot"})

# Agents talking through a queue: one writes, the other reads.
case("AGENT-COMMUNICATION-POISONING", "pass-through-queue", model(
    "components:\n" + agent("producer") + agent("consumer") + LOOKUP + """
  - {id: jobs, name: Jobs, type: message-queue}
  - {id: api, name: API, type: service}
flows:
  - {id: put, from: producer, to: jobs}
  - {id: take, from: jobs, to: consumer}
  - {id: poll, from: api, to: jobs}
"""), {"take"})

# A person who opens the chat space where the agent posts reads what it wrote there.
case("AGENT-HUMAN-MANIPULATION", "pass-posts-where-people-read", model(
    "components:\n" + agent(triggers=["event"], tools=[{"tool": "web", "permissions": ["read"]}])
    + WEB + """
  - {id: slack, name: Slack, type: external-service}
  - {id: lead, name: Lead, type: user, role: approver}
flows:
  - {id: post, from: bot, to: slack}
  - {id: open, from: lead, to: slack}
"""), {"bot"})


# --- the tests -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def _load(text: str) -> SystemModel:
    result = load_text(text, "t.yaml")
    assert result.ok, [d.format() for d in result.diagnostics]
    assert result.model is not None
    return result.model


def _fired(model: SystemModel, catalog: Catalog, threat: str) -> set[str]:
    return {f.target for f in derive_findings(model, catalog) if f.threat.id == threat}


@pytest.mark.parametrize(("threat", "text", "expected"), CASES)
def test_rule(catalog: Catalog, threat: str, text: str, expected: set[str]) -> None:
    assert threat in catalog.threats
    assert _fired(_load(text), catalog, threat) == expected


def _ids_in_file() -> list[str]:
    data = yaml.safe_load((ROOT / "models" / "threats.yaml").read_text(encoding="utf-8"))
    return [threat["id"] for threat in data["threats"]]


def test_every_threat_has_a_firing_and_a_silent_case() -> None:
    tested: dict[str, set[bool]] = {}
    for param in CASES:
        threat, _text, expected = param.values
        tested.setdefault(threat, set()).add(bool(expected))
    ids = _ids_in_file()
    assert len(ids) == len(set(ids)) == 50
    assert sorted(tested) == sorted(ids)
    assert {t for t, kinds in tested.items() if kinds != {True, False}} == set()


def test_findings_have_reasons_with_lines(catalog: Catalog) -> None:
    for param in CASES:
        threat, text, _expected = param.values
        for finding in derive_findings(_load(text), catalog):
            if finding.threat.id == threat:
                assert finding.id == f"{threat}@{finding.target}"
                assert finding.rationale
                assert all("(line " in line for line in finding.rationale)


def test_references_are_registered(catalog: Catalog) -> None:
    for threat in catalog.threats.values():
        assert "stride" not in threat.references, threat.id
        for framework, ids in threat.references.items():
            known = catalog.frameworks[framework].ids
            assert set(ids) <= set(known), (threat.id, framework)


def test_factors_listed_by_threats_exist_and_fit(catalog: Catalog) -> None:
    used = {factor for threat in catalog.threats.values() for factor in threat.factors}
    for threat in catalog.threats.values():
        for factor in threat.factors:
            assert catalog.factors[factor].target == threat.target
    assert used <= set(catalog.factors)


# --- the samples: findings a reviewer expects, and none that make no sense ------------------------

def _sample_findings(catalog: Catalog, name: str) -> set[str]:
    result = load_model(ROOT / "samples" / name)
    assert result.ok and result.model is not None
    return {f.id for f in derive_findings(result.model, catalog)}


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_accepted_risks_in_samples_name_findings_that_fire(catalog: Catalog, sample: Any) -> None:
    result = load_model(sample)
    assert result.ok and result.model is not None
    fired = {f.id for f in derive_findings(result.model, catalog)}
    document = yaml.safe_load(sample.read_text(encoding="utf-8"))
    for risk in document.get("accepted_risks", []):
        assert risk["finding"] in fired


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_no_finding_on_people_in_samples(catalog: Catalog, sample: Any) -> None:
    result = load_model(sample)
    assert result.ok and result.model is not None
    people = {c.id for c in result.model.components if c.type == "user"}
    assert {f.id for f in derive_findings(result.model, catalog) if f.target in people} == set()


def test_public_chat_assistant_findings(catalog: Catalog) -> None:
    # The company builds nothing: what applies is the provider keeping and training on what staff
    # paste, staff relying on answers, and the legacy file share the text comes from.
    assert _sample_findings(catalog, "public-chat-assistant.yaml") == {
        "LLM02-PROVIDER-RETENTION@chat-assistant",
        "LLM09-MISINFORMATION@chat-assistant",
        "STRIDE-FLOW-UNENCRYPTED@staff-opens-files",
        "STRIDE-STORE-UNENCRYPTED@file-share",
        "STRIDE-NO-AUDIT-TRAIL@file-share",
    }


@pytest.mark.parametrize(("sample", "expected", "absent"), [
    ("rag-support-assistant.yaml",
     {"AGENT-GOAL-HIJACK@support-assistant", "LLM08-CROSS-TENANT-RETRIEVAL@support-vectors",
      "LLM08-RETRIEVAL-POISONING@support-vectors", "STRIDE-TOOL-NO-AUTH@order-lookup",
      "STRIDE-STORE-UNENCRYPTED@crm-db"},
     # Read-only agent: nothing to misuse; session memory of one user.
     {"LLM06-EXCESSIVE-AGENCY@support-assistant", "AGENT-TOOL-MISUSE@support-assistant",
      "AGENT-MEMORY-POISONING@sessions"}),
    ("ops-agent.yaml",
     {"AGENT-CODE-EXECUTION@ops-agent", "AGENT-MEMORY-POISONING@incident-memory",
      "AGENT-TOOL-SUPPLY-CHAIN@k8s-mcp", "AGENT-PROTOCOL-ABUSE@ticket-mcp",
      "STRIDE-STORE-TAMPERING@metrics-store"},
     # stdio server: no network surface; own short-lived identity; traces are sent.
     {"AGENT-PROTOCOL-ABUSE@k8s-mcp", "STRIDE-TOOL-NO-AUTH@k8s-mcp",
      "AGENT-PRIVILEGE-COMPROMISE@ops-agent", "AGENT-REPUDIATION@ops-agent"}),
    ("multi-agent-research.yaml",
     {"AGENT-COMMUNICATION-POISONING@delegate-research",
      "AGENT-PRIVILEGE-COMPROMISE@publisher-agent", "AGENT-MEMORY-POISONING@shared-memory",
      "LLM09-MISINFORMATION@publisher-agent", "AGENT-MISALIGNED-BEHAVIOR@orchestrator"},
     # Its only way in is an in-process call from the orchestrator: nobody else can send on it.
     {"AGENT-REPUDIATION@publisher-agent", "LLM05-IMPROPER-OUTPUT-HANDLING@bus-starts-run",
      "AGENT-IDENTITY-SPOOFING@publisher-agent"}),
    ("claims-triage-finetuned.yaml",
     {"LLM03-MODEL-SUPPLY-CHAIN@triage-model", "LLM04-TRAINING-DATA-POISONING@claims-history",
      "TRAIN-DATA-LEAKAGE@triage-model", "TRAIN-MODEL-THEFT@model-registry",
      "AGENT-HITL-OVERWHELM@triage-agent", "STRIDE-FLOW-UNENCRYPTED@claims-export"},
     # Every action approved and every output reviewed.
     {"LLM06-EXCESSIVE-AGENCY@triage-agent", "LLM09-MISINFORMATION@triage-agent",
      "LLM04-TRAINING-DATA-POISONING@triage-model"}),
    ("self-trained-fraud-model.yaml",
     {"LLM03-UNSAFE-MODEL-ARTIFACT@fraud-model", "LLM10-MODEL-EXTRACTION@fraud-model",
      "TRAIN-DATA-LEAKAGE@fraud-model", "LLM04-TRAINING-DATA-POISONING@fraud-corpus"},
     {"LLM03-MODEL-SUPPLY-CHAIN@fraud-model"}),
    ("saas-copilot.yaml",
     {"LLM08-CROSS-TENANT-RETRIEVAL@tenant-index", "LLM08-RETRIEVAL-POISONING@tenant-index",
      "AGENT-GOAL-HIJACK@mail-agent", "STRIDE-FLOW-UNAUTHENTICATED@inbound-mail"},
     # Enterprise terms, no training on inputs; the vendor's own tools and prompt.
     {"LLM02-PROVIDER-RETENTION@copilot", "AGENT-TOOL-SUPPLY-CHAIN@doc-search",
      "LLM07-SYSTEM-PROMPT-LEAKAGE@mail-agent", "STRIDE-STORE-TAMPERING@mailboxes"}),
])
def test_sample_findings(catalog: Catalog, sample: str, expected: set[str],
                         absent: set[str]) -> None:
    fired = _sample_findings(catalog, sample)
    assert expected <= fired
    assert absent & fired == set()
