"""A text field that picks one of a few values (or several, comma-separated) as you type.

Typing ``ag`` shows ``agent`` completed in grey and Enter takes it: two keys where a select
needs four (open, search, take, go on). A part of a name works too (``api`` finds
``support-api``); the dialog that holds the field lists what the text matches.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import events
from textual.suggester import Suggester
from textual.widgets import Input


def matches(text: str, options: Sequence[str]) -> list[str]:
    """Options the text could mean, best first: the exact one, those it begins, those it is
    part of (each group in the options' order)."""
    typed = text.strip().casefold()
    if not typed:
        return list(options)
    exact = [o for o in options if o.casefold() == typed]
    starts = [o for o in options if o.casefold().startswith(typed) and o not in exact]
    inside = [o for o in options if typed in o.casefold() and o not in exact
              and o not in starts]
    return exact + starts + inside


def resolve(text: str, options: Sequence[str]) -> str | None:
    """The option the text stands for: the best match, or None (empty or no match)."""
    found = matches(text, options) if text.strip() else []
    return found[0] if found else None


def split_values(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


class _Completion(Suggester):
    """The grey completion: only an option the text begins (Input draws what follows it)."""

    def __init__(self, options: Sequence[str], multiple: bool) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.options = list(options)
        self.multiple = multiple

    async def get_suggestion(self, value: str) -> str | None:
        head, sep, last = value.rpartition(",") if self.multiple else ("", "", value)
        typed = last.lstrip()
        if not typed:
            return None
        best = next((o for o in self.options if o.startswith(typed.casefold())), None)
        if best is None or best == typed:
            return None
        return f"{head}{sep}{last[:len(last) - len(typed)]}{best}"


class ChoiceInput(Input):
    """An input whose value is one of ``options`` (or, with ``multiple``, several of them).

    ``choice`` is what the text resolves to now; leaving the field writes it out in full.
    """

    def __init__(self, options: Sequence[str], *, value: str | None = None,
                 multiple: bool = False, placeholder: str = "", id: str | None = None,
                 compact: bool = True) -> None:
        super().__init__(value=value or "", placeholder=placeholder, id=id, compact=compact,
                         suggester=_Completion(options, multiple))
        self.options = list(options)
        self.multiple = multiple

    @property
    def choice(self) -> str | None:
        return resolve(self.value, self.options)

    @property
    def choices(self) -> tuple[list[str], list[str]]:
        """(resolved values, parts that match nothing), for a comma-separated field."""
        chosen: list[str] = []
        unknown: list[str] = []
        for part in split_values(self.value):
            value = resolve(part, self.options)
            if value is None:
                unknown.append(part)
            elif value not in chosen:
                chosen.append(value)
        return chosen, unknown

    def current_matches(self) -> list[str]:
        """What the part being typed could mean (the last one in a comma-separated field)."""
        text = self.value.rpartition(",")[2] if self.multiple else self.value
        return matches(text, self.options)

    def _on_blur(self, event: events.Blur) -> None:
        if self.multiple:
            chosen, unknown = self.choices
            if chosen and not unknown:
                self.value = ", ".join(chosen)
        elif (value := self.choice) is not None:
            self.value = value
        super()._on_blur(event)
