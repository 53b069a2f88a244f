"""Editing a model file without Textual: the document kept with its comments, undo history,
crash recovery, the guided questionnaire; the terminal UI is a view over these."""
