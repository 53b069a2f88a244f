"""Import a Threagile model (``threagile.yaml``).

Threagile describes data assets (rated for confidentiality, integrity and availability), technical
assets (external entities, processes and data stores with a technology, communication links and
the data they process or store), trust boundaries that nest, shared runtimes, and a
``risk_tracking`` section keyed by the synthetic ids of its own risk rules
(``rule@element@...``). Technical assets become components, communication links become flows,
trust boundaries become boundaries; data assets become classifications on the components and
flows that carry them. Everything Threagile says that has no place in our model is kept in the
descriptions, and every decision is noted.

Field names follow Threagile's ``pkg/input`` model and its enumerations in ``pkg/types``
(protocols, trust boundary types, encryption styles, risk statuses, the technology list).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from scoping_tui.engine.catalog import Catalog
from scoping_tui.formats.common import ACCEPTANCE_DAYS, ModelBuilder, Source
from scoping_tui.formats.vocabulary import (
    LLM_WORDS,
    agent_section,
    class_patterns,
    guessed_classes,
    in_key_order,
    one_line,
    ordered_classes,
    plain_words,
)
from scoping_tui.model.paths import Path

TITLE = "Threagile YAML"

_CONFIDENTIALITY = {
    "public": "public",
    "internal": "internal",
    # Threagile's scale runs public < internal < restricted < confidential <
    # strictly-confidential; ours runs public < internal < confidential < restricted. Its
    # "restricted" sits below "confidential", so the nearest of ours is confidential.
    "restricted": "confidential",
    "confidential": "confidential",
    "strictly-confidential": "restricted",
}
# Words in a data asset's id, title or tags that suggest a class the rating cannot express:
# the shared table, and DSGVO (the GDPR's German name: Threagile models often come from German
# teams).
_CLASS_PATTERNS = class_patterns({"pii": "dsgvo"})

_BOUNDARY_KINDS: dict[str, tuple[str, str]] = {
    # Threagile type → (our kind, "" when direct or the reason when it is a guess)
    "network-on-prem": ("on-prem", ""),
    "network-dedicated-hoster": ("on-prem", "a network at a dedicated hoster; the nearest kind "
                                 "is an on-premises data centre"),
    "network-virtual-lan": ("subnet", ""),
    "network-cloud-provider": ("cloud-account", "a network at a cloud provider, imported as a "
                               "cloud account (it may be a VPC)"),
    "network-cloud-security-group": ("subnet", "a cloud security group, imported as a network "
                                     "segment"),
    "network-policy-namespace-isolation": ("container", "Kubernetes namespace isolation, "
                                           "imported as a container boundary"),
    "execution-environment": ("container", "Threagile calls an execution environment a "
                              "logical group, not a protective network boundary; flows across "
                              "it count as crossing a trust boundary here"),
}

# Protocol → (our protocol, encrypted in transit). Encryption follows Threagile's own
# Protocol.IsEncrypted(); a VPN on the link also counts as encryption (see _flow).
_PROTOCOLS: dict[str, tuple[str, bool]] = {
    "http": ("http", False),
    "https": ("https", True),
    "ws": ("websocket", False),
    "wss": ("websocket", True),
    "reverse-proxy-web-protocol": ("http", False),
    "reverse-proxy-web-protocol-encrypted": ("https", True),
    "jdbc": ("sql", False),
    "jdbc-encrypted": ("sql", True),
    "odbc": ("sql", False),
    "odbc-encrypted": ("sql", True),
    "sql-access-protocol": ("sql", False),
    "sql-access-protocol-encrypted": ("sql", True),
    "ssh": ("ssh", True),
    "ssh-tunnel": ("ssh", True),
    "sftp": ("ssh", True),
    "scp": ("ssh", True),
    "smtp": ("smtp", False),
    "smtp-encrypted": ("smtp", True),
    "local-file-access": ("file", False),
    "in-process-library-call": ("in-process", False),
}
_OTHER_PROTOCOLS: dict[str, bool] = {
    # Threagile protocols with no counterpart in our enum: imported as "other".
    "mqtt": False, "nosql-access-protocol": False, "nosql-access-protocol-encrypted": True,
    "binary": False, "binary-encrypted": True, "text": False, "text-encrypted": True,
    "pop3": False, "pop3-encrypted": True, "imap": False, "imap-encrypted": True,
    "ftp": False, "ftps": True, "ldap": False, "ldaps": True, "jms": False, "nfs": False,
    "smb": False, "smb-encrypted": True, "nrpe": False, "xmpp": False, "iiop": False,
    "iiop-encrypted": True, "jrmp": False, "jrmp-encrypted": True,
    "inter-process-communication": False, "container-spawning": False,
}
_NO_AUTH = ("none", "")

# Threagile technology (with its aliases) → our component type.
_TECH_TYPES: dict[str, str] = {}
for _type, _names in (
    ("service", "application-server app-server web-server web-application web-app "
                "web-service-rest rest-api web-service-soap soap-api ejb enterprise-java-beans "
                "erp enterprise-resource-planning cms content-management-system "
                "batch-processing task job function scheduler cron event-listener "
                "stream-processing report-engine reporting search-engine service-mesh "
                "mainframe library container-platform container docker kubernetes "
                "build-pipeline ci continuous-integration sourcecode-repository git "
                "artifact-registry code-inspection-platform code-inspection code-analysis "
                "cli command-line command-line-tool command-line-interface service-registry "
                "service-discovery big-data-platform big-data hmi human-machine-interface "
                "scada plc programmable-logic-controller industrial-control-actor "
                "industrial-control-sensor tool utility mail-server email-server"),
    ("api-gateway", "load-balancer lb reverse-proxy waf web-application-firewall gateway "
                    "jump-host jump-server jump-box"),
    ("identity-provider", "identity-provider idp identity-store-ldap ldap-server ldap "
                          "identity-store-database identity-store"),
    ("secrets-store", "vault hashicorp-vault hsm hardware-security-module"),
    ("monitoring", "monitoring siem ids intrusion-detection-system ips "
                   "intrusion-prevention-system"),
    ("client-app", "browser web-browser desktop desktop-system mobile-app client-system client "
                   "devops-client iot-device iot"),
    ("data-store", "database db data-lake file-server file-storage block-storage san "
                   "local-file-system local-storage search-index message-queue mq "
                   "operational-historian historian"),
    ("foundation-model", "ai artificial-intelligence machine-learning deep-learning "
                         "neural-network ml dl"),
):
    for _name in _names.split():
        _TECH_TYPES[_name] = _type
_CLIENT_TECH = {name for name, kind in _TECH_TYPES.items() if kind == "client-app"}
_AI_TECH = {name for name, kind in _TECH_TYPES.items() if kind == "foundation-model"}
_STORE_TYPES = frozenset({"vector-store", "knowledge-base", "memory", "data-store",
                          "training-data", "model-registry", "secrets-store", "monitoring"})
_GRANTABLE = frozenset({"tool", "mcp-server", "code-sandbox", "external-service", "agent",
                        "orchestrator", "service", "data-store", "knowledge-base",
                        "vector-store", "memory"})
"""Types an agent's tool grant may name."""
# Tags that state what an asset is, strongest first.
_TAG_TYPES = (
    ("agent", {"agent", "ai-agent", "llm-agent", "agentic"}),
    ("orchestrator", {"orchestrator", "agent-orchestrator"}),
    ("mcp-server", {"mcp-server", "mcp"}),
    ("guardrail", {"guardrail", "guardrails", "ai-guardrail"}),
    ("vector-store", {"vector-store", "vector-db", "vector-database", "vectordb",
                      "vector-index"}),
    ("knowledge-base", {"knowledge-base"}),
    ("memory", {"agent-memory", "llm-memory", "conversation-memory"}),
    ("foundation-model", {"llm", "foundation-model", "genai", "gen-ai", "ai-model",
                          "language-model", "large-language-model"}),
    ("training-pipeline", {"training-pipeline", "ml-training", "fine-tuning"}),
    ("model-registry", {"model-registry"}),
)

