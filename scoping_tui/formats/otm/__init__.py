"""Open Threat Model (OTM) files: `read` imports them, `write` exports an assessment as one."""
