"""`scoping-tui serve` answers a browser on loopback, and warns when bound elsewhere."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.conftest import ROOT


def _free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def _serve(host: str) -> tuple[subprocess.Popen[str], int]:
    port = _free_port(host)
    process = subprocess.Popen(
        [sys.executable, "-m", "scoping_tui", "serve", str(ROOT / "samples" / "ops-agent.yaml"),
         "--host", host, "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return process, port


def _get(url: str, deadline: float) -> str:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # loopback only
                return response.read().decode("utf-8")
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_serve_binds_loopback_and_answers_a_browser() -> None:
    process, port = _serve("127.0.0.1")
    try:
        page = _get(f"http://127.0.0.1:{port}/", time.monotonic() + 20)
        assert "scoping-tui" in page
        assert "/ws" in page
    finally:
        process.terminate()
        _, err = process.communicate(timeout=10)
    assert "warning" not in err


def test_serve_warns_when_not_bound_to_localhost() -> None:
    process, port = _serve("127.0.0.2")
    try:
        _get(f"http://127.0.0.2:{port}/", time.monotonic() + 20)
    finally:
        process.terminate()
        _, err = process.communicate(timeout=10)
    assert "no authentication" in err


def test_serve_refuses_a_missing_file(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "scoping_tui", "serve",
                           str(tmp_path / "none.yaml")], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 2
    assert "file not found" in done.stderr