# Threagile risk category → the catalog threat that describes the same condition, and which part
# of the synthetic id names our target ("asset" is the 1st part after the category, "link" the
# communication link id).
_RISK_MAP: dict[str, tuple[str, str]] = {
    "unencrypted-asset": ("STRIDE-STORE-UNENCRYPTED", "asset"),
    "missing-authentication": ("STRIDE-FLOW-UNAUTHENTICATED", "link"),
    "unencrypted-communication": ("STRIDE-FLOW-UNENCRYPTED", "link"),
    "unguarded-access-from-internet": ("STRIDE-ENTRY-DOS", "asset"),
}
"""Base of a guessed expiry when a tracked risk has no usable date (deterministic output)."""


def detect(data: Any) -> bool:
    return isinstance(data, dict) and ("technical_assets" in data
                                       or "threagile_version" in data)


def convert(source: Source, out: ModelBuilder, catalog: Catalog) -> None:
    _Converter(source, out, catalog).run()


def _link_id(source_asset: str, title: str) -> str:
    """Threagile's own id of a communication link (createDataFlowId)."""
    return source_asset + ">" + re.sub(r"[^A-Za-z0-9]+", "-", title.lower()).strip("- ")


def _one_year_after(text: str) -> dt.date | None:
    try:
        start = dt.date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None
    if start.year >= 9999:
        return None
    try:
        return start.replace(year=start.year + 1)
    except ValueError:  # 29 February
        return start.replace(year=start.year + 1, day=28)


