"""Import an OWASP pytm threat model from its JSON output (``tm.py --json FILE``).

pytm serialises a ``TM`` with ``json.dump(tm, default=to_serializable)``: lists ``actors``,
``assets``, ``elements`` (actors and assets again), ``boundaries``, ``flows``, ``data`` and
``findings``. Actors and assets carry their class in ``"__class__"`` (``Actor``, ``Server``,
``Process``, ``SetOfProcesses``, ``Lambda``, ``Datastore``, ``ExternalEntity``, and since pytm
1.4 ``LLM`` and ``Agent``); references to other elements (``inBoundary``, ``source``, ``sink``,
``data``) are by name; enums are written as ``"Classification.SENSITIVE"``. Security properties
sit in a nested ``controls`` object in current pytm and directly on the element in older
versions; both are read. pytm's own JSON input format (``elements``/``boundaries``/``flows``
with the same names) is read the same way.
"""

from __future__ import annotations

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
    word_patterns,
)
from scoping_tui.model.paths import Path

TITLE = "OWASP pytm JSON"

_CLASSIFICATION = {
    # pytm's scale: UNKNOWN < PUBLIC < RESTRICTED < SENSITIVE < SECRET < TOP_SECRET. Its
    # RESTRICTED is the first level above public, so it is our "internal".
    "public": "public", "1": "public",
    "restricted": "internal", "2": "internal",
    "sensitive": "confidential", "3": "confidential",
    "secret": "restricted", "4": "restricted",
    "top_secret": "restricted", "5": "restricted",
}
_CLASS_PATTERNS = class_patterns()

_TYPES = {
    "Actor": "user",
    "Server": "service",
    "Process": "service",
    "SetOfProcesses": "service",
    "Lambda": "service",
    "ServerlessFunc": "service",
    "Asset": "service",
    "Datastore": "data-store",
    "ExternalEntity": "external-service",
    "LLM": "foundation-model",
    "Agent": "agent",
}
_GRANTABLE = frozenset({"external-service", "agent", "service", "data-store"})
_BOUNDARY_WORDS = (
    # (our kind, words in a boundary's name) — pytm boundaries carry no kind, only a name.
    ("internet", r"internet|public|untrusted|world|www"),
    ("user-device", r"browser|device|client|mobile|laptop|desktop|endpoint"),
    ("saas-provider", r"saas"),
    ("third-party", r"third[- ]party|vendor|provider|partner|external"),
    ("vpc", r"vpc|vnet|virtual network"),
    ("subnet", r"subnet|dmz|segment|vlan"),
    ("container", r"container|pod|kubernetes|k8s|sandbox|namespace|docker"),
    ("cloud-account", r"aws|azure|gcp|cloud|account|subscription|tenant"),
    ("on-prem", r"on[- ]?prem|premises|data ?cent(?:er|re)|dc"),
    ("corporate-network", r"corporate|internal|intranet|office|enterprise|lan"),
)
_BOUNDARY_PATTERNS = word_patterns(_BOUNDARY_WORDS)
_PROTOCOL_WORDS = (
    ("https", r"https|tls|ssl"),
    ("websocket", r"wss?|websockets?"),
    ("grpc", r"grpc"),
    ("mcp", r"mcp"),
    ("stdio", r"stdio"),
    ("http", r"http|rest|soap"),
    ("sql", r"sql|jdbc|odbc|mysql|postgres(?:ql)?|mssql|oracle|sqlite"),
    ("amqp", r"amqp|rabbitmq"),
    ("kafka", r"kafka"),
    ("smtp", r"smtps?|e-?mail|mail"),
    ("ssh", r"ssh|sftp|scp"),
    ("in-process", r"in[- ]?process|function call|library call"),
    ("file", r"file|filesystem|nfs|smb"),
)
_PROTOCOL_PATTERNS = word_patterns(_PROTOCOL_WORDS)
_TLS_PROTOCOLS = re.compile(r"\b(?:https|tls|ssl|wss|smtps|ssh|sftp|scp|ldaps|ftps)\b")
# pytm's LLM threats (pytm/threatlib) → the catalog threat describing the same problem on the
# same element. Classic pytm threats (CAPEC-based INP, AC, DE…) have no faithful counterpart.
_THREAT_MAP = {
    "LLM01": "LLM01-DIRECT-INJECTION",
    "LLM02": "LLM01-INDIRECT-INJECTION",
    "LLM03": "LLM02-PROVIDER-RETENTION",
    "LLM04": "LLM04-TRAINING-DATA-POISONING",
    "LLM05": "LLM06-EXCESSIVE-AGENCY",
    "LLM06": "AGENT-CODE-EXECUTION",
    "LLM07": "LLM01-DIRECT-INJECTION",
    "LLM08": "LLM02-SENSITIVE-DISCLOSURE",
}
"""pytm records no date for a response: a year from a fixed date, so output is deterministic."""
_DESCRIBED_CONTROLS = (
    "authenticatesDestination", "authorizesSource", "checksInputBounds", "encodesOutput",
    "hasAccessControl", "implementsAuthenticationScheme", "implementsCSRFToken",
    "implementsServerSideValidation", "isHardened", "isResilient", "providesConfidentiality",
    "providesIntegrity", "sanitizesInput", "usesCodeSigning", "usesMFA",
    "usesParameterizedInput", "validatesInput",
)


