"""The command line: `entry` parses and dispatches, one module per command family beside it."""
