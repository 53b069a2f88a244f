"""The small line syntax the guided start reads parts from: an agent's tools, the retrieval
stores, and comma-separated names.

A tool line names the tool, a colon, then what the agent may do with it and, optionally, when
a person must approve, in any order, separated by commas::

    order lookup: read
    refunds: write, approval above 100 EUR
    - mailer: send, approval always

Access words: ``read``, ``write``, ``delete``, ``execute`` (or ``run code``), ``financial``
(``money``, ``payments``) and ``send`` (messages leaving the organisation); join several with
spaces, ``+``, ``/`` or ``and`` (``read/write``). Approval: ``approval always`` (every call
waits), ``no approval``, or ``approval`` followed by the condition in words (``approval above
100 EUR``, ``approval when the customer is new``). Blank lines, ``#`` comments and leading
``-`` or ``*`` bullets are ignored; case does not matter. A line that cannot be read is an
error naming its number and text, and every bad line is reported at once.

A store line is a name, optionally with a colon and what it holds: ``internal documents:
product manuals (internal)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Permission = Literal["read", "write", "delete", "execute", "financial", "external-communication"]
GrantApproval = Literal["none", "conditional", "always"]
MAX_NAME = 200
MAX_CONDITION = 300
"""What the schema allows for ``approval_when``."""

PERMISSION_ORDER: tuple[Permission, ...] = (
    "read", "write", "delete", "execute", "financial", "external-communication")
_ACCESS: dict[str, Permission] = {
    "read": "read", "reads": "read", "readonly": "read", "lookup": "read", "view": "read",
    "search": "read", "query": "read",
    "write": "write", "writes": "write", "update": "write", "create": "write",
    "change": "write", "edit": "write",
    "delete": "delete", "remove": "delete",
    "execute": "execute", "exec": "execute", "run": "execute", "runcode": "execute",
    "financial": "financial", "money": "financial", "payment": "financial",
    "payments": "financial", "pay": "financial",
    "send": "external-communication", "external": "external-communication",
    "external-communication": "external-communication", "email": "external-communication",
    "message": "external-communication", "messages": "external-communication",
}
"""The words a person is likely to type for each permission of the model format."""
ACCESS_HELP = "read, write, delete, execute, financial or send"
_PHRASES = (("read-only", "read"), ("read only", "read"), ("read-write", "read write"),
            ("look up", "lookup"), ("run code", "runcode"), ("send messages", "send"),
            ("send email", "send"), ("rw", "read write"))
_JOINERS = re.compile(r"[\s+/&]+|\band\b")
_BULLET = re.compile(r"^(?:[-*•]|\d+[.)])\s+")
_APPROVAL_WORD = re.compile(r"\b(?:(?:needs?|requires?|with|human)\s+)?approv(?:al|e|ed|es)\b",
                            re.IGNORECASE)
_ALWAYS = re.compile(r"^(?:always|every(?:\s+(?:call|time|action))?|each(?:\s+call)?|"
                     r"for\s+(?:every|each|all)(?:\s+calls?)?|all(?:\s+calls)?)$")
_NEVER = re.compile(r"^(?:none|never|no|not\s+needed)$")
_CONDITION_LEAD = re.compile(r"^(?:when|if|for|only)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class ToolLine:
    """One tool an agent may call, read from one line."""

    name: str
    permissions: tuple[Permission, ...]
    approval: GrantApproval | None = None
    """None: the line says nothing about approval, so the model does not either."""
    approval_when: str | None = None
    line: int = 0


@dataclass(frozen=True)
class StoreLine:
    name: str
    holds: str = ""
    line: int = 0


def _content(raw: str) -> str:
    """The line without bullets and comments; empty for a line to skip."""
    text = raw.strip()
    if text.startswith("#"):
        return ""
    return _BULLET.sub("", text).strip()


def _name(text: str, number: int, raw: str, what: str) -> tuple[str, str]:
    """The name written, or an error text."""
    name = " ".join(text.split())
    if not name:
        return "", f"line {number} ({raw.strip()!r}): the {what} needs a name before the colon"
    if len(name) > MAX_NAME:
        return "", f"line {number}: the {what}'s name is {len(name)} characters; at most " \
            f"{MAX_NAME} fit"
    return name, ""


def _approval(part: str) -> tuple[GrantApproval, str | None] | str:
    """The approval a part states, or an error text. ``part`` contains an approval word."""
    rest = _APPROVAL_WORD.sub(" ", part, count=1).strip(" :=-")
    lowered = rest.lower()
    if part.lower().startswith(("no ", "without ")) or _NEVER.match(lowered):
        return "none", None
    if not rest or _ALWAYS.match(lowered):
        # "needs approval" with no condition: every call waits.
        return "always", None
    condition = _CONDITION_LEAD.sub("", rest).strip()
    if len(condition) > MAX_CONDITION:
        return f"the condition is {len(condition)} characters; at most {MAX_CONDITION} fit"
    return "conditional", condition


def _access(part: str) -> tuple[list[Permission], list[str]]:
    text = part.lower()
    for phrase, word in _PHRASES:
        text = re.sub(rf"\b{re.escape(phrase)}\b", word, text)
    found: list[Permission] = []
    unknown: list[str] = []
    for word in filter(None, _JOINERS.split(text)):
        permission = _ACCESS.get(word)
        if permission is None:
            unknown.append(word)
        elif permission not in found:
            found.append(permission)
    return found, unknown


def parse_tool_line(raw: str, number: int) -> ToolLine | str | None:
    """One line: a tool, an error text naming the line, or None for a line to skip."""
    text = _content(raw)
    if not text:
        return None
    shown = repr(raw.strip())
    head, colon, rest = text.partition(":")
    if not colon:
        return (f"line {number} ({shown}): put a colon between the tool's name and what the "
                "agent may do with it, as in 'order lookup: read'")
    name, problem = _name(head, number, raw, "tool")
    if problem:
        return problem
    permissions: list[Permission] = []
    approval: tuple[GrantApproval, str | None] | None = None
    for part in filter(None, (p.strip() for p in re.split(r"[,;]", rest))):
        if _APPROVAL_WORD.search(part):
            if approval is not None:
                return f"line {number} ({shown}): approval is said twice; say it once"
            read = _approval(part)
            if isinstance(read, str):
                return f"line {number} ({shown}): {read}"
            approval = read
            continue
        found, unknown = _access(part)
        if unknown:
            words = ", ".join(repr(w) for w in unknown)
            return (f"line {number} ({shown}): {words} is not an access; use {ACCESS_HELP}, "
                    "and 'approval ...' for when a person approves")
        permissions.extend(p for p in found if p not in permissions)
    if not permissions:
        return (f"line {number} ({shown}): say what the agent may do with {name!r}: "
                f"{ACCESS_HELP}")
    ordered = tuple(p for p in PERMISSION_ORDER if p in permissions)
    level, when = approval if approval is not None else (None, None)
    return ToolLine(name, ordered, level, when, number)


def parse_tools(text: str) -> tuple[ToolLine, ...]:
    """Every tool in ``text``, one per line; ValueError listing every line that cannot be
    read (one per line of the message)."""
    tools: list[ToolLine] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        read = parse_tool_line(raw, number)
        if read is None:
            continue
        if isinstance(read, str):
            problems.append(read)
            continue
        key = read.name.lower()
        if key in seen:
            problems.append(f"line {number} ({raw.strip()!r}): {read.name!r} is already on "
                            f"line {seen[key]}")
            continue
        seen[key] = number
        tools.append(read)
    if problems:
        raise ValueError("\n".join(problems))
    return tuple(tools)


def parse_stores(text: str) -> tuple[StoreLine, ...]:
    """Every store in ``text``: ``name`` or ``name: what it holds``, one per line."""
    stores: list[StoreLine] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        content = _content(raw)
        if not content:
            continue
        head, _, holds = content.partition(":")
        name, problem = _name(head, number, raw, "store")
        if problem:
            problems.append(problem)
            continue
        if name.lower() in seen:
            problems.append(f"line {number} ({raw.strip()!r}): {name!r} is already on line "
                            f"{seen[name.lower()]}")
            continue
        seen[name.lower()] = number
        stores.append(StoreLine(name, " ".join(holds.split()), number))
    if problems:
        raise ValueError("\n".join(problems))
    return tuple(stores)


def parse_names(text: str, what: str, numbered: str = "") -> tuple[str, ...]:
    """Comma-separated names (``Support staff, Admins``), duplicates refused. With
    ``numbered`` (``Agent``), a number ``n`` instead gives ``Agent 1`` … ``Agent n`` (``0``:
    none, ``1``: just ``Agent``)."""
    stripped = text.strip()
    if numbered and stripped.isdigit():
        count = int(stripped)
        if count > 20:
            raise ValueError(f"{what}: {count} is more than 20; name them instead")
        return (numbered,) if count == 1 else tuple(f"{numbered} {n}"
                                                    for n in range(1, count + 1))
    names: list[str] = []
    for part in re.split(r"[,;\n]", text):
        name = " ".join(part.split())
        if not name:
            continue
        if len(name) > MAX_NAME:
            raise ValueError(f"{what}: a name is {len(name)} characters; at most {MAX_NAME} fit")
        if name.lower() in (n.lower() for n in names):
            raise ValueError(f"{what}: {name!r} is named twice")
        names.append(name)
    return tuple(names)
