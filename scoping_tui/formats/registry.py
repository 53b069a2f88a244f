"""Every format the tool reads or writes, in one table: name, file extensions, reader, writer.

The CLI (`report --format`, `diagram --format`, `import --from`, the format from an output's
extension) and the UI's export dialog read this table, so a format added here is offered
everywhere at once; tests/test_docs.py fails until docs/reports.md lists it too.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, Literal, Protocol, cast

from scoping_tui.engine.assessment import Assessment
from scoping_tui.engine.catalog import Catalog

if TYPE_CHECKING:
    from scoping_tui.formats.common import ModelBuilder, Source

Kind = Literal["report", "diagram", "model"]
"""report: written from an analysis; diagram: drawn from the model; model: another tool's
threat model, read only."""


class Reader(Protocol):
    """A module that imports another tool's files."""

    TITLE: str

    def detect(self, data: Any) -> bool: ...

    def convert(self, source: Source, out: ModelBuilder, catalog: Catalog) -> None: ...


@dataclass(frozen=True)
class Format:
    name: str
    """What --format and --from take."""
    label: str
    """How the export dialog and the docs name it."""
    extensions: tuple[str, ...]
    """File name endings without the dot, the one written first (``tc.json``, not ``json``)."""
    kind: Kind
    writer: str | None = None
    """``module:function`` rendering an Assessment as text (reports only)."""
    reader: str | None = None
    """Module implementing `Reader`, for `scoping-tui import`."""


FORMATS: tuple[Format, ...] = (
    Format("md", "Report: Markdown", ("md", "markdown"), "report",
           "scoping_tui.export.markdown:render_markdown"),
    Format("html", "Report: HTML (with the diagram)", ("html", "htm"), "report"),
    Format("json", "Report: JSON", ("json",), "report",
           "scoping_tui.export.json_report:render_json"),
    Format("sarif", "Report: SARIF 2.1.0", ("sarif",), "report",
           "scoping_tui.export.sarif:render_sarif"),
    Format("csv", "Report: CSV of findings", ("csv",), "report",
           "scoping_tui.export.csv_report:render_csv"),
    Format("threat-composer", "Report: AWS Threat Composer (.tc.json)", ("tc.json",), "report",
           "scoping_tui.formats.threat_composer.write:render_threat_composer",
           "scoping_tui.formats.threat_composer.read"),
    Format("otm", "Report: Open Threat Model (.otm.json)", ("otm.json",), "report",
           "scoping_tui.formats.otm.write:render_otm", "scoping_tui.formats.otm.read"),
    Format("svg", "Diagram: SVG image", ("svg",), "diagram"),
    Format("png", "Diagram: PNG image", ("png",), "diagram"),
    Format("pdf", "Diagram: PDF", ("pdf",), "diagram"),
    Format("dot", "Diagram: Graphviz DOT source", ("dot", "gv"), "diagram"),
    Format("mmd", "Diagram: Mermaid", ("mmd",), "diagram"),
    # Read only. Detection tries the readers in this order, the loosest shapes last.
    Format("threagile", "Threagile YAML", ("yaml", "yml"), "model",
           reader="scoping_tui.formats.threagile.read"),
    Format("pytm", "OWASP pytm JSON output (tm.py --json)", ("json",), "model",
           reader="scoping_tui.formats.pytm.read"),
    Format("threat-dragon", "OWASP Threat Dragon JSON", ("json",), "model",
           reader="scoping_tui.formats.threat_dragon.read"),
)
BY_NAME = {f.name: f for f in FORMATS}

REPORT_FORMATS = tuple(f.name for f in FORMATS if f.kind == "report")
DIAGRAM_FORMATS = tuple(f.name for f in FORMATS if f.kind == "diagram")
IMPORT_FORMATS = tuple(f.name for f in sorted(
    (f for f in FORMATS if f.reader), key=lambda f: f.writer is not None))
"""Readers in detection order: the three read-only formats, then those we also write."""


def extension(name: str) -> str:
    """The extension a file of format ``name`` is written with."""
    return BY_NAME[name].extensions[0]


def format_for_path(path: str | PurePath, names: tuple[str, ...]) -> str | None:
    """Which of ``names`` the file name's ending says (the longest ending wins, so
    ``app.tc.json`` is Threat Composer, not JSON), or None."""
    file_name = PurePath(path).name.lower()
    best: tuple[int, str] | None = None
    for name in names:
        for ending in BY_NAME[name].extensions:
            if file_name.endswith("." + ending) and (best is None or len(ending) > best[0]):
                best = (len(ending), name)
    return None if best is None else best[1]


def reader(name: str) -> Reader:
    module = BY_NAME[name].reader
    if module is None:
        raise ValueError(f"scoping-tui cannot read {name!r} files")
    return cast(Reader, importlib.import_module(module))


def _writer(name: str) -> Callable[[Assessment], str]:
    target = BY_NAME[name].writer if name in BY_NAME else None
    if target is None:
        raise ValueError(f"unknown report format {name!r}; choose {', '.join(REPORT_FORMATS)}")
    module, function = target.split(":")
    return cast(Callable[[Assessment], str], getattr(importlib.import_module(module), function))


def diagram_svg(assessment: Assessment) -> str:
    """The whole-system diagram as SVG text; GraphvizError when `dot` is not installed, fails or
    takes too long."""
    from scoping_tui.export.dot import render_dot, render_graph
    from scoping_tui.export.view import DiagramView

    source = render_dot(assessment.model, assessment, DiagramView())
    return render_graph(source, "svg").decode("utf-8")


def render_report(fmt: str, assessment: Assessment, catalog: Catalog | None = None,
                  on_no_diagram: Callable[[str], None] | None = None) -> str:
    """The report in ``fmt`` (one of REPORT_FORMATS). The HTML report goes without its
    diagram when Graphviz is missing or cannot draw it in time, telling ``on_no_diagram`` why."""
    if fmt != "html":
        return _writer(fmt)(assessment)
    from scoping_tui.export.dot import GraphvizError
    from scoping_tui.export.html import render_html

    svg: str | None
    try:
        svg = diagram_svg(assessment)
    except GraphvizError as exc:
        svg = None
        if on_no_diagram is not None:
            on_no_diagram(str(exc))
    return render_html(assessment, svg, catalog=catalog)
