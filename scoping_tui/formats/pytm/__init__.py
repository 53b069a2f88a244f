"""OWASP pytm scripts, read without running them: `read` imports them."""
