"""Fast request keys for the runner's hot path, and scrubbing of secret values from error text."""

from __future__ import annotations

import hashlib
import os
import re

from harness.judges.base import JudgeRequest

__all__ = ["redact_secrets", "request_cache_key", "request_content_key"]

_SECRET_NAME = re.compile(r"(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL)", re.IGNORECASE)


def request_content_key(request: JudgeRequest) -> str:
    """The request's judge-independent key (``request.content_key()``)."""
    return request.content_key()


def request_cache_key(judge_hash: str, request_key: str) -> str:
    """Same value as ``request.cache_key(judge_hash)`` given ``request_key = request.content_key()``."""
    return hashlib.sha256(f"{judge_hash}\x00{request_key}".encode()).hexdigest()[:32]


def redact_secrets(text: str) -> str:
    """Replace the values of secret-looking environment variables (``*_KEY``, ``*_TOKEN``, …) in ``text``."""
    for name, value in os.environ.items():
        if len(value) >= 8 and _SECRET_NAME.search(name) and value in text:
            text = text.replace(value, f"<{name}>")
    return text
