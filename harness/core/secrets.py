"""Scrubbing of secret values (from the environment) out of any text the harness writes or shows."""

from __future__ import annotations

import os
import re

__all__ = ["redact_secrets"]

_SECRET_NAME = re.compile(r"(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL)", re.IGNORECASE)


def redact_secrets(text: str) -> str:
    """Replace the values of secret-looking environment variables (``*_KEY``, ``*_TOKEN``, …) in ``text``."""
    for name, value in os.environ.items():
        if len(value) >= 8 and _SECRET_NAME.search(name) and value in text:
            text = text.replace(value, f"<{name}>")
    return text
