"""Import an Open Threat Model (OTM) file: plain OTM from any tool, or our own OTM export.

OTM (IriusRisk's open format, JSON or YAML) describes trust zones, components nested in them,
data flows between components, assets (data with confidentiality, integrity and availability
ratings), and threats and mitigations attached to components and flows.

Plain OTM (IriusRisk, StartLeft, other tools) knows nothing of scoping-tui, so:

- **trust zones → boundaries**, nesting kept (``parent.trustZone``, or the older
  ``{id, type}`` form); the kind is *guessed* from the zone's type and name (internet, VPC,
  SaaS…), else from a low trust rating (internet), else a cloud account and a *human* note. A
  zone nested in a component goes in that component's boundary; cycles and nesting deeper than
  24 levels are cut with a note.
- **components → components** of the closest type for the OTM ``type`` (``web-client`` →
  client-app, ``rds`` → data-store…), *guessed*; AI types (agent, foundation-model,
  vector-store, MCP server…) only when the type names them. A type we cannot place
  (``empty-component``…) becomes a plain service with a *human* note, as does a non-AI type whose
  name suggests AI. A component nested in a component sits in the outer one's boundary (we have
  no component nesting). The OTM type, code references and attributes are kept in the
  description; ids are the OTM ids when they are valid ids, else made from the names.
- **assets → data classifications**: the confidentiality rating (0–100) gives public, internal,
  confidential or restricted, and the name may add pii, payment, credentials, phi, training data
  or model artifacts (*guessed*). A component carries the classes of the assets it processes or
  stores, a flow those of the assets it carries.
- **dataflows → flows** between components; one touching a trust zone or an unknown id is left
  out with a note, ``bidirectional`` stays one flow with a note, a protocol comes only from a tag
  or ``protocol`` attribute naming one (and https/ssh/http then say whether it is encrypted).
- **threats and mitigations**: a threat maps to a catalog threat only by its exact catalog id or
  catalog title (the analysis then decides whether it applies); a mitigation likewise to a
  catalog control, whose state becomes that control's ``implemented`` or ``planned`` status on
  the element. Anything else, and states we cannot place (rejected…), is a *human* note.
- representations' diagram geometry is dropped (noted); ``ownerContact`` joins the owner.

Our own export (``scoping_tui.formats.otm.write``, whose docstring documents the layout) marks the
project with ``attributes["scoping-tui"]`` (layout 1). Then every element carrying its own
``attributes["scoping-tui"]`` is restored exactly: the native fields plus those attributes
(which win), the stand-in zone for components outside any boundary is dropped, the system's
declared phase and scopes, control implementations and accepted risks come back, and the
export's threat instances are skipped (the analysis derives them again). What the attributes
restore is checked against the model schema and references before anything is written, and a
bad value is reported where the OTM file holds it. Elements without the attributes (added by
another tool) are read as plain OTM.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from scoping_tui.engine.catalog import Catalog
from scoping_tui.formats.common import ID_PATTERN, ImportFailed, ModelBuilder, Source
from scoping_tui.formats.vocabulary import ordered_classes
from scoping_tui.model.diagnostics import Diagnostic, Severity, sort_diagnostics
from scoping_tui.model.load import Document, SourceMap
from scoping_tui.model.paths import Path
from scoping_tui.model.references import rewritten
from scoping_tui.model.schema import enum_values, schema_diagnostics
from scoping_tui.model.semantic import semantic_diagnostics

TITLE = "Open Threat Model (OTM)"
KEY = "scoping-tui"
"""The attributes key under which our own export keeps what OTM has no field for."""
LAYOUT = 1

_UUID = re.compile(r"^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$")
_NAME_MAX = 200
_MAX_NESTING = 24
"""Boundaries nested deeper than this are attached higher up (nobody draws 25 nested zones)."""
_PROTOCOLS = ("https", "http", "grpc", "websocket", "mcp", "stdio", "sql", "amqp", "kafka",
              "smtp", "ssh", "file", "in-process", "other")
_PROTOCOL_ALIASES = {
    "wss": "websocket", "ws": "websocket", "web-socket": "websocket", "jdbc": "sql",
    "odbc": "sql", "rabbitmq": "amqp", "email": "smtp", "sftp": "ssh", "scp": "ssh",
    "nfs": "file", "smb": "file", "tls": "https", "rest": "https",
}
_ENCRYPTED = {"https": True, "ssh": True, "http": False}
"""Protocols that say whether a flow is encrypted in transit."""
_IMPLEMENTED = {"implemented", "done", "complete", "completed", "in-place", "verified",
                "mitigated"}
_PLANNED = {"required", "recommended", "planned", "proposed", "pending", "in-progress",
            "not-implemented", "todo", "open", "partly-implemented", "partially-implemented"}

# (our type, phrases): the first rule with a phrase among the type's dash-joined words wins.
# AI types come first and only fire on words that name them.
_TYPE_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("guardrail", ("guardrail", "guardrails", "content-filter", "prompt-filter")),
    ("orchestrator", ("orchestrator", "agent-supervisor", "multi-agent")),
    ("agent", ("agent", "ai-agent", "llm-agent", "agents")),
    ("mcp-server", ("mcp", "mcp-server", "model-context-protocol")),
    ("vector-store", ("vector", "vectordb", "vector-db", "vector-store", "embedding-store",
                      "pinecone", "weaviate", "qdrant", "chromadb", "milvus", "pgvector",
                      "faiss")),
    ("knowledge-base", ("knowledge-base", "knowledgebase")),
    ("memory", ("agent-memory", "conversation-memory", "chat-memory", "memory-store",
                "long-term-memory")),
    ("code-sandbox", ("sandbox", "code-interpreter", "code-sandbox")),
    ("training-data", ("training-data", "training-dataset", "dataset")),
    ("training-pipeline", ("training-pipeline", "training-job", "fine-tuning", "finetuning",
                           "fine-tune", "training")),
    ("model-registry", ("model-registry", "mlflow")),
    ("foundation-model", ("llm", "foundation-model", "language-model", "large-language-model",
                          "bedrock", "openai", "azure-openai", "genai-model")),
    ("genai-app", ("genai-app", "chatgpt", "copilot")),
    ("tool", ("tool", "function-tool", "agent-tool")),
    ("identity-provider", ("idp", "identity-provider", "identity", "cognito", "okta", "auth0",
                           "keycloak", "active-directory", "azure-ad", "entra", "sso", "ldap",
                           "oauth", "auth-server", "authorization-server", "iam")),
    ("secrets-store", ("vault", "secrets", "secret", "secrets-manager", "key-vault", "kms",
                       "hsm")),
    ("monitoring", ("monitoring", "logging", "log", "logs", "cloudwatch", "cloudtrail", "siem",
                    "splunk", "elk", "prometheus", "grafana", "audit", "tracing",
                    "observability")),
    ("external-service", ("payment-gateway", "external", "third-party", "thirdparty", "saas",
                          "email", "smtp", "stripe", "paypal", "slack", "twilio", "sendgrid")),
    ("api-gateway", ("gateway", "api-gateway", "load-balancer", "load-balancing",
                     "loadbalancer", "elb", "alb",
                     "nlb", "waf", "cdn", "cloudfront", "ingress", "reverse-proxy", "proxy",
                     "firewall")),
    ("client-app", ("client", "web-client", "generic-client", "browser", "mobile", "android",
                    "ios", "iphone", "desktop", "spa", "frontend", "front-end", "web-ui", "ui",
                    "smartphone", "device")),
    ("data-store", ("database", "db", "rds", "aurora", "postgres", "postgresql", "mysql",
                    "mariadb", "mongodb", "mongo", "dynamodb", "sql", "sqlserver", "oracle",
                    "redis", "memcached", "cache", "s3", "bucket", "storage", "blob",
                    "filesystem", "file-system", "efs", "datastore", "data-store",
                    "elasticsearch", "opensearch", "cosmosdb", "cassandra", "warehouse",
                    "datalake", "data-lake", "snowflake", "bigquery", "nosql", "documentdb")),
    ("service", ("service", "server", "api", "backend", "back-end", "microservice", "lambda",
                 "function", "ec2", "vm", "virtual-machine", "container", "ecs", "eks",
                 "kubernetes", "k8s", "pod", "docker", "webapp", "web-application",
                 "application", "app", "worker", "job", "batch", "queue", "sqs", "sns",
                 "kafka", "message-broker", "rabbitmq", "topic", "process", "code-class")),
)
_PERSON = frozenset({"user", "users", "actor", "person", "human", "customer", "customers",
                     "employee", "employees", "admin", "administrator", "operator", "staff",
                     "visitor", "attacker"})
_PEOPLE = _PERSON | {"end", "external", "internal", "generic", "role"}
"""Words a type made only of, with at least one of _PERSON, names a person."""
_AI_WORDS = re.compile(r"\b(llm|gpt|claude|gemini|llama|mistral|model|agent|agentic|vector|"
                       r"embedding|embeddings|rag|copilot|chatbot|genai|ai|ml|mcp|prompt)\b",
                       re.IGNORECASE)

_ZONE_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("cloud-account", ("public-cloud", "private-cloud", "private-secured-cloud")),
    ("internet", ("internet", "public-internet", "www", "web", "public")),
    ("user-device", ("device", "user-device", "browser", "mobile", "endpoint", "client",
                     "laptop", "workstation")),
    ("saas-provider", ("saas",)),
    ("third-party", ("third-party", "thirdparty", "partner", "vendor", "external")),
    ("subnet", ("subnet", "dmz", "segment")),
    ("vpc", ("vpc", "vnet", "virtual-network", "virtual-private-cloud")),
    ("container", ("container", "pod", "kubernetes", "k8s", "docker", "sandbox", "namespace")),
    ("on-prem", ("on-prem", "onprem", "on-premises", "data-center", "datacenter",
                 "data-centre")),
    ("corporate-network", ("corporate", "corporate-network", "intranet", "office", "lan",
                           "internal", "enterprise")),
    ("cloud-account", ("cloud", "account", "subscription", "aws", "azure", "gcp",
                       "private", "secured", "private-secured", "tenant", "project")),
)
_DATA_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("payment", re.compile(r"credit.?card|card.?data|payment|\bpan\b|bank|iban|financial",
                           re.IGNORECASE)),
    ("credentials", re.compile(r"password|credential|token|secret|api.?key|private.?key|"
                               r"session|cookie", re.IGNORECASE)),
    ("phi", re.compile(r"health|medical|patient|\bphi\b|clinical", re.IGNORECASE)),
    ("pii", re.compile(r"personal|\bpii\b|customer|user.?data|profile|address|e-?mail|"
                       r"phone|identity", re.IGNORECASE)),
    ("training-data", re.compile(r"training|fine.?tun|dataset", re.IGNORECASE)),
    ("model-artifacts", re.compile(r"weights|checkpoint|model.?artifact|adapter",
                                   re.IGNORECASE)),
)


def detect(data: Any) -> bool:
    return isinstance(data, dict) and "otmVersion" in data


def convert(source: Source, out: ModelBuilder, catalog: Catalog) -> None:
    _Converter(source, out, catalog).run()


def _words(text: str) -> str:
    """``-word-word-`` of lowercase alphanumeric runs, for phrase matching on word borders."""
    return "-" + "-".join(re.findall(r"[a-z0-9]+", text.lower())) + "-"


def _first_rule(text: str, rules: tuple[tuple[str, tuple[str, ...]], ...]) -> str | None:
    words = _words(text)
    for result, phrases in rules:
        if any(f"-{phrase}-" in words for phrase in phrases):
            return result
    return None


def _norm_title(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


_AI_TYPES = frozenset({"agent", "orchestrator", "foundation-model", "genai-app", "vector-store",
                       "mcp-server", "guardrail", "memory", "knowledge-base", "code-sandbox",
                       "training-pipeline", "training-data", "model-registry", "tool"})


@dataclass
class _Element:
    """An OTM trust zone or component as read, before parents are resolved."""

    index: int
    otm_id: str
    parent: tuple[str, str] | None = None
    """("trustZone" | "component" | "any", id)."""
    model_id: str = ""
    own: dict[str, Any] | None = None
    """Its ``attributes["scoping-tui"]`` in a file we exported."""
    result: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class _Route:
    """Where a model element's keys were read in the OTM file, for error positions."""

    base: Path
    native: Mapping[str, Path]
    """Model key → OTM path of the native field it came from."""
    own: Path | None = None
    own_keys: frozenset[str] = frozenset()


