"""Loading the command line and the core never loads Textual: `validate`, `analyze` and the
reports start fast and work where Textual cannot run. The import contracts (pyproject.toml)
check the static imports; this checks what a real import pulls in at run time, for every module
outside the terminal UI."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import scoping_tui

CORE_MODULES = sorted(
    info.name for info in pkgutil.walk_packages(scoping_tui.__path__, "scoping_tui.")
    if not info.name.startswith(("scoping_tui.tui", "scoping_tui.model.generated"))
    and info.name != "scoping_tui.__main__")


def test_every_module_but_the_ui_is_walked() -> None:
    assert {"scoping_tui.cli.entry", "scoping_tui.editing.form", "scoping_tui.editing.workspace",
            "scoping_tui.formats.registry", "scoping_tui.util.fileio"} <= set(CORE_MODULES)


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
