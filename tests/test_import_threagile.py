"""Importing Threagile models: the support-bot fixture end to end, and the hostile corpus.

The fixture (tests/data/interop/threagile/support-bot.yaml, see the README there) goes through
``import_file`` as a user's file would; the YAML the import writes is loaded again with the
model loader and analysed, and the tests check what a user would look at: the elements and their
types, nesting and flow protection, the comments, the findings, and which accepted risks survive.
"""

from __future__ import annotations

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

FIXTURES = INTEROP / "threagile"
BOT = FIXTURES / "support-bot.yaml"
PYTM_BOT = INTEROP / "pytm" / "support-bot.json"

# Shared fixtures, bound here so that pytest finds them; ``model`` reads back ``imported``.
catalog = interop_support.catalog
model = interop_support.model
assessment = interop_support.assessment
in_tmp = interop_support.in_tmp


@pytest.fixture(scope="module")
def imported(catalog: Catalog) -> ImportResult:
    return import_file(BOT, catalog=catalog, as_of=AS_OF)


# --- detection ------------------------------------------------------------------------------

def test_detection_picks_threagile_and_only_for_threagile_files() -> None:
    assert detect_format(read_source(BOT)) == "threagile"
    assert threagile.detect(read_source(BOT).data)
    assert not threagile.detect(read_source(PYTM_BOT).data)
    assert not pytm.detect(read_source(BOT).data)


def test_import_is_deterministic(imported: ImportResult, catalog: Catalog) -> None:
    again = import_file(BOT, catalog=catalog, as_of=AS_OF)
    assert again.format == "threagile"
    assert again.text == imported.text


# --- what the model holds -------------------------------------------------------------------

def test_assets_become_components_of_the_closest_type(model: SystemModel) -> None:
    types = {c.id: c.type for c in model.components}
    assert types == {
        "customer-browser": "user",          # external client used by a person
        "load-balancer": "api-gateway",
        "support-api": "service",
        "support-agent": "agent",            # technology ai + tag agent
        "llm-api": "foundation-model",       # technology ai + tag llm
        "summarizer": "service",             # "GPT" in the name only: stays a service
        "ticket-db": "data-store",
        "session-cache": "data-store",
        "help-index": "vector-store",        # tag vector-db
        "key-vault": "secrets-store",
        "monitoring": "monitoring",
        "partner-crm": "external-service",
        "support-laptop": "user",
    }
    names = {c.id: c.name for c in model.components}
    assert names["summarizer"] == "GPT Summarizer"
    assert {c.id: c.hosting for c in model.components if c.hosting} == {
        "llm-api": "managed-api", "summarizer": "managed-service",
        "partner-crm": "third-party-saas"}


def test_trust_boundaries_keep_their_nesting(model: SystemModel) -> None:
    boundaries = {b.id: (b.kind, b.parent) for b in model.boundaries}
    assert boundaries == {
        "cloud-account": ("cloud-account", None),
        "app-sg": ("subnet", "cloud-account"),
        "agent-env": ("container", "app-sg"),
        "data-sg": ("subnet", "cloud-account"),
        "office": ("on-prem", None),
        "staff-vlan": ("subnet", "office"),
        "internet": ("internet", None),               # for `internet: true` outside boundaries
        "external-parties": ("third-party", None),    # for external entities
    }
    placed = {c.id: c.boundary for c in model.components}
    assert placed["support-agent"] == "agent-env"     # the innermost boundary
    assert placed["load-balancer"] == "cloud-account"
    assert placed["customer-browser"] == "internet"
    assert placed["llm-api"] == placed["partner-crm"] == "external-parties"
    assert placed["support-laptop"] == "staff-vlan"


def test_links_become_flows_with_their_protection(model: SystemModel) -> None:
    flows = {f.id: f for f in model.flows}
    assert len(flows) == 12
    protection = {f.id: (f.source, f.target, f.protocol, f.authenticated, f.encrypted)
                  for f in model.flows}
    assert protection["customer-browser-chat-traffic"] == (
        "customer-browser", "load-balancer", "https", True, True)
    assert protection["load-balancer-forward-chat"] == (
        "load-balancer", "support-api", "https", False, True)          # authentication: none
    assert protection["support-api-store-session"] == (
        "support-api", "session-cache", "other", True, False)          # nosql-access-protocol
    assert protection["support-api-log-events"] == (
        "support-api", "monitoring", "other", False, False)            # mqtt
    assert protection["support-agent-read-tickets"][2:] == ("sql", True, True)   # jdbc-encrypted
    assert protection["summarizer-read-closed-tickets"][2:] == ("sql", True, False)  # jdbc
    assert protection["partner-crm-crm-webhook"][2:] == ("https", False, True)
    assert protection["support-laptop-staff-console"][2:] == ("https", True, True)
    assert "over a VPN" in flows["support-laptop-staff-console"].description
    assert "IP-filtered" in flows["partner-crm-crm-webhook"].description


