"""Import an OWASP Threat Dragon v2 model (JSON).

A Threat Dragon model is one or more data-flow diagrams of X6 graph cells: actors, processes,
stores, flows, trust-boundary boxes and curves, text blocks. Every diagram goes into the one
model (ids made unique). Elements become components and flows; which boundary a component is in
is read from the geometry (the smallest box that holds its whole box), and boxes inside boxes
become nested boundaries. A curve has no inside, so it becomes an empty boundary a human must
fill. Threats drawn on elements are kept as notes and in descriptions, mapped onto catalog
threats where the text clearly names one (the matcher the Threat Composer importer uses too).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from scoping_tui.engine.catalog import Catalog
from scoping_tui.formats.common import ModelBuilder, Source
from scoping_tui.formats.matching import ControlSet, Match, Matcher, normalise, threat_list
from scoping_tui.formats.vocabulary import (
    NAME_LIMIT,
    SYSTEM_TEXT_LIMIT,
    clean_name,
    clean_text,
    number,
    shorten,
    system_name,
)
from scoping_tui.model.paths import Path

TITLE = "OWASP Threat Dragon v2 JSON"
MAX_GEOMETRY_BOXES = 1000
"""Boundary boxes per diagram beyond which membership is not inferred (it is quadratic)."""

_KINDS = {
    "tm.Actor": "actor", "tm.Process": "process", "tm.Store": "store", "tm.Flow": "flow",
    "tm.BoundaryBox": "box", "tm.Boundary": "curve", "tm.Text": "text",
    "actor": "actor", "process": "process", "store": "store", "flow": "flow",
    "trust-boundary-box": "box", "trust-boundary-curve": "curve", "td-text-block": "text",
    "trust-broundary-curve": "curve",   # the shape's name as early 2.x versions spelt it
}
_DEFAULT_NAMES = {"actor": "Actor", "process": "Process", "store": "Store", "flow": "Data flow",
                  "box": "Trust boundary", "curve": "Trust boundary"}
_NODE_KINDS = ("actor", "process", "store")


def detect(data: Any) -> bool:
    """A Threat Dragon model: ``summary`` and ``detail`` objects at the top."""
    return (isinstance(data, dict) and isinstance(data.get("summary"), dict)
            and isinstance(data.get("detail"), dict))


Rect = tuple[float, float, float, float]


@dataclass
class _Cell:
    diagram: int
    path: Path
    key: str
    kind: str
    rect: Rect | None = None
    element: str = ""
    """Id given in the model."""
    item: dict[str, Any] = field(default_factory=dict)
    """What the model holds for it (component, flow or boundary)."""
    boundary: _Cell | None = None
    """For components and boxes: the box it sits in."""
    threats_on: list[str] = field(default_factory=list)
    """Model ids a control against this element's threats targets."""


def convert(source: Source, out: ModelBuilder, catalog: Catalog) -> None:
    version = source.text(("version",))
    if version and not version.strip().startswith("2"):
        out.note("human", f"the file says Threat Dragon version {clean_name(version, 20)!r}; "
                 "it was read as version 2")
    diagrams = source.items(("detail", "diagrams"))
    _system(source, out, diagrams)
    controls = ControlSet()
    cells: list[_Cell] = []
    for index, _ in enumerate(diagrams):
        cells += _diagram(source, out, index)
    if not out.components:
        raise source.fail(("detail", "diagrams"), "the model has no actor, process or store in "
                          "any diagram: nothing to import")
    matcher = Matcher(catalog)
    for cell in cells:
        if cell.element and cell.kind in (*_NODE_KINDS, "flow"):
            _threats(source, out, matcher, cell, controls)
    controls.emit(out)
    if len(diagrams) > 1:
        out.note("mapped", f"{len(diagrams)} diagrams merged into one model")
        _same_names(out, cells)
    out.components = [_ordered(c, _COMPONENT_KEYS) for c in out.components]
    if out.flows:
        out.note("human", "Threat Dragon flows carry no data classification: add `data` to "
                 "each flow, and `authenticated` where the receiver checks the sender")
    out.note("human", "Threat Dragon has no lifecycle phase: the analysis assumes prototype; "
             "set system.phase")


