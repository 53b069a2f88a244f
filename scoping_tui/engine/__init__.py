"""The knowledge base and the analysis: scope on both matrices, threats, controls, diff."""
