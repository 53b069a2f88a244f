"""The minimal skeleton a model starts from when the user describes the system part by part:
the system itself and nothing the user did not ask for."""

from __future__ import annotations

NAME = "minimal"
TITLE = "Minimal skeleton: the system and nothing else, you add the parts"

_TEXT = """\
version: 1
system:
  name: {name}
  phase: prototype          # prototype | production | scaled
  description: What the system does and for whom.

# Add the parts one at a time: who uses it, the front end, agents with their tools (read or
# write, and what waits for a person's approval), models, retrieval stores, and the trust
# boundaries they sit in. In the terminal UI: n adds an element, f a flow from the selected
# component, m moves it into a boundary. Leave a security fact out when you do not know it:
# it becomes a question for the review, not a finding.
components: []
"""


def skeleton_text(name: str = "New system") -> str:
    """The skeleton's YAML, with the system named ``name`` (quoted when YAML needs it)."""
    safe = name if name.replace(" ", "").isalnum() else '"' + name.replace('"', "'") + '"'
    return _TEXT.format(name=safe)
