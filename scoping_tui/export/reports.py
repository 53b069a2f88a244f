"""One entry point for every report format, shared by the CLI and the UI's export dialog."""

from __future__ import annotations

from collections.abc import Callable

from scoping_tui.engine.assessment import Assessment
from scoping_tui.engine.catalog import Catalog

REPORT_FORMATS = ("md", "html", "json", "sarif", "csv", "threat-composer", "otm")


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
    if fmt == "md":
        from scoping_tui.export.markdown import render_markdown

        return render_markdown(assessment)
    if fmt == "json":
        from scoping_tui.export.json_report import render_json

        return render_json(assessment)
    if fmt == "sarif":
        from scoping_tui.export.sarif import render_sarif

        return render_sarif(assessment)
    if fmt == "csv":
        from scoping_tui.export.csv_report import render_csv

        return render_csv(assessment)
    if fmt == "threat-composer":
        from scoping_tui.export.threat_composer import render_threat_composer

        return render_threat_composer(assessment)
    if fmt == "otm":
        from scoping_tui.export.otm import render_otm

        return render_otm(assessment)
    if fmt != "html":
        raise ValueError(f"unknown report format {fmt!r}; choose {', '.join(REPORT_FORMATS)}")
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
