"""Importing AWS Threat Composer exports: the skeleton model, the threat and control mapping.

The fixture ``tests/data/interop/threat-composer/helpdesk-chatbot.tc.json`` is a GenAI chatbot
(its README lists each threat and mitigation and what it should become). Each test reads the
written YAML back through the validator and the analysis. ``hostile/`` holds broken and
malicious files; every one must give a valid model or an ImportFailed naming the file and line.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from scoping_tui.engine.assessment import assess
from scoping_tui.engine.catalog import Catalog
from scoping_tui.formats import vocabulary
from scoping_tui.formats.common import read_source
from scoping_tui.formats.importer import ImportResult, detect_format, import_file
from scoping_tui.formats.matching import (
    CONTROL_PHRASES,
    THREAT_PHRASES,
    match_controls,
    match_threats,
)
from scoping_tui.formats.threat_composer import read as threat_composer
from scoping_tui.formats.threat_composer.read import asset_type
from scoping_tui.formats.threat_dragon import read as threat_dragon
from tests import interop_support
from tests.interop_support import (
    INTEROP,
    assert_all_listed,
    assert_safe_import,
    check_hostile,
    component,
    fixture_id,
    notes,
    other_tools_files,
    reloaded,
    summary_header,
)

FIXTURES = INTEROP / "threat-composer"
CHATBOT = FIXTURES / "helpdesk-chatbot.tc.json"
HOSTILE = FIXTURES / "hostile"
SECTIONS = ("components", "controls", "accepted_risks")
"""All a Threat Composer import can hold beside the system: no flows, no boundaries."""

# Shared fixtures, bound here so that pytest finds them.
catalog = interop_support.catalog
in_tmp = interop_support.in_tmp


@pytest.fixture(scope="module")
def chatbot(catalog: Catalog) -> ImportResult:
    return import_file(CHATBOT, "threat-composer", catalog=catalog)


# --- the skeleton ------------------------------------------------------------------------------

def test_the_system_keeps_the_application_architecture_and_assumptions(
        chatbot: ImportResult, catalog: Catalog) -> None:
    system = reloaded(chatbot, catalog).system
    assert system.name == "Help-centre chatbot"
    assert "answers questions from help-centre articles (RAG)" in system.description
    assert "Architecture (from Threat Composer):\nA web chat widget" in system.description
    assert "Data flow (from Threat Composer):\nCustomer question" in system.description
    assert "- A1: The model is reached through Amazon Bedrock" in system.description
    assert "- A2: Customers sign in before they can chat." in system.description
    human = notes(chatbot, "", "human")
    assert any("diagram image is not imported" in m for m in human)
    assert any("2 assumption(s)" in m for m in human)


def test_one_component_per_distinct_asset(chatbot: ImportResult, catalog: Catalog) -> None:
    model = reloaded(chatbot, catalog)
    types = {c.id: c.type for c in model.components}
    # "the foundation model" and "The Foundation Model" are one asset.
    assert types == {"foundation-model": "foundation-model", "vector-database": "vector-store",
                     "chat-history": "memory", "user-data": "data-store",
                     "faq-website": "service", "help-centre-chatbot": "service"}
    assert component(model, "vector-database").name == "Vector database"
    assert component(model, "user-data").data == ("pii",)
    assert "type vector-store from the asset's name 'the vector database'" in notes(
        chatbot, "vector-database", "guessed")
    assert any("does not say what 'the FAQ website' is" in m
               for m in notes(chatbot, "faq-website", "human"))
    assert any("stands for the whole application: T8" in m
               for m in notes(chatbot, "help-centre-chatbot", "human"))
    assert any("provider, origin" in m for m in notes(chatbot, "foundation-model", "human"))


def test_flows_and_boundaries_are_left_to_a_human(chatbot: ImportResult,
                                                  catalog: Catalog) -> None:
    model = reloaded(chatbot, catalog)
    assert model.flows == () and model.boundaries == ()
    assert any("no component graph" in m and "flows" in m for m in notes(chatbot, "", "human"))
    assert "no component graph" in chatbot.text.split("\nversion: 1\n")[0]


def test_threats_map_onto_catalog_threats_on_their_assets(chatbot: ImportResult,
                                                          catalog: Catalog) -> None:
    model = reloaded(chatbot, catalog)
    described = component(model, "foundation-model").description
    for line in ("T1 [High; STRIDE T; identified]", "-> LLM01-DIRECT-INJECTION",
                 "-> LLM01-INDIRECT-INJECTION", "T4 [Medium; STRIDE D; resolved]",
                 "-> LLM10-UNBOUNDED-CONSUMPTION", "-> TRAIN-MODEL-THEFT"):
        assert line in described
    mapped = notes(chatbot, "foundation-model", "mapped")
    assert any(m.startswith("Threat Composer T1 is catalog threat LLM01-DIRECT-INJECTION")
               and "tagged LLM01" in m for m in mapped)
    assert any(m.startswith("Threat Composer T2 is catalog threat LLM01-INDIRECT-INJECTION")
               and "hidden instructions" in m for m in mapped)
    # T2 names two assets: the mapping is on both.
    assert any("T2 is catalog threat LLM01-INDIRECT-INJECTION" in m
               for m in notes(chatbot, "vector-database", "mapped"))
    assert "-> LLM02-SENSITIVE-DISCLOSURE" in component(model, "chat-history").description
    assert "-> STRIDE-STORE-UNENCRYPTED" in component(model, "user-data").description
    # No catalog match: a human gets the text.
    assert "-> no catalog match" in component(model, "faq-website").description
    assert any("T7 matches no catalog threat" in m and "scrape the public FAQ pages" in m
               for m in notes(chatbot, "faq-website", "human"))


def test_mitigations_become_controls_by_status(chatbot: ImportResult, catalog: Catalog) -> None:
    model = reloaded(chatbot, catalog)
    declared = {(c.control, c.status): c.targets for c in model.controls}
    assert declared == {
        ("GUARD-PROMPT-ATTACK-FILTER", "implemented"): ("foundation-model", "vector-database"),
        ("RES-RATE-LIMITS", "planned"): ("foundation-model",),
        ("RES-QUOTAS-BUDGETS", "planned"): ("foundation-model",),
        ("DATA-ENCRYPT-AT-REST", "implemented"): ("chat-history", "user-data"),
        ("AGENT-USER-TRANSPARENCY", "implemented"): ("*",),
    }
    evidence = {c.control: c.evidence for c in model.controls}
    assert evidence["DATA-ENCRYPT-AT-REST"].startswith("Threat Composer M4: Encrypt chat history")
    human = [n.message for n in chatbot.notes if n.kind == "human"]
    assert any(m.startswith("M3 (for T2) is only identified") and
               "DATA-RAG-INGESTION-VALIDATION" in m for m in human)
    assert any("M6 (for T3) matches no catalog control" in m for m in human)
    assert any("M5 (for T6) matches no catalog control" in m for m in human)
    assert any("M7 is linked to no component" in n.message for n in chatbot.notes
               if n.kind == "guessed")


def test_not_useful_threats_become_acceptances_only_where_found(chatbot: ImportResult,
                                                                catalog: Catalog) -> None:
    model = reloaded(chatbot, catalog)
    assert [r.finding for r in model.accepted_risks] == ["STRIDE-STORE-UNENCRYPTED@user-data"]
    risk = model.accepted_risks[0]
    assert risk.owner.startswith("unassigned") and risk.ticket == "Threat Composer T5"
    assert dt.date.fromisoformat(risk.expires) == dt.date.today() + dt.timedelta(days=90)
    assert any("owner is unassigned" in m for m in notes(chatbot, "user-data", "guessed"))
    assert any("TRAIN-MODEL-THEFT@foundation-model" in n.message and n.kind == "human"
               for n in chatbot.notes)


def test_the_comments_carry_the_summary(chatbot: ImportResult) -> None:
    summary_header(chatbot, "AWS Threat Composer JSON", CHATBOT)
    lines = chatbot.text.splitlines()
    above = lines[lines.index("  - id: faq-website") - 2:lines.index("  - id: faq-website")]
    assert all(line.startswith("  # decide: ") for line in above)


def test_the_analysis_of_the_skeleton_makes_sense(chatbot: ImportResult,
                                                  catalog: Catalog) -> None:
    model = reloaded(chatbot, catalog)
    result = assess(model, catalog)
    status = {s.finding.id: s.status for s in result.findings}
    # Unconnected components: only what a component's own facts show. The personal data
    # store has no audit trail; whether it is encrypted at rest is not stated, so that is a
    # question, and its acceptance (as Threat Composer said) waits for the answer.
    assert status == {"STRIDE-NO-AUDIT-TRAIL@user-data": "open"}
    asked = {(q.key, e) for q in result.questions for e, _line in q.elements}
    assert ("encrypted_at_rest", "user-data") in asked
    worst = assess(model, catalog, unknowns="worst-case")
    assert {s.finding.id: s.status for s in worst.findings}[
        "STRIDE-STORE-UNENCRYPTED@user-data"] == "accepted"
    at_rest = next(r for r in worst.requirements if r.control.id == "DATA-ENCRYPT-AT-REST")
    assert at_rest.status == "implemented"       # M4, resolved in Threat Composer


def test_the_import_is_deterministic(chatbot: ImportResult, catalog: Catalog) -> None:
    assert import_file(CHATBOT, "threat-composer", catalog=catalog).text == chatbot.text


# --- the matcher -------------------------------------------------------------------------------

def test_every_table_entry_names_a_catalog_entry(catalog: Catalog) -> None:
    assert {key for key, _ in THREAT_PHRASES} <= set(catalog.threats)
    assert {key for key, _ in CONTROL_PHRASES} <= set(catalog.controls)


@pytest.mark.parametrize(("text", "expected", "how"), [
    ("A customer can jailbreak the assistant", ["LLM01-DIRECT-INJECTION"], "phrase"),
    ("LLM06 Excessive Agency", ["LLM06-EXCESSIVE-AGENCY"], "code"),
    ("LLM10", ["LLM10-UNBOUNDED-CONSUMPTION"], "code"),
    ("see LLM07-SYSTEM-PROMPT-LEAKAGE", ["LLM07-SYSTEM-PROMPT-LEAKAGE"], "id"),
    ("manipulate it via indirect or direct prompt injection",
     ["LLM01-DIRECT-INJECTION", "LLM01-INDIRECT-INJECTION"], "phrase"),
    ("data poisoning of the fine-tuning set", ["LLM04-TRAINING-DATA-POISONING"], "phrase"),
    ("Agent memory poisoned to steer later runs", ["AGENT-MEMORY-POISONING"], "title"),
    ("An attacker floods the help desk with phone calls", [], ""),
    ("The model hallucinates refund policies", ["LLM09-MISINFORMATION"], "phrase"),
])
def test_threat_matcher(text: str, expected: list[str], how: str, catalog: Catalog) -> None:
    found = match_threats(text, catalog)
    assert [m.id for m in found] == expected
    assert all(m.how == how for m in found)
    assert all(m.why for m in found)
    assert all(m.kind == ("guessed" if how == "title" else "mapped") for m in found)


@pytest.mark.parametrize(("text", "expected"), [
    ("Rate limiting per API key", ["RES-RATE-LIMITS"]),
    ("All traffic uses TLS 1.3", ["DATA-ENCRYPT-IN-TRANSIT"]),
    ("Bedrock Guardrails prompt attack filter and denied topics",
     ["GUARD-INPUT-FILTER", "GUARD-PROMPT-ATTACK-FILTER"]),
    ("Human approval before any refund", ["AGENT-HITL-APPROVAL"]),
    ("Buy a bigger office", []),
])
def test_control_matcher(text: str, expected: list[str], catalog: Catalog) -> None:
    assert [m.id for m in match_controls(text, catalog)] == expected


@pytest.mark.parametrize(("asset", "expected"), [
    ("the vector database", "vector-store"), ("Amazon Bedrock foundation model",
                                              "foundation-model"),
    ("the LLM", "foundation-model"), ("chat history", "memory"), ("customer data", "data-store"),
    ("connected and downstream systems and data", None), ("the LLM inference API", None),
    ("the AI agent", "agent"), ("customer support agents", None), ("end users", "user"),
])
def test_asset_types_only_from_explicit_words(asset: str, expected: str | None) -> None:
    assert asset_type(asset) == expected


# --- detection ---------------------------------------------------------------------------------

def test_detection_picks_threat_composer() -> None:
    assert detect_format(read_source(CHATBOT)) == "threat-composer"
    assert import_file(CHATBOT).format == "threat-composer"
    assert not threat_dragon.detect(read_source(CHATBOT).data)


@pytest.mark.parametrize("path", other_tools_files("threat-composer"), ids=fixture_id)
def test_detection_does_not_claim_other_files(path: Path) -> None:
    assert not threat_composer.detect(read_source(path).data)


# --- hostile files -----------------------------------------------------------------------------

HOSTILE_EXPECTED: dict[str, tuple[int, str] | None] = {
    "application-info-is-a-list.tc.json": (3, "expected an object here, found a list"),
    "assets-is-text.tc.json": (12, "expected a list here, found text"),
    "duplicate-ids.tc.json": (18, "is already used at line 9"),
    "hostile-names.tc.json": None,
    "link-to-unknown-mitigation.tc.json": (21, "no mitigation has the id"),
    "malformed-syntax.tc.json": (4, "invalid JSON"),
    "metadata-value-is-an-object.tc.json": (19, "expected text here, found an object"),
    "missing-references.tc.json": None,
    "mitigation-is-a-number.tc.json": (19, "expected an object here, found a number"),
    "nesting-10000-deep.tc.json": (1, "nested more than 64 levels deep"),
    "newer-schema.tc.json": (2, "newer than the schema 1"),
    "numeric-id-is-text.tc.json": (10, "expected a number here, found text"),
    "only-schema.tc.json": None,
    "python-object-tag.tc.json": (1, "is not allowed"),
    "schema-is-text.tc.json": (2, "expected a number here, found text"),
    "statement-is-a-list.tc.json": (11, "expected text here, found a list"),
    "status-is-a-boolean.tc.json": (23, "expected text here, found a boolean"),
    "threats-not-a-list.tc.json": (7, "expected a list here, found an object"),
    "top-level-list.tc.json": (1, "an object at the top level"),
}


def test_every_hostile_file_has_an_expectation() -> None:
    assert_all_listed(HOSTILE, HOSTILE_EXPECTED, FIXTURES / "README.md")


@pytest.mark.parametrize("name", sorted(HOSTILE_EXPECTED))
def test_hostile_file(name: str, in_tmp: Path, catalog: Catalog) -> None:
    check_hostile(HOSTILE / name, "threat-composer", HOSTILE_EXPECTED[name], catalog,
                  sections=SECTIONS)


def test_hostile_names_stay_text(in_tmp: Path, catalog: Catalog) -> None:
    result = import_file(HOSTILE / "hostile-names.tc.json", "threat-composer", catalog=catalog)
    model = assert_safe_import(result, catalog, SECTIONS)
    names = {c.name for c in model.components}
    assert "<script>alert(1)</script>" in names
    assert "Line one Line two: {not: yaml}" in names
    assert "Evil reversed" in names
    assert model.system.name == "[31mred [0mLine one Line two: {not: yaml}"
    assert all(c.name.strip() for c in model.components)
    types = {c.name: c.type for c in model.components}
    assert types["LLM"] == "foundation-model"                 # "the\tLLM", upper-cased too
    assert types["--"] == "service"                           # punctuation only: still an asset
    assert types['"quoted" # vector database'] == "vector-store"
    # The blank asset names nothing, so its threat goes to the application's stand-in.
    assert types["[31mred [0mLine one Line two: {not: yaml}"] == "service"


def test_a_link_to_a_missing_threat_is_ignored_with_a_note(catalog: Catalog) -> None:
    result = import_file(HOSTILE / "missing-references.tc.json", "threat-composer",
                         catalog=catalog)
    model = reloaded(result, catalog)
    assert [(c.control, c.targets) for c in model.controls] == [("RES-RATE-LIMITS", ("model",))]
    assert any("links to no threat or assumption" in n.message for n in result.notes)


def test_an_empty_export_gives_a_placeholder(catalog: Catalog) -> None:
    model = reloaded(import_file(HOSTILE / "only-schema.tc.json", "threat-composer",
                                 catalog=catalog), catalog)
    assert [(c.name, c.type) for c in model.components] == [
        ("Imported Threat Composer model", "service")]


def test_ten_thousand_threats_import(tmp_path: Path, catalog: Catalog) -> None:
    # Bounded work: the matcher remembers repeated texts and runs once per distinct one. No
    # timing assertion (machines differ); the test shows the import finishes and stays right.
    threats = [{"id": f"t{i}", "numericId": i, "statement": f"Someone can jailbreak asset {i}",
                "impactedAssets": [f"asset {i % 3000}", "shared database"],
                "status": "threatResolvedNotUseful" if i % 100 == 0 else "threatIdentified"}
               for i in range(10_000)]
    mitigations = [{"id": f"m{i}", "numericId": i, "content": "rate limiting",
                    "status": "mitigationResolved"} for i in range(1000)]
    links = [{"mitigationId": f"m{i % 1000}", "linkedId": f"t{i}"} for i in range(10_000)]
    path = tmp_path / "big.tc.json"
    path.write_text(json.dumps({"schema": 1, "threats": threats, "mitigations": mitigations,
                                "mitigationLinks": links}), encoding="utf-8")
    result = import_file(path, "threat-composer", catalog=catalog)
    assert len(result.model.components) == 3001
    assert [(c.control, len(c.targets)) for c in result.model.controls] == [
        ("RES-RATE-LIMITS", 3001)]
    shared = component(result.model, "shared-database").description
    assert shared.endswith("- and 9950 more")          # the description lists 50
    assert component(result.model, "shared-database").type == "data-store"


def test_huge_strings_are_cut(tmp_path: Path, catalog: Catalog) -> None:
    long_name = "N" * 50_000
    long_text = "word " * 100_000
    path = tmp_path / "huge.tc.json"
    path.write_text(json.dumps({
        "schema": 1, "applicationInfo": {"name": long_name, "description": long_text},
        "architecture": {"description": long_text, "image": long_name},
        "threats": [{"id": "t", "numericId": 1, "statement": long_text,
                     "impactedAssets": [long_name], "tags": [long_name]}],
        "mitigations": [{"id": "m", "numericId": 1, "content": long_text}]}), encoding="utf-8")
    result = import_file(path, "threat-composer", catalog=catalog)
    model = reloaded(result, catalog)
    assert len(model.system.name) == 200 and len(model.components[0].name) == 200
    assert len(model.system.description) <= vocabulary.SYSTEM_TEXT_LIMIT
    assert any("cut to" in n.message for n in result.notes)
    assert len(result.text) < 200_000
