"""Import a threat model from another tool: detect its format, convert, check, write YAML."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from scoping_tui.engine.catalog import Catalog, load_catalog
from scoping_tui.formats.common import ImportFailed, ModelBuilder, Note, Source, read_source
from scoping_tui.formats.registry import IMPORT_FORMATS, reader
from scoping_tui.formats.writer import render_yaml
from scoping_tui.model.diagnostics import START, Diagnostic, Severity, has_errors
from scoping_tui.model.types import SystemModel
from scoping_tui.model.validate import load_text


@dataclass(frozen=True)
class ImportResult:
    format: str
    text: str
    """The model as YAML, with the import summary and per-element notes as comments."""
    model: SystemModel
    notes: tuple[Note, ...]


def detect_format(source: Source) -> str | None:
    for name in IMPORT_FORMATS:
        if reader(name).detect(source.data):
            return name
    return None


def import_file(path: Path, fmt: str | None = None, *, display: str | None = None,
                max_bytes: int | None = None, catalog: Catalog | None = None,
                as_of: dt.date | None = None) -> ImportResult:
    """Convert the file at ``path``; ImportFailed with positions when it cannot be."""
    source = read_source(path, display, max_bytes)
    return import_source(source, fmt, catalog=catalog, as_of=as_of)


def import_source(source: Source, fmt: str | None = None, *, catalog: Catalog | None = None,
                  as_of: dt.date | None = None) -> ImportResult:
    from scoping_tui.engine.assessment import assess

    name = fmt or detect_format(source)
    if name is None:
        raise ImportFailed((Diagnostic(
            source.file, START, Severity.ERROR,
            "cannot tell which tool wrote this file; give --from "
            + "|".join(IMPORT_FORMATS), "unknown-format"),))
    catalog = catalog or load_catalog()
    module = reader(name)
    if not isinstance(source.data, dict):
        raise source.fail((), f"expected an object at the top level, as in {module.TITLE} files")
    builder = ModelBuilder(module.TITLE, source.file, today=as_of or dt.date.today())
    module.convert(source, builder, catalog)
    text, model = _checked(builder, catalog)
    if builder.candidate_risks:
        # Worst-case: an acceptance of a finding that only an unstated fact decides still
        # records the source's decision, and applies once the fact is stated.
        found = {s.finding.id for s in assess(model, catalog, as_of=as_of,
                                              unknowns="worst-case").findings}
        for risk in builder.candidate_risks:
            if risk["finding"] in found:
                builder.accepted_risks.append(risk)
                builder.note("mapped", f"accepted risk {risk['finding']} kept from the source",
                             risk["finding"].split("@", 1)[1])
            else:
                builder.note("human", f"the source accepts a risk the analysis does not find "
                             f"as {risk['finding']}; re-accept it if it still applies")
        builder.candidate_risks = []
        text, model = _checked(builder, catalog)
    return ImportResult(name, text, model, tuple(builder.notes))


def _checked(builder: ModelBuilder, catalog: Catalog) -> tuple[str, SystemModel]:
    """The model's YAML and the model read back from it: a converter bug must not write an
    invalid model."""
    known = catalog.known_ids()
    text = render_yaml(builder)
    result = load_text(text, builder.source_file, catalog=known)
    if result.model is None or has_errors(result.diagnostics):
        problems = "; ".join(d.message for d in result.diagnostics
                             if d.severity is Severity.ERROR)[:2000]
        raise ImportFailed((Diagnostic(
            builder.source_file, START, Severity.ERROR,
            f"internal error: the converted model is not valid ({problems}); please report "
            "this with the input file", "import-bug"),))
    return text, result.model
