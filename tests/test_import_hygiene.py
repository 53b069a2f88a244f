"""The core never imports Textual: the CLI and exporters must work without the TUI."""

from __future__ import annotations

import subprocess
import sys

CORE_MODULES = [
    "scoping_tui.model.validate",
    "scoping_tui.engine.scope",
    "scoping_tui.export.summary",
    "scoping_tui.export.text_diagram",
    "scoping_tui.export.html",
    "scoping_tui.export.dot",
    "scoping_tui.editing.workspace",
    "scoping_tui.cli.entry",
    "scoping_tui.cli.batch",
    "scoping_tui.cli.diff",
    "scoping_tui.cli.importing",
    "scoping_tui.engine.diff",
    "scoping_tui.export.diff_report",
    "scoping_tui.cli.gitrev",
    "scoping_tui.formats.importer",
    "scoping_tui.formats.writer",
]


def test_core_modules_import_without_textual() -> None:
    code = (
        "import sys\n"
        f"for name in {CORE_MODULES!r}:\n"
        "    __import__(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == ""
