"""A compiled validator per schema: the fast yes/no before the precise, slower diagnostics.

jsonschema explains every error but costs about 0.4 s on a 1,000-component model; code generated
by fastjsonschema answers "valid?" in a few milliseconds. The generated modules are committed
(``scoping_tui/model/generated/``) because compiling them costs more than validating; a test
checks they match the schemas, and ``make validators`` regenerates them.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from functools import cache
from typing import Any

from scoping_tui.util.locations import schemas_dir

SCHEMAS = ("system-model", "catalog", "references")


def module_name(schema: str) -> str:
    return "validate_" + schema.replace("-", "_")


def generate(schema: str) -> str:
    """Python source of the compiled validator for ``schemas/<schema>.schema.json``."""
    import fastjsonschema

    with (schemas_dir() / f"{schema}.schema.json").open(encoding="utf-8") as handle:
        definition = json.load(handle)
    code: str = fastjsonschema.compile_to_code(definition)
    entry = code.split("\ndef ", 1)[1].split("(", 1)[0]
    return f"# Generated from schemas/{schema}.schema.json by `make validators`; do not edit.\n" \
        "# ruff: noqa\n# mypy: ignore-errors\n" + code + f"\n\nvalidate = {entry}\n"


@cache
def quick_validator(schema: str) -> Callable[[Any], bool] | None:
    """A function telling whether data is valid, or None if no compiled module exists."""
    try:
        module = importlib.import_module(f"scoping_tui.model.generated.{module_name(schema)}")
    except ImportError:
        return None
    validate = module.validate

    def is_valid(data: Any) -> bool:
        try:
            validate(data)
        except Exception:  # any failure only means "ask jsonschema for the details"
            return False
        return True

    return is_valid


if __name__ == "__main__":
    from pathlib import Path

    target = Path(__file__).parent / "generated"
    for name in SCHEMAS:
        (target / f"{module_name(name)}.py").write_text(generate(name), encoding="utf-8")
