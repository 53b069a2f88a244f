"""'Did you mean' for misspelled keys, enum values and references."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(word: str, candidates: Iterable[str]) -> str | None:
    options = sorted(set(candidates))
    matches = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if matches:
        return matches[0]
    if len(word) >= 3:
        prefixed = [o for o in options if o.startswith(word)]
        if len(prefixed) == 1:
            return prefixed[0]
    lowered = {o.lower().replace("_", "-"): o for o in options}
    return lowered.get(word.lower().replace("_", "-"))


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    match = closest(word, candidates)
    return f"; did you mean {match!r}?" if match is not None and match != word else ""
