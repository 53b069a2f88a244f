"""AWS Threat Composer files: `read` imports them, `write` exports an assessment as one."""
