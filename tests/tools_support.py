"""Programs some tests drive for real: Graphviz `dot` and headless Chromium.

`make test` installs them first (its `graphviz` target, with a font for the screenshots), so a
test that needs one fails and says what to install instead of skipping where nobody looks.
"""

from __future__ import annotations

import shutil

import pytest

PACKAGES = {"dot": "graphviz", "chromium": "chromium fonts-dejavu-core"}


def required_program(name: str) -> str:
    """The path of ``name``; the calling test fails, saying how to install it, if it is absent."""
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"`{name}` is not installed: `make graphviz` installs it (as root), or "
                    f"`sudo apt-get install {PACKAGES[name]}`", pytrace=False)
    return found
