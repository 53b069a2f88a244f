"""Small helpers every layer may use: safe file writes, bundled data locations, path confinement."""