def test_data_assets_become_classifications(model: SystemModel) -> None:
    data = {c.id: set(c.data) for c in model.components}
    # strictly-confidential → restricted; "Customer Accounts" and the pii tag → pii;
    # "Customer Messages" → untrusted-content; Threagile's "restricted" → confidential
    assert data["support-api"] == {"confidential", "restricted", "pii", "untrusted-content"}
    assert data["key-vault"] == {"restricted", "credentials"}        # "Provider API Keys"
    assert data["ticket-db"] == {"confidential", "restricted", "pii", "payment"}
    assert data["help-index"] == {"public"}
    flows = {f.id: set(f.data) for f in model.flows}
    assert flows["support-agent-fetch-key"] == {"restricted", "credentials"}


def test_store_and_agent_facts(model: SystemModel) -> None:
    components = {c.id: c for c in model.components}
    session = components["session-cache"].store
    assert session is not None
    assert (session.encrypted_at_rest, session.multi_tenant) == (False, True)
    ticket_store = components["ticket-db"].store
    assert ticket_store is not None and ticket_store.encrypted_at_rest is True
    agent = components["support-agent"].agent
    assert agent is not None
    assert agent.model == "llm-api"
    assert [(g.tool, g.permissions) for g in agent.tools] == [
        ("help-index", ("read",)), ("ticket-db", ("read",))]       # read-only links


# --- the comments ---------------------------------------------------------------------------

def test_comments_carry_the_summary_and_the_open_questions(imported: ImportResult) -> None:
    text = imported.text
    summary_header(imported, "Threagile YAML", BOT)
    comments = comment_lines(text)
    assert "# Needs a human decision:" in comments
    assert any("cross-site-scripting" in line and "no threat" in line for line in comments)
    assert any("unencrypted-communication@*@*@*" in line and "wildcards" in line
               for line in comments)
    assert any("STRIDE-STORE-UNENCRYPTED@ticket-db" in line for line in comments)
    # the note on the LLM-sounding service sits right above it
    lines = text.splitlines()
    at = lines.index("  - id: summarizer")
    assert "its name suggests an LLM" in "\n".join(lines[at - 3:at])
    assert lines[at - 1].lstrip().startswith("#")


# --- the analysis ---------------------------------------------------------------------------

def test_analysis_finds_what_the_threagile_model_shows(assessment: Assessment) -> None:
    status = {s.finding.id: s.status for s in assessment.findings}
    # unauthenticated flows into our back end: one from the internet side, one internal
    assert status["STRIDE-FLOW-UNAUTHENTICATED@partner-crm-crm-webhook"] == "accepted"
    assert status["STRIDE-FLOW-UNAUTHENTICATED@load-balancer-forward-chat"] == "open"
    # clear-text flows across boundaries and the unencrypted session store
    assert status["STRIDE-FLOW-UNENCRYPTED@support-api-store-session"] == "open"
    assert status["STRIDE-FLOW-UNENCRYPTED@summarizer-read-closed-tickets"] == "open"
    assert status["STRIDE-STORE-UNENCRYPTED@session-cache"] == "accepted"
    # the agent reads what customers type
    assert status["LLM01-DIRECT-INJECTION@support-agent"] == "open"
    # and nothing for what is protected
    assert "STRIDE-STORE-UNENCRYPTED@ticket-db" not in status
    assert "STRIDE-FLOW-UNENCRYPTED@support-agent-read-tickets" not in status
    assert (assessment.generative.value, assessment.agentic.value) == (3, 1)


def test_accepted_risks_land_only_where_the_finding_exists(model: SystemModel,
                                                           imported: ImportResult) -> None:
    risks = {r.finding: r for r in model.accepted_risks}
    assert set(risks) == {"STRIDE-STORE-UNENCRYPTED@session-cache",
                          "STRIDE-FLOW-UNAUTHENTICATED@partner-crm-crm-webhook"}
    session = risks["STRIDE-STORE-UNENCRYPTED@session-cache"]
    assert (session.owner, session.ticket, session.expires) == ("Jane Doe", "SEC-101",
                                                                "2027-06-01")
    # no usable tracking date: 90 days from the import's --as-of (2026-11-28)
    assert risks["STRIDE-FLOW-UNAUTHENTICATED@partner-crm-crm-webhook"].expires == "2027-02-26"
    guessed = [n.message for n in imported.notes if n.kind == "guessed"]
    assert any("2027-06-01 is a year after the tracking date 2026-06-01" in m for m in guessed)
    assert any("2027-02-26 is 90 days after the import (no usable tracking date)" in m
               for m in guessed)
    human = [n.message for n in imported.notes if n.kind == "human"]
    assert any("does not find as STRIDE-STORE-UNENCRYPTED@ticket-db" in m for m in human)
    assert any("in-progress" in m and "sql-nosql-injection" in m for m in human)


