"""A wheel built from the repository works in a fresh venv from any directory."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

from tests.conftest import ROOT


def test_wheel_installs_and_finds_its_data_from_elsewhere(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
         "-w", str(dist), str(ROOT)],
        check=False, capture_output=True, text=True,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    # Packaging metadata current: no deprecation notice from the build backend.
    assert "deprecated" not in (built.stdout + built.stderr).lower(), built.stderr
    wheel = next(dist.glob("scoping_tui-*.whl"))
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    installed = subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(wheel)],
                               check=False, capture_output=True, text=True)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    tool = env_dir / "bin" / "scoping-tui"

    schema = subprocess.run([str(tool), "schema"], cwd=elsewhere, capture_output=True, text=True,
                            check=True)
    schema_path = Path(schema.stdout.strip())
    assert schema_path.is_file()
    assert str(env_dir) in str(schema_path)

    created = subprocess.run([str(tool), "new", "m.yaml", "--template", "multi-agent-research"],
                             cwd=elsewhere, capture_output=True, text=True, check=False)
    assert created.returncode == 0, created.stderr
    checked = subprocess.run([str(python), "-m", "scoping_tui", "validate", "m.yaml"],
                             cwd=elsewhere, capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "m.yaml: valid" in checked.stdout

    # The terminal UI, with its stylesheets, comes with the wheel too.
    probe = (
        "import asyncio\n"
        "from pathlib import Path\n"
        "from scoping_tui.tui.app import make_app\n"
        "from scoping_tui.tui.screens.main import MainScreen\n"
        "async def main():\n"
        "    app = make_app(Path('m.yaml'))\n"
        "    async with app.run_test(size=(100, 30)) as pilot:\n"
        "        await app.workers.wait_for_complete()\n"
        "        await pilot.pause()\n"
        "        assert isinstance(app.screen, MainScreen), app.screen\n"
        "        print('ui ok')\n"
        "asyncio.run(main())\n"
    )
    ui = subprocess.run([str(python), "-c", probe], cwd=elsewhere, capture_output=True,
                        text=True, check=False)
    assert ui.returncode == 0, ui.stdout + ui.stderr
    assert "ui ok" in ui.stdout