_COMPONENT_KEYS = ("id", "name", "type", "boundary", "description", "data", "tags", "store")


def _ordered(item: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {key: item[key] for key in (*keys, *item) if key in item}


def _same_names(out: ModelBuilder, cells: list[_Cell]) -> None:
    """Threat Dragon diagrams share no elements: the same thing drawn twice is two cells."""
    first: dict[tuple[str, str], _Cell] = {}
    for cell in cells:
        if cell.kind not in _NODE_KINDS or not cell.element:
            continue
        key = (cell.item["name"].casefold(), cell.item["type"])
        earlier = first.setdefault(key, cell)
        if earlier is not cell and earlier.diagram != cell.diagram:
            out.note("human", f"same name and type as {earlier.element} on another diagram: "
                     "if they are the same element, merge them (and their flows)", cell.element)


# --- the system ------------------------------------------------------------------------------

def _system(source: Source, out: ModelBuilder, diagrams: list[Any]) -> None:
    source.mapping(("summary",), required=True)
    source.mapping(("detail",), required=True)
    name = system_name(source.text(("summary", "title")), out, "Imported Threat Dragon model",
                       "model", "title")
    parts = [source.text(("summary", "description"))]
    contributors = []
    for index, _ in enumerate(source.items(("detail", "contributors"))):
        path: Path = ("detail", "contributors", index)
        source.mapping(path, required=True)
        contributors.append(clean_name(source.text((*path, "name")), 100))
    if any(contributors):
        parts.append("Contributors: " + ", ".join(c for c in contributors if c))
    reviewer = clean_name(source.text(("detail", "reviewer")), 100)
    if reviewer:
        parts.append(f"Reviewer: {reviewer}")
    for index, _ in enumerate(diagrams):
        path = ("detail", "diagrams", index)
        source.mapping(path, required=True)
        title = clean_name(source.text((*path, "title")), 200) or f"Diagram {index + 1}"
        kind = clean_name(source.text((*path, "diagramType")), 40)
        text = clean_name(source.text((*path, "description")), 1000)
        parts.append(f"Diagram {title!r}" + (f" ({kind})" if kind else "")
                     + (f": {text}" if text else ""))
    description = clean_text("\n\n".join(p for p in parts if p.strip()), SYSTEM_TEXT_LIMIT)
    out.system = {"name": name}
    if description:
        out.system["description"] = description
    owner = clean_name(source.text(("summary", "owner")))
    if owner:
        out.system["owner"] = owner
        out.note("mapped", "system owner from the model's owner")


# --- one diagram -----------------------------------------------------------------------------

def _diagram(source: Source, out: ModelBuilder, index: int) -> list[_Cell]:
    base: Path = ("detail", "diagrams", index)
    if source.at((*base, "diagramJson")) is not None and source.at((*base, "cells")) is None:
        raise source.fail((*base, "diagramJson"), "this is a Threat Dragon version 1 model; "
                          "open it in Threat Dragon 2 and save it to upgrade it, then import "
                          "that file")
    title = clean_name(source.text((*base, "title")), 80) or f"diagram {index + 1}"
    cells: list[_Cell] = []
    seen: dict[str, Path] = {}
    texts: list[str] = []
    for position, _ in enumerate(source.items((*base, "cells"))):
        path: Path = (*base, "cells", position)
        source.mapping(path, required=True)
        source.mapping((*path, "data"))
        ident = source.text((*path, "id"))
        if ident:
            if ident in seen:
                line = source.position((*seen[ident], "id")).line
                raise source.fail((*path, "id"), f"cell id {clean_name(ident, 60)!r} is "
                                  f"already used by the cell at line {line}")
            seen[ident] = path
        kind = _kind(source, path)
        cell = _Cell(index, path, f"{index}:{ident or '#' + str(position)}", kind)
        if kind in (*_NODE_KINDS, "box"):
            cell.rect = _rect(source, path)
        cells.append(cell)
        if kind == "text":
            text = clean_name(_name(source, path), 500)
            if text:
                texts.append(text)
        elif kind == "other":
            shape = clean_name(source.text((*path, "shape")), 40)
            out.note("human", f"{title}: a cell of unknown shape {shape!r} was skipped (line "
                     f"{source.position(path).line})")
    for cell in cells:
        if cell.kind in ("box", "curve"):
            _boundary(source, out, cell, title)
    for cell in cells:
        if cell.kind in _NODE_KINDS:
            _component(source, out, cell)
    _geometry(out, cells, title)
    by_key = {c.key: c for c in cells}
    for cell in cells:
        if cell.kind == "flow":
            _flow(source, out, cell, by_key, title)
    if texts:
        out.system["description"] = clean_text(
            out.system.get("description", "") + f"\n\nText on diagram {title!r}: "
            + " / ".join(texts), SYSTEM_TEXT_LIMIT)
        out.note("mapped", f"text blocks of {title!r} kept in the system description")
    return cells


def _kind(source: Source, path: Path) -> str:
    data_type = source.text((*path, "data", "type"))
    shape = source.text((*path, "shape"))
    return _KINDS.get(data_type) or _KINDS.get(shape) or "other"


def _rect(source: Source, path: Path) -> Rect | None:
    source.mapping((*path, "position"))
    source.mapping((*path, "size"))
    x = number(source, (*path, "position", "x"))
    y = number(source, (*path, "position", "y"))
    width = number(source, (*path, "size", "width"))
    height = number(source, (*path, "size", "height"))
    for key, value in (("width", width), ("height", height)):
        if value is not None and value < 0:
            raise source.fail((*path, "size", key), f"a {key} cannot be negative")
    if x is None or y is None:
        return None
    return (x, y, x + (width or 0.0), y + (height or 0.0))


def _name(source: Source, path: Path) -> str:
    """The element's name, else the label drawn on it."""
    for key in (("data", "name"), ("attrs", "text", "text"), ("attrs", "label", "text")):
        found = source.text((*path, *key))
        if found.strip():
            return found
    return ""


def _named(source: Source, out: ModelBuilder, cell: _Cell, fallback: str) -> str:
    raw = _name(source, cell.path)
    name = clean_name(raw)
    if len(" ".join(raw.split())) > NAME_LIMIT:
        out.note("human", f"the name of the element at line {source.position(cell.path).line} "
                 "was cut to 200 characters")
    return name or fallback


def _description(source: Source, path: Path, extra: list[str]) -> str:
    text = source.text((*path, "data", "description"))
    return clean_text("\n".join(p for p in (text, *extra) if p.strip()))


def _out_of_scope(source: Source, out: ModelBuilder, cell: _Cell, item: dict[str, Any],
                  extra: list[str]) -> None:
    if not source.flag((*cell.path, "data", "outOfScope")):
        return
    reason = clean_name(source.text((*cell.path, "data", "reasonOutOfScope")), 300)
    extra.append("Out of scope in Threat Dragon" + (f": {reason}" if reason else "."))
    if cell.kind != "flow":
        item.setdefault("tags", []).append("out-of-scope")
    out.note("human", "marked out of scope in Threat Dragon"
             + (f" ({reason})" if reason else "")
             + "; the analysis still covers it: remove it or accept its findings", item["id"])


_SYSTEM_WORDS = re.compile(
    r"\b(?:system|systems|service|services|server|api|apis|application|app|bank|provider|"
    r"gateway|third party|saas|platform|backend|back end|database|processor|partner)\b")
_AI_WORDS = re.compile(r"\b(?:llm|llms|gpt|genai|generative ai|language model|foundation model|"
                       r"ml model|ai model|chatbot|copilot|agent|agents|agentic|rag|embeddings?|"
                       r"bedrock|openai|claude|gemini|prompt|prompts|inference)\b")
_STORE_TYPES = (
    ("vector-store", r"\bvector (?:store|database|db|index)|\bembeddings? (?:store|index)"),
    ("knowledge-base", r"\bknowledge bases?\b"),
    ("secrets-store", r"\bsecrets? (?:manager|store|vault)|\bkey vault\b|\bvault\b"),
)


def _component(source: Source, out: ModelBuilder, cell: _Cell) -> None:
    path, data = cell.path, (*cell.path, "data")
    name = _named(source, out, cell, _DEFAULT_NAMES[cell.kind])
    cid = out.new_id(name, cell.key, fallback=cell.kind)
    cell.element = cid
    cell.threats_on = [cid]
    words = normalise(" ".join([name, source.text((*data, "description"))]))
    item: dict[str, Any] = {"id": cid, "name": name}
    extra: list[str] = []
    if cell.kind == "actor":
        if source.flag((*data, "providesAuthentication")):
            item["type"] = "identity-provider"
            out.note("guessed", "identity-provider: the Threat Dragon actor provides "
                     "authentication", cid)
        elif _SYSTEM_WORDS.search(words):
            item["type"] = "external-service"
            out.note("guessed", "external-service: the actor's name or description says it is a "
                     "system, not a person", cid)
        else:
            item["type"] = "user"
            out.note("guessed", "user: a Threat Dragon actor is an outside entity, taken to be "
                     "a person", cid)
    elif cell.kind == "process":
        item["type"] = "service"
        out.note("mapped", "process as a service", cid)
        level = clean_name(source.text((*data, "privilegeLevel")), 100)
        if level:
            extra.append(f"Privilege level (Threat Dragon): {level}")
        if source.flag((*data, "isWebApplication")):
            item["tags"] = ["web-application"]
        if source.flag((*data, "handlesCardPayment")):
            item["data"] = ["payment"]
            out.note("mapped", "handles card payments: data payment", cid)
        if source.flag((*data, "handlesGoodsOrServices")):
            item.setdefault("tags", []).append("handles-goods-or-services")
    else:
        _store(source, out, cell, item, words)
    if cell.kind != "actor" and _AI_WORDS.search(words) and item["type"] in ("service",
                                                                              "data-store"):
        out.note("human", f"{name!r} mentions an AI part, but Threat Dragon cannot say what it "
                 "is: if it is a model, an agent or a vector store, change its type and add its "
                 "facts", cid)
    _out_of_scope(source, out, cell, item, extra)
    description = _description(source, path, extra)
    if description:
        item["description"] = description
    cell.item = item
    out.components.append(item)


def _store(source: Source, out: ModelBuilder, cell: _Cell, item: dict[str, Any],
           words: str) -> None:
    data = (*cell.path, "data")
    cid = item["id"]
    item["type"] = "data-store"
    if source.flag((*data, "isALog")):
        item["type"] = "monitoring"
        out.note("guessed", "monitoring: the store holds logs", cid)
    else:
        for ctype, pattern in _STORE_TYPES:
            if re.search(pattern, words):
                item["type"] = ctype
                out.note("guessed", f"{ctype} from the store's name or description", cid)
                break
        else:
            out.note("mapped", "store as a data-store", cid)
    if source.flag((*data, "storesCredentials")):
        item["data"] = ["credentials"]
        out.note("mapped", "stores credentials: data credentials", cid)
    encrypted = source.flag((*data, "isEncrypted"))
    if encrypted is not None:
        item["store"] = {"encrypted_at_rest": encrypted}
    if source.flag((*data, "isSigned")):
        item.setdefault("tags", []).append("signed")
        out.note("human", "Threat Dragon says the store is signed; the model has no integrity "
                 "fact: declare DATA-STORE-INTEGRITY if that is what it means", cid)
    if source.flag((*data, "storesInventory")):
        item.setdefault("tags", []).append("stores-inventory")


# --- boundaries and geometry -------------------------------------------------------------------

_BOUNDARY_KINDS = (
    ("vpc", r"\bvpc\b|\bvnet\b|\bvirtual (?:private )?network"),
    ("subnet", r"\bsubnets?\b|\bdmz\b|\bnetwork segment"),
    ("container", r"\bcontainers?\b|\bpods?\b|\bkubernetes\b|\bk8s\b|\bdocker\b|\bsandbox"),
    ("user-device", r"\bbrowsers?\b|\bdevices?\b|\bmobile\b|\blaptops?\b|\bclient side\b"),
    ("saas-provider", r"\bsaas\b"),
    ("on-prem", r"\bon prem\w*|\bdata ?cent(?:re|er)s?\b"),
    ("corporate-network", r"\bcorporate\b|\bintranet\b|\binternal network|\boffice\b|\blan\b"),
    ("third-party", r"\bthird party\b|\bpartners?\b|\bvendors?\b|\bexternal\b"),
    ("cloud-account", r"\baws\b|\bazure\b|\bgcp\b|\bcloud\b|\baccount\b|\bsubscription\b"),
    ("internet", r"\binternet\b|\bpublic\b|\bwww\b|\buntrusted\b"),
)


def _boundary(source: Source, out: ModelBuilder, cell: _Cell, title: str) -> None:
    name = _named(source, out, cell, _DEFAULT_NAMES[cell.kind])
    bid = out.new_id(name, cell.key, fallback="boundary")
    cell.element = bid
    words = normalise(" ".join([name, source.text((*cell.path, "data", "description"))]))
    kind = next((k for k, pattern in _BOUNDARY_KINDS if re.search(pattern, words)), None)
    item: dict[str, Any] = {"id": bid, "name": name, "kind": kind or "corporate-network"}
    if kind is None:
        out.note("human", "Threat Dragon does not say what kind of zone this is; "
                 "corporate-network is a placeholder: set its kind", bid)
    else:
        out.note("guessed", f"kind {kind} from the boundary's name or description", bid)
    extra = []
    if cell.kind == "curve":
        extra.append("A trust-boundary line in Threat Dragon (no inside).")
        out.note("human", f"a trust-boundary curve on {title!r} is a line with no inside: "
                 "which components sit in this zone needs a human (set their `boundary`)", bid)
    elif cell.rect is None:
        out.note("human", "the box has no position: its members need a human", bid)
    description = _description(source, cell.path, extra)
    if description:
        item["description"] = description
    cell.item = item
    out.boundaries.append(item)


def _inside(inner: Rect, outer: Rect) -> bool:
    return (outer[0] <= inner[0] and outer[1] <= inner[1]
            and inner[2] <= outer[2] and inner[3] <= outer[3])


def _overlaps(a: Rect, b: Rect) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _area(rect: Rect) -> float:
    return (rect[2] - rect[0]) * (rect[3] - rect[1])


def _geometry(out: ModelBuilder, cells: list[_Cell], title: str) -> None:
    """Boundary of each component and parent of each box: the smallest box holding it."""
    boxes = [c for c in cells if c.kind == "box" and c.rect is not None]
    if len(boxes) > MAX_GEOMETRY_BOXES:
        out.note("human", f"{title!r} has {len(boxes)} boundary boxes, more than the "
                 f"{MAX_GEOMETRY_BOXES} whose geometry is read: which component sits in which "
                 "boundary needs a human")
        return
    # Smallest first; of equal boxes the later one comes first, so it is placed inside the
    # earlier one and equal boxes nest in file order instead of holding each other.
    order = [boxes[i] for i in sorted(range(len(boxes)),
                                      key=lambda i: (_area(_rect_of(boxes[i])), -i))]
    members: dict[str, list[str]] = {}
    for position, box in enumerate(order):
        parent = next((b for b in order[position + 1:]
                       if _inside(_rect_of(box), _rect_of(b))), None)
        if parent is not None:
            box.boundary = parent
            box.item["parent"] = parent.element
            members.setdefault(parent.element, []).append(box.element)
    for cell in cells:
        if cell.kind not in _NODE_KINDS or not cell.element:
            continue
        if cell.rect is None:
            if boxes:
                out.note("human", "the element has no position: its boundary needs a human",
                         cell.element)
            continue
        rect = cell.rect
        home = next((b for b in order if _inside(rect, _rect_of(b))), None)
        if home is not None:
            cell.boundary = home
            cell.item["boundary"] = home.element
            members.setdefault(home.element, []).append(cell.element)
        edges = [b.element for b in order
                 if _overlaps(rect, _rect_of(b)) and not _inside(rect, _rect_of(b))]
        if edges:
            out.note("human", f"it lies across the edge of {', '.join(edges[:5])}: check which "
                     "side of that boundary it is on", cell.element)
    for bid, inside in members.items():
        out.note("guessed", "from the diagram geometry, it holds "
                 + ", ".join(inside[:20]) + (f" and {len(inside) - 20} more"
                                             if len(inside) > 20 else ""), bid)


def _rect_of(cell: _Cell) -> Rect:
    assert cell.rect is not None
    return cell.rect


# --- flows -----------------------------------------------------------------------------------

_PROTOCOLS = (
    ("https", r"\bhttps\b|\bhttp s\b|\bhttp over tls\b|\brest over tls\b"),
    ("grpc", r"\bgrpc\b"),
    ("websocket", r"\bwebsockets?\b|\bwss?\b"),
    ("mcp", r"\bmcp\b|\bmodel context protocol\b"),
    ("http", r"\bhttp\b|\brest\b"),
    ("sql", r"\bsql\b|\bjdbc\b|\bodbc\b|\bpostgres\w*\b|\bmysql\b|\bmariadb\b|\btds\b"),
    ("amqp", r"\bamqps?\b|\brabbitmq\b"),
    ("kafka", r"\bkafka\b"),
    ("smtp", r"\bsmtps?\b|\be ?mail\b"),
    ("ssh", r"\bssh\b|\bsftp\b|\bscp\b"),
    ("stdio", r"\bstdio\b|\bstandard (?:input|output)\b"),
    ("file", r"\bfiles?\b|\bfile ?system\b|\bnfs\b|\bsmb\b"),
    ("in-process", r"\bin process\b|\bfunction call\b"),
)


def _flow(source: Source, out: ModelBuilder, cell: _Cell, by_key: dict[str, _Cell],
          title: str) -> None:
    data = (*cell.path, "data")
    name = _named(source, out, cell, _DEFAULT_NAMES["flow"])
    line = source.position(cell.path).line
    ends = []
    for side in ("source", "target"):
        source.mapping((*cell.path, side))
        ref = source.text((*cell.path, side, "cell"))
        end = by_key.get(f"{cell.diagram}:{ref}") if ref else None
        if end is None or end.kind not in _NODE_KINDS or not end.element:
            what = ("is not attached to anything" if not ref else
                    "points to no element of the diagram" if end is None else
                    "is attached to a boundary or text, not an element")
            out.note("human", f"flow {name!r} on {title!r} (line {line}) skipped: its {side} "
                     f"{what}")
            return
        ends.append(end)
    fid = out.new_id(name, cell.key, fallback="flow")
    cell.element = fid
    cell.threats_on = [ends[0].element, ends[1].element]
    item: dict[str, Any] = {"id": fid, "from": ends[0].element, "to": ends[1].element,
                            "name": name}
    extra: list[str] = []
    raw = clean_name(source.text((*data, "protocol")), 60)
    if raw:
        protocol = next((p for p, pattern in _PROTOCOLS if re.search(pattern, normalise(raw))),
                        None)
        item["protocol"] = protocol or "other"
        if protocol is None:
            extra.append(f"Protocol (Threat Dragon): {raw}")
            out.note("human", f"protocol {raw!r} is not one the model knows: set to other", fid)
        elif normalise(raw) != protocol:
            out.note("guessed", f"protocol {protocol} from {raw!r}", fid)
    encrypted = source.flag((*data, "isEncrypted"))
    if encrypted is not None:
        item["encrypted"] = encrypted
    if source.flag((*data, "isBidirectional")):
        extra.append("Bidirectional in Threat Dragon: data moves both ways.")
        out.note("guessed", "bidirectional in Threat Dragon: kept as one flow from the source "
                 "end (flows point from the side that starts the exchange); check the "
                 "direction", fid)
    if source.flag((*data, "isPublicNetwork")):
        extra.append("Crosses a public network (Threat Dragon).")
        # What the analysis takes to be on the internet (ModelIndex.in_internet).
        exposed = [e for e in ends
                   if (e.boundary.item["kind"] == "internet" if e.boundary is not None
                       else e.item["type"] in ("user", "external-service"))]
        if not exposed:
            out.note("human", "Threat Dragon says this flow crosses a public network, but "
                     "neither end sits on the internet in the model: put the outside end in an "
                     "internet boundary", fid)
    _out_of_scope(source, out, cell, item, extra)
    description = _description(source, cell.path, extra)
    if description:
        item["description"] = description
    cell.item = item
    out.flows.append(item)


# --- threats ---------------------------------------------------------------------------------

_NOT_APPLICABLE = ("na", "n a", "not applicable", "open n a")


def _threats(source: Source, out: ModelBuilder, matcher: Matcher, cell: _Cell,
             controls: ControlSet) -> None:
    base: Path = (*cell.path, "data", "threats")
    lines = []
    owner = clean_name(source.text(("summary", "owner")) or source.text(("detail", "reviewer")))
    for index, _ in enumerate(source.items(base)):
        path: Path = (*base, index)
        source.mapping(path, required=True)
        title = clean_name(source.text((*path, "title")), 200) or f"threat {index + 1}"
        status = clean_name(source.text((*path, "status")), 30)
        severity = clean_name(source.text((*path, "severity")), 30)
        stride = clean_name(source.text((*path, "type")), 60)
        method = clean_name(source.text((*path, "modelType")), 30)
        description = clean_name(source.text((*path, "description")), 1000)
        mitigation = clean_name(source.text((*path, "mitigation")), 1000)
        source.text((*path, "score"))
        matches = matcher.threats(f"{title}. {description}")
        facts = ", ".join(x for x in (status, severity, f"{method} {stride}".strip()) if x)
        lines.append(f"- {title} [{facts}]"
                     + (f" -> {', '.join(m.id for m in matches)}" if matches else ""))
        label = f"Threat Dragon threat {title!r}"
        for match in matches:
            out.note(match.kind, f"{label} is catalog threat {match.id} ({match.title}): "
                     f"{match.why}", cell.element)
        if not matches:
            out.note("human", f"{label} [{facts}] matches no catalog threat: "
                     f"{shorten(description, 240)}"
                     + (f" Mitigation: {shorten(mitigation, 200)}" if mitigation else ""),
                     cell.element)
        state = normalise(status)
        if state == "mitigated":
            _mitigated(out, matcher, cell, label, mitigation, controls)
        elif state in _NOT_APPLICABLE:
            _accepted(out, cell, label, matches, owner)
    if lines:
        text = threat_list("Threat Dragon", lines)
        cell.item["description"] = clean_text(
            (cell.item.get("description", "") + "\n\n" + text).strip())


def _mitigated(out: ModelBuilder, matcher: Matcher, cell: _Cell, label: str, mitigation: str,
               controls: ControlSet) -> None:
    found = matcher.controls(mitigation)
    if not found:
        out.note("human", f"{label} is mitigated in Threat Dragon by: "
                 f"{shorten(mitigation or 'nothing stated', 240)}; no catalog control matches "
                 "that text, so declare the control it is", cell.element)
        return
    for match in found:
        controls.add(match.id, "implemented", cell.threats_on,
                     f"Threat Dragon: {shorten(mitigation, 200)}")
        out.note("guessed", f"{label} is mitigated in Threat Dragon, so {match.id} "
                 f"({match.title}) is declared implemented on "
                 f"{', '.join(cell.threats_on)}: {match.why}", cell.element)


def _accepted(out: ModelBuilder, cell: _Cell, label: str, matches: list[Match],
              owner: str) -> None:
    if not matches:
        out.note("human", f"{label} is marked not applicable in Threat Dragon but matches no "
                 "catalog threat, so no risk acceptance was made", cell.element)
        return
    for match in matches:
        finding = f"{match.id}@{cell.element}"
        if any(r["finding"] == finding for r in out.candidate_risks):
            continue
        out.candidate_risks.append({
            "finding": finding,
            "owner": owner or "unassigned (the Threat Dragon model names no owner)",
            "reason": f"{label} is marked not applicable in Threat Dragon",
            "expires": out.guessed_expiry(),
        })
        out.note("guessed", f"accepting {match.id}@{cell.element} because {label} is marked "
                 "not applicable: the owner is " + (f"the model's owner ({owner})" if owner
                                                   else "unassigned")
                 + ", the expiry 90 days after the import; check both", cell.element)