# --- hostile input --------------------------------------------------------------------------

VALID = None
HOSTILE: dict[str, tuple[int, int, str] | None] = {
    "support-bot.yaml": VALID,
    "malformed-syntax.yaml": (6, 4, "invalid YAML"),
    "not-a-mapping.yaml": (1, 1, "object at the top level"),
    "empty.yaml": (1, 1, "empty"),
    "wrong-type-assets-list.yaml": (3, 3, "expected an object here, found a list"),
    "wrong-type-asset-text.yaml": (3, 15, "expected an object here, found text"),
    "wrong-type-links-list.yaml": (8, 7, "expected an object here, found a list"),
    "wrong-type-protocol-object.yaml": (10, 11, "expected text here, found an object"),
    "wrong-type-data-refs-text.yaml": (10, 28, "expected a list here, found text"),
    "wrong-type-internet-number.yaml": (6, 15, "expected true or false here, found a number"),
    "wrong-type-boundary-inside-object.yaml": (11, 7, "expected a list here, found an object"),
    "wrong-type-risk-tracking-list.yaml": (8, 5, "expected an object here, found a list"),
    "wrong-type-title-list.yaml": (2, 3, "expected text here, found a list"),
    "wrong-type-id-object.yaml": (5, 7, "expected text here, found an object"),
    "missing-id.yaml": (4, 5, "missing required field 'id'"),
    "duplicate-asset-id.yaml": (7, 9, "id 'web' is used twice"),
    "duplicate-keys.yaml": (6, 3, "duplicate key 'Web'"),
    "missing-references.yaml": VALID,
    "boundary-cycle.yaml": VALID,
    "deep-boundaries.yaml": VALID,
    "deep-nesting.yaml": (6, 72, "nested more than 64 levels"),
    "huge-strings.yaml": VALID,
    "hostile-names.yaml": VALID,
    "python-tag.yaml": (1, 8, "is not allowed"),
    "python-tag-nested.yaml": (9, 19, "is not allowed"),
    "alias-bomb.yaml": (7, 36, "aliases"),
}


def test_every_hostile_fixture_is_listed() -> None:
    assert_all_listed(FIXTURES, HOSTILE, FIXTURES / "README.md")


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_fixture(name: str, catalog: Catalog, in_tmp: Path) -> None:
    """A valid model or ImportFailed with the file, line and column; nothing ever executed."""
    check_hostile(FIXTURES / name, "threagile", HOSTILE[name], catalog, display=name)


def test_hostile_names_stay_on_one_clean_line(catalog: Catalog) -> None:
    result = import_file(FIXTURES / "hostile-names.yaml", "threagile", catalog=catalog)
    model = reloaded(result, catalog)
    assert_clean_names(result, model)
    assert "<script>alert(1)</script>" in model.system.name     # kept, as text
    web = next(c for c in model.components if c.id == "web")
    assert "\x1b" in web.description                             # ...and kept in the data
    assert [r.finding for r in model.accepted_risks] == ["STRIDE-STORE-UNENCRYPTED@db"]


def test_huge_strings_are_cut_to_name_length(catalog: Catalog) -> None:
    result = import_file(FIXTURES / "huge-strings.yaml", "threagile", catalog=catalog)
    model = reloaded(result, catalog)
    assert len(model.system.name) == 200
    assert all(len(c.name) <= 200 for c in model.components)
    assert all(len(c.id) <= 64 for c in model.components)
    assert max(len(c.description) for c in model.components) > 30000


def test_ten_thousand_elements(tmp_path: Path, catalog: Catalog) -> None:
    """10 000 assets, each with a link to the next: the import finishes (time is not asserted;
    benchmarks measure speed)."""
    count = 10_000
    lines = ["title: Ten thousand elements", "technical_assets:"]
    for i in range(count):
        lines += [f"  Asset {i}:", f"    id: asset-{i}", "    type: process",
                  "    technology: web-server", "    communication_links:", "      Next:",
                  f"        target: asset-{(i + 1) % count}", "        protocol: https",
                  "        authentication: token"]
    path = tmp_path / "big.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = import_file(path, catalog=catalog)
    assert result.format == "threagile"
    assert (len(result.model.components), len(result.model.flows)) == (count, count)
