"""Running many files: results in the order named, and Ctrl-C stops a long run promptly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from scoping_tui import batch
from tests.conftest import ROOT


def slow_job(file: str) -> batch.FileResult:
    """A job whose files finish out of order (later names are quicker)."""
    time.sleep(0.2 if file.endswith("-slow") else 0.02)
    return batch.FileResult(file, int(file.split("-")[0]) % 3)


def test_results_come_back_in_the_order_named_whatever_finishes_first() -> None:
    files = [f"{n}-slow" if n % 4 == 0 else f"{n}-quick" for n in range(24)]
    heard: list[str] = []
    results = batch.run(files, slow_job, on_done=lambda r: heard.append(r.file), workers=2)
    assert [r.file for r in results] == files
    assert sorted(heard) == sorted(files) and heard != files, "progress hears them as they end"
    assert [r.code for r in results] == [n % 3 for n in range(24)]


RUNNER = """
import sys
from scoping_tui import batch
from tests.test_batch import slow_job

def done(result):
    print(result.file, flush=True)

try:
    batch.run([f"{n}-slow" for n in range(200)], slow_job, on_done=done, workers=2)
except KeyboardInterrupt:
    print("interrupted", flush=True)
    sys.exit(130)
"""


def test_ctrl_c_stops_after_the_jobs_in_flight(tmp_path: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-c", RUNNER], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    assert proc.stdout is not None
    first = proc.stdout.readline()  # one job has finished: the run is under way
    assert first.endswith("-slow\n")
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C sends: the whole process group
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    lines = [first.strip(), *out.split()]
    assert lines[-1] == "interrupted"
    finished = len(lines) - 1
    # 200 queued jobs of 0.2 s: only the few in flight (two per worker) may still finish
    assert finished <= 1 + 2 * 2 + 2, lines
    assert "Traceback" not in err
