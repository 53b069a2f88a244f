"""Running many files: results in the order named, and Ctrl-C stops a long run promptly.

Nothing here waits a while and hopes: jobs finish when the test lets them, so the order they
finish in, and how far a run has got when Ctrl-C comes, are the same on a loaded machine.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Mapping
from functools import partial
from typing import IO, Any

from scoping_tui.cli import jobs as batch
from tests.conftest import ROOT


def held_job(file: str, gates: Mapping[str, Any]) -> batch.FileResult:
    """A job that, if ``file`` has a gate, finishes only once the test opens it."""
    gate = gates.get(file)
    if gate is not None and not gate.wait(timeout=120):
        raise TimeoutError(f"{file} was never let through")
    return batch.FileResult(file, int(file.split("-")[0]) % 3)


def test_results_come_back_in_the_order_named_whatever_finishes_first() -> None:
    files = [f"{n}-held" if n % 4 == 0 else f"{n}-free" for n in range(24)]
    heard: list[str] = []
    with multiprocessing.Manager() as manager:
        # Each held file finishes only after the file named after it has been heard of, so
        # the two finish in the opposite of the order named.
        gates = {name: manager.Event() for name in files if name.endswith("-held")}

        def done(result: batch.FileResult) -> None:
            heard.append(result.file)
            number = int(result.file.split("-")[0])
            if number % 4 == 1:
                gates[f"{number - 1}-held"].set()

        results = batch.run(files, partial(held_job, gates=gates), on_done=done, workers=2)
    assert [r.file for r in results] == files
    assert sorted(heard) == sorted(files), "progress hears of every file once"
    for number in range(0, 24, 4):
        assert heard.index(f"{number + 1}-free") < heard.index(f"{number}-held"), heard
    assert [r.code for r in results] == [n % 3 for n in range(24)]


def job_at_the_gate(file: str) -> batch.FileResult:
    """Says it has started, then waits for one byte (or the end) on the test's gate pipe."""
    os.write(1, f"started {file}\n".encode())  # the worker shares the runner's stdout
    os.read(int(os.environ["GATE"]), 1)
    return batch.FileResult(file, 0)


RUNNER = """
import os, signal, sys
from scoping_tui.cli import jobs as batch
from tests.test_batch import job_at_the_gate

def ctrl_c(signum, frame):
    # What Python does on Ctrl-C in a terminal, and a word to the test that it happened. Set
    # here, not inherited: a test run started in the background may ignore SIGINT.
    os.write(1, b"SIGINT\\n")
    raise KeyboardInterrupt

signal.signal(signal.SIGINT, ctrl_c)

def done(result):
    os.write(1, f"done {result.file}\\n".encode())  # one write: lines never interleave

try:
    batch.run([f"{n}-gated" for n in range(200)], job_at_the_gate, on_done=done, workers=2)
except KeyboardInterrupt:
    os.write(1, b"interrupted\\n")
    sys.exit(130)
"""


def read_until(stream: IO[str], seen: list[str], wanted: str, count: int = 1) -> None:
    """Read lines into ``seen`` until ``count`` of them start with ``wanted``."""
    while sum(line.startswith(wanted) for line in seen) < count:
        line = stream.readline()
        assert line, f"the run ended before {count} {wanted!r} lines: {seen}"
        seen.append(line.rstrip("\n"))


def test_ctrl_c_stops_after_the_jobs_in_flight() -> None:
    gate_out, gate_in = os.pipe()
    proc = subprocess.Popen([sys.executable, "-c", RUNNER], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True,
                            pass_fds=(gate_out,), env={**os.environ, "GATE": str(gate_out)})
    os.close(gate_out)
    # Only if the test itself gets stuck: a run that never ends is killed, and fails below.
    watchdog = threading.Timer(120, os.killpg, (proc.pid, signal.SIGKILL))
    watchdog.start()
    seen: list[str] = []
    try:
        assert proc.stdout is not None
        # Two jobs waiting at the gate: both workers are running (and ignore Ctrl-C).
        read_until(proc.stdout, seen, "started ", 2)
        os.write(gate_in, b"1")  # exactly one job may finish
        read_until(proc.stdout, seen, "done ")
        finished = next(line for line in seen if line.startswith("done "))
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C sends: the whole process group
        read_until(proc.stdout, seen, "SIGINT")
    finally:
        os.close(gate_in)  # every job still waiting goes through
        out, err = proc.communicate(timeout=120)
        watchdog.cancel()
    assert proc.returncode == 130, (seen, out, err)
    assert "Traceback" not in err, err
    lines = seen + out.splitlines()
    after = lines[lines.index("SIGINT") + 1:]
    assert after[-1] == "interrupted", lines
    assert all(line.startswith("started ") for line in after[:-1]), "nothing finished after"
    assert [line for line in lines if line.startswith("done ")] == [finished]
    # 200 files named: only the few handed to the workers (two each, and the one that
    # replaced the finished job) ever started; the rest were never run.
    started = [line.removeprefix("started ") for line in lines if line.startswith("started ")]
    assert len(set(started)) == len(started)
    assert set(started) <= {f"{n}-gated" for n in range(1 + 2 * 2)}, started
