"""Loading, validating and representing system models (no Textual here)."""
