"""Secrets never written: scrubbing secret values out of any text the harness writes or shows.

A value is a secret when it is at least :data:`MIN_SECRET_LENGTH` characters and it is

* the value of an environment variable whose name looks secret (``*_KEY``, ``*_TOKEN``, ``*SECRET*``, …);
* or a value the judge's configuration marks: its API key variable's value, its header values, and its
  parameters that look or are marked secret (collected by the judges package and handed to a
  :class:`Redactor`).

Shorter values are left alone: they are too short to be credentials, and replacing them would mangle
ordinary text. A secret is replaced by ``<NAME>`` (the variable or setting it came from), never by a part
of itself.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from judgeprobe.harness.core.verdict import Verdict

__all__ = [
    "MIN_SECRET_LENGTH",
    "Redactor",
    "credential_query_names",
    "environment_secrets",
    "looks_secret",
    "redact_secrets",
    "redact_url",
]

MIN_SECRET_LENGTH = 8
"""Shortest value treated as a secret."""

_SECRET_NAME = re.compile(r"(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL)", re.IGNORECASE)
_CREDENTIAL_PARAM = re.compile(
    r"(key|token|secret|passw|pwd|auth|credential|session|signature|^sig$|^code$)", re.IGNORECASE
)
"""Names of URL query parameters that carry credentials (``key``, ``api_key``, ``access_token``, ``sig``…)."""


def looks_secret(name: str) -> bool:
    """Whether a variable or setting named ``name`` holds a secret by its name (``API_KEY``, ``token``)."""
    return bool(_SECRET_NAME.search(name))


def environment_secrets() -> dict[str, str]:
    """Secret-looking environment variables (name -> value) with values long enough to be secrets."""
    return {
        name: value
        for name, value in os.environ.items()
        if len(value) >= MIN_SECRET_LENGTH and _SECRET_NAME.search(name)
    }


def redact_secrets(text: str) -> str:
    """Replace the values of secret-looking environment variables (``*_KEY``, ``*_TOKEN``, …) in ``text``."""
    for name, value in environment_secrets().items():
        if value in text:
            text = text.replace(value, f"<{name}>")
    return text


def credential_query_names(url: str) -> list[str]:
    """Names of the URL's query parameters that look like credentials (``?key=…``, ``?access_token=…``)."""
    try:
        query = urlsplit(url).query
    except ValueError:
        return []
    names = [name for name, _ in parse_qsl(query, keep_blank_values=True)]
    return [name for name in names if _CREDENTIAL_PARAM.search(name)]


def redact_url(url: str) -> str:
    """``url`` as it may be shown: a user name and password, and the values of credential-looking query
    parameters (:func:`credential_query_names`), replaced by ``…``; anything else as written."""
    try:
        parts = urlsplit(url)
        pairs = parse_qsl(parts.query, keep_blank_values=True)
    except ValueError:
        return re.sub(r"[?#].*", "?…", url)
    if "@" not in parts.netloc and not any(_CREDENTIAL_PARAM.search(name) for name, _ in pairs):
        return url
    netloc = "…@" + parts.netloc.rpartition("@")[2] if "@" in parts.netloc else parts.netloc
    query = "&".join(
        f"{name}=…" if _CREDENTIAL_PARAM.search(name) else f"{name}={value}" for name, value in pairs
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


class Redactor:
    """Replaces known secret values in text, JSON-like values and verdicts.

    Args:
        secrets: Label -> value (``MY_API_KEY`` -> ``sk-…``); values shorter than
            :data:`MIN_SECRET_LENGTH` are ignored.
        environment: Also redact secret-looking environment variables (read now, once).
    """

    def __init__(self, secrets: Mapping[str, str] | None = None, *, environment: bool = True) -> None:
        found = dict(environment_secrets()) if environment else {}
        for label, value in (secrets or {}).items():
            if isinstance(value, str) and len(value) >= MIN_SECRET_LENGTH:
                found.setdefault(label, value)
        # longest first, so a secret that contains another is replaced whole
        self.pairs: list[tuple[str, str]] = sorted(
            ((value, f"<{label}>") for label, value in found.items()), key=lambda pair: -len(pair[0])
        )

    def __bool__(self) -> bool:
        return bool(self.pairs)

    def text(self, text: str) -> str:
        """``text`` with every secret replaced by its label."""
        for value, label in self.pairs:
            if value in text:
                text = text.replace(value, label)
        return text

    def value(self, value: Any) -> Any:
        """A JSON-like value (strings, lists, dicts) with every secret replaced in its strings and keys."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Mapping):
            return {self.value(k): self.value(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return type(value)(self.value(v) for v in value)
        return value

    def verdict(self, verdict: Verdict) -> Verdict:
        """The verdict with every secret replaced in its texts and its ``meta``."""
        if not self.pairs:
            return verdict
        texts: dict[str, Any] = {
            name: self.text(text)
            for name in ("outcome", "extracted_answer", "reasoning", "reason", "raw_reply", "prompt")
            if isinstance(text := getattr(verdict, name), str)
        }
        return replace(verdict, **texts, meta=self.value(dict(verdict.meta)))

    def all(self, texts: Iterable[str]) -> list[str]:
        """Each text redacted."""
        return [self.text(text) for text in texts]
