"""Findings as CSV for spreadsheets, safe against formula injection and, printed to a terminal,
against the model's escape sequences."""

from __future__ import annotations

import csv
import io

from scoping_tui.engine.assessment import Assessment
from scoping_tui.model.text import printable

COLUMNS = ("id", "severity", "status", "threat", "title", "target", "target_name",
           "target_kind", "line", "also", "reasons", "missing_controls", "references")
# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    # Line breaks and tabs are cell content a spreadsheet keeps; any other control character
    # from the model (ESC, BEL, C1) would reach the terminal of whoever prints the CSV.
    text = printable(str(value), keep_newlines=True)
    return "'" + text if text.startswith(_FORMULA_START) else text


def render_csv(assessment: Assessment) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for status in assessment.findings:
        finding = status.finding
        refs = "; ".join(f"{framework}: {', '.join(ids)}"
                         for framework, ids in finding.threat.references.items())
        row = (finding.id, finding.severity, status.status, finding.threat.id,
               finding.threat.title, finding.target, finding.target_name, finding.target_kind,
               finding.line,
               " ".join(finding.also), " | ".join(finding.rationale),
               " ".join(status.missing), refs)
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()
