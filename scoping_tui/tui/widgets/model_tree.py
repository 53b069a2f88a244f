"""The model as a tree: boundaries containing components, then flows, controls, risks."""

from __future__ import annotations

from textual.widgets import Tree

from scoping_tui.workspace import Analysis, Workspace


class ModelTree(Tree[tuple[str, str]]):
    """Placeholder until it is built: shows the system name."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__("model", **kwargs)  # type: ignore[arg-type]

    def show(self, analysis: Analysis, workspace: Workspace) -> None:
        model = analysis.model
        self.root.set_label(model.system.name if model is not None else workspace.display_name)
