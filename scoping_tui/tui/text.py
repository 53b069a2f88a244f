"""Model text on the screen: shown as it is, but never able to drive the terminal.

Two layers, so that display code written later cannot forget the first:

- ``shown`` (and ``shown_text``, ``markup_safe``) is how the UI turns a model string into
  something to display: terminal controls, line breaks and bidi overrides become visible
  escapes (``\\x1b``), exactly as the CLI prints them (``scoping_tui.model.text``). The reader
  sees what the file holds.
- ``TerminalSafe`` is a line filter the app applies to every line any widget renders (ours,
  Textual's, toasts, dialogs, the command palette): whatever control character is still in the
  text of a line is dropped before the line is written, and a hyperlink whose address holds
  one is unlinked. Textual itself only strips BEL, BS, VT, FF and CR, so without it an ESC in a
  label reaches the terminal as the start of an escape sequence.
"""

from __future__ import annotations

import re

from rich.segment import Segment
from rich.text import Text
from textual.color import Color
from textual.filter import LineFilter
from textual.markup import escape

from scoping_tui.model.text import UNSAFE, printable

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
"""What a terminal acts on. Textual writes its own sequences around the text of a line,
never inside it, so in the text they are all the model's (tabs are expanded before this)."""


def shown(value: object) -> str:
    """A model value as one line of display text (None shows as nothing)."""
    return "" if value is None else printable(str(value))


def markup_safe(value: object) -> str:
    """``shown``, for the places Textual reads as markup (``[b]`` in a name stays text)."""
    return escape(shown(value))


def shown_text(text: Text) -> Text:
    """``text`` with its unsafe characters escaped, each escape carrying the styles of the
    character it replaces (the rest keeps its spans)."""
    plain = text.plain
    if UNSAFE.search(plain) is None:
        return text
    cuts = sorted({offset for found in UNSAFE.finditer(plain)
                   for offset in (found.start(), found.end())})
    out = Text(style=text.style, justify=text.justify, no_wrap=text.no_wrap, end=text.end)
    for piece in text.divide(cuts):
        if UNSAFE.fullmatch(piece.plain):
            escaped = Text(printable(piece.plain))
            for span in piece.spans:
                escaped.stylize(span.style)
            piece = escaped
        out.append_text(piece)
    return out


class TerminalSafe(LineFilter):
    """Drops control characters from the text of every rendered line (their width is zero,
    so the layout is unchanged) and unlinks hyperlinks whose address holds one."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        if not any(_unsafe(segment) for segment in segments):
            return segments
        return [_safe(segment) if _unsafe(segment) else segment for segment in segments]


def _unsafe(segment: Segment) -> bool:
    if segment.control:
        return False
    style = segment.style
    link = style.link if style is not None else None
    return _CONTROL.search(segment.text) is not None or (
        link is not None and _CONTROL.search(link) is not None)


def _safe(segment: Segment) -> Segment:
    text, style, control = segment
    if style is not None and style.link is not None and _CONTROL.search(style.link):
        style = style.update_link(None)
    return Segment(_CONTROL.sub("", text), style, control)
