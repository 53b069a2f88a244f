"""Files copied into tests/data from elsewhere: each is named in its folder's README with its
origin and hash, is the very file recorded there, and tests read nothing outside the repository."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

TESTS = ROOT / "tests"
VENDORED = [TESTS / "data" / "external", TESTS / "data" / "reference"]


def recorded(folder: Path) -> dict[str, str]:
    """file name → SHA-256, from the README's table rows (first cell the file, last its hash)."""
    rows: dict[str, str] = {}
    for line in (folder / "README.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("| `") and re.fullmatch(r"`[0-9a-f]{64}`", cells[-1]):
            rows[cells[0].strip("`")] = cells[-1].strip("`")
    return rows


@pytest.mark.parametrize("folder", VENDORED, ids=lambda p: p.name)
def test_every_copied_file_is_recorded_with_its_origin_and_unchanged(folder: Path) -> None:
    files = sorted(p.name for p in folder.iterdir() if p.name != "README.md")
    rows = recorded(folder)
    assert files, f"{folder} holds no file"
    assert sorted(rows) == files, "every copied file, and only those, has a row in README.md"
    for name, digest in rows.items():
        actual = hashlib.sha256((folder / name).read_bytes()).hexdigest()
        assert actual == digest, f"{name} differs from the copy recorded in README.md"


def test_tests_read_nothing_beside_the_checkout() -> None:
    """A clone on its own must run every test: no path climbs out of the repository."""
    escapes = re.compile(r"ROOT\.parent\b|\.parents\[[2-9]\]|[\"']\.\./shared|/ \"shared\" /")
    found = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
             for path in sorted(TESTS.rglob("*.py"))
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if escapes.search(line) and path.name != "test_vendored_data.py"]
    assert found == []
