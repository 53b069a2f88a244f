"""Counted words in every output: "1 threat", "2 threats", never "1 threats"."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scoping_tui.engine.assessment import Assessment


def plural(count: int, word: str, many: str | None = None) -> str:
    """``count`` and ``word``, in the plural (``many``, or ``word`` + s) unless it is one."""
    return f"{count} {word if count == 1 else (many or word + 's')}"


def tally(counts: Iterable[tuple[str, int]]) -> str:
    """``6 high, 5 medium``: each count with its label, in the order given, zeros left out."""
    return ", ".join(f"{count} {label}" for label, count in counts if count)


def grouped_heading(findings: int, elements: int, entries: int) -> str:
    """How per-element outputs open their findings: "27 findings on 9 elements, shown as 19
    entries" (fewer entries than findings where one threat on several flows is folded)."""
    return (f"{plural(findings, 'finding')} on {plural(elements, 'element')}, "
            f"shown as {plural(entries, 'entry', 'entries')}")


def questions_heading(assessment: Assessment) -> str:
    """The sentence every output opens its review questions with."""
    decided = len({d for q in assessment.questions for d in q.decides})
    reading = ("raised as assumed findings" if assessment.unknowns == "worst-case"
               else "not raised until answered")
    verb = "decides" if assessment.open_questions == 1 else "decide"
    return (f"{plural(assessment.open_questions, 'unstated fact')} "
            f"{verb} {plural(decided, 'possible finding')} ({reading})")
