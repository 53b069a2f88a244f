"""No escape sequence from a model reaches the terminal: the real UI and the CLI in a real
pseudo-terminal, on a valid model whose text carries OSC 52, OSC 0, OSC 8, CSI (as ESC [ and as
the C1 byte), a C1 OSC and BEL.

The UI writes escape sequences of its own (colours, cursor moves, mouse modes), so the checks
are on the model's payloads: the distinctive text after each ESC in the fixture must never be
read right after an ESC or a C1 control, and it must show instead as visible escapes (``\\x1b``).
Reading has a deadline only so that a broken run fails instead of hanging; no assertion is
about time.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pyte
import pytest

from tests.conftest import ROOT

FIXTURE = ROOT / "tests" / "data" / "terminal" / "escapes-in-names.yaml"
AS_OF = "2026-11-28"
SIZE = (40, 120)  # rows, columns
DEADLINE = 90.0
"""Seconds one wait may take before the run is declared stuck (a failure, never a measurement);
each wait has its own, so a loaded machine slows the run without failing it."""

# What follows an escape introducer in the fixture: none of it may follow one on the terminal.
PAYLOAD = re.compile(
    rb"(?:\x1b|\xc2[\x80-\x9f])[^\x1b]{0,8}?"
    rb"(?:OWNED-|BLINK-|C1-|DING|evil\.example|"
    rb"U1lTVEVNLUNMSVA=|Q0xJUEJPQVJE|QUdFTlQtQ0xJUA==|U1RPUkUtQ0xJUA==|RkxPVy1DTElQ|"
    rb"RVZJREVOQ0U=|UkVBU09O)")
CSI = re.compile(rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]")


class Terminal:
    """A program on the slave side of a pseudo-terminal of a fixed size; we hold the master."""

    def __init__(self, argv: list[str], cwd: Path, size: tuple[int, int] = SIZE) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", *size, 0, 0))
        env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(size[1]),
               "LINES": str(size[0]), "PYTHONUNBUFFERED": "1",
               # A tab underline still sliding under load was seen to hold back the switch
               "TEXTUAL_ANIMATIONS": "none"}
        env.pop("NO_COLOR", None)
        self.process = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave,
                                        cwd=cwd, env=env, start_new_session=True)
        os.close(slave)
        self.output = bytearray()
        # What a terminal shows: the UI redraws only cells that change, so the text of a name
        # is only whole on the emulated screen, not in the byte stream.
        self.screen = pyte.Screen(size[1], size[0])
        self.stream = pyte.ByteStream(self.screen)
        self.eof = False

    def _read(self, wait: float) -> None:
        ready, _, _ = select.select([self.master], [], [], wait)
        if not ready:
            return
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # EIO: the program has exited and closed its side
            chunk = b""
        if chunk:
            self.output += chunk
            self.stream.feed(chunk)
        else:
            self.eof = True

    def until(self, marker: bytes, since: int = 0, on_screen: bool = False,
              wait: float = DEADLINE) -> bool:
        """Read until ``marker`` shows in the text written since ``since`` (colours and cursor
        moves removed), or with ``on_screen`` on the emulated screen (where a redrawn name is
        whole, though it may be left from before); False if the program ended or the run's
        deadline passed first."""
        deadline = time.monotonic() + wait
        while not self.eof and time.monotonic() < deadline:
            if self._shows(marker, since, on_screen):
                return True
            self._read(0.2)
        return self._shows(marker, since, on_screen)

    def _shows(self, marker: bytes, since: int, on_screen: bool) -> bool:
        if on_screen:
            return marker.decode() in "\n".join(self.screen.display)
        return marker in CSI.sub(b"", bytes(self.output[since:]))

    def send(self, keys: bytes) -> int:
        """Type ``keys``; the offset of the output from here on."""
        start = len(self.output)
        os.write(self.master, keys)
        return start

    def finish(self) -> int:
        """Read to the end of the program's output; its exit code."""
        deadline = time.monotonic() + DEADLINE
        while not self.eof and time.monotonic() < deadline:
            self._read(0.2)
        try:
            return self.process.wait(timeout=max(deadline - time.monotonic(), 1))
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            os.close(self.master)


DOWN, ENTER, ESCAPE, CTRL_Q = b"\x1b[B", b"\r", b"\x1b", b"\x11"
F3, F4, F5, F6, F7 = b"\x1bOR", b"\x1bOS", b"\x1b[15~", b"\x1b[17~", b"\x1b[18~"

