"""Importing OWASP pytm JSON: the support-bot fixture end to end, and the hostile corpus.

The fixture (tests/data/interop/pytm/support-bot.json, see the README there) has the shape pytm's
``--json`` writes. It goes through ``import_file`` as a user's file would; the YAML the import
writes is loaded again with the model loader and analysed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scoping_tui.engine.assessment import Assessment
from scoping_tui.engine.catalog import Catalog
from scoping_tui.formats.common import read_source
from scoping_tui.formats.importer import ImportResult, detect_format, import_file
from scoping_tui.formats.pytm import read as pytm
from scoping_tui.formats.threagile import read as threagile
from scoping_tui.model.types import SystemModel
from tests import interop_support
from tests.interop_support import (
    AS_OF,
    INTEROP,
    assert_all_listed,
    assert_clean_names,
    check_hostile,
    comment_lines,
    reloaded,
    summary_header,
)

FIXTURES = INTEROP / "pytm"
BOT = FIXTURES / "support-bot.json"
THREAGILE_BOT = INTEROP / "threagile" / "support-bot.yaml"

# Shared fixtures, bound here so that pytest finds them; ``model`` reads back ``imported``.
catalog = interop_support.catalog
model = interop_support.model
assessment = interop_support.assessment
in_tmp = interop_support.in_tmp


@pytest.fixture(scope="module")
def imported(catalog: Catalog) -> ImportResult:
    return import_file(BOT, catalog=catalog, as_of=AS_OF)


# --- detection ------------------------------------------------------------------------------

def test_detection_picks_pytm_and_only_for_pytm_files() -> None:
    assert detect_format(read_source(BOT)) == "pytm"
    assert pytm.detect(read_source(BOT).data)
    assert not pytm.detect(read_source(THREAGILE_BOT).data)
    assert not threagile.detect(read_source(BOT).data)
    # pytm's own JSON input format (elements/boundaries/flows only) is pytm too
    assert pytm.detect(read_source(FIXTURES / "missing-references.json").data)


def test_import_is_deterministic(imported: ImportResult, catalog: Catalog) -> None:
    again = import_file(BOT, catalog=catalog, as_of=AS_OF)
    assert again.format == "pytm"
    assert again.text == imported.text


# --- what the model holds -------------------------------------------------------------------

def test_elements_become_components_of_their_class(model: SystemModel) -> None:
    types = {c.id: c.type for c in model.components}
    assert types == {
        "customer": "user",                  # Actor
        "web-server": "service",             # Server
        "support-agent": "agent",            # Agent
        "chat-llm": "foundation-model",      # LLM
        "local-classifier": "foundation-model",
        "ticket-db": "data-store",           # Datastore
        "session-store": "data-store",
        "ticket-notifier": "service",        # Lambda
        "email-service": "external-service",  # ExternalEntity
        "gpt-summary-worker": "service",     # Process with an LLM-sounding name
    }
    components = {c.id: c for c in model.components}
    assert components["chat-llm"].hosting == "managed-api"             # isThirdParty
    assert components["local-classifier"].hosting == "self-hosted"     # isSelfHosted
    local_model = components["local-classifier"].model
    assert local_model is not None and local_model.origin == "fine-tuned"   # hasFineTuning
    assert components["ticket-notifier"].hosting == "managed-service"


def test_boundaries_nest_by_in_boundary(model: SystemModel) -> None:
    boundaries = {b.id: (b.kind, b.parent) for b in model.boundaries}
    assert boundaries == {
        "internet": ("internet", None),
        "aws-cloud": ("cloud-account", None),
        "support-vpc": ("vpc", "aws-cloud"),
        "agent-sandbox": ("container", "support-vpc"),
        "model-provider": ("third-party", None),
    }
    placed = {c.id: c.boundary for c in model.components}
    assert placed["customer"] == "internet"
    assert placed["support-agent"] == "agent-sandbox"
    assert placed["chat-llm"] == "model-provider"


def test_dataflows_become_flows_with_their_protection(model: SystemModel) -> None:
    protection = {f.id: (f.source, f.target, f.protocol, f.authenticated, f.encrypted)
                  for f in model.flows}
    # 12 pytm flows: 2 responses merged into their requests, 1 to a boundary and 1 from an
    # undefined element left out
    assert protection == {
        "customer-chats": ("customer", "web-server", "https", False, True),
        "ask-agent": ("web-server", "support-agent", "grpc", True, True),
        "agent-prompts": ("support-agent", "chat-llm", "https", True, True),  # HTTPS: guessed
        "classify-intent": ("web-server", "local-classifier", "http", True, False),
        "look-up-ticket": ("support-agent", "ticket-db", "sql", True, False),
        "store-turn": ("web-server", "session-store", "other", False, False),
        "notify": ("ticket-notifier", "email-service", "smtp", True, True),   # TLSv13
        "read-closed-tickets": ("gpt-summary-worker", "ticket-db", "sql", True, True),  # VPN
    }
    flows = {f.id: f for f in model.flows}
    # the response "Answers" adds nothing new; "Model answer" is merged into "Agent prompts"
    assert set(flows["agent-prompts"].data) == {"internal", "confidential", "pii",
                                               "untrusted-content"}


def test_data_classifications(model: SystemModel) -> None:
    flows = {f.id: set(f.data) for f in model.flows}
    assert flows["store-turn"] == {"internal", "untrusted-content",       # Chat message
                                   "restricted", "credentials"}           # Session token
    assert flows["look-up-ticket"] == {"confidential", "pii",             # Customer profile
                                       "restricted", "payment"}           # Card number
    data = {c.id: set(c.data) for c in model.components}
    assert {"pii", "confidential"} <= data["ticket-db"]   # storesPII, storesSensitiveData
    assert {"pii", "untrusted-content"} <= data["chat-llm"]
    assert data["local-classifier"] == {"untrusted-content"}


def test_store_agent_and_control_facts(model: SystemModel) -> None:
    components = {c.id: c for c in model.components}
    ticket_store = components["ticket-db"].store
    session_store = components["session-store"].store
    assert ticket_store is not None and ticket_store.encrypted_at_rest is True
    assert session_store is not None and session_store.encrypted_at_rest is False
    agent = components["support-agent"].agent
    assert agent is not None
    assert agent.model == "chat-llm"
    assert [g.tool for g in agent.tools] == ["ticket-db"]
    controls = {(c.control, c.targets, c.status) for c in model.controls}
    assert controls == {
        ("GUARD-INPUT-FILTER", ("chat-llm",), "implemented"),     # hasContentFiltering
        ("GUARD-OUTPUT-FILTER", ("chat-llm",), "implemented"),
        ("IAM-LEAST-PRIVILEGE", ("chat-llm",), "implemented"),    # controls.implementsPOLP
    }


# --- the comments ---------------------------------------------------------------------------

def test_comments_carry_the_summary_and_the_open_questions(imported: ImportResult) -> None:
    text = imported.text
    summary_header(imported, "OWASP pytm JSON", BOT)
    comments = comment_lines(text)
    assert any("'Audit to VPC'" in line and "a boundary" in line for line in comments)
    assert any("'Ghost feed'" in line and "no element" in line for line in comments)
    assert any("DE01" in line and "no threat" in line for line in comments)
    assert any("INP02" in line and "mitigated" in line for line in comments)
    assert any("excluded threats INP01" in line for line in comments)
    lines = text.splitlines()
    at = lines.index("  - id: gpt-summary-worker")
    assert "its name suggests an LLM" in lines[at - 1]
    at = lines.index("  - id: chat-llm")
    assert any("uses retrieval (RAG)" in line for line in lines[at - 3:at])
    assert "Staff SSO" in text and "does not train on our prompts" in text   # assumptions


# --- the analysis ---------------------------------------------------------------------------

def test_analysis_finds_what_the_pytm_model_shows(assessment: Assessment) -> None:
    status = {s.finding.id: s.status for s in assessment.findings}
    # the customer's chat from the internet is not authenticated
    assert status["STRIDE-FLOW-UNAUTHENTICATED@customer-chats"] == "open"
    assert status["STRIDE-STORE-UNENCRYPTED@session-store"] == "open"
    assert status["STRIDE-FLOW-UNENCRYPTED@look-up-ticket"] == "open"
    assert status["LLM01-DIRECT-INJECTION@support-agent"] == "open"
    assert status["LLM01-DIRECT-INJECTION@local-classifier"] == "accepted"
    assert "STRIDE-STORE-UNENCRYPTED@ticket-db" not in status
    assert "STRIDE-FLOW-UNENCRYPTED@read-closed-tickets" not in status
    assert (assessment.generative.value, assessment.agentic.value) == (4, 1)


def test_accepted_findings_land_only_where_the_finding_exists(model: SystemModel,
                                                              imported: ImportResult) -> None:
    assert [(r.finding, r.expires) for r in model.accepted_risks] == [
        ("LLM01-DIRECT-INJECTION@local-classifier", "2027-02-26")]   # pytm LLM07 (jailbreak)
    # pytm records no date: the acceptance lasts 90 days from the import's --as-of
    assert "CVSS 5.3" in model.accepted_risks[0].reason
    human = [n.message for n in imported.notes if n.kind == "human"]
    # pytm LLM03 maps to LLM02-PROVIDER-RETENTION, which the analysis does not find here
    assert any("does not find as LLM02-PROVIDER-RETENTION@chat-llm" in m for m in human)
    assert any("LLM09" in m and "no threat" in m for m in human)


# --- hostile input --------------------------------------------------------------------------

VALID = None
HOSTILE: dict[str, tuple[int, int, str] | None] = {
    "support-bot.json": VALID,
    "malformed.json": (4, 28, "invalid JSON"),
    "not-an-object.json": (1, 1, "object at the top level"),
    "empty.json": (1, 1, "empty"),
    "wrong-type-flows-object.json": (4, 12, "expected a list here, found an object"),
    "wrong-type-element-text.json": (3, 56, "expected an object here, found text"),
    "wrong-type-name-bool.json": (3, 48, "expected text here, found a boolean"),
    "wrong-type-controls-text.json": (3, 69, "expected an object here, found text"),
    "wrong-type-inboundary-list.json": (4, 69, "expected text here, found a list"),
    "wrong-type-flow-data-text.json": (5, 72, "expected a list here, found text"),
    "wrong-type-encrypted-text.json": (5, 42, "expected true or false here, found text"),
    "wrong-type-classification-object.json": (3, 48, "expected text here, found an object"),
    "number-as-name.json": VALID,
    "missing-name.json": (3, 16, "missing required field 'name'"),
    "duplicate-names.json": (5, 40, "two elements are named 'Web'"),
    "duplicate-keys.json": (3, 55, "duplicate key 'name'"),
    "missing-references.json": VALID,
    "boundary-cycle.json": VALID,
    "deep-boundaries.json": VALID,
    "deep-nesting.json": (1, 152, "nested more than 64 levels"),
    "huge-strings.json": VALID,
    "hostile-names.json": VALID,
    "python-tag.json": (2, 11, "is not allowed"),
}


def test_every_hostile_fixture_is_listed() -> None:
    assert_all_listed(FIXTURES, HOSTILE, FIXTURES / "README.md")


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_fixture(name: str, catalog: Catalog, in_tmp: Path) -> None:
    """A valid model or ImportFailed with the file, line and column; nothing ever executed."""
    check_hostile(FIXTURES / name, "pytm", HOSTILE[name], catalog, display=name)


def test_missing_references_are_left_out_and_noted(catalog: Catalog) -> None:
    result = import_file(FIXTURES / "missing-references.json", "pytm", catalog=catalog)
    model = reloaded(result, catalog)
    assert [f.id for f in model.flows] == ["ok", "classless-link"]   # the rest pointed nowhere
    assert {c.id: c.type for c in model.components} == {
        "web": "service", "big-iron": "service", "classless": "service"}
    human = " | ".join(n.message for n in result.notes if n.kind == "human")
    for words in ("'Ghost Region'", "'Ghost Zone'", "'Phantom'", "'Spectre'", "'Mainframe'",
                  "sink 'Ghost'", "source 'Cloud', a boundary", "Classification.PURPLE",
                  "LLM01 on 'Ghost'", "transferred"):
        assert words in human


def test_hostile_names_stay_on_one_clean_line(catalog: Catalog) -> None:
    result = import_file(FIXTURES / "hostile-names.json", "pytm", catalog=catalog)
    model = reloaded(result, catalog)
    assert_clean_names(result, model)
    web = next(c for c in model.components if c.type == "service")
    assert "\x1b" in web.description


def test_huge_strings_are_cut_to_name_length(catalog: Catalog) -> None:
    result = import_file(FIXTURES / "huge-strings.json", "pytm", catalog=catalog)
    model = reloaded(result, catalog)
    assert len(model.system.name) == 200
    assert all(len(c.name) <= 200 for c in model.components)
    assert all(len(f.id) <= 64 for f in model.flows)
    assert len(model.flows) == 1


def test_ten_thousand_elements(tmp_path: Path, catalog: Catalog) -> None:
    """10 000 elements and 10 000 flows: the import finishes (time is not asserted;
    benchmarks measure speed)."""
    count = 10_000
    classes = ("Server", "Datastore", "LLM", "Agent", "Actor")
    tm = {"name": "Ten thousand elements",
          "elements": [{"__class__": classes[i % 5], "name": f"E{i}"} for i in range(count)],
          "flows": [{"name": f"F{i}", "source": f"E{i}", "sink": f"E{(i + 1) % count}",
                     "protocol": "HTTPS"} for i in range(count)]}
    path = tmp_path / "big.json"
    path.write_text(json.dumps(tm), encoding="utf-8")
    result = import_file(path, catalog=catalog)
    assert result.format == "pytm"
    assert (len(result.model.components), len(result.model.flows)) == (count, count)
