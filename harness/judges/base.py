"""The judge contract (design §5): one async method, a request in, a verdict out.

Every backend (built-in reference graders, HTTP model APIs, a command, a Python callable, replay, the
scripted mock) implements :class:`Judge`. Backends are registered by name with :func:`register_backend`;
``harness.judges.registry`` turns a spec string or TOML file into a configured judge.
"""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from enum import StrEnum
from typing import Any

from cases.models import Mode
from probes.variant import Variant

__all__ = [
    "ErrorKind",
    "Judge",
    "JudgeRequest",
    "Status",
    "Verdict",
]


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


@dataclass(frozen=True, slots=True)
class JudgeRequest:
    """Everything a judge may read about one draw of one variant.

    Built-in reference graders read only question, reference, response text, answer kind and choices;
    never the case's ``equivalents`` or labels (those are not in the request at all).
    """

    mode: Mode
    """Judging mode."""
    question: str
    """Question text."""
    reference: str | None
    """Reference answer (grade mode; optional otherwise)."""
    responses: tuple[str, ...]
    """Response texts in presentation order (one for grade/score, two for pairwise)."""
    response_ids: tuple[str, ...]
    """Identities of the responses, same order; pairwise slot verdicts map back to these."""
    answer_kind: str | None = None
    """Answer kind (grade mode)."""
    choices: tuple[tuple[str, str], ...] | None = None
    """Multiple-choice options ``(letter, text)`` in display order."""
    presentation: tuple[tuple[str, str], ...] = ()
    """Presentation attributes (e.g. ``field_order``) that templates honour."""
    draw: int = 0
    """Draw index (repeats of the same request differ only here)."""

    @classmethod
    def from_variant(cls, variant: Variant, *, draw: int = 0) -> JudgeRequest:
        """The request for one draw of a variant."""
        return cls(
            mode=variant.mode,
            question=variant.question,
            reference=variant.reference,
            responses=tuple(s.text for s in variant.slots),
            response_ids=tuple(s.response_id for s in variant.slots),
            answer_kind=variant.answer_kind,
            choices=variant.choices,
            presentation=variant.presentation,
            draw=draw,
        )

    def content_key(self) -> str:
        """Hash of the request content including the draw index (not the judge; see :meth:`cache_key`).

        Canonical JSON of every field (no ``asdict`` deep copy: this is on the runner's hot path).
        """
        payload = {f.name: getattr(self, f.name) for f in fields(self)}
        payload["mode"] = str(self.mode)
        blob = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode()).hexdigest()

    def cache_key(self, judge_hash: str) -> str:
        """Key of this draw for this judge configuration: identical keys are sent once and never again."""
        return hashlib.sha256(f"{judge_hash}\x00{self.content_key()}".encode()).hexdigest()[:32]

    def presentation_value(self, key: str, default: str) -> str:
        """Look up one presentation attribute."""
        return dict(self.presentation).get(key, default)


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
    reasoning: str | None = None
    """The judge's stated reasoning, where it gives one."""
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
    """Prompt tokens reported by the backend."""
    output_tokens: int | None = None
    """Completion tokens reported by the backend."""
    meta: Mapping[str, Any] = field(default_factory=dict)
    """Backend-specific extras (JSON-serialisable)."""

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

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        data = asdict(self)
        data["status"] = str(self.status)
        data["error_kind"] = str(self.error_kind) if self.error_kind else None
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


class Judge(ABC):
    """A configured judge. Subclasses implement :meth:`judge`; everything else has defaults.

    ``config_hash`` identifies the configuration (backend, model, URL, template text, sampling parameters;
    never a secret). It is part of every cache key and every result, so a changed prompt is a new judge.
    """

    name: str = "judge"
    """Display name, e.g. ``builtin:reference`` or ``openai:gpt-4o-mini@http://127.0.0.1:8000/v1``."""
    config_hash: str = ""
    """Content hash of the configuration (see class docstring)."""
    max_concurrency: int | None = None
    """Upper bound on concurrent calls this backend tolerates (``None``: the runner decides)."""

    @abstractmethod
    async def judge(self, request: JudgeRequest) -> Verdict:
        """Judge one draw. Must not raise for judge-side failures: return an unscored or error verdict."""

    async def aclose(self) -> None:  # noqa: B027 - optional hook with a no-op default
        """Release connections or processes; called once by the runner at the end of a run."""

    def preflight(self) -> None:  # noqa: B027 - optional hook with a no-op default
        """Check the configuration once before the first call (e.g. that the API key variable is set).

        Raises:
            harness.errors.ConfigError: The judge cannot work as configured; the run does not start.
        """

    def supports(self, mode: Mode) -> bool:
        """Whether this judge handles requests of ``mode`` (others are recorded as skipped)."""
        return True
