"""Threagile YAML models: `read` imports them."""
