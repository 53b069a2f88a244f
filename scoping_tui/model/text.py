"""Model text made safe to show: nothing in it can drive the terminal or reorder what follows.

A model's strings may hold any character YAML can escape (``"\\e]52;c;…\\a"`` writes the
clipboard of whoever's terminal shows it). Everything that shows model text, on a terminal or in
a text export, passes it through ``printable``: the dangerous characters become visible escapes
(``\\x1b``, ``\\x07``, ``\\u202e``), so the reader sees what is there and the terminal acts on
none of it. Characters that are merely unusual (a no-break space, a zero-width joiner in an
emoji, an ideographic space, private-use icons) are text and stay as they are.
"""

from __future__ import annotations

import re

UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                    "\ud800-\udfff]")
"""What ``printable`` escapes: C0 controls but tab (line feed too, unless lines are kept),
DEL, C1 controls (U+009B is CSI, U+009D OSC on many terminals), the line and paragraph
separators, the bidi embeddings, overrides and isolates (which reorder the text after them:
"Trojan source"), and lone surrogates (no UTF-8 output can hold them)."""
_UNSAFE_KEEPING_LINES = re.compile(UNSAFE.pattern.replace("\x0a-\x1f", "\x0b-\x1f"))


def _escape(found: re.Match[str]) -> str:
    return repr(found.group(0))[1:-1]


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` with every unsafe character as its Python escape (``\\x1b``, ``\\n``): one
    line, or with ``keep_newlines`` the same lines."""
    pattern = _UNSAFE_KEEPING_LINES if keep_newlines else UNSAFE
    if pattern.search(text) is None:
        return text
    return pattern.sub(_escape, text)


def is_printable(text: str) -> bool:
    """Whether ``printable`` leaves ``text`` (as one line) unchanged."""
    return UNSAFE.search(text) is None


def restore(shown: str, original: str) -> str:
    """Undo ``printable`` on ``shown``, an edited copy of ``printable(original)``: every escape
    of a character ``original`` holds becomes that character again, anything else stays as
    typed. So editing a name that holds a line break or an escape keeps those characters where
    their escapes are left, and removes them where the escapes are deleted. Typing an escape
    adds a control character only where ``original`` already held that very character (and a
    literal ``\\x1b`` written beside a real ESC in ``original`` comes back as ESC too)."""
    escapes = {_escape(m): m.group(0) for m in UNSAFE.finditer(original)}
    if not escapes:
        return shown
    pattern = re.compile("|".join(re.escape(e) for e in sorted(escapes, key=len, reverse=True)))
    return pattern.sub(lambda found: escapes[found.group(0)], shown)
