"""Everything about one finding: why it fired, how it was rated, what mitigates it."""

from __future__ import annotations

from typing import Literal

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from scoping_tui.engine.catalog import PHASES, Catalog
from scoping_tui.engine.controls import FindingStatus

DetailAction = Literal["goto", "accept"]

SEVERITY_STYLE = {"critical": "bold $text-error", "high": "$text-error",
                  "medium": "$text-warning", "low": "dim"}
STATUS_STYLE = {"open": "$text-error", "partially-mitigated": "$text-warning",
                "mitigated": "$text-success", "accepted": "$text-accent"}


def detail_sections(status: FindingStatus, catalog: Catalog, phase: str,
                    ) -> list[tuple[str, Content]]:
    """The finding as (heading, body) pairs; the first heading is empty (the title block)."""
    finding = status.finding
    threat = finding.threat
    head = Content.assemble(
        (threat.title, "bold"), "\n",
        (finding.id, "dim"), "\n",
        (finding.severity, SEVERITY_STYLE.get(finding.severity, "")), "  ",
        (status.status, STATUS_STYLE.get(status.status, "")),
        f"  on {finding.target_kind} {finding.target_name} (line {finding.line})")
    reasons: list[str | tuple[str, str]] = []
    for reason in finding.reasons:
        reasons.extend([(f"line {reason.line:>4}  ", "dim"), f"{reason.text}\n"])
    if finding.also:
        reasons.append(f"also covers: {', '.join(finding.also)}\n")
    refs: list[str | tuple[str, str]] = []
    if threat.stride:
        names = ", ".join(f"{s} {catalog.reference_title('stride', s)}".strip()
                          for s in threat.stride)
        refs.append(f"STRIDE: {names}\n")
    for framework, ids in threat.references.items():
        name = catalog.frameworks[framework].name if framework in catalog.frameworks \
            else framework
        for ref in ids:
            title = catalog.reference_title(framework, ref)
            refs.extend([f"{name} ", (ref, "bold"), f"  {title}\n" if title else "\n"])
    return [
        ("", head),
        ("Rating", Content("\n".join(finding.rating))),
        ("Description", Content(threat.description)),
        ("Why it applies", Content.assemble(*reasons).rstrip()),
        ("Mitigating controls", Content.assemble(*_controls(status, catalog, phase)).rstrip()),
        ("References", Content.assemble(*refs).rstrip()),
        ("Acceptance", _acceptance(status)),
    ]


def detail_text(status: FindingStatus, catalog: Catalog, phase: str) -> str:
    """The detail as plain text (what the dialog shows, without styles)."""
    return "\n".join(f"{heading}\n{body.plain}" if heading else body.plain
                     for heading, body in detail_sections(status, catalog, phase))


def _controls(status: FindingStatus, catalog: Catalog, phase: str,
              ) -> list[str | tuple[str, str]]:
    out: list[str | tuple[str, str]] = []
    implemented, missing = set(status.implemented), set(status.missing)
    for control_id in catalog.mitigated_by.get(status.finding.threat.id, ()):
        control = catalog.controls[control_id]
        if control_id in implemented:
            mark, style, note = "✓", "$text-success", "in place"
        elif control_id in missing:
            mark, style, note = "✗", "$text-error", f"missing (required from {control.phase})"
        elif control.phase_index > PHASES.index(phase):
            mark, style, note = "·", "dim", f"from {control.phase}"
        else:
            mark, style, note = "·", "dim", "does not apply to this element"
        out.extend([(f"{mark} ", style), (control_id, "bold"), f"  {control.title}  ",
                    (note, style), "\n"])
    if not out:
        out.append("no control in the catalog mitigates this threat")
    return out


def _acceptance(status: FindingStatus) -> Content:
    risk = status.acceptance
    if risk is not None:
        ticket = f" ({risk.ticket})" if risk.ticket else ""
        return Content.assemble(("accepted", STATUS_STYLE["accepted"]),
                                f" by {risk.owner} until {risk.expires}{ticket}\n{risk.reason}")
    expired = status.expired_acceptance
    if expired is not None:
        return Content.assemble(("acceptance expired", "$text-warning"),
                                f" on {expired.expires} (was {expired.owner}): the finding "
                                "counts as open again. Press a to renew it.")
    return Content("not accepted. Press a to accept the risk.")


class FindingDetail(ModalScreen[DetailAction | None]):
    """The finding explained; dismisses with what the user chose to do next (or None)."""

    DEFAULT_CSS = """
    FindingDetail { align: center middle; }
    FindingDetail > VerticalScroll {
        width: 100; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    FindingDetail .heading { text-style: bold; color: $text-primary; margin-top: 1; }
    FindingDetail .body { padding-left: 2; }
    FindingDetail Footer { dock: bottom; }
    """
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Close", id="finding.close",
                tooltip="Back to the findings"),
        Binding("g", "dismiss('goto')", "Go to target", id="finding.goto",
                tooltip="Show the element the finding is about"),
        Binding("a", "dismiss('accept')", "Accept risk", id="finding.accept",
                tooltip="Record that the owner accepts this risk until a date"),
    ]

    def __init__(self, status: FindingStatus, catalog: Catalog, phase: str) -> None:
        super().__init__()
        self.status = status
        self.catalog = catalog
        self.phase = phase

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = "Finding"
            scroll.border_subtitle = "g go to target · a accept risk · esc close"
            for heading, body in detail_sections(self.status, self.catalog, self.phase):
                if heading:
                    yield Static(heading, classes="heading", markup=False)
                    yield Static(body, classes="body")
                else:
                    yield Static(body, id="detail-title")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()
