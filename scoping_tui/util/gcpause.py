"""Pause the cyclic garbage collector around big, acyclic computations.

Loading and analysing a model allocate hundreds of thousands of small objects and no reference
cycles; the collector's full passes over that growing heap made analysis grow faster than the
model (3,000 components: 1.5 s with it, 0.8 s without). Reference counting still frees
everything; the collector resumes, in its previous state, when the block ends.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