# The tree from the top, one line per Down, with the Element tab's title for each element it
# reaches (groups show none): the pane follows the cursor without Enter.
# Where a name's escapes must be seen as text, the marker is the name as the form field shows it.
TREE_WALK = ["", "Trust boundary outer", "Trust boundary inner", "Agent \\x1b]0;OWNED-AGENT",
             "Component store", "User \\x1b]52;c;Q0xJUEJPQVJE", "Web \\x9b2JC1-CSI-CLEAR", "",
             "Model DING\\x07DONG", "",  # the llm's name field, its BEL shown as text
             "Data flow ask", "Data flow call", "Data flow infer", "Data flow recall", "",
             "Control GUARD-INPUT-FILTER", "", "Accepted risk LLM09-MISINFORMATION@agent"]


def _assert_no_model_escape(output: bytes) -> None:
    found = [m.group(0) for m in PAYLOAD.finditer(output)]
    assert not found, f"the model's escape sequences reached the terminal: {found[:5]}"
    for raw in (b"\x1b]52", b"\x1b]0;", b"\x1b]8;;http", b"\xc2\x9b", b"\xc2\x9d", b"DING\x07"):
        assert raw not in output, raw


def test_the_ui_never_sends_the_models_escapes_to_the_terminal(tmp_path: Path) -> None:
    model = tmp_path / "model.yaml"
    model.write_bytes(FIXTURE.read_bytes())
    term = Terminal([sys.executable, "-m", "scoping_tui", "open", "--ui", str(model),
                     "--as-of", AS_OF], tmp_path)
    missed: list[str] = []

    def step(keys: bytes, marker: str, on_screen: bool = False) -> None:
        since = term.send(keys)
        if marker and not term.until(marker.encode(), since, on_screen):
            missed.append(marker)

    def switch(keys: bytes, marker: str) -> None:
        """A tab key. On a loaded machine one was now and then seen not to switch (the tab
        strip moved, the content stayed; see the closing note of issue 12), so a tab key the
        screen has not followed after a while is pressed again: switching is idempotent, and
        this test is about what reaches the terminal, not about lost keys."""
        since = term.send(keys)
        for _ in range(3):
            if term.until(marker.encode(), since, wait=DEADLINE / 6):
                return
            term.send(keys)
        missed.append(marker)

    try:
        assert term.until(b"ready "), "the UI did not finish its first analysis"
        for title in TREE_WALK:  # each differs from the one before: no stale match on screen
            step(DOWN, title, on_screen=True)
        step(F3, "/ Filter")  # in the footer once the findings table has the keyboard
        step(ENTER, "Why it applies")  # the first finding's detail: reasons, target name
        step(ESCAPE, "/ Filter")
        step(b"a", "Accept the risk of")  # the dialog, quoting the finding and its target
        step(ESCAPE, "/ Filter")
        switch(F4, "in place (")
        switch(F5, "What matters")
        switch(F6, "No problems")
        switch(F7, "Export")
        term.send(CTRL_Q)
        code = term.finish()
    finally:
        if term.process.poll() is None:
            term.process.kill()
    output = bytes(term.output)
    _assert_no_model_escape(output)
    assert not missed, f"never shown: {missed}"
    assert code == 0


@pytest.mark.parametrize("fmt", ["csv", "markdown"])
def test_a_report_on_standard_output_carries_no_control_character(fmt: str,
                                                                  tmp_path: Path) -> None:
    argv = [sys.executable, "-m", "scoping_tui", "report", str(FIXTURE), "--format", fmt,
            "-o", "-", "--as-of", AS_OF]
    term = Terminal(argv, tmp_path)
    code = term.finish()
    on_terminal = bytes(term.output)
    piped = subprocess.run(argv, capture_output=True, cwd=tmp_path, check=False)
    assert code == piped.returncode == 0, piped.stderr
    for output in (on_terminal, piped.stdout):
        assert b"Agent" in output  # the names are there
        controls = re.findall(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]",
                              # CSV ends rows with CRLF, which a terminal turns into CR CR LF
                              output.replace(b"\r\r\n", b"\n").replace(b"\r\n", b"\n"))
        assert not controls, f"{fmt}: {sorted(set(controls))}"