def detect(data: Any) -> bool:
    if not isinstance(data, dict) or "technical_assets" in data:
        return False
    return isinstance(data.get("flows"), list) and any(
        isinstance(data.get(key), list) for key in ("elements", "actors", "assets"))


def convert(source: Source, out: ModelBuilder, catalog: Catalog) -> None:
    _Converter(source, out, catalog).run()


def _enum(text: str) -> str:
    """``"Classification.SENSITIVE"`` → ``"sensitive"``; other text lower-cased."""
    text = text.strip()
    prefix, dot, member = text.partition(".")
    return (member if dot and prefix.isalpha() else text).lower()


class _Converter:
    def __init__(self, source: Source, out: ModelBuilder, catalog: Catalog) -> None:
        self.source = source
        self.out = out
        self.catalog = catalog
        self.boundaries: dict[str, dict[str, Any]] = {}
        """pytm boundary name → our boundary."""
        self.components: dict[str, dict[str, Any]] = {}
        """pytm element name → our component."""
        self.data: dict[str, list[str]] = {}
        """pytm data name → our classes."""
        self.processed_by: dict[str, list[str]] = {}
        """pytm element name → classes of the data pytm says it processes."""
        self.flows: dict[str, dict[str, Any]] = {}
        """pytm flow name → our flow (the first of that name)."""
        self.between: dict[tuple[str, str], list[dict[str, Any]]] = {}
        """(from, to) → our flows between them."""
        self.controls: dict[tuple[str, str], list[str]] = {}
        """(control id, evidence) → component ids."""

    # --- reading helpers --------------------------------------------------------------------

    def _names(self, path: Path) -> list[str]:
        """A list of references by name (pytm writes element references as names)."""
        names = []
        for index, item in enumerate(self.source.items(path)):
            if isinstance(item, dict):
                names.append(self.source.text((*path, index, "name"), required=True))
            else:
                names.append(self.source.text((*path, index)))
        return names

    def _ref(self, path: Path) -> str:
        """A reference by name; pytm's JSON input may also give an object with a name."""
        if isinstance(self.source.at(path), dict):
            name = self.source.text((*path, "name"), required=True)
        else:
            name = self.source.text(path)
        return name if name.strip() else ""

    def _control(self, path: Path, name: str) -> bool | None:
        """A security property: in ``controls`` (pytm 1.3+) or on the element (older)."""
        controls = self.source.at((*path, "controls"))
        if isinstance(controls, dict) and name in controls:
            return self.source.flag((*path, "controls", name))
        if isinstance(controls, (list, str, int, float, bool)):
            self.source.mapping((*path, "controls"))
        return self.source.flag((*path, name))

    def _name(self, path: Path, what: str) -> str:
        name = self.source.text((*path, "name"), required=True)
        if not name.strip():
            raise self.source.fail((*path, "name"), f"a {what} with an empty name cannot be "
                                   "referred to")
        return name

    # --- the model --------------------------------------------------------------------------

    def run(self) -> None:
        self._system()
        self._data()
        self._boundaries()
        elements = self._elements()
        for path, name, klass in elements:
            self._component(path, name, klass)
        for index, _ in enumerate(self.source.items(("flows",), required=True)):
            self._flow(("flows", index))
        by_id = {c["id"]: c for c in self.out.components}
        outgoing: dict[str, list[dict[str, Any]]] = {}
        for flow in self.out.flows:
            outgoing.setdefault(flow["from"], []).append(flow)
        for _path, name, _klass in elements:
            self._agent(name, by_id, outgoing)
        self._emit_controls()
        self._findings()

    def _system(self) -> None:
        name = self.source.text(("name",))
        self.out.system = {"name": one_line(name, "Imported pytm model")}
        if not name.strip():
            self.out.note("guessed", "the pytm model has no name; named \"Imported pytm model\"")
        parts = [self.source.text(("description",)).strip()]
        assumptions = []
        for index, item in enumerate(self.source.items(("assumptions",))):
            if isinstance(item, dict):
                text = " ".join(part for part in (
                    self.source.text(("assumptions", index, "name")).strip(),
                    self.source.text(("assumptions", index, "description")).strip()) if part)
            else:
                text = self.source.text(("assumptions", index)).strip()
            if text:
                assumptions.append(f"- {text}")
        if assumptions:
            parts.append("Assumptions (from pytm):\n" + "\n".join(assumptions))
            self.out.note("mapped", "pytm assumptions kept in the system description")
        description = "\n\n".join(part for part in parts if part)
        if description:
            self.out.system["description"] = description
        excluded = self._names(("threatsExcluded",))
        if excluded:
            self.out.note("human", f"pytm excluded threats {', '.join(excluded)}; the analysis "
                          "uses its own catalog: accept or mitigate its findings instead")
        self.out.note("guessed", "pytm has no lifecycle phase: the analysis assumes prototype; "
                      "set system.phase")

    def _data(self) -> None:
        for index, _ in enumerate(self.source.items(("data",))):
            path: Path = ("data", index)
            self.source.mapping(path, required=True)
            name = self._name(path, "data item")
            classes: list[str] = []
            raw = self.source.text((*path, "classification"))
            level = _enum(raw)
            if level in _CLASSIFICATION:
                classes.append(_CLASSIFICATION[level])
            elif level not in ("", "unknown", "0"):
                self.out.note("human", f"data {one_line(name, '?')!r}: unknown classification "
                              f"{one_line(raw, '?')!r}; classify it by hand")
            if self.source.flag((*path, "isPII")):
                classes.append("pii")
            if self.source.flag((*path, "isCredentials")):
                classes.append("credentials")
            found = plain_words(name, self.source.text((*path, "format")))
            guessed = guessed_classes(_CLASS_PATTERNS, found, classes)
            if guessed:
                self.out.note("guessed", f"data {one_line(name, '?')!r} read as "
                              f"{', '.join(guessed)} from its name")
            classes = ordered_classes(classes + guessed)
            self.out.note("mapped", f"data {one_line(name, '?')!r} → "
                          f"{', '.join(classes) or 'no class'}")
            self.data[name] = ordered_classes(self.data.get(name, []) + classes)
            for element in self._names((*path, "processedBy")):
                self.processed_by.setdefault(element, []).extend(classes)

    def _classes(self, path: Path, owner: str) -> list[str]:
        classes: list[str] = []
        for name in self._names(path):
            if name in self.data:
                classes.extend(self.data[name])
            else:
                self.out.note("human", f"{owner} refers to data {one_line(name, '?')!r}, which "
                              "the model does not define; left out")
        return classes

    # --- boundaries -------------------------------------------------------------------------

    def _boundaries(self) -> None:
        entries = []
        for index, _ in enumerate(self.source.items(("boundaries",))):
            path: Path = ("boundaries", index)
            self.source.mapping(path, required=True)
            name = self._name(path, "boundary")
            if name in self.boundaries:
                raise self.source.fail((*path, "name"), f"two boundaries are named {name!r}; "
                                       "pytm refers to boundaries by name")
            our_id = self.out.new_id(name, f"boundary:{name}", "boundary")
            kind = next((kind for kind, pattern in _BOUNDARY_PATTERNS
                         if pattern.search(plain_words(name))), "")
            if kind:
                self.out.note("guessed", f"pytm boundaries have no kind: {kind} from its name",
                              our_id)
            else:
                kind = "corporate-network"
                self.out.note("guessed", "pytm boundaries have no kind and the name suggests "
                              "none: corporate-network", our_id)
            boundary: dict[str, Any] = {"id": our_id, "name": one_line(name, our_id),
                                        "kind": kind}
            description = self.source.text((*path, "description")).strip()
            if description:
                boundary["description"] = description
            self.boundaries[name] = boundary
            self.out.boundaries.append(boundary)
            entries.append((path, name))
        parents: dict[str, str] = {}
        for path, name in entries:
            parent = self._ref((*path, "inBoundary"))
            if not parent:
                continue
            our_id = self.boundaries[name]["id"]
            if parent not in self.boundaries:
                self.out.note("human", f"sits in boundary {one_line(parent, '?')!r}, which the "
                              "model does not define", our_id)
                continue
            ancestor: str | None = parent
            steps = 0
            while ancestor is not None and ancestor != name and steps <= len(entries):
                ancestor = parents.get(ancestor)
                steps += 1
            if ancestor == name:
                self.out.note("human", f"nesting it in {one_line(parent, '?')!r} would make a "
                              "cycle; left out", our_id)
                continue
            parents[name] = parent
        for name, parent in parents.items():
            self.boundaries[name]["parent"] = self.boundaries[parent]["id"]

    # --- components -------------------------------------------------------------------------

    def _elements(self) -> list[tuple[Path, str, str]]:
        """(path, name, class) of every actor and asset, each once."""
        if isinstance(self.source.at(("elements",)), list):
            lists = [("elements", "")]
        else:
            lists = [("actors", "Actor"), ("assets", "")]
        found: list[tuple[Path, str, str]] = []
        seen: dict[str, Path] = {}
        for key, default in lists:
            for index, _item in enumerate(self.source.items((key,))):
                path: Path = (key, index)
                self.source.mapping(path, required=True)
                name = self._name(path, "element")
                klass = self.source.text((*path, "__class__")).strip()
                if klass in ("Dataflow", "Boundary"):
                    continue
                if name in seen or name in self.boundaries:
                    raise self.source.fail((*path, "name"), f"two elements are named {name!r}; "
                                           "pytm refers to elements by name")
                seen[name] = path
                found.append((path, name, klass or default))
        return found

    def _component(self, path: Path, name: str, klass: str) -> None:
        flag = self.source.flag
        our_id = self.out.new_id(name, f"element:{name}", "component")
        ctype = _TYPES.get(klass)
        if ctype is None:
            ctype = "service"
            if klass:
                self.out.note("human", f"unknown pytm class {klass!r}; imported as a service",
                              our_id)
            else:
                self.out.note("guessed", "no pytm class given; imported as a service", our_id)
        else:
            self.out.note("mapped", f"pytm {klass} → {ctype}", our_id)
        if ctype not in ("foundation-model", "agent") and LLM_WORDS.search(plain_words(name)):
            self.out.note("human", "its name suggests an LLM or agent, but its pytm class is "
                          f"{klass or 'not given'}; kept as a {ctype}: change the type if it is "
                          "one", our_id)
        component: dict[str, Any] = {"id": our_id, "name": one_line(name, our_id), "type": ctype}
        boundary = self._ref((*path, "inBoundary"))
        if boundary:
            if boundary in self.boundaries:
                component["boundary"] = self.boundaries[boundary]["id"]
            else:
                self.out.note("human", f"sits in boundary {one_line(boundary, '?')!r}, which the "
                              "model does not define", our_id)
        classes = self._classes((*path, "data"), f"element {one_line(name, '?')!r}")
        classes += self.processed_by.get(name, [])
        details: list[str] = []
        if ctype == "data-store":
            store = self._store(path, our_id, classes, details)
            if store:
                component["store"] = store
        elif ctype == "foundation-model":
            self._llm(path, our_id, component, classes, details)
        elif ctype == "agent":
            self._agent_flags(path, our_id, details)
        if klass in ("Lambda", "ServerlessFunc"):
            component["hosting"] = "managed-service"
            self.out.note("guessed", "a serverless function: hosting managed-service", our_id)
        if classes:
            component["data"] = ordered_classes(classes)
        if flag((*path, "isAdmin")) is True:
            details.append("an administrator")
        if flag((*path, "inScope")) is False:
            details.append("out of scope in pytm")
        for key in ("OS", "environment", "codeType"):
            value = self.source.text((*path, key)).strip()
            if value and not (key == "codeType" and value == "Unmanaged"):
                details.append(f"{key} {value}")
        port = self.source.at((*path, "port"))
        if isinstance(port, int) and not isinstance(port, bool) and port >= 0:
            details.append(f"port {port}")
        protocol = self.source.text((*path, "protocol")).strip()
        if protocol:
            details.append(f"protocol {protocol}")
        present = [key for key in _DESCRIBED_CONTROLS if self._control(path, key) is True]
        if present:
            details.append("controls " + ", ".join(present))
        if self._control(path, "implementsPOLP") is True:
            self._add_control("IAM-LEAST-PRIVILEGE", "pytm: implementsPOLP", our_id)
        parts = [self.source.text((*path, "description")).strip()]
        if details:
            parts.append("pytm: " + "; ".join(details) + ".")
        description = "\n".join(part for part in parts if part)
        if description:
            component["description"] = description
        component = in_key_order(component)
        self.components[name] = component
        self.out.components.append(component)

    def _store(self, path: Path, our_id: str, classes: list[str],
               details: list[str]) -> dict[str, Any]:
        flag = self.source.flag
        store: dict[str, Any] = {}
        encrypted = self._control(path, "isEncryptedAtRest")
        if encrypted is not None:
            store["encrypted_at_rest"] = encrypted
            self.out.note("mapped", f"isEncryptedAtRest → encrypted_at_rest "
                          f"{str(encrypted).lower()}", our_id)
        if flag((*path, "storesPII")) is True:
            classes.append("pii")
            self.out.note("mapped", "storesPII → holds pii", our_id)
        if flag((*path, "storesSensitiveData")) is True:
            classes.append("confidential")
            self.out.note("mapped", "storesSensitiveData → holds confidential data", our_id)
        if flag((*path, "storesLogData")) is True:
            self.out.note("human", "pytm says it stores log data: make it a monitoring "
                          "component if it is the audit trail", our_id)
        for key, words in (("isSQL", "SQL"), ("isShared", "shared"),
                           ("hasWriteAccess", "has write access"), ("onRDS", "on RDS")):
            if flag((*path, key)) is True:
                details.append(words)
        kind = self.source.text((*path, "type")).strip()
        if kind and _enum(kind) != "unknown":
            details.append(f"type {_enum(kind)}")
        return store

    def _llm(self, path: Path, our_id: str, component: dict[str, Any], classes: list[str],
             details: list[str]) -> None:
        flag = self.source.flag
        if flag((*path, "isSelfHosted")) is True:
            component["hosting"] = "self-hosted"
            self.out.note("mapped", "isSelfHosted → hosting self-hosted", our_id)
        elif flag((*path, "isThirdParty")) is True:
            component["hosting"] = "managed-api"
            self.out.note("mapped", "isThirdParty → hosting managed-api", our_id)
        if flag((*path, "hasFineTuning")) is True:
            component["model"] = {"origin": "fine-tuned"}
            self.out.note("mapped", "hasFineTuning → origin fine-tuned", our_id)
        if flag((*path, "processesPersonalData")) is True:
            classes.append("pii")
            self.out.note("mapped", "processesPersonalData → handles pii", our_id)
        if flag((*path, "processesUntrustedInput")) is True:
            classes.append("untrusted-content")
            self.out.note("mapped", "processesUntrustedInput → handles untrusted content",
                          our_id)
        if flag((*path, "hasContentFiltering")) is True:
            for control in ("GUARD-INPUT-FILTER", "GUARD-OUTPUT-FILTER"):
                self._add_control(control, "pytm: hasContentFiltering", our_id)
            self.out.note("guessed", "hasContentFiltering read as input and output content "
                          "filters", our_id)
        for key, message in (
            ("hasAgentCapabilities", "pytm says the LLM has agent capabilities: model the "
             "agent that calls tools as an agent component with its tools"),
            ("hasAccessToSensitiveSystems", "pytm says it can reach sensitive systems: add "
             "the flows or tool grants that give that access"),
            ("executesCode", "pytm says it executes code: model the code sandbox or set "
             "runs_generated_code on the agent that runs it"),
            ("retainsUserData", "pytm says the provider retains user data: state whether it "
             "trains on inputs (model.trains_on_inputs)"),
            ("hasRAG", "pytm says it uses retrieval (RAG): add the vector store or knowledge "
             "base it reads"),
        ):
            if flag((*path, key)) is True:
                self.out.note("human", message, our_id)
                details.append(key)
        if flag((*path, "hasSystemPrompt")) is True:
            details.append("has a system prompt")

    def _agent_flags(self, path: Path, our_id: str, details: list[str]) -> None:
        if self.source.flag((*path, "usesExternalTools")) is True:
            details.append("uses external tools")
            self.out.note("human", "pytm says it uses external tools: list them as its tools "
                          "with their permissions", our_id)
        if self.source.flag((*path, "validatesToolLaunchConfig")) is False:
            details.append("does not validate tool launch configuration")
            self.out.note("human", "pytm says it does not validate tool launch configuration: "
                          "record where its tools come from (tool.source)", our_id)

    def _add_control(self, control: str, evidence: str, target: str) -> None:
        if control in self.catalog.controls:
            self.controls.setdefault((control, evidence), []).append(target)

    def _emit_controls(self) -> None:
        for (control, evidence), targets in self.controls.items():
            self.out.controls.append({"control": control, "targets": sorted(set(targets)),
                                      "status": "implemented", "evidence": evidence})
            self.out.note("mapped", f"{evidence} → control {control} implemented on "
                          f"{', '.join(sorted(set(targets)))}")

    # --- flows ------------------------------------------------------------------------------

    def _flow(self, path: Path) -> None:
        self.source.mapping(path, required=True)
        name = self.source.text((*path, "name"))
        ends = []
        for key in ("source", "sink"):
            ref = self._ref((*path, key))
            if not ref:
                raise self.source.fail((*path, key), f"the flow {name!r} has no {key}")
            component = self.components.get(ref)
            if component is None:
                where = "a boundary" if ref in self.boundaries else "no element of the model"
                line = self.source.position((*path, key)).line
                self.out.note("human", f"flow {one_line(name, '?')!r} (line {line}) has {key} "
                              f"{one_line(ref, '?')!r}, {where}; left out")
                return
            ends.append(component)
        classes = self._classes((*path, "data"), f"flow {one_line(name, '?')!r}")
        request = self._request_of(path, ends)
        if request is not None:
            if classes:
                request["data"] = ordered_classes(request.get("data", []) + classes)
            self.out.note("mapped", f"pytm response {one_line(name, '?')!r} merged into its "
                          "request (data of both directions is listed on one flow)",
                          request["id"])
            return
        our_id = self.out.new_id(name, None, "flow")
        flow: dict[str, Any] = {"id": our_id, "from": ends[0]["id"], "to": ends[1]["id"],
                                "name": one_line(name, our_id)}
        if classes:
            flow["data"] = ordered_classes(classes)
        protocol = self.source.text((*path, "protocol")).strip()
        words = plain_words(protocol)
        if protocol:
            mapped = next((ours for ours, pattern in _PROTOCOL_PATTERNS
                           if pattern.search(words)), "")
            if mapped:
                flow["protocol"] = mapped
                self.out.note("mapped", f"protocol {one_line(protocol, '?')!r} → {mapped}", our_id)
            else:
                flow["protocol"] = "other"
                self.out.note("guessed", f"protocol {one_line(protocol, '?')!r} not known: other",
                              our_id)
        encrypted = self._control(path, "isEncrypted")
        tls = _enum(self.source.text((*path, "tlsVersion")))
        if tls and tls != "none":
            encrypted = True
            self.out.note("mapped", f"TLS version {tls} → encrypted", our_id)
        elif not encrypted and _TLS_PROTOCOLS.search(words):
            encrypted = True
            self.out.note("guessed", f"pytm does not mark it encrypted, but {protocol} runs "
                          "over TLS or SSH: encrypted", our_id)
        elif not encrypted and (self.source.flag((*path, "usesVPN")) is True or
                                self._control(path, "usesVPN") is True):
            encrypted = True
            self.out.note("guessed", "sent over a VPN: counted as encrypted in transit", our_id)
        if encrypted is not None:
            flow["encrypted"] = encrypted
        authenticated = self._control(path, "authenticatesSource")
        if authenticated is not None:
            flow["authenticated"] = authenticated
            self.out.note("mapped", f"authenticatesSource → authenticated "
                          f"{str(authenticated).lower()}", our_id)
        parts = [self.source.text((*path, key)).strip() for key in ("description", "note")]
        port = self.source.at((*path, "dstPort"))
        if isinstance(port, int) and not isinstance(port, bool) and port >= 0:
            parts.append(f"pytm: destination port {port}.")
        description = "\n".join(part for part in parts if part)
        if description:
            flow["description"] = description
        if name.strip():
            self.flows.setdefault(name, flow)
        self.between.setdefault((flow["from"], flow["to"]), []).append(flow)
        self.out.flows.append(flow)

    def _request_of(self, path: Path, ends: list[dict[str, Any]]) -> dict[str, Any] | None:
        """The request flow a pytm response answers, when pytm says which one it is."""
        answers = self._ref((*path, "responseTo"))
        if self.source.flag((*path, "isResponse")) is not True and not answers:
            return None
        request = self.flows.get(answers) if answers else None
        if request is None:
            back = self.between.get((ends[1]["id"], ends[0]["id"]), [])
            request = back[0] if len(back) == 1 else None
        if request is None or request["from"] != ends[1]["id"] or \
                request["to"] != ends[0]["id"]:
            return None
        return request

    def _agent(self, name: str, by_id: dict[str, dict[str, Any]],
               outgoing: dict[str, list[dict[str, Any]]]) -> None:
        component = self.components[name]
        if component["type"] != "agent":
            return
        our_id = component["id"]
        agent = agent_section(self.out, our_id,
                              ((by_id[flow["to"]], {}) for flow in outgoing.get(our_id, [])),
                              _GRANTABLE, "the first LLM its flows reach")
        if "tools" in agent:
            self.out.note("human", "its tools are the elements its flows reach; pytm says "
                          "nothing of what it may do through them: add permissions", our_id)
        self.out.note("human", "pytm says nothing of human approval, triggers or the identity "
                      "the agent acts with: fill in the agent section", our_id)
        component["agent"] = agent

    # --- findings ---------------------------------------------------------------------------

    def _findings(self) -> None:
        responses: dict[str, int] = {}
        for index, item in enumerate(self.source.items(("findings",))):
            if not isinstance(item, dict):
                continue
            path: Path = ("findings", index)
            response = self.source.text((*path, "response")).strip().lower()
            if not response:
                continue
            threat = self.source.text((*path, "threat_id")).strip()
            target_name = self._ref((*path, "target"))
            shown = f"{threat} on {one_line(target_name, '?')!r}"
            if response != "accepted":
                responses[response] = responses.get(response, 0) + 1
                self.out.note("human", f"pytm marks finding {shown} as {response}: the "
                              "analysis decides afresh; declare the controls that mitigate it")
                continue
            ours = _THREAT_MAP.get(threat)
            target = (self.components.get(target_name) or self.flows.get(target_name) or {}
                      ).get("id")
            if ours is None or ours not in self.catalog.threats:
                self.out.note("human", f"pytm accepts finding {shown}; the catalog has no "
                              "threat that matches it: decide whether a finding covers it")
                continue
            if target is None:
                self.out.note("human", f"pytm accepts finding {shown}, on an element the "
                              "model does not define")
                continue
            reason = self.source.text((*path, "description")).strip()
            cvss = self.source.text((*path, "cvss")).strip()
            self.out.candidate_risks.append({
                "finding": f"{ours}@{target}",
                "owner": "unknown (accepted in pytm)",
                "reason": f"accepted in pytm ({threat}" + (f", CVSS {cvss}" if cvss else "")
                          + ")" + (f": {reason}" if reason else ""),
                "expires": self.out.guessed_expiry(),
            })
            self.out.note("guessed", f"accepted finding {shown}: pytm records no owner or "
                          f"date; owner unknown, expiry {self.out.guessed_expiry()} "
                          f"({ACCEPTANCE_DAYS} days after the import)")
