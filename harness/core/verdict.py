"""What a judge said about one draw: how the draw ended (:class:`Status`), why it failed (:class:`ErrorKind`),
and the :class:`Verdict` itself. The ground floor of the harness: the store, the runner, the judges, the
statistics and the reports all speak this vocabulary, and it imports nothing of the harness.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any

__all__ = [
    "RETRYABLE",
    "TABULAR_VERDICT_FIELDS",
    "USAGE_META_KEY",
    "VERDICT_FIELDS",
    "ErrorKind",
    "Status",
    "TokenUsage",
    "Verdict",
    "is_empty_reply",
    "is_retryable",
]

_STORE_ONLY = {"tabular": False}
"""Field metadata: the store keeps the field, the per-draw table (frame, ``results.jsonl``) leaves it out."""


class Status(StrEnum):
    """How a draw ended. Only ``judged`` draws carry an outcome that statistics may count."""

    JUDGED = "judged"
    """The judge answered in the agreed form; ``outcome`` is set."""
    UNSCORED = "unscored"
    """The judge answered, but not in the agreed form; ``reason`` says why and ``raw_reply`` keeps it."""
    ERROR = "error"
    """No usable answer after retries (transport, timeout, rate limit, crash); ``error_kind`` says which."""
    SKIPPED = "skipped"
    """The judge does not support this request (e.g. a reference grader asked a pairwise question)."""


class ErrorKind(StrEnum):
    """Why a draw errored."""

    TIMEOUT = "timeout"
    RATE_LIMIT = "rate_limit"
    SERVER = "server"
    CONNECTION = "connection"
    CLIENT = "client"
    """The request was refused as malformed/unauthorised (4xx other than 429); retrying will not help."""
    CRASH = "crash"
    """The backend raised an unexpected exception (kept as text, without secrets)."""
    NOT_RECORDED = "not_recorded"
    """Replay in strict mode: no recorded answer for this request."""


USAGE_META_KEY = "usage"
"""Key of ``Verdict.meta`` holding the token usage of the draw (:meth:`TokenUsage.to_meta`)."""


@dataclass(frozen=True, slots=True)
class TokenUsage:
    """Tokens one draw used, as the provider reported them (``None``: not reported).

    Counts are comparable across providers: ``input_tokens`` is every prompt token, cached or not (OpenAI's
    ``prompt_tokens``; Anthropic's ``input_tokens`` plus its cache reads and writes), and the cache fields
    say how many of those were read from or written to the provider's prompt cache.
    """

    input_tokens: int | None = None
    """Every prompt token, cached ones included."""
    output_tokens: int | None = None
    """Every reply token, hidden reasoning included."""
    cached_input_tokens: int | None = None
    """Prompt tokens read from the provider's cache (OpenAI ``cached_tokens``, Anthropic cache reads)."""
    cache_write_tokens: int | None = None
    """Prompt tokens written to the provider's cache (Anthropic ``cache_creation_input_tokens``)."""
    reasoning_tokens: int | None = None
    """Reply tokens spent on hidden reasoning (OpenAI ``reasoning_tokens``)."""

    def to_meta(self) -> dict[str, int]:
        """The reported counts (``None`` left out), as stored under ``Verdict.meta["usage"]``."""
        values = (
            ("input_tokens", self.input_tokens),
            ("output_tokens", self.output_tokens),
            ("cached_input_tokens", self.cached_input_tokens),
            ("cache_write_tokens", self.cache_write_tokens),
            ("reasoning_tokens", self.reasoning_tokens),
        )
        return {name: value for name, value in values if value is not None}

    @classmethod
    def from_meta(cls, data: Mapping[str, Any]) -> TokenUsage:
        """Inverse of :meth:`to_meta` (unknown keys and non-integers ignored)."""
        return cls(**{f: data[f] for f in cls.__slots__ if isinstance(data.get(f), int)})

    def __add__(self, other: TokenUsage) -> TokenUsage:
        """Counts of two calls of one draw added (``None`` only when neither reported it)."""

        def plus(a: int | None, b: int | None) -> int | None:
            return None if a is None and b is None else (a or 0) + (b or 0)

        return TokenUsage(*(plus(getattr(self, f), getattr(other, f)) for f in self.__slots__))


@dataclass(frozen=True, slots=True)
class Verdict:
    """What a judge said about one draw.

    ``outcome`` is, by mode: grade ``correct``/``incorrect``; pairwise the preferred response *id* (never
    a slot letter) or ``tie``; score the integer score as text. It is set only when ``status`` is judged.
    """

    status: Status
    """How the draw ended."""
    outcome: str | None = None
    """The verdict (see class docstring); ``None`` unless judged."""
    score: float | None = None
    """Score mode: the numeric score."""
    extracted_answer: str | None = None
    """The final answer the judge says it extracted from the response, where it reports one."""
    confidence: float | None = None
    """Confidence in percent (0–100) where the judge reports one (HLE: taken from the response)."""
    reasoning: str | None = field(default=None, metadata=_STORE_ONLY)
    """The judge's stated reasoning, where it gives one (kept in the store, not in the per-draw table)."""
    reason: str | None = None
    """Why the draw is unscored, errored or skipped."""
    error_kind: ErrorKind | None = None
    """Errors only: the kind of failure."""
    raw_reply: str | None = None
    """The judge's reply exactly as received (kept for audit, also when unscored)."""
    prompt: str | None = None
    """The rendered prompt (LLM backends), for audit."""
    latency_s: float | None = None
    """Wall time of the successful attempt."""
    attempts: int = 1
    """Attempts made (retries included)."""
    input_tokens: int | None = None
    """Prompt tokens reported by the backend (every prompt token, those read from a prompt cache included)."""
    output_tokens: int | None = None
    """Completion tokens reported by the backend."""
    cached_input_tokens: int | None = None
    """Of ``input_tokens``: those the provider read from its prompt cache (billed at the cached price)."""
    meta: Mapping[str, Any] = field(default_factory=dict, metadata=_STORE_ONLY)
    """Backend-specific extras (JSON-serialisable; kept in the store, not in the per-draw table)."""

    @property
    def usage(self) -> TokenUsage:
        """The draw's token usage: ``meta["usage"]`` where the backend recorded it, else the two typed
        counts."""
        recorded = self.meta.get(USAGE_META_KEY)
        if isinstance(recorded, Mapping):
            return TokenUsage.from_meta(recorded)
        return TokenUsage(
            input_tokens=self.input_tokens,
            output_tokens=self.output_tokens,
            cached_input_tokens=self.cached_input_tokens,
        )

    @classmethod
    def judged(cls, outcome: str, **kw: Any) -> Verdict:
        """A verdict in the agreed form."""
        return cls(status=Status.JUDGED, outcome=outcome, **kw)

    @classmethod
    def unscored(cls, reason: str, **kw: Any) -> Verdict:
        """A reply that cannot be read as a verdict; never counted as right or wrong."""
        return cls(status=Status.UNSCORED, reason=reason, **kw)

    @classmethod
    def error(cls, kind: ErrorKind, reason: str, **kw: Any) -> Verdict:
        """No usable reply (after retries)."""
        return cls(status=Status.ERROR, error_kind=kind, reason=reason, **kw)

    @classmethod
    def skipped(cls, reason: str, **kw: Any) -> Verdict:
        """The judge does not handle this kind of request."""
        return cls(status=Status.SKIPPED, reason=reason, **kw)

    def plain(self) -> dict[str, Any]:
        """Every field by name, enums as their text (``meta`` is the verdict's own mapping, not a copy)."""
        values = {name: getattr(self, name) for name in VERDICT_FIELDS}
        values["status"] = str(self.status)
        values["error_kind"] = str(self.error_kind) if self.error_kind else None
        return values

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        data = self.plain()
        data["meta"] = dict(self.meta)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Verdict:
        """Inverse of :meth:`to_dict`."""
        values = dict(data)
        values["status"] = Status(values["status"])
        if values.get("error_kind"):
            values["error_kind"] = ErrorKind(values["error_kind"])
        return cls(**values)


VERDICT_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Verdict))
"""Every field of a verdict, in order: the store keeps them all (the one definition of a verdict's shape; the
record, the store's row layout and the frame's columns are derived from it)."""

TABULAR_VERDICT_FIELDS: tuple[str, ...] = tuple(
    f.name for f in fields(Verdict) if f.metadata.get("tabular", True)
)
"""The verdict fields that are columns of the per-draw table (a record's ``to_dict``, the frame,
``results.jsonl``): all but the free text ``reasoning`` and the backend's ``meta``."""

RETRYABLE: frozenset[ErrorKind] = frozenset(
    {ErrorKind.TIMEOUT, ErrorKind.RATE_LIMIT, ErrorKind.SERVER, ErrorKind.CONNECTION}
)
"""Error kinds worth another attempt (the others fail the same way every time)."""


def is_retryable(verdict: Verdict) -> bool:
    """Whether ``verdict`` is an error that another attempt may fix."""
    return verdict.status is Status.ERROR and verdict.error_kind in RETRYABLE


def is_empty_reply(verdict: Verdict) -> bool:
    """Whether the judge answered with nothing (an empty or blank reply, unscored): often a passing fault of
    the server, so worth another attempt or two."""
    return (
        verdict.status is Status.UNSCORED and verdict.raw_reply is not None and not verdict.raw_reply.strip()
    )
