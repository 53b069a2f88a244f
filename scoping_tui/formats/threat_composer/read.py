"""Import an AWS Threat Composer export (``.tc.json``, schema 1) as a model skeleton.

Threat Composer describes an application in prose and lists threats, mitigations and
assumptions; it has no component graph. The import therefore builds a skeleton: the system
from ``applicationInfo`` (the architecture and data-flow descriptions joined to its
description), one component per distinct impacted asset (typed only when the asset's own words
say what it is), and a mapping of threats and mitigations onto catalog threats and controls by
a small keyword matcher whose every decision is written down as a note. Flows and trust
boundaries are left to a human.

The matcher and the control declarations are in ``matching``, the text cleaners in
``vocabulary``; the Threat Dragon importer uses the same.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from scoping_tui.engine.catalog import Catalog
from scoping_tui.formats.common import ACCEPTANCE_DAYS, ModelBuilder, Source
from scoping_tui.formats.matching import ControlSet, Match, Matcher, normalise, threat_list
from scoping_tui.formats.vocabulary import (
    SYSTEM_TEXT_LIMIT,
    clean_name,
    clean_text,
    number,
    shorten,
    system_name,
)
from scoping_tui.model.paths import Path

TITLE = "AWS Threat Composer JSON"

_TOP_KEYS = ("applicationInfo", "architecture", "dataflow", "assumptions", "mitigations",
             "assumptionLinks", "mitigationLinks", "threats")


def detect(data: Any) -> bool:
    """A Threat Composer export: a numeric ``schema`` beside its own top-level sections."""
    if not isinstance(data, dict):
        return False
    schema = data.get("schema")
    numeric = isinstance(schema, int | float) and not isinstance(schema, bool)
    return numeric and any(key in data for key in _TOP_KEYS)


# --- reading the file ------------------------------------------------------------------------

def _numbered(source: Source, key: str, what: str, prefix: str
              ) -> Iterator[tuple[Path, str, str]]:
    """Each entry of the list ``key``: its path, its id (unique) and its label, as "T3"."""
    seen: dict[str, Path] = {}
    for index, _ in enumerate(source.items((key,))):
        path: Path = (key, index)
        source.mapping(path, required=True)
        ident = _unique_id(source, (*path, "id"), seen, what)
        yield path, ident, _label(prefix, number(source, (*path, "numericId")), index)


def _label(prefix: str, value: float | None, index: int) -> str:
    if value is None:
        return f"{prefix}{index + 1}"
    return f"{prefix}{int(value)}" if value.is_integer() else f"{prefix}{value:g}"


def _texts(source: Source, path: Path) -> list[str]:
    return [source.text((*path, i)) for i in range(len(source.items(path)))]


@dataclass
class _Meta:
    priority: str = ""
    stride: list[str] = field(default_factory=list)
    comments: str = ""
    other: list[str] = field(default_factory=list)


def _metadata(source: Source, path: Path) -> _Meta:
    meta = _Meta()
    for index, _ in enumerate(source.items(path)):
        item = (*path, index)
        source.mapping(item, required=True)
        key = source.text((*item, "key"), required=True)
        value_path = (*item, "value")
        value = source.at(value_path)
        values = _texts(source, value_path) if isinstance(value, list) else \
            [source.text(value_path)]
        if key == "Priority":
            meta.priority = clean_name(" ".join(values), 20)
        elif key == "STRIDE":
            meta.stride = [clean_name(v, 5) for v in values]
        elif key == "Comments":
            meta.comments = " ".join(values)
        elif key.startswith("custom:"):
            meta.other.append(clean_name(f"{key[7:]}: {', '.join(values)}", 300))
    return meta


@dataclass
class _Threat:
    path: Path
    id: str
    label: str
    statement: str
    status: str
    tags: list[str]
    meta: _Meta
    assets: list[str]
    """Asset keys, as in ``_asset_key``."""
    components: list[str] = field(default_factory=list)
    matches: list[Match] = field(default_factory=list)


def _asset_key(name: str) -> str:
    """Asset names that differ only in case, spacing, dashes or a leading article are one."""
    key = re.sub(r"^(?:the|an|a) ", "", normalise(clean_name(name)))
    return key or clean_name(name).casefold()


def _statement(source: Source, path: Path) -> str:
    statement = source.text((*path, "statement"))
    if statement.strip():
        return statement
    parts = [source.text((*path, key)) for key in ("threatSource", "prerequisites")]
    action = source.text((*path, "threatAction"))
    impact = source.text((*path, "threatImpact"))
    text = " ".join(p for p in parts if p.strip())
    text = f"A {text} can {action}" if text else action
    return f"{text}, which leads to {impact}" if impact.strip() else text


_THREAT_STATUS = {"threatIdentified": "identified", "threatResolved": "resolved",
                  "threatResolvedNotUseful": "resolved as not useful"}
_MITIGATION_STATUS = {"mitigationIdentified": "identified", "mitigationInProgress": "in progress",
                      "mitigationResolved": "resolved",
                      "mitigationResolvedWillNotAction": "resolved, will not action"}


def _unique_id(source: Source, path: Path, seen: dict[str, Path], what: str) -> str:
    ident = source.text(path, required=True)
    if ident in seen:
        where = source.position(seen[ident])
        raise source.fail(path, f"{what} id {clean_name(ident, 60)!r} is already used at "
                          f"line {where.line}")
    seen[ident] = path
    return ident


# --- asset types -------------------------------------------------------------------------------

_ASSET_TYPES: tuple[tuple[str, str], ...] = (
    ("vector-store",
     r"\bvector (?:store|database|db|index)|\bembeddings? (?:store|index|database)"),
    ("knowledge-base", r"\bknowledge bases?\b"),
    ("memory", r"\b(?:conversation|chat|session) (?:history|memory)|\bagent memory"),
    ("training-data", r"\b(?:training|fine tuning) (?:data|dataset|data set|corpus)\b"),
    ("training-pipeline", r"\b(?:training|fine tuning) (?:pipelines?|jobs?)\b"),
    ("model-registry", r"\bmodel (?:registry|weights|artifacts)"),
    ("foundation-model",
     r"\bfoundation models?\b|\blarge language models?\b|\b(?:llm|language) models?\b|^llms?$"),
    ("guardrail", r"\bguardrails?\b"),
    ("mcp-server", r"\bmcp servers?\b"),
    ("code-sandbox", r"\bcode (?:interpreter|sandbox)"),
    ("secrets-store", r"\bsecrets? (?:manager|store|vault)|\bkey vault"),
    ("identity-provider", r"\bidentity provider|\b(?:cognito|okta|auth0)\b"),
    ("api-gateway", r"\bapi gateway|\bload balancer"),
    ("external-service",
     r"\bthird party|\bexternal (?:services?|apis?|systems?)|\bservice provider"),
    ("client-app",
     r"\b(?:web|mobile|chat|chatbot) (?:app|application|ui|interface|client|widget|front ?end)s?"
     r"\b|\bfront ?end\b"),
    ("monitoring", r"\b(?:logs?|logging|monitoring|audit trail|telemetry)\b"),
    # Only an agent named as software: "support agents" are people.
    ("agent", r"\b(?:ai|llm|autonomous|software) agents?\b|^agents?$"),
    ("user", r"^(?:end )?(?:users?|customers?|employees?|operators?)$"),
    ("data-store",
     r"\b(?:database|data ?store|bucket|file store|data lake)\b|\b(?:user|customer|personal|"
     r"business|company|sensitive|confidential) (?:data|information|records)\b"),
)
_AI_WORDS = re.compile(r"\b(?:llm|llms|gpt|genai|generative ai|model|models|chatbot|copilot|"
                       r"agent|agents|rag|embedding|embeddings|bedrock|openai|claude|prompt)\b")


def asset_type(name: str) -> str | None:
    key = _asset_key(name)
    for ctype, pattern in _ASSET_TYPES:
        if re.search(pattern, key):
            return ctype
    return None


def _asset_data(key: str) -> list[str]:
    if re.search(r"\b(?:user|customer|personal) (?:data|information|records)\b|\bpii\b", key):
        return ["pii"]
    if re.search(r"\b(?:business|company|sensitive|confidential) (?:data|information)\b", key):
        return ["confidential"]
    return []


# --- convert ---------------------------------------------------------------------------------

def convert(source: Source, out: ModelBuilder, catalog: Catalog) -> None:
    _check_top(source)
    _system(source, out)
    matcher = Matcher(catalog)
    threats = _read_threats(source, matcher)
    mitigations = source.items(("mitigations",))
    _components(source, out, threats)
    links = _links(source, out, threats, mitigations)
    _threat_notes(out, threats)
    _mitigations(source, out, matcher, links)
    out.note("human", "Threat Composer has no component graph: how the components connect "
             "(flows), the trust boundaries they sit in and what data they carry need a human; "
             "until then the analysis sees unconnected components")
    out.note("human", "Threat Composer has no lifecycle phase: the analysis assumes prototype; "
             "set system.phase")


def _check_top(source: Source) -> None:
    schema = number(source, ("schema",))
    if schema is not None and schema > 1:
        raise source.fail(("schema",), f"Threat Composer schema {schema:g} is newer than the "
                          "schema 1 this importer reads")
    for key in ("applicationInfo", "architecture", "dataflow"):
        source.mapping((key,))
    for key in ("assumptions", "mitigations", "assumptionLinks", "mitigationLinks", "threats"):
        source.items((key,))


def _system(source: Source, out: ModelBuilder) -> None:
    name = system_name(source.text(("applicationInfo", "name")), out,
                       "Imported Threat Composer model", "application", "name")
    parts = [source.text(("applicationInfo", "description"))]
    for key, heading in (("architecture", "Architecture"), ("dataflow", "Data flow")):
        text = source.text((key, "description"))
        if text.strip():
            parts.append(f"{heading} (from Threat Composer):\n{text}")
            out.note("mapped", f"the {heading.lower()} description is kept in the system "
                     "description")
        if source.text((key, "image")).strip():
            out.note("human", f"the {heading.lower()} diagram image is not imported: draw what "
                     "it shows as components, flows and boundaries")
    assumptions = _assumption_lines(source)
    if assumptions:
        parts.append("Assumptions (from Threat Composer):\n" + "\n".join(assumptions))
        out.note("human", f"{len(assumptions)} assumption(s) are kept in the system "
                 "description; check that the model agrees with them")
    if source.mapping(("brainstorm",)):
        out.note("human", "Threat Composer brainstorm notes are not imported")
    description = clean_text("\n\n".join(p for p in parts if p.strip()), SYSTEM_TEXT_LIMIT)
    if len(description) >= SYSTEM_TEXT_LIMIT:
        out.note("human", f"the system description was cut to {SYSTEM_TEXT_LIMIT} characters")
    out.system = {"name": name}
    if description:
        out.system["description"] = description


def _assumption_lines(source: Source) -> list[str]:
    lines = []
    for path, _ident, label in _numbered(source, "assumptions", "assumption", "A"):
        content = clean_name(source.text((*path, "content")), 1000)
        lines.append(f"- {label}: {content}")
        _metadata(source, (*path, "metadata"))
        _texts(source, (*path, "tags"))
    for index, _ in enumerate(source.items(("assumptionLinks",))):
        path = ("assumptionLinks", index)
        source.mapping(path, required=True)
        for key in ("type", "assumptionId", "linkedId"):
            source.text((*path, key))
    return lines


def _read_threats(source: Source, matcher: Matcher) -> list[_Threat]:
    threats = []
    for path, ident, label in _numbered(source, "threats", "threat", "T"):
        statement = clean_name(_statement(source, path), 1400)
        tags = [clean_name(t, 60) for t in _texts(source, (*path, "tags"))]
        for key in ("impactedGoal",):
            _texts(source, (*path, key))
        assets = [raw for raw in _texts(source, (*path, "impactedAssets")) if clean_name(raw)]
        threat = _Threat(path, ident, label, statement,
                         source.text((*path, "status"), "threatIdentified"), tags,
                         _metadata(source, (*path, "metadata")), assets)
        threat.matches = matcher.threats(" ".join([statement, *tags]))
        threats.append(threat)
    return threats


def _components(source: Source, out: ModelBuilder, threats: list[_Threat]) -> None:
    lines: dict[str, list[str]] = {}
    for threat in threats:
        if not threat.assets:
            continue
        for raw in threat.assets:
            key = _asset_key(raw)
            if f"asset:{key}" not in out.ids:
                _new_component(out, raw, key)
            cid = out.ids[f"asset:{key}"]
            if cid not in threat.components:
                threat.components.append(cid)
    orphans = [t for t in threats if not t.components]
    if orphans or not out.components:
        name = out.system["name"]
        cid = out.new_id(name, "asset:*application*", fallback="application")
        out.components.append({"id": cid, "name": name, "type": "service"})
        out.note("human", "stands for the whole application"
                 + (f": {', '.join(t.label for t in orphans)} name no impacted asset"
                    if orphans else ": the file names no impacted asset")
                 + "; replace it with the real components", cid)
        for threat in orphans:
            threat.components.append(cid)
    for threat in threats:
        mapped = ", ".join(m.id for m in threat.matches) or "no catalog match"
        extra = "; ".join(x for x in (threat.meta.priority,
                                     "STRIDE " + "".join(threat.meta.stride)
                                     if threat.meta.stride else "",
                                     _THREAT_STATUS.get(threat.status, threat.status)) if x)
        for cid in threat.components:
            lines.setdefault(cid, []).append(
                f"- {threat.label} [{extra}] {shorten(threat.statement, 400)} -> {mapped}")
    for component in out.components:
        found = lines.get(component["id"])
        if found:
            component["description"] = threat_list("Threat Composer", found)


def _asset_name(raw: str) -> str:
    """The asset as a component name: "the vector database" reads "Vector database"."""
    name = re.sub(r"^(?:the|an|a)\s+", "", clean_name(raw), flags=re.IGNORECASE) or clean_name(raw)
    return name[:1].upper() + name[1:]


def _new_component(out: ModelBuilder, raw: str, key: str) -> None:
    name = _asset_name(raw)
    cid = out.new_id(name, f"asset:{key}", fallback="asset")
    ctype = asset_type(raw)
    component: dict[str, Any] = {"id": cid, "name": name, "type": ctype or "service"}
    if ctype is not None:
        out.note("guessed", f"type {ctype} from the asset's name {clean_name(raw)!r}", cid)
    else:
        out.note("human", f"Threat Composer does not say what {clean_name(raw)!r} is; "
                 "`service` (plain compute) is a placeholder: set its type", cid)
    if re.search(_AI_WORDS, key) and ctype not in ("foundation-model", "agent", "vector-store",
                                                   "knowledge-base", "memory", "guardrail"):
        out.note("human", f"{name!r} mentions an AI part; if it is a model or an agent, change "
                 "its type and add its facts", cid)
    if ctype == "foundation-model":
        out.note("human", "the model's provider, origin (pre-trained, fine-tuned, self-trained) "
                 "and hosting are unknown", cid)
    if ctype == "agent":
        out.note("human", "the agent's tools, permissions and approvals are unknown", cid)
    data = _asset_data(key)
    if data:
        component["data"] = data
        out.note("guessed", f"holds {', '.join(data)} (from the asset's name)", cid)
    out.components.append(component)


def _links(source: Source, out: ModelBuilder, threats: list[_Threat],
           mitigations: list[Any]) -> dict[str, list[_Threat]]:
    by_id = {t.id: t for t in threats}
    mitigation_ids = {source.text(("mitigations", i, "id"))
                      for i, item in enumerate(mitigations) if isinstance(item, dict)}
    assumption_ids = {source.text(("assumptions", i, "id"))
                      for i, item in enumerate(source.items(("assumptions",)))
                      if isinstance(item, dict)}
    links: dict[str, list[_Threat]] = {}
    for index, _ in enumerate(source.items(("mitigationLinks",))):
        path: Path = ("mitigationLinks", index)
        source.mapping(path, required=True)
        mitigation = source.text((*path, "mitigationId"), required=True)
        linked = source.text((*path, "linkedId"), required=True)
        if mitigation not in mitigation_ids:
            raise source.fail((*path, "mitigationId"), f"no mitigation has the id "
                              f"{clean_name(mitigation, 60)!r}")
        threat = by_id.get(linked)
        if threat is None and linked not in assumption_ids:
            out.note("human", f"mitigationLinks[{index}] (line {source.position(path).line}) "
                     "links to no threat or assumption in the file: ignored")
        if threat is not None and threat not in links.setdefault(mitigation, []):
            links[mitigation].append(threat)
    return links


def _threat_notes(out: ModelBuilder, threats: list[_Threat]) -> None:
    for threat in threats:
        status = _THREAT_STATUS.get(threat.status)
        if status is None:
            out.note("human", f"{threat.label} has the unknown status "
                     f"{clean_name(threat.status, 40)!r}; read as identified",
                     threat.components[0])
        for cid in threat.components:
            for match in threat.matches:
                out.note(match.kind, f"Threat Composer {threat.label} is catalog threat "
                         f"{match.id} ({match.title}): {match.why}", cid)
        if not threat.matches:
            out.note("human", f"Threat Composer {threat.label} matches no catalog threat; "
                     f"review it: {shorten(threat.statement, 300)}", threat.components[0])
        if threat.meta.comments.strip():
            out.note("mapped", f"{threat.label} comments: {shorten(threat.meta.comments)}",
                     threat.components[0])
        if threat.status != "threatResolvedNotUseful":
            continue
        if not threat.matches:
            out.note("human", f"{threat.label} is resolved as not useful in Threat Composer, "
                     "but matches no catalog threat, so no risk acceptance was made",
                     threat.components[0])
            continue
        for cid in threat.components:
            for match in threat.matches:
                finding = f"{match.id}@{cid}"
                if any(r["finding"] == finding for r in out.candidate_risks):
                    continue
                out.candidate_risks.append({
                    "finding": finding,
                    "owner": "unassigned (Threat Composer records no owner)",
                    "reason": f"Threat Composer {threat.label} resolved as not useful: "
                              f"{shorten(threat.statement, 300)}",
                    "expires": out.guessed_expiry(),
                    "ticket": f"Threat Composer {threat.label}",
                })
                out.note("guessed", f"accepting {match.id}@{cid} because {threat.label} is "
                         "resolved as not useful: the owner is unassigned and the acceptance "
                         f"expires {ACCEPTANCE_DAYS} days after the import; set both", cid)


def _mitigations(source: Source, out: ModelBuilder, matcher: Matcher,
                 links: dict[str, list[_Threat]]) -> None:
    controls = ControlSet()
    for path, ident, label in _numbered(source, "mitigations", "mitigation", "M"):
        content = clean_name(source.text((*path, "content")), 1000)
        raw_status = source.text((*path, "status"))
        _metadata(source, (*path, "metadata"))
        tags = [clean_name(t, 60) for t in _texts(source, (*path, "tags"))]
        linked = links.get(ident, [])
        targets: list[str] = []
        for threat in linked:
            targets += [c for c in threat.components if c not in targets]
        element = targets[0] if len(targets) == 1 else ""
        where = f" (for {', '.join(t.label for t in linked)})" if linked else ""
        matches = matcher.controls(" ".join([content, *tags]))
        status = _MITIGATION_STATUS.get(raw_status)
        if raw_status and status is None:
            out.note("human", f"{label} has the unknown status {clean_name(raw_status, 40)!r}; "
                     "read as identified", element)
        if not matches:
            out.note("human", f"Threat Composer mitigation {label}{where} matches no catalog "
                     f"control: {shorten(content, 300)}", element)
            continue
        names = ", ".join(m.id for m in matches)
        if raw_status in ("mitigationResolved", "mitigationInProgress"):
            declared: Literal["implemented", "planned"] = (
                "implemented" if raw_status == "mitigationResolved" else "planned")
            if not targets:
                out.note("guessed", f"{label} is linked to no component: {names} declared for "
                         "the whole system")
            for match in matches:
                controls.add(match.id, declared, targets,
                             f"Threat Composer {label}: {shorten(content, 200)}")
                out.note(match.kind, f"{label}{where} ({status}) is catalog control {match.id} "
                         f"({match.title}), declared {declared}: {match.why}", element)
        elif raw_status == "mitigationResolvedWillNotAction":
            out.note("human", f"{label}{where} will not be actioned in Threat Composer; it "
                     f"would be {names}", element)
        else:
            out.note("human", f"{label}{where} is only identified, not in place: it would be "
                     f"{names}; declare it when it is", element)
    controls.emit(out)
