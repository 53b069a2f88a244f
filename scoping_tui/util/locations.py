"""Where the bundled data lives: beside the code in a wheel, at the root of a checkout."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


@cache
def _data_dir(name: str) -> Path:
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"scoping-tui data folder {name!r} is missing from the installation")


def models_dir() -> Path:
    """The knowledge base (catalog YAML files)."""
    return _data_dir("models")


def schemas_dir() -> Path:
    return _data_dir("schemas")


def samples_dir() -> Path:
    return _data_dir("samples")


def model_schema_path() -> Path:
    return schemas_dir() / "system-model.schema.json"


def state_dir() -> Path:
    """Where scoping-tui keeps its state; a relative ``$XDG_STATE_HOME`` is ignored (per spec)."""
    base = os.environ.get("XDG_STATE_HOME", "")
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".local" / "state"
    return root / "scoping-tui"
