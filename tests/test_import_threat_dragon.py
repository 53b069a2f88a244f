"""Importing OWASP Threat Dragon v2 models: what a user finds in the model the import writes.

The fixture ``tests/data/interop/threat-dragon/shop-support-chat.json`` is a two-diagram model
(its README lists what it holds); each test reads the written YAML back through the validator and
the analysis, as the user's next command would. ``hostile/`` holds broken and malicious files;
every one must give a valid model or an ImportFailed naming the file and the line.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from scoping_tui.engine.assessment import Assessment, assess
from scoping_tui.engine.catalog import Catalog
from scoping_tui.formats import vocabulary
from scoping_tui.formats.common import read_source
from scoping_tui.formats.importer import ImportResult, detect_format, import_file
from scoping_tui.formats.threat_composer import read as threat_composer
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
    write_json,
)

FIXTURES = INTEROP / "threat-dragon"
SHOP = FIXTURES / "shop-support-chat.json"
HOSTILE = FIXTURES / "hostile"
SECTIONS = ("boundaries", "components", "flows", "controls", "accepted_risks")

# Shared fixtures, bound here so that pytest finds them.
catalog = interop_support.catalog
in_tmp = interop_support.in_tmp


@pytest.fixture(scope="module")
def shop(catalog: Catalog) -> ImportResult:
    return import_file(SHOP, "threat-dragon", catalog=catalog)


def comments_above(text: str, key_line: str) -> list[str]:
    """The comment lines the writer put right above ``key_line`` (e.g. "  - id: pci-zone")."""
    lines = text.splitlines()
    index = lines.index(key_line)
    above = []
    while index > 0 and lines[index - 1].lstrip().startswith("#"):
        index -= 1
        above.insert(0, lines[index].strip())
    return above


# --- the fixture as a user sees it --------------------------------------------------------------

def test_every_element_of_both_diagrams_is_in_one_model(shop: ImportResult,
                                                        catalog: Catalog) -> None:
    model = reloaded(shop, catalog)
    assert model.system.name == "Shop support chat"
    assert model.system.owner == "Platform Security"
    # Diagram 1: 7 elements, 7 flows of which one has a loose end; diagram 2: 4 elements,
    # 5 flows of which one ends on a boundary and one on a deleted cell.
    assert len(model.components) == 11
    assert len(model.flows) == 6 + 3
    assert [b.id for b in model.boundaries] == [
        "internet", "aws-production-account", "application-vpc", "pci-zone", "corporate-network"]
    types = {c.id: c.type for c in model.components}
    assert types == {
        "customer": "user", "web-application": "service", "chat-orchestrator": "service",
        "user-database": "data-store", "audit-log": "monitoring", "vector-database": "vector-store",
        "payment-provider": "external-service", "support-agent": "user",
        "admin-console": "service", "user-database-2": "data-store",
        "legacy-reporting": "service"}
    assert any("2 diagrams merged" in n.message for n in shop.notes)
    # The same store drawn on both diagrams is two cells in Threat Dragon: flagged, not merged.
    assert any("same name and type as user-database" in m
               for m in notes(shop, "user-database-2", "human"))


def test_boundary_membership_and_nesting_come_from_the_geometry(shop: ImportResult,
                                                                catalog: Catalog) -> None:
    model = reloaded(shop, catalog)
    boundaries = {b.id: b for b in model.boundaries}
    assert boundaries["internet"].kind == "internet"
    assert boundaries["aws-production-account"].kind == "cloud-account"
    assert boundaries["application-vpc"].kind == "vpc"
    assert boundaries["application-vpc"].parent == "aws-production-account"
    assert boundaries["aws-production-account"].parent is None
    where = {c.id: c.boundary for c in model.components}
    assert where["customer"] == "internet"
    for cid in ("web-application", "chat-orchestrator", "user-database", "audit-log"):
        assert where[cid] == "application-vpc"          # the innermost box, not the account
    assert where["vector-database"] == "aws-production-account"
    assert where["payment-provider"] is None           # drawn outside every box
    assert where["legacy-reporting"] == "corporate-network"
    assert any("holds web-application, chat-orchestrator" in m
               for m in notes(shop, "application-vpc", "guessed"))
    # A curve has no inside: the boundary exists, nobody is in it, and a human is asked.
    assert not [c for c in model.components if c.boundary == "pci-zone"]
    assert any("no inside" in line for line in comments_above(shop.text, "  - id: pci-zone"))


def test_flows_keep_protocol_and_encryption(shop: ImportResult, catalog: Catalog) -> None:
    flows = {f.id: f for f in reloaded(shop, catalog).flows}
    chat = flows["chat-request"]
    assert (chat.source, chat.target, chat.protocol, chat.encrypted) == (
        "customer", "web-application", "https", True)
    assert "public network" in chat.description
    assert (flows["similarity-search"].protocol, flows["similarity-search"].encrypted) == (
        "http", False)
    assert flows["account-queries"].protocol == "sql"
    assert "protocol sql from 'JDBC'" in notes(shop, "account-queries", "guessed")
    assert flows["audit-events"].protocol == "other"
    assert "Syslog" in flows["audit-events"].description
    assert flows["nightly-export"].protocol == "ssh"
    bidirectional = flows["chat-messages"]
    assert "both ways" in bidirectional.description
    assert any("bidirectional" in m for m in notes(shop, "chat-messages", "guessed"))
    skipped = [n.message for n in shop.notes if "skipped" in n.message]
    assert len(skipped) == 3
    assert any("Unfinished flow" in m and "not attached" in m for m in skipped)
    assert any("boundary or text" in m for m in skipped)
    assert any("points to no element" in m for m in skipped)


def test_stores_keep_credentials_and_encryption(shop: ImportResult, catalog: Catalog) -> None:
    model = reloaded(shop, catalog)
    users = component(model, "user-database")
    assert users.data == ("credentials",)
    assert users.store is not None and users.store.encrypted_at_rest is False
    vector = component(model, "vector-database")
    assert vector.store is not None and vector.store.encrypted_at_rest is True
    assert component(model, "web-application").data == ("payment",)
    assert "web-application" in component(model, "web-application").tags


def test_out_of_scope_elements_are_kept_with_a_note(shop: ImportResult,
                                                    catalog: Catalog) -> None:
    model = reloaded(shop, catalog)
    legacy = component(model, "legacy-reporting")
    assert "out-of-scope" in legacy.tags
    assert "Decommissioned next quarter" in legacy.description
    assert any("out of scope" in m for m in notes(shop, "legacy-reporting", "human"))
    assert any("out of scope" in m for m in notes(shop, "nightly-export", "human"))


def test_ai_words_without_evidence_stay_a_service_and_ask_a_human(shop: ImportResult,
                                                                  catalog: Catalog) -> None:
    model = reloaded(shop, catalog)
    assert component(model, "chat-orchestrator").type == "service"
    assert any("mentions an AI part" in m for m in notes(shop, "chat-orchestrator", "human"))
    # "Support Agent" is a person: an actor's name is not read for AI words.
    assert not any("AI part" in m for m in notes(shop, "support-agent"))


def test_threats_are_kept_and_mapped_where_the_text_says_so(shop: ImportResult,
                                                            catalog: Catalog) -> None:
    model = reloaded(shop, catalog)
    chat = next(f for f in model.flows if f.id == "chat-request")
    assert ("Prompt injection through the chat box [Open, High, STRIDE Tampering] -> "
            "LLM01-DIRECT-INJECTION") in chat.description
    assert any("is catalog threat LLM01-DIRECT-INJECTION" in m
               for m in notes(shop, "chat-request", "mapped"))
    login = next(f for f in model.flows if f.id == "admin-login")
    assert "-> STRIDE-FLOW-UNAUTHENTICATED" in login.description
    # A privacy threat with no catalog counterpart is left to a human, with its text.
    unmatched = notes(shop, "admin-console", "human")
    assert any("Shoulder surfing" in m and "Privacy screens" in m for m in unmatched)
    # A mitigated threat whose mitigation names a catalog control declares it on both ends.
    declared = {c.control: c for c in model.controls}
    assert set(declared) == {"DATA-ENCRYPT-IN-TRANSIT"}
    tls = declared["DATA-ENCRYPT-IN-TRANSIT"]
    assert (tls.status, tls.targets) == ("implemented", ("customer", "web-application"))
    assert "TLS 1.2" in tls.evidence


def test_not_applicable_threats_become_acceptances_only_where_found(shop: ImportResult,
                                                                    catalog: Catalog) -> None:
    model = reloaded(shop, catalog)
    assert [r.finding for r in model.accepted_risks] == ["STRIDE-STORE-UNENCRYPTED@user-database"]
    risk = model.accepted_risks[0]
    assert risk.owner == "Platform Security"
    assert dt.date.fromisoformat(risk.expires) > dt.date.today()
    # The jailbreak marked N/A maps to LLM01, which a plain service never gets: not kept.
    assert any("LLM01-DIRECT-INJECTION@chat-orchestrator" in n.message and n.kind == "human"
               for n in shop.notes)


def test_the_comments_carry_the_summary(shop: ImportResult) -> None:
    header = summary_header(shop, "OWASP Threat Dragon v2 JSON", SHOP)
    assert "# Needs a human decision:" in header and "# Guessed:" in header
    assert "Threat Dragon has no lifecycle phase" in shop.text
    assert any(line.startswith("# decide: protocol 'Syslog'")
               for line in comments_above(shop.text, "  - id: audit-events"))


def test_the_analysis_of_the_import_makes_sense(shop: ImportResult, catalog: Catalog) -> None:
    model = reloaded(shop, catalog)
    result: Assessment = assess(model, catalog)
    status = {s.finding.id: s.status for s in result.findings}
    ids = {c.id for c in model.components} | {f.id for f in model.flows}
    assert all(fid.split("@")[1] in ids for fid in status)
    # The unencrypted flow leaving the VPC is found; the encrypted internet flow is not.
    assert status["STRIDE-FLOW-UNENCRYPTED@similarity-search"] == "open"
    assert "STRIDE-FLOW-UNENCRYPTED@chat-request" not in status
    # Credentials unencrypted at rest: accepted where Threat Dragon said N/A, open elsewhere.
    assert status["STRIDE-STORE-UNENCRYPTED@user-database"] == "accepted"
    assert status["STRIDE-STORE-UNENCRYPTED@user-database-2"] == "open"
    assert "STRIDE-STORE-UNENCRYPTED@vector-database" not in status


def test_the_import_is_deterministic(shop: ImportResult, catalog: Catalog) -> None:
    assert import_file(SHOP, "threat-dragon", catalog=catalog).text == shop.text


# --- detection ---------------------------------------------------------------------------------

def test_detection_picks_threat_dragon() -> None:
    assert detect_format(read_source(SHOP)) == "threat-dragon"
    assert import_file(SHOP).format == "threat-dragon"
    assert threat_dragon.detect(read_source(SHOP).data)
    assert not threat_composer.detect(read_source(SHOP).data)


@pytest.mark.parametrize("path", other_tools_files("threat-dragon"), ids=fixture_id)
def test_detection_does_not_claim_other_files(path: Path) -> None:
    assert not threat_dragon.detect(read_source(path).data)


# --- hostile files -----------------------------------------------------------------------------

HOSTILE_EXPECTED: dict[str, tuple[int, str] | None] = {
    # file: None when it imports into a valid model, else (line of the error, words of it).
    "boxes-150-deep.json": None,
    "cell-is-a-number.json": (61, "expected an object here, found a number"),
    "cells-not-a-list.json": (14, "expected a list here, found text"),
    "diagrams-not-a-list.json": (7, "expected a list here, found an object"),
    "duplicate-ids.json": (32, "cell id 'u' is already used by the cell at line 16"),
    "equal-boxes.json": None,
    "flag-is-a-number.json": (59, "expected true or false here, found a number"),
    "hostile-names.json": None,
    "malformed-syntax.json": (6, "invalid JSON"),
    "missing-references.json": None,
    "name-is-a-list.json": (28, "expected text here, found a list"),
    "negative-size.json": (69, "a width cannot be negative"),
    "nesting-10000-deep.json": (1, "nested more than 64 levels deep"),
    "no-elements.json": (9, "nothing to import"),
    "position-is-text.json": (35, "expected a number here, found text"),
    "python-object-tag.json": (1, "is not allowed"),
    "size-is-a-list.json": (38, "expected an object here, found a list"),
    "summary-is-text.json": (3, "expected an object here, found text"),
    "threat-title-is-an-object.json": (47, "expected text here, found an object"),
    "threats-not-a-list.json": (45, "expected a list here, found an object"),
    "top-level-list.json": (1, "an object at the top level"),
    "type-is-a-list.json": (27, "expected text here, found a list"),
    "v1-model.json": (11, "Threat Dragon version 1 model"),
}


def test_every_hostile_file_has_an_expectation() -> None:
    assert_all_listed(HOSTILE, HOSTILE_EXPECTED, FIXTURES / "README.md")


@pytest.mark.parametrize("name", sorted(HOSTILE_EXPECTED))
def test_hostile_file(name: str, in_tmp: Path, catalog: Catalog) -> None:
    check_hostile(HOSTILE / name, "threat-dragon", HOSTILE_EXPECTED[name], catalog,
                  sections=SECTIONS)


def test_hostile_names_stay_text(in_tmp: Path, catalog: Catalog) -> None:
    result = import_file(HOSTILE / "hostile-names.json", "threat-dragon", catalog=catalog)
    model = assert_safe_import(result, catalog, SECTIONS)
    names = {c.name for c in model.components}
    assert "<script>alert(1)</script>" in names
    assert "Line one Line two: {not: yaml}" in names         # one line, same words
    assert "evil reversed" in names                           # the override is gone
    assert "Label only" in names                              # empty name: the drawn label
    assert all(c.name.strip() for c in model.components)     # a blank name gets a default


def test_nested_boxes_nest_as_deep_as_drawn(catalog: Catalog) -> None:
    result = import_file(HOSTILE / "boxes-150-deep.json", "threat-dragon", catalog=catalog)
    model = reloaded(result, catalog)
    parents = {b.id: b.parent for b in model.boundaries}
    core = component(model, "core")
    depth, node = 0, core.boundary
    while node is not None:
        depth, node = depth + 1, parents[node]
    assert depth == 150
    assert core.boundary == "zone-149"
    assert component(model, "user").boundary is None


def test_identical_boxes_nest_in_file_order(catalog: Catalog) -> None:
    model = reloaded(import_file(HOSTILE / "equal-boxes.json", "threat-dragon",
                                 catalog=catalog), catalog)
    parents = {b.id: b.parent for b in model.boundaries}
    assert parents == {"zone-a": None, "zone-b": "zone-a"}
    assert component(model, "api").boundary == "zone-b"


def test_missing_references_skip_the_flow_with_a_note(catalog: Catalog) -> None:
    result = import_file(HOSTILE / "missing-references.json", "threat-dragon", catalog=catalog)
    model = reloaded(result, catalog)
    assert [f.name for f in model.flows] == ["real"]
    assert sum("skipped" in n.message for n in result.notes) == 3


def test_ten_thousand_elements_import(tmp_path: Path, catalog: Catalog) -> None:
    # Bounded work: boxes × elements for the geometry, one pass for the rest. No timing
    # assertion (machines differ); the test shows the import finishes and stays correct.
    boxes = [{"id": f"b{i}", "shape": "trust-boundary-box",
              "position": {"x": i * 1000, "y": 0}, "size": {"width": 900, "height": 60000},
              "data": {"type": "tm.BoundaryBox", "name": f"Zone {i}"}} for i in range(10)]
    nodes = [{"id": f"p{i}", "shape": "process", "position": {"x": (i % 10) * 1000 + 10,
                                                              "y": i * 10},
              "size": {"width": 100, "height": 5},
              "data": {"type": "tm.Process", "name": f"Service {i}"}} for i in range(5000)]
    flows = [{"id": f"f{i}", "shape": "flow", "source": {"cell": f"p{i}"},
              "target": {"cell": f"p{(i + 1) % 5000}"},
              "data": {"type": "tm.Flow", "name": f"call {i}", "isEncrypted": True}}
             for i in range(4990)]
    path = write_json(tmp_path / "big.json", {"version": "2.3.0", "summary": {"title": "Big"},
                                         "detail": {"diagrams": [{"cells": boxes + nodes
                                                                  + flows}]}})
    model = import_file(path, "threat-dragon", catalog=catalog).model
    assert (len(model.components), len(model.flows), len(model.boundaries)) == (5000, 4990, 10)
    assert component(model, "service-4321").boundary == "zone-1"


def test_huge_strings_are_cut(tmp_path: Path, catalog: Catalog) -> None:
    long_name = "N" * 50_000
    long_text = "word " * 200_000
    cells = [{"id": "a", "shape": "actor", "data": {"type": "tm.Actor", "name": long_name,
                                                     "description": long_text}},
             {"id": "p", "shape": "process", "data": {"type": "tm.Process", "name": "API",
                                                       "threats": [{"title": long_text,
                                                                    "description": long_text,
                                                                    "status": "Open"}]}},
             {"id": "f", "shape": "flow", "source": {"cell": "a"}, "target": {"cell": "p"},
              "data": {"type": "tm.Flow", "name": long_name, "protocol": long_text}}]
    path = write_json(tmp_path / "huge.json", {"summary": {"title": long_name,
                                                      "description": long_text},
                                          "detail": {"diagrams": [{"cells": cells}]}})
    result = import_file(path, "threat-dragon", catalog=catalog)
    model = reloaded(result, catalog)
    assert len(model.system.name) == 200 and len(model.components[0].name) == 200
    assert len(model.system.description) <= vocabulary.SYSTEM_TEXT_LIMIT
    assert all(len(c.description) <= vocabulary.TEXT_LIMIT for c in model.components)
    assert any("cut to 200 characters" in n.message for n in result.notes)
    assert len(result.text) < 200_000