class _Converter:
    def __init__(self, source: Source, out: ModelBuilder, catalog: Catalog) -> None:
        self.source = source
        self.out = out
        self.catalog = catalog
        self.data_classes: dict[str, list[str]] = {}
        self.components: dict[str, dict[str, Any]] = {}
        """Threagile asset id → our component."""
        self.boundary_of: dict[str, str] = {}
        """Threagile asset id → our boundary id."""
        self.boundary_parent: dict[str, str] = {}
        self.flows_by_source: dict[str, list[tuple[dict[str, Any], bool]]] = {}
        """Our component id → its outgoing flows, each with whether the link is read-only."""
        self.missing_data: set[str] = set()
        self.boundaries: dict[str, dict[str, Any]] = {}
        """Threagile boundary id → our boundary."""
        self.boundary_paths: dict[str, Path] = {}
        self.zones: dict[str, str] = {}
        """Boundary kind → id of the boundary made up for assets outside every trust boundary."""

    # --- reading helpers --------------------------------------------------------------------

    def _section(self, key: str) -> dict[str, Any]:
        return self.source.mapping((key,))

    def _ids(self, path: Path) -> list[str]:
        """A list of references (ids); each must be text."""
        return [self.source.text((*path, index))
                for index, _ in enumerate(self.source.items(path))]

    def _tags(self, path: Path) -> list[str]:
        tags: list[str] = []
        for tag in self._ids(path):
            cleaned = one_line(tag, "")
            if cleaned and cleaned not in tags:
                tags.append(cleaned)
        return tags

    def _entries(self, key: str, what: str) -> list[tuple[str, Path, str]]:
        """(title, path, threagile id) of each entry of a section keyed by title."""
        seen: dict[str, str] = {}
        entries = []
        for title, value in self._section(key).items():
            path: Path = (key, title)
            if not isinstance(value, dict):
                self.source.mapping(path, required=True)
            item_id = self.source.text((*path, "id"), required=True).strip()
            if not item_id:
                raise self.source.fail((*path, "id"), f"the {what} {title!r} has an empty id")
            if item_id in seen:
                raise self.source.fail((*path, "id"), f"{what} id {item_id!r} is used twice: "
                                       f"by {seen[item_id]!r} and by {title!r}")
            seen[item_id] = title
            entries.append((title, path, item_id))
        return entries

    # --- the model --------------------------------------------------------------------------

    def run(self) -> None:
        self._system()
        self._data_assets()
        self._trust_boundaries()
        assets = self._entries("technical_assets", "technical asset")
        self._assign_boundaries(assets)
        for title, path, asset_id in assets:
            self._component(title, path, asset_id)
        for _title, path, asset_id in assets:
            self._links(path, asset_id)
        by_id = {c["id"]: c for c in self.out.components}
        for _title, _path, asset_id in assets:
            self._agent_facts(asset_id, by_id)
        self._shared_runtimes()
        self._risk_tracking()
        self._leftovers()

    def _system(self) -> None:
        text = self.source.text
        title = text(("title",))
        name = one_line(title, "Imported Threagile model")
        if not title.strip():
            self.out.note("guessed", "the Threagile model has no title; named "
                          "\"Imported Threagile model\"")
        parts = []
        for key, heading in (("application_description", ""), ("business_overview", ""),
                             ("technical_overview", "Technical overview: ")):
            overview = self.source.at((key,))
            if isinstance(overview, dict):
                body = text((key, "description")).strip()
            else:
                body = text((key,)).strip()
            if body:
                parts.append(heading + body)
        summary = text(("management_summary_comment",)).strip()
        if summary:
            parts.append("Management summary: " + summary)
        details = []
        for key, label in (("business_criticality", "business criticality"),
                           ("date", "model date"), ("threagile_version", "Threagile version")):
            value = text((key,)).strip()
            if value:
                details.append(f"{label} {value}")
        author = text(("author", "name")).strip() if isinstance(self.source.at(("author",)),
                                                                dict) else ""
        if author:
            details.append(f"author {author}")
        if details:
            parts.append("Threagile: " + "; ".join(details) + ".")
        for key, heading in (("security_requirements", "Security requirements"),
                             ("abuse_cases", "Abuse cases"), ("questions", "Open questions")):
            entries = self._section(key)
            lines = []
            for entry_title in entries:
                answer = text((key, entry_title)).strip()
                lines.append(f"- {entry_title}: {answer}" if answer else f"- {entry_title}")
            if lines:
                parts.append(heading + ":\n" + "\n".join(lines))
                self.out.note("mapped", f"Threagile {heading.lower()} kept in the system "
                              "description")
        self.out.system = {"name": name}
        if parts:
            self.out.system["description"] = "\n\n".join(parts)
        self.out.note("guessed", "Threagile has no lifecycle phase: the analysis assumes "
                      "prototype; set system.phase")

    def _data_assets(self) -> None:
        for title, path, asset_id in self._entries("data_assets", "data asset"):
            text = self.source.text
            confidentiality = text((*path, "confidentiality")).strip().lower()
            tags = self._tags((*path, "tags"))
            classes: list[str] = []
            rated = _CONFIDENTIALITY.get(confidentiality)
            if rated is not None:
                classes.append(rated)
                if confidentiality == "restricted":
                    self.out.note("guessed", f"data asset {asset_id!r}: Threagile's "
                                  "\"restricted\" ranks below \"confidential\", so it is "
                                  "imported as our \"confidential\"")
            elif confidentiality:
                self.out.note("human", f"data asset {asset_id!r}: unknown confidentiality "
                              f"{confidentiality!r}; classify the data it marks by hand")
            found = plain_words(asset_id, title, " ".join(tags))
            guessed = guessed_classes(_CLASS_PATTERNS, found, classes)
            if guessed:
                self.out.note("guessed", f"data asset {asset_id!r} ({title}) read as "
                              f"{', '.join(guessed)} from its name and tags")
            classes = ordered_classes(classes + guessed)
            self.data_classes[asset_id] = classes
            extra = [f"{key} {text((*path, key)).strip()}"
                     for key in ("usage", "quantity", "integrity", "availability", "origin",
                                 "owner")
                     if text((*path, key)).strip()]
            self.out.note("mapped", f"data asset {asset_id!r} → {', '.join(classes) or 'no class'}"
                          + (f" ({'; '.join(extra)} not representable)" if extra else ""))

    def _classes(self, path: Path, owner: str) -> list[str]:
        classes: list[str] = []
        for index, ref in enumerate(self._ids(path)):
            found = self.data_classes.get(ref)
            if found is None:
                if ref not in self.missing_data:
                    self.missing_data.add(ref)
                    line = self.source.position((*path, index)).line
                    self.out.note("human", f"{owner} refers to data asset {ref!r} (line {line}) "
                                  "that the model does not define; its data is left out")
                continue
            classes.extend(found)
        return classes

    # --- boundaries -------------------------------------------------------------------------

    def _trust_boundaries(self) -> None:
        entries = self._entries("trust_boundaries", "trust boundary")
        for title, path, boundary_id in entries:
            our_id = self.out.new_id(boundary_id, f"boundary:{boundary_id}", "boundary")
            kind_text = self.source.text((*path, "type")).strip().lower()
            kind, why = _BOUNDARY_KINDS.get(kind_text, ("", ""))
            boundary: dict[str, Any] = {"id": our_id, "name": one_line(title, boundary_id)}
            if kind:
                boundary["kind"] = kind
                if why:
                    self.out.note("guessed", f"kind {kind}: {why}", our_id)
                else:
                    self.out.note("mapped", f"{kind_text} → {kind}", our_id)
            else:
                boundary["kind"] = "corporate-network"
                self.out.note("human", f"unknown Threagile boundary type {kind_text!r}; "
                              "imported as corporate-network", our_id)
            description = self.source.text((*path, "description")).strip()
            tags = self._tags((*path, "tags"))
            if tags:
                description = (description + "\n" if description else "") + \
                    "Threagile tags: " + ", ".join(tags)
            if description:
                boundary["description"] = description
            self.boundaries[boundary_id] = boundary
            self.boundary_paths[boundary_id] = path
            self.out.boundaries.append(boundary)
        for _title, path, boundary_id in entries:
            for index, child in enumerate(self._ids((*path, "trust_boundaries_nested"))):
                self._nest(boundary_id, child, (*path, "trust_boundaries_nested", index))
        for child, parent in self.boundary_parent.items():
            self.boundaries[child]["parent"] = self.boundaries[parent]["id"]

    def _nest(self, parent: str, child: str, path: Path) -> None:
        line = self.source.position(path).line
        parent_id = self.boundaries[parent]["id"]
        if child not in self.boundaries:
            self.out.note("human", f"nests boundary {child!r} (line {line}), which the model "
                          "does not define", parent_id)
            return
        child_id = self.boundaries[child]["id"]
        if child in self.boundary_parent:
            self.out.note("human", f"is nested in both {self.boundary_parent[child]!r} and "
                          f"{parent!r}; kept the first", child_id)
            return
        ancestor: str | None = parent
        steps = 0
        while ancestor is not None and steps <= len(self.boundaries):
            if ancestor == child:
                self.out.note("human", f"nesting it in {parent!r} (line {line}) would make a "
                              "cycle; left out", child_id)
                return
            ancestor = self.boundary_parent.get(ancestor)
            steps += 1
        self.boundary_parent[child] = parent

    def _ancestors(self, boundary: str) -> set[str]:
        found: set[str] = set()
        current = self.boundary_parent.get(boundary)
        while current is not None and current not in found:
            found.add(current)
            current = self.boundary_parent.get(current)
        return found

    def _assign_boundaries(self, assets: list[tuple[str, Path, str]]) -> None:
        known = {asset_id for _, _, asset_id in assets}
        placed: dict[str, str] = {}
        for boundary_id, path in self.boundary_paths.items():
            inside = (*path, "technical_assets_inside")
            for index, asset_id in enumerate(self._ids(inside)):
                our_boundary = self.boundaries[boundary_id]["id"]
                if asset_id not in known:
                    line = self.source.position((*inside, index)).line
                    self.out.note("human", f"lists technical asset {asset_id!r} (line {line}), "
                                  "which the model does not define", our_boundary)
                    continue
                earlier = placed.get(asset_id)
                if earlier is None or earlier in self._ancestors(boundary_id):
                    placed[asset_id] = boundary_id
                elif boundary_id not in self._ancestors(earlier):
                    self.out.note("human", f"technical asset {asset_id!r} is inside both "
                                  f"{earlier!r} and {boundary_id!r}; kept {earlier!r}")
        self.boundary_of = {asset: self.boundaries[b]["id"] for asset, b in placed.items()}

    def _zone(self, kind: str) -> str:
        """The made-up internet or third-party boundary for assets outside every boundary."""
        if kind not in self.zones:
            name, why = {
                "internet": ("Internet", "assets Threagile marks `internet: true` outside any "
                             "trust boundary are placed in this internet boundary"),
                "third-party": ("External parties", "Threagile external entities outside any "
                                "trust boundary are run by someone else: placed in this "
                                "third-party boundary"),
            }[kind]
            self.zones[kind] = self.out.new_id(name, None, "boundary")
            self.out.boundaries.append({"id": self.zones[kind], "name": name, "kind": kind})
            self.out.note("guessed", why, self.zones[kind])
        return self.zones[kind]

    # --- components -------------------------------------------------------------------------

    def _component(self, title: str, path: Path, asset_id: str) -> None:
        text, flag = self.source.text, self.source.flag
        our_id = self.out.new_id(asset_id, f"asset:{asset_id}", "component")
        kind = text((*path, "type")).strip().lower()
        named = [text((*path, "technology")), *self._ids((*path, "technologies"))]
        techs = [t.strip().lower() for t in named if t.strip()]
        tags = self._tags((*path, "tags"))
        human_client = flag((*path, "used_as_client_by_human")) is True
        ctype = self._type(our_id, kind, techs, tags, human_client, title)
        component: dict[str, Any] = {"id": our_id, "name": one_line(title, asset_id),
                                     "type": ctype}
        internet = flag((*path, "internet")) is True
        boundary = self.boundary_of.get(asset_id)
        if boundary is not None:
            component["boundary"] = boundary
            if internet:
                self.out.note("human", "Threagile marks it internet-facing while it sits in "
                              f"boundary {boundary!r}; the analysis sees internet exposure only "
                              "through flows from the internet", our_id)
        elif kind == "external-entity" and ctype != "user":
            component["boundary"] = self._zone("third-party")
        elif internet:
            component["boundary"] = self._zone("internet")
        hosting = self._hosting(our_id, kind, ctype, text((*path, "machine")).strip().lower())
        if hosting:
            component["hosting"] = hosting
        owner = one_line(text((*path, "owner")), "")
        if owner:
            component["owner"] = owner
        classes = self._classes((*path, "data_assets_processed"), f"asset {asset_id!r}") + \
            self._classes((*path, "data_assets_stored"), f"asset {asset_id!r}")
        if classes:
            component["data"] = ordered_classes(classes)
        if tags:
            component["tags"] = tags
        description = self._asset_description(path, techs)
        if description:
            component["description"] = description
        if ctype in _STORE_TYPES:
            store = self._store(path, our_id)
            if store:
                component["store"] = store
        elif text((*path, "encryption")).strip().lower() not in ("", "none"):
            self.out.note("mapped", "its encryption is kept in the description (store facts "
                          "only apply to stores)", our_id)
        component = in_key_order(component)
        self.components[asset_id] = component
        self.out.components.append(component)

    def _type(self, our_id: str, kind: str, techs: list[str], tags: list[str],
              human_client: bool, title: str) -> str:
        lowered = {tag.lower() for tag in tags}
        for ctype, words in _TAG_TYPES:
            if lowered & words:
                self.out.note("mapped", f"type {ctype} from its tags "
                              f"({', '.join(sorted(lowered & words))})", our_id)
                return ctype
        tech_type = next((_TECH_TYPES[t] for t in techs if t in _TECH_TYPES), None)
        unknown = [t for t in techs if t not in _TECH_TYPES and t not in ("unknown-technology",
                                                                          "unknown")]
        if tech_type == "foundation-model":
            if kind == "datastore":
                self.out.note("human", "a Threagile datastore with an AI technology: imported "
                              "as a data-store; decide whether it is a model registry, a vector "
                              "store or training data", our_id)
                return "data-store"
            self.out.note("guessed", "Threagile technology `ai` (an AI service) imported as a "
                          "foundation-model; make it an agent or genai-app if that is what it "
                          "is", our_id)
            return "foundation-model"
        if LLM_WORDS.search(plain_words(title, our_id)):
            self.out.note("human", "its name suggests an LLM or agent, but neither its "
                          "technology nor its tags say so; kept as a plain component: change "
                          "the type if it is one", our_id)
        if kind == "external-entity":
            if human_client or (tech_type == "client-app" and set(techs) & _CLIENT_TECH):
                self.out.note("guessed", "an external client used by a person: imported as the "
                              "person (user) so the analysis sees human input", our_id)
                return "user"
            if tech_type in ("identity-provider", "monitoring", "api-gateway"):
                self.out.note("mapped", f"external {tech_type} from its technology", our_id)
                return tech_type
            self.out.note("mapped", "Threagile external entity → external-service", our_id)
            return "external-service"
        if kind == "datastore":
            if tech_type in ("secrets-store", "monitoring", "identity-provider"):
                self.out.note("mapped", f"datastore with technology {techs[0]} → {tech_type}",
                              our_id)
                return tech_type
            self.out.note("mapped", "Threagile datastore → data-store", our_id)
            return "data-store"
        if kind not in ("process", ""):
            self.out.note("human", f"unknown Threagile asset type {kind!r}; imported as a "
                          "service", our_id)
        if tech_type is not None:
            if tech_type == "client-app" and not human_client:
                self.out.note("mapped", f"client technology {techs[0]} → client-app", our_id)
            elif "tool" in techs or "utility" in techs:
                self.out.note("human", "Threagile technology `tool` is a utility, imported as "
                              "a service; if an agent calls it, make it a tool", our_id)
            else:
                self.out.note("mapped", f"technology {techs[0]} → {tech_type}", our_id)
            return tech_type
        if unknown:
            self.out.note("human", f"unknown technology {unknown[0]!r}; imported as a service",
                          our_id)
        else:
            self.out.note("guessed", "no technology given; imported as a service", our_id)
        return "service"

    def _hosting(self, our_id: str, kind: str, ctype: str, machine: str) -> str:
        if kind == "external-entity" and ctype == "foundation-model":
            self.out.note("guessed", "an external AI service: hosting managed-api", our_id)
            return "managed-api"
        if kind == "external-entity" and ctype == "external-service":
            self.out.note("guessed", "an external entity: hosting third-party-saas", our_id)
            return "third-party-saas"
        if machine == "serverless" and kind != "external-entity":
            self.out.note("guessed", "serverless machine: hosting managed-service", our_id)
            return "managed-service"
        return ""

    def _asset_description(self, path: Path, techs: list[str]) -> str:
        text, flag = self.source.text, self.source.flag
        details = []
        if techs:
            details.append("technology " + ", ".join(techs))
        for key in ("machine", "size", "usage", "encryption"):
            value = text((*path, key)).strip()
            if value:
                details.append(f"{key} {value}")
        cia = [text((*path, key)).strip() for key in ("confidentiality", "integrity",
                                                      "availability")]
        if any(cia):
            details.append("CIA " + "/".join(value or "-" for value in cia))
        for key, words in (("multi_tenant", "multi-tenant"), ("redundant", "redundant"),
                           ("custom_developed_parts", "custom-developed parts")):
            if flag((*path, key)) is True:
                details.append(words)
        formats = self._ids((*path, "data_formats_accepted"))
        if formats:
            details.append("accepts " + ", ".join(formats))
        if flag((*path, "out_of_scope")) is True:
            why = text((*path, "justification_out_of_scope")).strip()
            details.append("out of scope in Threagile" + (f" ({why})" if why else ""))
        parts = [text((*path, "description")).strip()]
        if details:
            parts.append("Threagile: " + "; ".join(details) + ".")
        justification = text((*path, "justification_cia_rating")).strip()
        if justification:
            parts.append("Rating: " + justification)
        return "\n".join(part for part in parts if part)

    def _store(self, path: Path, our_id: str) -> dict[str, Any]:
        store: dict[str, Any] = {}
        encryption = self.source.text((*path, "encryption")).strip().lower()
        if encryption:
            store["encrypted_at_rest"] = encryption != "none"
            self.out.note("mapped", f"encryption {encryption} → encrypted_at_rest "
                          f"{str(encryption != 'none').lower()}", our_id)
        else:
            self.out.note("guessed", "Threagile gives no encryption: encryption at rest "
                          "unknown (the analysis treats it as unencrypted)", our_id)
        if self.source.flag((*path, "multi_tenant")) is True:
            store["multi_tenant"] = True
        return store

    # --- flows ------------------------------------------------------------------------------

    def _links(self, path: Path, asset_id: str) -> None:
        links_path: Path = (*path, "communication_links")
        source_component = self.components[asset_id]
        for title, value in self.source.mapping(links_path).items():
            link_path: Path = (*links_path, title)
            if not isinstance(value, dict):
                self.source.mapping(link_path, required=True)
            link_id = _link_id(asset_id, title)
            target = self.source.text((*link_path, "target"), required=True).strip()
            target_component = self.components.get(target)
            if target_component is None:
                line = self.source.position((*link_path, "target")).line
                where = "a trust boundary" if target in self.boundaries else "nothing the " \
                    "model defines"
                self.out.note("human", f"communication link {title!r} of {asset_id!r} "
                              f"(line {line}) targets {target!r}, {where}; the flow is left out",
                              source_component["id"])
                continue
            flow_id = self.out.new_id(f"{asset_id}-{title}", f"link:{link_id}", "flow")
            flow, readonly = self._flow(link_path, flow_id, title, source_component,
                                        target_component, asset_id)
            self.out.flows.append(flow)
            self.flows_by_source.setdefault(source_component["id"], []).append((flow, readonly))

    def _flow(self, path: Path, flow_id: str, title: str, source: dict[str, Any],
              target: dict[str, Any], asset_id: str) -> tuple[dict[str, Any], bool]:
        text, flag = self.source.text, self.source.flag
        flow: dict[str, Any] = {"id": flow_id, "from": source["id"], "to": target["id"],
                                "name": one_line(title, flow_id)}
        classes = self._classes((*path, "data_assets_sent"), f"link {title!r}") + \
            self._classes((*path, "data_assets_received"), f"link {title!r}")
        if classes:
            flow["data"] = ordered_classes(classes)
        protocol = text((*path, "protocol")).strip().lower()
        vpn = flag((*path, "vpn")) is True
        encrypted: bool | None
        if protocol in _PROTOCOLS:
            flow["protocol"], encrypted = _PROTOCOLS[protocol]
            self.out.note("mapped", f"protocol {protocol} → {flow['protocol']}", flow_id)
        elif protocol in _OTHER_PROTOCOLS:
            flow["protocol"], encrypted = "other", _OTHER_PROTOCOLS[protocol]
            self.out.note("mapped", f"protocol {protocol} has no counterpart: other", flow_id)
            if protocol == "mqtt":
                self.out.note("guessed", "MQTT's TLS is optional; taken as unencrypted, as "
                              "Threagile does", flow_id)
        else:
            flow["protocol"], encrypted = "other", None
            self.out.note("human", f"unknown protocol {protocol or 'not given'!r}: imported as "
                          "other; state whether it is encrypted", flow_id)
        if vpn and not encrypted:
            encrypted = True
            self.out.note("guessed", "an unencrypted protocol inside a VPN: counted as "
                          "encrypted in transit", flow_id)
        if encrypted is not None:
            flow["encrypted"] = encrypted
        authentication = text((*path, "authentication")).strip().lower()
        if authentication:
            flow["authenticated"] = authentication not in _NO_AUTH
            self.out.note("mapped", f"authentication {authentication} → authenticated "
                          f"{str(flow['authenticated']).lower()}", flow_id)
        else:
            self.out.note("guessed", "no authentication given: the analysis treats the flow "
                          "as unauthenticated", flow_id)
        details = []
        for key in ("authentication", "authorization", "usage"):
            value = text((*path, key)).strip()
            if value:
                details.append(f"{key} {value}")
        readonly = flag((*path, "readonly")) is True
        for key, words in (("vpn", "over a VPN"), ("ip_filtered", "IP-filtered"),
                           ("readonly", "read-only")):
            if flag((*path, key)) is True:
                details.append(words)
        tags = self._tags((*path, "tags"))
        if tags:
            details.append("tags " + ", ".join(tags))
        parts = [text((*path, "description")).strip()]
        if details:
            parts.append("Threagile: " + "; ".join(details) + ".")
        description = "\n".join(part for part in parts if part)
        if description:
            flow["description"] = description
        return flow, readonly

    def _agent_facts(self, asset_id: str, by_id: dict[str, dict[str, Any]]) -> None:
        component = self.components[asset_id]
        if component["type"] not in ("agent", "orchestrator"):
            return
        our_id = component["id"]
        reached = ((by_id[flow["to"]], {"permissions": ["read"] if readonly else ["read", "write"]})
                   for flow, readonly in self.flows_by_source.get(our_id, []))
        agent = agent_section(self.out, our_id, reached, _GRANTABLE,
                              "the first model its links reach")
        if "tools" in agent:
            self.out.note("guessed", "tools are the components its links reach; read-only "
                          "links grant read, the others read and write", our_id)
        self.out.note("human", "Threagile says nothing of human approval, triggers or the "
                      "identity the agent acts with: fill in the agent section", our_id)
        component["agent"] = agent

    # --- the rest ---------------------------------------------------------------------------

    def _shared_runtimes(self) -> None:
        for title, path, runtime_id in self._entries("shared_runtimes", "shared runtime"):
            running = []
            for asset_id in self._ids((*path, "technical_assets_running")):
                component = self.components.get(asset_id)
                if component is None:
                    continue
                running.append(component["id"])
                line = f"Runs on Threagile shared runtime {one_line(title, runtime_id)!r}."
                component["description"] = (component.get("description", "") + "\n" +
                                            line).strip()
            self.out.note("human", f"shared runtime {runtime_id!r} runs "
                          f"{', '.join(running) or 'nothing known'}; the model has no shared "
                          "runtime: consider a container boundary for them")

    def _risk_tracking(self) -> None:
        section = self._section("risk_tracking")
        author = ""
        if isinstance(self.source.at(("author",)), dict):
            author = self.source.text(("author", "name")).strip()
        for key in section:
            path: Path = ("risk_tracking", key)
            self.source.mapping(path, required=True)
            status = self.source.text((*path, "status")).strip().lower() or "unchecked"
            justification = self.source.text((*path, "justification")).strip()
            parts = key.split("@")
            category = parts[0]
            if status != "accepted":
                what = f"Threagile tracks risk {key!r} as {status}"
                self.out.note("human", what + (f" ({justification})" if justification else "")
                              + ": the analysis decides afresh; declare the controls that "
                              "mitigate it, or accept the finding it becomes")
                continue
            if any(part == "*" or "*" in part for part in parts[1:]) or len(parts) < 2:
                self.out.note("human", f"accepted risk {key!r} uses wildcards; re-accept the "
                              "findings it covers one by one")
                continue
            mapped = _RISK_MAP.get(category)
            target = None
            if mapped is not None:
                threat, part = mapped
                if part == "asset":
                    target = self.out.ids.get(f"asset:{parts[1]}")
                elif part == "link":
                    target = self.out.ids.get(f"link:{parts[1]}")
                if threat not in self.catalog.threats:
                    target = None
            if mapped is None:
                self.out.note("human", f"accepted Threagile risk {key!r}: the catalog has no "
                              f"threat that matches {category!r}; decide whether a finding "
                              "covers it")
                continue
            if target is None:
                self.out.note("human", f"accepted Threagile risk {key!r} names an element the "
                              "model does not define")
                continue
            date_text = self.source.text((*path, "date")).strip()
            expires = _one_year_after(date_text)
            if expires is None:
                expires = dt.date.fromisoformat(self.out.guessed_expiry())
                basis = f"{ACCEPTANCE_DAYS} days after the import (no usable tracking date)"
            else:
                basis = f"a year after the tracking date {date_text[:10]}"
            owner = one_line(self.source.text((*path, "checked_by")), "") or author
            if not owner:
                owner = "unknown (imported from Threagile)"
                self.out.note("guessed", f"accepted risk {key!r} names nobody: owner unknown")
            risk: dict[str, Any] = {
                "finding": f"{mapped[0]}@{target}",
                "owner": owner,
                "reason": justification or f"accepted in Threagile as {key}",
                "expires": expires.isoformat(),
            }
            ticket = one_line(self.source.text((*path, "ticket")), "")
            if ticket:
                risk["ticket"] = ticket
            self.out.candidate_risks.append(risk)
            # Not attached to the element: the importer drops the risk if the analysis has no
            # such finding, and the summary then says so next to this note.
            self.out.note("guessed", f"accepted risk {key!r}: Threagile has no expiry; "
                          f"{expires.isoformat()} is {basis}")

    def _leftovers(self) -> None:
        for key in ("individual_risk_categories", "custom_risk_categories"):
            value = self.source.at((key,))
            if isinstance(value, dict):
                for title in value:
                    self.out.note("human", f"Threagile custom risk category {title!r} has no "
                                  "catalog threat; add it to an extra catalog or record it as a "
                                  "finding by hand")
            elif isinstance(value, list):
                for index, _ in enumerate(value):
                    name = self.source.text((key, index, "id")) if isinstance(
                        self.source.at((key, index)), dict) else str(index)
                    self.out.note("human", f"Threagile custom risk category {name!r} has no "
                                  "catalog threat; record it by hand")
        if any(str(key).startswith("diagram_tweak") for key in self.source.data):
            self.out.note("mapped", "Threagile diagram layout settings have no place in the "
                          "model and were left out")
        if self.source.at(("includes",)):
            self.out.note("human", "the model includes other Threagile files, which were not "
                          "read: import a merged model")