@dataclass(frozen=True)
class _TranslatedMap(SourceMap):
    """Positions of the model being built, looked up where its values were read in the file."""

    otm: SourceMap = field(default_factory=SourceMap)
    translate: Callable[[Path], Path] = tuple

    def value(self, path: Path) -> Any:
        return self.otm.value(self.translate(path))

    def key(self, path: Path) -> Any:
        return self.otm.key(self.translate(path))


class _Converter:
    def __init__(self, source: Source, out: ModelBuilder, catalog: Catalog) -> None:
        self.s = source
        self.out = out
        self.catalog = catalog
        self.ours: dict[str, Any] | None = None
        """The project's scoping-tui attributes when the file is our own export."""
        self.zones: dict[str, _Element] = {}
        self.synthetic: set[str] = set()
        self.components: dict[str, _Element] = {}
        self.zone_of: dict[str, _Element | None] = {}
        self.asset_classes: dict[str, tuple[str, ...]] = {}
        self.threat_defs: dict[str, int] = {}
        self.mitigation_defs: dict[str, int] = {}
        self.used_threats: set[str] = set()
        self.threat_titles = {_norm_title(t.title): t.id for t in catalog.threats.values()}
        self.control_titles = {_norm_title(c.title): c.id for c in catalog.controls.values()}
        self.impls: dict[tuple[str, str], list[str]] = {}
        self.text: dict[str, list[str]] = {}
        self.full_names: dict[str, str] = {}
        self.routes: dict[tuple[str, int], _Route] = {}
        self.kinds = enum_values("boundaryKind")
        self.types = enum_values("componentType")

    # --- reading helpers -----------------------------------------------------------------------

    def number(self, path: Path) -> float | None:
        value = self.s.at(path)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or (
                isinstance(value, float) and not math.isfinite(value)):
            raise self.s.fail(path, "expected a number here")
        return float(value)

    def name(self, path: Path, fallback: str, element: str) -> str:
        text = self.s.text(path) or fallback
        if not text.strip():
            text = fallback if fallback.strip() else element or "Unnamed"
        if len(text) > _NAME_MAX:
            self.out.note("guessed", f"name shortened to {_NAME_MAX} characters; the whole "
                          "name is kept in the description", element)
            self.full_names[element] = text
            text = text[:_NAME_MAX - 1] + "…"
        return text

    def more(self, element: str, line: str) -> None:
        self.text.setdefault(element, []).append(line)

    def strings(self, path: Path) -> list[str]:
        """A list of text values, each once; nulls (which OTM allows in lists) are skipped."""
        result: dict[str, None] = {}
        for index, value in enumerate(self.s.items(path)):
            if value is not None:
                result[self.s.text((*path, index))] = None
        return list(result)

    def entries(self, section: str, what: str) -> list[tuple[int, str]]:
        """The section's entries and their ids; a repeated id is an error at its position."""
        seen: dict[str, int] = {}
        found: list[tuple[int, str]] = []
        for index, _ in enumerate(self.s.items((section,))):
            self.s.mapping((section, index), required=True)
            otm_id = self.s.text((section, index, "id"), required=True)
            if otm_id in seen:
                first = self.s.position((section, seen[otm_id], "id"))
                raise self.s.fail((section, index, "id"), f"{what} id {otm_id!r} is used twice "
                                  f"(first at line {first.line}); references to it would be "
                                  "ambiguous")
            seen[otm_id] = index
            found.append((index, otm_id))
        return found

    def own(self, base: Path) -> dict[str, Any] | None:
        """The element's scoping-tui attributes, when the file is our own export."""
        if self.ours is None:
            return None
        attributes = self.s.at((*base, "attributes"))
        if not isinstance(attributes, dict) or attributes.get(KEY) is None:
            return None
        return self.s.mapping((*base, "attributes", KEY))

    def parent_ref(self, path: Path) -> tuple[str, str] | None:
        value = self.s.at(path)
        if value is None:
            return None
        if isinstance(value, str | int) and not isinstance(value, bool):
            return ("any", str(value))
        parent = self.s.mapping(path)
        for key in ("trustZone", "component"):
            if parent.get(key) is not None:
                return (key, self.s.text((*path, key)))
        if parent.get("id") is not None:  # the older OTM form: {id: ..., type: trustZone}
            kind = self.s.text((*path, "type"))
            return ("component" if kind.lower() == "component" else "trustZone",
                    self.s.text((*path, "id")))
        if not parent:
            return None
        raise self.s.fail(path, "a parent names a trustZone or a component")

    def new_id(self, otm_id: str, name: str, key: str, fallback: str) -> str:
        if ID_PATTERN.fullmatch(otm_id) and (self.ours is not None
                                             or not _UUID.fullmatch(otm_id)):
            given = self.out.new_id(otm_id, key, fallback, exact=True)
            if self.ours is not None and given != otm_id:
                self.out.note("guessed", f"id {otm_id!r} became {given!r} (every reference "
                              "follows)", given)
            return given
        return self.out.new_id(name or otm_id, key, fallback)

    def attributes_text(self, path: Path) -> list[str]:
        """Attributes of another tool, as lines for the description (ours are read apart)."""
        attributes = self.s.at(path)
        if attributes is None:
            return []
        if isinstance(attributes, list):  # the OTM readme's own example writes a list of maps
            pairs = [(k, v) for entry in attributes if isinstance(entry, dict)
                     for k, v in entry.items()]
        elif isinstance(attributes, dict):
            pairs = list(attributes.items())
        else:
            raise self.s.fail(path, "expected an object of attributes here")
        return [f"OTM attribute {k}: "
                f"{v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)}"
                for k, v in pairs if k != KEY and v not in (None, "", {}, [])]

    def code_refs(self, path: Path) -> list[str]:
        refs: list[str] = []
        for index, _ in enumerate(self.s.items(path)):
            rep = self.s.mapping((*path, index), required=True)
            if rep.get("file") is not None:
                where = self.s.text((*path, index, "file"))
                if rep.get("line") is not None:
                    where += f":{self.s.text((*path, index, 'line'))}"
                refs.append(f"Code: {where}")
        return refs

    def merge(self, result: dict[str, Any], own: dict[str, Any], base: Path) -> frozenset[str]:
        """Our export's keys over the native ones (the export's rule: these win)."""
        for key, value in own.items():
            if key == "id" and value != result["id"]:
                raise self.s.fail((*base, "attributes", KEY, key), "the scoping-tui attributes "
                                  "cannot give an element another id")
            result[key] = value
        return frozenset(own)

    # --- the conversion ------------------------------------------------------------------------

    def run(self) -> None:
        version = self.s.text(("otmVersion",), required=True)
        if self.s.at(("project",)) is None:
            raise self.s.fail((), "an OTM file has a `project` with its name and id")
        self.s.mapping(("project",), required=True)
        attributes = self.s.at(("project", "attributes"))
        if isinstance(attributes, dict) and attributes.get(KEY) is not None:
            self.ours = self.s.mapping(("project", "attributes", KEY))
            layout = self.ours.get("layout")
            if layout != LAYOUT:
                raise self.s.fail(("project", "attributes", KEY, "layout"),
                                  f"scoping-tui attributes of layout {layout!r}; this version "
                                  f"reads layout {LAYOUT}")
        self.project(version)
        self.definitions()
        self.assets()
        self.read_zones()
        self.read_components()
        self.place_zones()
        for element in self.components.values():
            self.component(element)
        self.dataflows()
        self.threat_instances()
        self.controls()
        self.finish_text()
        if self.ours is not None:
            self.restore()

    def project(self, version: str) -> None:
        p: Path = ("project",)
        name = self.s.text((*p, "name")) or self.s.text((*p, "id"), required=True)
        system: dict[str, Any] = {"name": self.name((*p, "name"), name, "")}
        description = self.s.text((*p, "description"))
        owner = self.s.text((*p, "owner"))
        contact = self.s.text((*p, "ownerContact"))
        tags = self.strings((*p, "tags"))
        lines = [description] if description else []
        lines += self.attributes_text((*p, "attributes"))
        if len(name) > _NAME_MAX:
            lines.append(f"Full name: {name}")
        if lines:
            system["description"] = "\n".join(lines)
        if owner or contact:
            system["owner"] = f"{owner} <{contact}>".strip() if contact else owner
        if tags:
            system["tags"] = tags
        self.out.system.update(system)
        self.out.note("mapped", f"OTM {version} project {name!r} → system")
        if self.ours is None:
            self.out.note("guessed", "OTM has no lifecycle phase: the analysis assumes "
                          "prototype; set system.phase")
        else:
            self.out.note("mapped", "written by scoping-tui: restored from its attributes")
        representations = len(self.s.items(("representations",)))
        if representations:
            self.out.note("mapped", f"{representations} representation(s) (diagram layout) "
                          "not imported; code references are kept in descriptions")

    def definitions(self) -> None:
        for index, otm_id in self.entries("threats", "threat"):
            self.s.text(("threats", index, "name"))
            self.threat_defs[otm_id] = index
        for index, otm_id in self.entries("mitigations", "mitigation"):
            self.s.text(("mitigations", index, "name"))
            self.mitigation_defs[otm_id] = index

    def assets(self) -> None:
        for index, otm_id in self.entries("assets", "asset"):
            base: Path = ("assets", index)
            name = self.s.text((*base, "name")) or otm_id
            self.s.mapping((*base, "risk"))
            confidentiality = self.number((*base, "risk", "confidentiality"))
            classes: set[str] = set()
            if confidentiality is not None:
                rating = min(max(confidentiality, 0.0), 100.0)
                classes.add("public" if rating <= 10 else "internal" if rating <= 40
                            else "confidential" if rating <= 75 else "restricted")
            classes.update(cls for cls, pattern in _DATA_WORDS if pattern.search(name))
            ordered = tuple(ordered_classes(classes))
            self.asset_classes[otm_id] = ordered
            rating_text = ("no confidentiality rating" if confidentiality is None
                           else f"confidentiality {confidentiality:g}")
            if ordered:
                self.out.note("guessed", f"asset {name!r} ({rating_text}) read as data "
                              f"{', '.join(ordered)}")
            else:
                self.out.note("human", f"asset {name!r} has {rating_text}: classify the data "
                              "of the elements that carry it")

    # Trust zones and components are read first, then placed: either can nest in the other.

    def read_zones(self) -> None:
        for index, otm_id in self.entries("trustZones", "trust zone"):
            base: Path = ("trustZones", index)
            element = _Element(index, otm_id, self.parent_ref((*base, "parent")))
            element.own = self.own(base) if self.ours is not None else None
            self.s.mapping((*base, "risk"))
            rating = self.number((*base, "risk", "trustRating"))
            zone_type = self.s.text((*base, "type"))
            raw_name = self.s.text((*base, "name")) or otm_id
            self.zones[otm_id] = element
            if element.own is not None and self.s.flag((*base, "attributes", KEY,
                                                        "synthetic")):
                self.synthetic.add(otm_id)
                continue
            element.model_id = self.new_id(otm_id, raw_name, f"tz:{otm_id}", "zone")
            me = element.model_id
            boundary: dict[str, Any] = {"id": me,
                                        "name": self.name((*base, "name"), otm_id, me)}
            native = {"id": ("id",), "name": ("name",), "kind": ("type",),
                      "description": ("description",), "parent": ("parent", "trustZone")}
            self.routes[("boundaries", len(self.out.boundaries))] = _Route(base, native)
            if self.ours is not None and zone_type in self.kinds:
                boundary["kind"] = zone_type
            else:
                boundary["kind"] = self.zone_kind(zone_type, raw_name, rating, me)
            description = self.s.text((*base, "description"))
            if description:
                self.more(me, description)
            if self.ours is None:
                if zone_type:
                    self.more(me, f"OTM trust zone type: {zone_type}")
                if rating is not None:
                    self.more(me, f"OTM trust rating: {rating:g}")
            for line in self.attributes_text((*base, "attributes")):
                self.more(me, line)
            element.result = boundary
            self.out.boundaries.append(boundary)

    def zone_kind(self, zone_type: str, name: str, rating: float | None, element: str) -> str:
        for text, what in ((zone_type, "type"), (name, "name")):
            kind = _first_rule(text, _ZONE_RULES) if text else None
            if kind is not None:
                self.out.note("guessed", f"boundary kind {kind} from the trust zone's {what} "
                              f"{text!r}", element)
                return kind
        if rating is not None and rating <= 25:
            self.out.note("guessed", f"boundary kind internet from the low trust rating "
                          f"{rating:g}; check it", element)
            return "internet"
        self.out.note("human", "nothing says what kind of zone this is: made it a "
                      "cloud-account; set its kind", element)
        return "cloud-account"

    def read_components(self) -> None:
        for index, otm_id in self.entries("components", "component"):
            base: Path = ("components", index)
            raw_name = self.s.text((*base, "name")) or otm_id
            element = _Element(index, otm_id, self.parent_ref((*base, "parent")))
            element.own = self.own(base)
            element.model_id = self.new_id(otm_id, raw_name, f"c:{otm_id}", "component")
            self.components[otm_id] = element

    def resolve(self, ref: tuple[str, str]) -> tuple[str, _Element] | None:
        kind, target = ref
        if kind in ("trustZone", "any") and target in self.zones:
            return ("trustZone", self.zones[target])
        if kind in ("component", "any") and target in self.components:
            return ("component", self.components[target])
        return None

    def component_zone(self, start: _Element) -> _Element | None:
        """The trust zone a component sits in, through any components it is nested in."""
        walk: list[str] = []
        element = start
        zone: _Element | None = None
        while element.otm_id not in self.zone_of and element.otm_id not in walk:
            walk.append(element.otm_id)
            found = self.resolve(element.parent) if element.parent is not None else None
            if found is None:
                break
            if found[0] == "trustZone":
                zone = found[1]
                break
            element = found[1]
        else:
            zone = self.zone_of.get(element.otm_id)
        for otm_id in walk:
            self.zone_of[otm_id] = zone
        return zone

    def place_zones(self) -> None:
        parent_of: dict[str, str] = {}
        for element in self.zones.values():
            me = element.model_id
            if element.parent is None or element.otm_id in self.synthetic:
                continue
            found = self.resolve(element.parent)
            if found is None or found[1].otm_id in self.synthetic:
                self.out.note("human", f"its parent {element.parent[1]!r} is not in the file: "
                              "placed at the top level", me)
                continue
            kind, target = found
            if kind == "component":
                zone = self.component_zone(target)
                where = f"component {target.otm_id!r}"
                if zone is None or zone.otm_id in self.synthetic:
                    self.out.note("human", f"nested in {where}, which sits in no trust zone: "
                                  "placed at the top level", me)
                    continue
                self.out.note("guessed", f"nested in {where}; boundaries nest only in "
                              "boundaries, so it is placed in that component's boundary", me)
                target = zone
            if target is element:
                self.out.note("human", "nested in itself: placed at the top level", me)
                continue
            parent_of[element.otm_id] = target.otm_id
        self.break_cycles(parent_of)
        for otm_id, parent in parent_of.items():
            self.zones[otm_id].result["parent"] = self.zones[parent].model_id

    def break_cycles(self, parent_of: dict[str, str]) -> None:
        """Drop the parent links that close a cycle, and those past the nesting limit."""
        state: dict[str, int] = {}
        for start in list(parent_of):
            walk: list[str] = []
            node: str | None = start
            while node is not None and node not in state:
                state[node] = 1
                walk.append(node)
                node = parent_of.get(node)
            if node is not None and state[node] == 1:
                self.out.note("human", "trust zones nest in a cycle: this one is placed at the "
                              "top level", self.zones[node].model_id)
                del parent_of[node]
            for visited in walk:
                state[visited] = 2
        depth: dict[str, int] = {}
        for start in list(parent_of):
            walk = []
            node = start
            while node not in depth and node in parent_of:
                walk.append(node)
                node = parent_of[node]
            depth.setdefault(node, 0)
            for child in reversed(walk):
                level = depth[parent_of[child]] + 1
                if level >= _MAX_NESTING:
                    self.out.note("human", f"trust zones nest more than {_MAX_NESTING} deep: "
                                  "this one is placed at the top level",
                                  self.zones[child].model_id)
                    del parent_of[child]
                    level = 0
                depth[child] = level

    def component(self, element: _Element) -> None:
        base: Path = ("components", element.index)
        me = element.model_id
        own = element.own
        otm_type = self.s.text((*base, "type"))
        raw_name = self.s.text((*base, "name")) or element.otm_id
        result: dict[str, Any] = {"id": me, "name": self.name((*base, "name"),
                                                             element.otm_id, me)}
        if own is not None and otm_type in self.types:
            result["type"] = otm_type
        else:
            result["type"] = self.component_type(otm_type, raw_name, me)
        zone = self.component_zone(element)
        if element.parent is None:
            self.out.note("human", "the file gives it no trust zone: set its boundary", me)
        elif zone is not None and zone.otm_id in self.synthetic:
            pass  # our export's stand-in zone for components in no boundary
        elif zone is None:
            self.out.note("human", f"its parent {element.parent[1]!r} leads to no trust zone "
                          "in the file: set its boundary", me)
        else:
            result["boundary"] = zone.model_id
        description = self.s.text((*base, "description"))
        if description:
            self.more(me, description)
        found = self.resolve(element.parent) if element.parent is not None else None
        if found is not None and found[0] == "component":
            outer = found[1]
            self.out.note("guessed", f"nested in component {outer.model_id!r}; scoping-tui "
                          "has no component nesting, so it sits in that component's boundary "
                          "(add a flow if they talk)", me)
            self.more(me, f"Nested in: {outer.model_id}")
        if own is None and otm_type:
            self.more(me, f"OTM type: {otm_type}")
        tags = self.strings((*base, "tags"))
        if tags:
            result["tags"] = tags
        self.s.mapping((*base, "assets"))
        data = self.asset_refs((*base, "assets", "processed"), me) | \
            self.asset_refs((*base, "assets", "stored"), me)
        if data:
            result["data"] = ordered_classes(data)
        for line in self.code_refs((*base, "representations")):
            self.more(me, line)
        for line in self.attributes_text((*base, "attributes")):
            self.more(me, line)
        own_keys = self.merge(result, own, base) if own is not None else frozenset()
        native = {"id": ("id",), "name": ("name",), "type": ("type",),
                  "description": ("description",), "tags": ("tags",),
                  "boundary": ("parent", "trustZone"), "data": ("assets",)}
        self.routes[("components", len(self.out.components))] = _Route(
            base, native, (*base, "attributes", KEY) if own is not None else None, own_keys)
        element.result = result
        self.out.components.append(result)

    def component_type(self, otm_type: str, name: str, element: str) -> str:
        words = set(_words(otm_type).strip("-").split("-")) - {""}
        ours: str | None
        if words & _PERSON and words <= _PEOPLE:
            ours = "user"
        elif "-user-agent-" in _words(otm_type):
            ours = None
        else:
            ours = _first_rule(otm_type, _TYPE_RULES)
        if ours is None:
            empty = _words(otm_type) in ("-empty-component-", "-empty-", "-generic-")
            what = (f"the OTM type {otm_type!r}{' (a placeholder)' if empty else ''} matches "
                    "no scoping-tui type" if otm_type else "no OTM type")
            self.out.note("human", f"{what}: made a plain service; set its type", element)
            ours = "service"
        else:
            self.out.note("guessed", f"type {ours} from the OTM type {otm_type!r}", element)
        if ours not in _AI_TYPES:
            hint = _AI_WORDS.search(name)
            if hint:
                self.out.note("human", f"the name mentions {hint.group(0)!r} but the OTM type "
                              "does not say it is an AI component: if it is a model, agent or "
                              "store, change its type", element)
        elif ours in ("agent", "orchestrator"):
            self.out.note("human", "list the agent's tools, model, approvals and triggers",
                          element)
        elif ours in ("foundation-model", "genai-app"):
            self.out.note("human", "state the model's provider and origin (pre-trained, "
                          "fine-tuned or self-trained)", element)
        return ours

    def asset_refs(self, path: Path, element: str) -> set[str]:
        classes: set[str] = set()
        for index, value in enumerate(self.s.items(path)):
            if value is None:
                continue
            asset = self.s.text((*path, index))
            if asset not in self.asset_classes:
                self.out.note("human", f"refers to asset {asset!r}, which the file does not "
                              "define", element)
                continue
            classes.update(self.asset_classes[asset])
        return classes

    def dataflows(self) -> None:
        for index, otm_id in self.entries("dataflows", "dataflow"):
            base: Path = ("dataflows", index)
            raw_name = self.s.text((*base, "name")) or otm_id
            ends: list[str] = []
            for key in ("source", "destination"):
                target = self.s.text((*base, key), required=True)
                if target in self.components:
                    ends.append(self.components[target].model_id)
                    continue
                if target in self.zones:
                    self.out.note("human", f"dataflow {raw_name!r} has the trust zone "
                                  f"{target!r} as its {key}; flows connect components: left "
                                  "out, add it between components")
                else:
                    self.out.note("human", f"dataflow {raw_name!r} has an unknown {key} "
                                  f"{target!r}: left out")
                break
            if len(ends) < 2:
                continue
            self.flow(base, otm_id, raw_name, ends)

    def flow(self, base: Path, otm_id: str, raw_name: str, ends: list[str]) -> None:
        own = self.own(base)
        me = self.new_id(otm_id, raw_name, f"df:{otm_id}", "flow")
        flow: dict[str, Any] = {"id": me, "from": ends[0], "to": ends[1]}
        name = self.s.text((*base, "name"))
        if name:
            flow["name"] = name
        data = self.asset_refs((*base, "assets"), me)
        if data:
            flow["data"] = ordered_classes(data)
        tags = self.strings((*base, "tags"))
        if own is None:
            protocol = self.flow_protocol(base, tags, me)
            if protocol:
                flow["protocol"] = protocol
            if protocol in _ENCRYPTED:
                flow["encrypted"] = _ENCRYPTED[protocol]
                self.out.note("guessed", f"{'' if flow['encrypted'] else 'not '}encrypted, "
                              f"from the protocol {protocol}", me)
        description = self.s.text((*base, "description"))
        if description:
            self.more(me, description)
        if self.s.flag((*base, "bidirectional")):
            self.out.note("guessed", "bidirectional in OTM: kept as one flow from its source, "
                          "the side that starts the exchange (data moves both ways)", me)
            self.more(me, "Bidirectional.")
        if tags and own is None:
            self.more(me, f"Tags: {', '.join(tags)}")
        for line in self.attributes_text((*base, "attributes")):
            self.more(me, line)
        own_keys: frozenset[str] = frozenset()
        if own is not None:
            own_keys = self.merge(flow, own, base)
            if flow.get("name") == "":  # the export names an unnamed flow "A → B"
                del flow["name"]
        native = {"id": ("id",), "from": ("source",), "to": ("destination",),
                  "name": ("name",), "description": ("description",), "data": ("assets",)}
        self.routes[("flows", len(self.out.flows))] = _Route(
            base, native, (*base, "attributes", KEY) if own is not None else None, own_keys)
        self.out.flows.append(flow)

    def flow_protocol(self, base: Path, tags: list[str], element: str) -> str | None:
        said: list[str] = list(tags)
        attributes = self.s.at((*base, "attributes"))
        if isinstance(attributes, dict):
            said += [str(v) for k, v in attributes.items()
                     if str(k).lower() == "protocol" and isinstance(v, str | int)]
        found: list[str] = []
        for text in said:
            word = text.strip().lower()
            protocol = word if word in _PROTOCOLS else _PROTOCOL_ALIASES.get(word)
            if protocol and protocol not in found:
                found.append(protocol)
        if len(found) == 1:
            self.out.note("guessed", f"protocol {found[0]} from the flow's tags or attributes "
                          f"({', '.join(said)})", element)
            return found[0]
        if len(found) > 1:
            self.out.note("human", f"several protocols named ({', '.join(found)}): set the "
                          "one this flow uses", element)
        return None

    # --- threats and mitigations ---------------------------------------------------------------

    def threat_instances(self) -> None:
        derived = 0
        for element in self.components.values():
            base: Path = ("components", element.index)
            if element.own is not None:
                derived += len(self.s.items((*base, "threats")))
            else:
                self.threats_of(base, element.model_id)
        flows = {f["id"] for f in self.out.flows}
        for index, otm_id in self.entries("dataflows", "dataflow"):
            me = self.out.ids.get(f"df:{otm_id}")
            if me not in flows or me is None:
                continue
            base = ("dataflows", index)
            if self.own(base) is not None:
                derived += len(self.s.items((*base, "threats")))
            else:
                self.threats_of(base, me)
        if derived:
            self.out.note("mapped", f"{derived} threat instance(s) of the export are findings "
                          "the analysis derives again")
        for otm_id, index in self.threat_defs.items():
            if otm_id not in self.used_threats and self.ours is None:
                label = self.s.text(("threats", index, "name")) or otm_id
                self.out.note("human", f"threat {label!r} is defined but on no component or "
                              "flow: check the analysis covers it")

    def threats_of(self, base: Path, element: str) -> None:
        path: Path = (*base, "threats")
        for index, value in enumerate(self.s.items(path)):
            if value is None:
                continue
            tpath: Path = (*path, index)
            self.s.mapping(tpath, required=True)
            threat_id = self.s.text((*tpath, "threat"), required=True)
            state = self.s.text((*tpath, "state"))
            self.used_threats.add(threat_id)
            definition = self.threat_defs.get(threat_id)
            label = threat_id
            if definition is None:
                self.out.note("human", f"refers to threat {threat_id!r}, which the file does "
                              "not define", element)
            else:
                label = self.s.text(("threats", definition, "name")) or threat_id
            ours = threat_id if threat_id in self.catalog.threats else \
                self.threat_titles.get(_norm_title(label))
            said = f"threat {label!r}" + (f" ({state})" if state else "")
            if ours is not None:
                self.out.note("mapped", f"{said} is catalog threat {ours}; the analysis decides "
                              "whether it applies", element)
                if _words(state) in ("-accepted-", "-accept-"):
                    self.out.note("human", f"{said}: the source accepts it; accept finding "
                                  f"{ours}@{element} with an owner, reason and expiry if the "
                                  "analysis reports it", element)
            elif definition is not None:
                self.out.note("human", f"{said}{self.threat_detail(definition)} matches no "
                              "catalog threat: check the analysis covers it", element)
            for m_index, m_value in enumerate(self.s.items((*tpath, "mitigations"))):
                if m_value is not None:
                    self.mitigation((*tpath, "mitigations", m_index), element, label)

    def threat_detail(self, index: int) -> str:
        base: Path = ("threats", index)
        parts = self.strings((*base, "categories")) + self.strings((*base, "cwes"))
        self.s.mapping((*base, "risk"))
        for key in ("likelihood", "impact"):
            value = self.number((*base, "risk", key))
            if value is not None:
                parts.append(f"{key} {value:g}")
        return f" [{', '.join(parts)}]" if parts else ""

    def mitigation(self, path: Path, element: str, threat: str) -> None:
        self.s.mapping(path, required=True)
        mitigation_id = self.s.text((*path, "mitigation"))
        state = self.s.text((*path, "state"))
        definition = self.mitigation_defs.get(mitigation_id)
        label = mitigation_id
        if definition is not None:
            label = self.s.text(("mitigations", definition, "name")) or mitigation_id
        control = mitigation_id if mitigation_id in self.catalog.controls else \
            self.control_titles.get(_norm_title(label))
        said = f"mitigation {label!r}" + (f" ({state})" if state else "") + \
            f" against {threat!r}"
        if control is None:
            self.out.note("human", f"{said} matches no catalog control: declare the control "
                          "it stands for", element)
            return
        word = _words(state).strip("-")
        status = "implemented" if word in _IMPLEMENTED else "planned" if word in _PLANNED \
            else None
        if status is None:
            self.out.note("human", f"{said} is catalog control {control}, in a state "
                          "scoping-tui cannot place: declare its status", element)
            return
        self.out.note("mapped", f"{said} → control {control} {status}", element)
        targets = self.impls.setdefault((control, status), [])
        if element not in targets:
            targets.append(element)

    def controls(self) -> None:
        for (control, status), targets in self.impls.items():
            if status == "planned":
                done = set(self.impls.get((control, "implemented"), []))
                targets = [t for t in targets if t not in done]
                if not targets:
                    continue
            self.out.controls.append({"control": control, "status": status,
                                      "targets": targets})

    def finish_text(self) -> None:
        for section in (self.out.boundaries, self.out.components, self.out.flows):
            for item in section:
                lines = list(self.text.get(item["id"], []))
                if item["id"] in self.full_names:
                    lines.append(f"Full name: {self.full_names[item['id']]}")
                if lines:
                    item["description"] = "\n".join(lines)

    # --- our own export ------------------------------------------------------------------------

    def restore(self) -> None:
        """The system facts, controls and accepted risks of our export, checked in place."""
        at: Path = ("project", "attributes", KEY)
        system = self.s.mapping((*at, "system"))
        self.out.system.update(system)
        controls = [self.s.mapping((*at, "controls", i), required=True)
                    for i, _ in enumerate(self.s.items((*at, "controls")))]
        risks = [self.s.mapping((*at, "accepted_risks", i), required=True)
                 for i, _ in enumerate(self.s.items((*at, "accepted_risks")))]
        first = len(self.out.controls)
        for control in controls:
            control = dict(control)
            if isinstance(control.get("targets"), list):
                control["targets"] = [self.target(t) for t in control["targets"]]
            self.out.controls.append(control)
        risks = [dict(r) for r in risks]
        for risk in risks:
            finding = risk.get("finding")
            if isinstance(finding, str) and "@" in finding:
                threat, target = finding.split("@", 1)
                risk["finding"] = f"{threat}@{self.target(target)}"
        for component in self.out.components:
            agent = component.get("agent")
            if isinstance(agent, dict):
                self.agent_refs(agent)
        self.check_ours(at, first, risks)
        self.out.candidate_risks.extend(risks)
        self.out.note("mapped", f"phase, scopes, {len(controls)} control(s) and "
                      f"{len(risks)} accepted risk(s) restored")

    def target(self, ref: Any) -> Any:
        if not isinstance(ref, str):
            return ref
        for prefix in ("c:", "df:", "tz:"):
            if f"{prefix}{ref}" in self.out.ids:
                return self.out.ids[f"{prefix}{ref}"]
        return ref

    def agent_refs(self, agent: dict[str, Any]) -> None:
        """References inside an agent section follow ids that had to change."""
        agent.update(rewritten({"agent": agent}, "components", self.target,
                               within=("agent",))["agent"])

    def check_ours(self, at: Path, first_control: int, risks: list[dict[str, Any]]) -> None:
        """Check what the attributes restore against the model schema, with file positions.

        An invalid value in our attributes (hand-edited, or not ours) is reported where the
        file holds it, instead of failing later as an invalid model with no position.
        """
        document = self.out.document()
        if risks:
            document["accepted_risks"] = risks
        system_own = frozenset(self.s.mapping((*at, "system")))
        system_native: dict[str, Path] = {
            "name": ("project", "name"), "description": ("project", "description"),
            "owner": ("project", "owner"), "tags": ("project", "tags")}

        def translate(path: Path) -> Path:
            if not path:
                return ()
            head = path[0]
            if head == "system" and len(path) >= 2:
                key = path[1]
                if isinstance(key, str) and key in system_own:
                    return (*at, "system", *path[1:])
                return system_native.get(str(key), ("project",)) + path[2:]
            if len(path) >= 2 and isinstance(path[1], int):
                index = path[1]
                if head == "controls" and index >= first_control:
                    return (*at, "controls", index - first_control, *path[2:])
                if head == "accepted_risks":
                    return (*at, "accepted_risks", *path[1:])
                route = self.routes.get((str(head), index))
                if route is not None:
                    if len(path) == 2:
                        return route.base
                    key = path[2]
                    if route.own is not None and key in route.own_keys:
                        return (*route.own, *path[2:])
                    return (*route.base, *route.native.get(str(key), ()), *path[3:])
            return (at[0],)

        mapped = _TranslatedMap(otm=self.s.document.source, translate=translate)
        check = Document(self.s.file, document, mapped, self.s.document.text)
        known = self.catalog.known_ids()
        errors = [d for d in schema_diagnostics(check) + semantic_diagnostics(check, known)
                  if d.severity is Severity.ERROR]
        if errors:
            raise ImportFailed(tuple(Diagnostic(
                d.file, d.position, d.severity,
                f"{d.message} (read from the scoping-tui attributes)", d.code, d.path)
                for d in sort_diagnostics(errors)))
