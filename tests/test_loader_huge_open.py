"""Opening a file above the size limit in the UI reads no more of it than the CLI does.

The files are sparse (``truncate``): gigabytes long, nothing on disk. Memory is checked by
counting (tracemalloc's peak, or a hard address-space limit on a subprocess), never by time.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import tracemalloc
from pathlib import Path

import pytest
from textual.widgets import DataTable, Static, TabbedContent

from scoping_tui.editing.workspace import Workspace
from scoping_tui.engine.catalog import load_catalog
from scoping_tui.tui.screens.main import MainScreen
from scoping_tui.tui.widgets.element_editor import ElementEditor
from scoping_tui.tui.widgets.problems_panel import ProblemsPanel
from tests.tui.conftest import AS_OF, app_for, settle

LIMIT = 4096
"""SCOPING_TUI_MAX_BYTES for the in-process tests: the files below are 16,000 times larger."""
SPARSE_SIZE = 64 << 20
MEMORY = 1 << 30
"""Address-space limit of the subprocess that opens a 6 GiB file."""


def sparse_file(path: Path, size: int) -> Path:
    with path.open("wb") as handle:
        handle.write(b"version: 1\nsystem:\n  name: Big\n")
        handle.truncate(size)
    return path


@pytest.fixture
def big(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    load_catalog()  # cached; the built-in catalog is read with the same limit as models
    monkeypatch.setenv("SCOPING_TUI_MAX_BYTES", str(LIMIT))
    return sparse_file(tmp_path / "big.yaml", SPARSE_SIZE)


def test_workspace_open_reads_no_more_than_the_limit(big: Path) -> None:
    catalog = load_catalog()
    tracemalloc.start()
    try:
        workspace = Workspace.open(big, catalog)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Reading the whole file would allocate its 64 MiB (twice: bytes, then text).
    assert peak < 1 << 20, f"opening allocated {peak:,} bytes"
    assert workspace.editable is None
    assert workspace.edit_error is not None
    assert f"larger than the {LIMIT:,}-byte limit" in workspace.edit_error
    analysis = workspace.analyse()
    assert [d.code for d in analysis.diagnostics] == ["too-large"]
    assert analysis.diagnostics[0].format().startswith(f"{big}:1:1: error: file is larger")
    assert analysis.assessment is None


async def test_the_ui_shows_why_a_huge_file_is_not_opened(big: Path) -> None:
    app = app_for(big)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.workspace is not None and app.workspace.editable is None
        assert app.analysis is not None
        assert [d.code for d in app.analysis.diagnostics] == ["too-large"], \
            "the Problems tab shows why the file was not read, not a guess from its first part"
        app.screen.query_one(TabbedContent).active = "problems"
        await pilot.pause()
        table = app.screen.query_one(ProblemsPanel).query_one(DataTable)
        assert table.row_count == 1
        _, position, problem = (str(cell) for cell in table.get_row_at(0))
        assert position == "1:1"
        assert f"larger than the {LIMIT:,}-byte limit" in problem
        editor = app.screen.query_one(ElementEditor)
        shown = " ".join(str(s.content) for s in editor.query(Static))
        assert "larger than the" in shown, shown
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert big.stat().st_size == SPARSE_SIZE, "a file that could not be read is never rewritten"


def test_a_6_gib_file_opens_under_a_1_gib_memory_limit(tmp_path: Path) -> None:
    """The default limit, a file as large as the one reported (it took 6.2 GB before)."""
    path = sparse_file(tmp_path / "huge.yaml", 6 << 30)
    script = textwrap.dedent(f"""
        import resource
        resource.setrlimit(resource.RLIMIT_AS, ({MEMORY}, {MEMORY}))
        from pathlib import Path
        from scoping_tui.engine.catalog import load_catalog
        from scoping_tui.editing.workspace import Workspace
        workspace = Workspace.open(Path({str(path)!r}), load_catalog())
        print(workspace.edit_error)
        print(workspace.analyse().diagnostics[0].code)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "MemoryError" not in done.stderr and "Traceback" not in done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("file is larger than the 5,242,880-byte limit")
    assert lines[1] == "too-large"


def test_the_workspace_keeps_what_it_read_of_an_undecodable_file(tmp_path: Path) -> None:
    """Binary or not UTF-8 but small: shown read-only from the one read, with the reason."""
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"version: 1\nsystem:\n  name: caf\xe9\n")
    workspace = Workspace.open(path, load_catalog(), AS_OF)
    assert workspace.text == "version: 1\nsystem:\n  name: caf\ufffd\n"
    assert workspace.edit_error is not None and "not valid UTF-8" in workspace.edit_error
    analysis = workspace.analyse()
    assert [d.code for d in analysis.diagnostics] == ["encoding"]
    assert analysis.diagnostics[0].format().startswith(f"{path}:3:12: error: ")
