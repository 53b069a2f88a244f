"""Export the diagram or a report to a file: format, path, view and findings.

Writing happens in a thread worker (Graphviz can take a moment); files are written atomically,
never over the model file, and an existing file is replaced only after asking. Without
Graphviz an image export writes the DOT source next to it instead and says how to render it.
When the app is confined to the model's folder (served to a browser), a path leading out of it
is refused with the reason (see ``scoping_tui.util.confine``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from scoping_tui.editing.workspace import Analysis, Workspace
from scoping_tui.engine.catalog import Catalog
from scoping_tui.export.dot import GraphvizError, render_dot, render_graph
from scoping_tui.export.view import DiagramView, describe
from scoping_tui.formats import registry
from scoping_tui.formats.registry import BY_NAME, extension, format_for_path, render_report
from scoping_tui.model.types import SystemModel
from scoping_tui.tui.dialogs.confirm import ConfirmDialog
from scoping_tui.util.confine import OutsideFolder, inside, typed_path
from scoping_tui.util.fileio import atomic_write_bytes, atomic_write_text

DIAGRAM_FORMATS = {name: BY_NAME[name].label for name in registry.DIAGRAM_FORMATS}
REPORT_FORMATS = {name: BY_NAME[name].label for name in registry.REPORT_FORMATS}
FORMATS = {**DIAGRAM_FORMATS, **REPORT_FORMATS}
IMAGE_FORMATS = ("svg", "png", "pdf")


class ExportError(Exception):
    """Nothing was written, for a reason to show as it is."""


@dataclass(frozen=True)
class Written:
    path: Path
    note: str = ""
    """Something the user should know, e.g. that the DOT source was written instead."""


def default_path(model_path: Path, fmt: str) -> Path:
    """``<stem>.<ext>`` next to the model file."""
    return model_path.with_name(f"{model_path.stem}.{extension(fmt)}")


def view_choices(model: SystemModel | None) -> list[tuple[str, str]]:
    """(label, view) for the view Select: the whole system, each boundary, each component."""
    choices = [("Whole system", "system")]
    if model is None:
        return choices
    choices += [(f"Inside {b.name} ({b.id})", f"boundary:{b.id}") for b in model.boundaries]
    choices += [(f"Around {c.name} ({c.id})", f"around:{c.id}") for c in model.components]
    return choices


def is_model_file(target: Path, model_path: Path) -> bool:
    try:
        return target.resolve() == model_path.resolve()
    except OSError:
        return False


def write_export(fmt: str, target: Path, analysis: Analysis, model_path: Path,
                 view: DiagramView, catalog: Catalog | None,
                 confine_to: Path | None = None) -> Written:
    """Render ``fmt`` and write it to ``target`` (overwriting: the caller has asked); with
    ``confine_to``, only inside that folder."""
    if is_model_file(target, model_path):
        raise ExportError(f"{target} is the model file; refusing to write over it")
    # Checked again here, just before writing: the DOT fallback's name is derived, and a link
    # may have appeared since the path was typed.
    if confine_to is not None and not inside(target, confine_to):
        raise ExportError(f"{target} is outside the model's folder ({confine_to}); not written")
    model = analysis.model
    assessment = analysis.assessment
    if fmt in REPORT_FORMATS:
        if assessment is None:
            raise ExportError("the model has problems; fix them (F6) before writing a report")
        atomic_write_text(target, _report(fmt, analysis, catalog))
        return Written(target)
    if model is None:
        raise ExportError("the model has problems; fix them (F6) before drawing it")
    badges = assessment if view.show_findings else None
    try:
        if fmt == "mmd":
            from scoping_tui.export.mermaid import render_mermaid

            atomic_write_text(target, render_mermaid(model, badges, view))
            return Written(target)
        source = render_dot(model, badges, view)
    except ValueError as exc:  # a view naming an id the model no longer has
        raise ExportError(str(exc)) from exc
    if fmt == "dot":
        atomic_write_text(target, source)
        return Written(target)
    try:
        image = render_graph(source, fmt)
    except GraphvizError as exc:  # missing, failed or too slow: the DOT source still helps
        dot_path = target.with_suffix(".dot")
        if is_model_file(dot_path, model_path) or (confine_to is not None
                                                   and not inside(dot_path, confine_to)):
            raise ExportError(f"{exc}") from exc
        try:
            atomic_write_text(dot_path, source, overwrite=False)
        except FileExistsError:
            raise ExportError(f"Graphviz could not draw it, and {dot_path} already exists, so "
                              f"the DOT source was not written either. {exc}") from exc
        return Written(dot_path, f"Graphviz could not draw it: wrote the DOT source instead; "
                                 f"render it later with `dot -T{fmt} {dot_path} -o {target}`. "
                                 f"{exc}")
    atomic_write_bytes(target, image)
    return Written(target)


def _report(fmt: str, analysis: Analysis, catalog: Catalog | None) -> str:
    assessment = analysis.assessment
    assert assessment is not None
    return render_report(fmt, assessment, catalog)


class ExportDialog(ModalScreen[Path | None]):
    """Dismisses with the path written, or None when cancelled."""

    AUTO_FOCUS = "#export-path"
    """Focused as the dialog shows, before its first frame: keys typed right after the
    key that opened it go to this field (focus() in on_mount comes a moment later)."""
    DEFAULT_CSS = """
    ExportDialog { align: center middle; }
    ExportDialog > Vertical {
        width: 76; max-width: 100%; height: auto; max-height: 100%;
        padding: 1 2; border: thick $accent; background: $surface;
    }
    ExportDialog .title { text-style: bold; }
    ExportDialog Label.field { margin-top: 1; color: $text-muted; }
    ExportDialog Checkbox { margin-top: 1; }
    ExportDialog #export-error { color: $error; height: auto; }
    ExportDialog #export-buttons { height: auto; align-horizontal: right; margin-top: 1; }
    ExportDialog Button { margin-left: 1; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="export.cancel", tooltip="Close without writing"),
        Binding("ctrl+s", "export", "Write", id="export.write", priority=True,
                tooltip="Write the file"),
    ]

    def __init__(self, workspace: Workspace, analysis: Analysis, fmt: str = "svg") -> None:
        super().__init__()
        self.workspace = workspace
        self.analysis = analysis
        self.initial = fmt if fmt in FORMATS else "svg"
        self.busy = False

    def compose(self) -> ComposeResult:
        model = self.analysis.model
        with Vertical():
            subject = model.system.name if model is not None else self.workspace.display_name
            yield Static(f"Export {subject}", classes="title", markup=False)
            yield Label("Format", classes="field")
            yield Select([(label, fmt) for fmt, label in FORMATS.items()], value=self.initial,
                         allow_blank=False, id="export-format", compact=True)
            yield Label("File (Enter writes it)", classes="field")
            yield Input(self._default_text(self.initial), id="export-path", compact=True)
            yield Label("Diagram view", classes="field")
            yield Select(view_choices(model), value="system", allow_blank=False,
                         id="export-view", compact=True)
            yield Checkbox("Show unresolved findings on the diagram", True,
                           id="export-findings", compact=True)
            yield Static("", id="export-error", markup=False)
            with Horizontal(id="export-buttons"):
                yield Button("Cancel", id="export-cancel", compact=True)
                yield Button("Write", id="export-write", variant="primary", compact=True)

    def on_mount(self) -> None:
        self._diagram_options()

    @property
    def confine_to(self) -> Path | None:
        """The folder exports must stay in (the app's setting; None: anywhere)."""
        folder: Path | None = getattr(self.app, "confine_to", None)
        return folder

    def _default_text(self, fmt: str) -> str:
        path = default_path(self.workspace.path, fmt)
        # Confined, only relative names are accepted: offer the one that is next to the model.
        return path.name if self.confine_to is not None else str(path)

    @property
    def fmt(self) -> str:
        value = self.query_one("#export-format", Select).value
        return value if isinstance(value, str) else self.initial

    def _diagram_options(self) -> None:
        diagram = self.fmt in DIAGRAM_FORMATS
        self.query_one("#export-view", Select).disabled = not diagram
        self.query_one("#export-findings", Checkbox).disabled = not diagram

    @on(Select.Changed, "#export-format")
    def _format_changed(self) -> None:
        box = self.query_one("#export-path", Input)
        current = format_for_path(box.value, tuple(FORMATS))
        if current is not None:  # swap the whole known ending: app.tc.json, not app.tc.md
            ending = next(e for e in BY_NAME[current].extensions
                          if box.value.lower().endswith("." + e))
            box.value = f"{box.value[:-len(ending)]}{extension(self.fmt)}"
        self._diagram_options()

    def _target(self) -> Path | None:
        """The typed path (None when empty); OutsideFolder when confinement forbids it."""
        text = self.query_one("#export-path", Input).value.strip()
        if not text:
            return None
        return typed_path(text, self.workspace.path.parent, self.confine_to)

    def _error(self, text: str) -> None:
        self.query_one("#export-error", Static).update(text)

    def action_cancel(self) -> None:
        if not self.busy:
            self.dismiss(None)

    @on(Input.Submitted, "#export-path")
    @on(Button.Pressed, "#export-write")
    def action_export(self) -> None:
        if self.busy:
            return
        try:
            target = self._target()
        except OutsideFolder as exc:
            self._error(f"Not written: {exc}")
            self.app.notify(str(exc), title="Not exported", severity="error")
            return
        if target is None:
            self._error("Give a file name.")
            return
        if is_model_file(target, self.workspace.path):
            self._error(f"{target} is the model file: refusing to write over it. "
                        "Choose another name.")
            self.app.notify("Refusing to write over the model file", title="Not exported",
                            severity="error")
            return
        if target.is_dir():
            self._error(f"{target} is a folder; give a file name.")
            return
        if target.exists():
            self.app.push_screen(ConfirmDialog(f"{target} exists. Replace it?", yes="Replace",
                                               no="Keep it"),
                                 lambda yes: self._start(target) if yes else None)
            return
        self._start(target)

    @on(Button.Pressed, "#export-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def _start(self, target: Path) -> None:
        focus = self.query_one("#export-view", Select).value
        view = DiagramView(focus if isinstance(focus, str) else "system",
                           self.query_one("#export-findings", Checkbox).value)
        self.busy = True
        self._error("")
        self.query_one("#export-write", Button).disabled = True
        self._write(self.fmt, target, view, self.confine_to)

    @work(thread=True, exclusive=True, group="export")
    def _write(self, fmt: str, target: Path, view: DiagramView,
               confine_to: Path | None) -> None:
        try:
            written: Written | str = write_export(fmt, target, self.analysis,
                                                  self.workspace.path, view,
                                                  self.workspace.catalog, confine_to)
        except ExportError as exc:
            written = str(exc)
        except OSError as exc:
            written = f"{target}: cannot write: {exc.strerror or exc}"
        self.app.call_from_thread(self._finished, written)

    def _finished(self, written: Written | str) -> None:
        self.busy = False
        self.query_one("#export-write", Button).disabled = False
        if isinstance(written, str):
            self._error(written)
            self.app.notify(written, title="Not exported", severity="error")
            return
        if written.note:
            self.app.notify(written.note, title=f"Wrote {written.path}", severity="warning",
                            timeout=15)
        else:
            view = ""
            model = self.analysis.model
            if self.fmt in DIAGRAM_FORMATS and model is not None:
                focus = self.query_one("#export-view", Select).value
                if isinstance(focus, str) and focus != "system":
                    view = f" ({describe(DiagramView(focus), model)})"
            self.app.notify(f"Wrote {written.path}{view}", title="Exported")
        self.dismiss(written.path)
