"""OWASP Threat Dragon JSON models: `read` imports them."""
