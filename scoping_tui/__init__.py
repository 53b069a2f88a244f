"""scoping-tui: threat modeling and scoping for AI systems."""

__version__ = "0.1.0"
