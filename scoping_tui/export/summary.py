"""A short plain-text summary of a model: what it holds and where it sits on the matrices."""

from __future__ import annotations

from collections import Counter

from scoping_tui.engine.scope import agentic_scope, generative_scope
from scoping_tui.export.words import plural
from scoping_tui.model.types import SystemModel


def model_summary(model: SystemModel) -> str:
    info = model.system
    lines = [f"{info.name}  ({model.file})"]
    if info.description:
        lines.append(f"  {info.description.strip().splitlines()[0]}")
    phase = info.phase if info.phase_declared else f"{info.phase} (not declared)"
    lines.append(f"  phase: {phase}" + (f"   owner: {info.owner}" if info.owner else ""))
    lines.append(f"  {plural(len(model.components), 'component')}, "
                 f"{plural(len(model.flows), 'flow')}, "
                 f"{plural(len(model.boundaries), 'trust boundary', 'trust boundaries')}, "
                 f"{plural(len(model.controls), 'control')} declared, "
                 f"{plural(len(model.accepted_risks), 'accepted risk')}")
    by_type = Counter(c.type for c in model.components)
    lines.append("  components: " + ", ".join(f"{n} {t}" for t, n in sorted(by_type.items())))
    for label, scope in (("generative AI scope", generative_scope(model)),
                         ("agentic AI scope", agentic_scope(model))):
        declared = ""
        if scope.declared is not None:
            declared = " (as declared)" if scope.declared == scope.value else \
                f" (declared {scope.declared})"
        lines.append(f"  {label}: {scope.value} {scope.name}{declared}")
        lines.extend(f"    because {reason.text}" for reason in scope.reasons)
    return "\n".join(lines) + "\n"
