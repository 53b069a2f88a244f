"""Only regular files are read: a FIFO, a device or a socket is refused at once, never waited on.

Each run is a real process with a time limit: a read that blocks (a FIFO with no writer, a
pipe on standard input) must fail the test, not hang the suite. The limit is a safety net, not
a measure of speed: an answer takes a fraction of it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

SAFETY_NET = 60.0
"""Seconds after which a run is taken to hang (the answer comes in well under one)."""
MODEL = ROOT / "samples" / "ops-agent.yaml"


def run(*args: str, stdin: int | None = subprocess.DEVNULL) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run([sys.executable, "-m", "scoping_tui", *args], capture_output=True,
                              text=True, timeout=SAFETY_NET, stdin=stdin, check=False,
                              cwd=ROOT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"scoping-tui {' '.join(args)} did not answer: it is waiting on the input")


def run_python(script: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run([sys.executable, "-c", textwrap.dedent(script)],
                              capture_output=True, text=True, timeout=SAFETY_NET,
                              stdin=subprocess.DEVNULL, check=False, cwd=ROOT)
    except subprocess.TimeoutExpired:
        pytest.fail("the read did not return: it is waiting on the input")


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "model.yaml"
    os.mkfifo(path)
    return path


@pytest.fixture
def unix_socket(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "model.sock"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen()
    yield path
    server.close()


def assert_refused(done: subprocess.CompletedProcess[str], name: str, says: str) -> None:
    output = done.stdout + done.stderr
    assert done.returncode == 2, output
    assert f"{name}:1:1: error: {says}" in output, output
    assert "Traceback" not in output


COMMANDS = [
    pytest.param(("validate", "{file}"), id="validate"),
    pytest.param(("analyze", "{file}"), id="analyze"),
    pytest.param(("check", "{file}"), id="check"),
    pytest.param(("open", "{file}", "--summary"), id="open-summary"),
    pytest.param(("import", "{file}"), id="import"),
    pytest.param(("import", "--from", "threagile", "{file}"), id="import-threagile"),
    pytest.param(("validate", str(MODEL), "--catalog", "{file}"), id="catalog"),
    pytest.param(("diff", "{file}", str(MODEL)), id="diff"),
    # These hand the path to the UI or the server, which would start (and hang here) if the
    # check before them let the pipe through.
    pytest.param(("open", "--ui", "{file}"), id="open-ui"),
    pytest.param(("serve", "{file}", "--port", "1"), id="serve"),
]


@pytest.mark.parametrize("args", COMMANDS)
def test_a_fifo_without_a_writer_is_refused_by_every_command(fifo: Path,
                                                             args: tuple[str, ...]) -> None:
    done = run(*(a.format(file=fifo) for a in args))
    assert_refused(done, str(fifo), "is a named pipe (FIFO), not a model file")


@pytest.mark.parametrize(("device", "says"), [
    ("/dev/zero", "is a character device"),
    ("/dev/null", "is a character device"),
])
def test_a_device_is_refused(device: str, says: str) -> None:
    if not os.path.exists(device):
        pytest.skip(f"no {device} here")
    assert_refused(run("validate", device), device, says)


def test_standard_input_as_a_pipe_is_refused() -> None:
    if not os.path.exists("/dev/stdin"):
        pytest.skip("no /dev/stdin here")
    # A pipe that is never written to nor closed: reading it would wait for ever.
    read_end, write_end = os.pipe()
    try:
        done = run("validate", "/dev/stdin", stdin=read_end)
    finally:
        os.close(read_end)
        os.close(write_end)
    assert_refused(done, "/dev/stdin", "is a named pipe (FIFO), not a model file")


def test_a_socket_is_refused(unix_socket: Path) -> None:
    assert_refused(run("validate", str(unix_socket)), str(unix_socket),
                   "is a socket, not a model file")


@pytest.mark.parametrize("command", [("open", "--ui"), ("serve",)])
def test_the_ui_and_the_server_say_what_a_path_is(command: tuple[str, ...],
                                                  tmp_path: Path) -> None:
    assert_refused(run(*command, str(tmp_path)), str(tmp_path), "is a directory")
    missing = tmp_path / "new.yaml"
    done = run(*command, str(missing))
    assert_refused(done, str(missing), "file not found")
    assert ("scoping-tui new" in done.stderr) is (command[0] == "open")


def test_the_ui_opens_a_fifo_read_only_with_the_reason(fifo: Path) -> None:
    done = run_python(f"""
        from pathlib import Path
        from scoping_tui.engine.catalog import load_catalog
        from scoping_tui.editing.workspace import Workspace
        workspace = Workspace.open(Path({str(fifo)!r}), load_catalog())
        print(workspace.editable is None)
        print(workspace.edit_error)
        print(workspace.analyse().diagnostics[0].format())
    """)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "True",
        "is a named pipe (FIFO), not a model file",
        f"{fifo}:1:1: error: is a named pipe (FIFO), not a model file",
    ]


def test_a_fifo_swapped_in_after_the_stat_is_refused_without_blocking(fifo: Path) -> None:
    """The race: the name is a regular file when looked at, a FIFO when opened."""
    done = run_python(f"""
        import os
        from pathlib import Path
        from scoping_tui.model import load
        regular = os.stat({str(MODEL)!r})
        load.os.stat = lambda path, *args, **kwargs: regular  # what a stat before the swap saw
        failure = load.read_text(Path({str(fifo)!r}), "model.yaml")
        print(failure.diagnostics[0].format())
    """)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "model.yaml:1:1: error: is a named pipe (FIFO), not a model file"
