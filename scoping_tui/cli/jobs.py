"""Many model files at once: expanding patterns, and running one job per file in parallel.

Jobs run in worker processes (the analysis is CPU-bound Python, so threads would queue on the
interpreter lock); results come back in the order the files were named, whatever order the
workers finish in, so output is the same from run to run.
"""

from __future__ import annotations

import glob
import multiprocessing
import os
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

MODEL_SUFFIXES = (".yaml", ".yml")
_GLOB_CHARS = frozenset("*?[")
INLINE_LIMIT = 3
"""Up to this many files run in this process: starting workers would cost more."""


class PatternError(ValueError):
    """A pattern or directory named on the command line matched no model file."""


def expand(patterns: Sequence[str]) -> list[str]:
    """Files named, directories searched for *.yaml/*.yml, and glob patterns expanded
    (``**`` crosses folders); each file once, in the order first named."""
    files: dict[str, None] = {}
    for pattern in patterns:
        path = Path(pattern)
        if path.is_dir():
            found = sorted(str(p) for p in path.rglob("*")
                           if p.suffix.lower() in MODEL_SUFFIXES and p.is_file())
            if not found:
                raise PatternError(f"{pattern}: the folder holds no .yaml or .yml file")
        elif _GLOB_CHARS & set(pattern) and not path.exists():
            found = sorted(p for p in glob.glob(pattern, recursive=True) if Path(p).is_file())
            if not found:
                raise PatternError(f"{pattern}: no file matches this pattern")
        else:
            found = [pattern]
        files.update(dict.fromkeys(found))
    return list(files)


@dataclass(frozen=True)
class FileResult:
    """What one job produced for one file: its exit code and text, plus a summary row."""

    file: str
    code: int
    out: str = ""
    err: str = ""
    row: dict[str, object] = field(default_factory=dict)


def workers_for(count: int) -> int:
    """One worker per CPU (at most one per file); SCOPING_TUI_WORKERS=N sets the number."""
    wanted = os.environ.get("SCOPING_TUI_WORKERS", "")
    cpus = int(wanted) if wanted.isdigit() and int(wanted) > 0 else os.cpu_count() or 1
    return max(1, min(count, cpus))


def run(files: Sequence[str], job: Callable[[str], FileResult],
        on_done: Callable[[FileResult], None] | None = None,
        workers: int | None = None) -> list[FileResult]:
    """Results of ``job`` on each file, in the order of ``files``; ``on_done`` hears of each
    as it finishes (for progress).

    ``job`` must be picklable (a module-level function or a partial of one) when more than
    INLINE_LIMIT files are given.
    """
    notify = on_done or (lambda result: None)
    workers = workers or workers_for(len(files))
    if len(files) <= INLINE_LIMIT or workers == 1:
        inline = []
        for file in files:
            inline.append(job(file))
            notify(inline[-1])
        return inline
    # A few jobs per worker in flight, the rest not yet submitted: Ctrl-C (or a failure)
    # then stops the run after those few instead of after every queued file.
    pool = _pool(workers)
    queued = iter(enumerate(files))
    running: dict[Future[FileResult], int] = {}
    results: dict[int, FileResult] = {}
    try:
        while True:
            while len(running) < 2 * workers and (item := next(queued, None)) is not None:
                running[pool.submit(job, item[1])] = item[0]
            if not running:
                return [results[index] for index in range(len(files))]
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                index = running.pop(future)
                results[index] = future.result()
                notify(results[index])
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _pool(workers: int) -> Executor:
    # fork starts workers in milliseconds with the catalog already loaded; elsewhere the
    # platform default is used and each worker loads it once.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method),
                               initializer=_ignore_interrupts)


def _ignore_interrupts() -> None:
    # Ctrl-C reaches the whole process group; only the parent should act on it, once.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
