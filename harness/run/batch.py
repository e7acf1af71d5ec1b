"""Batch scale-out: export a run's pending requests as a batch file, import the results.

The layout follows the judge's API (``HttpJudge.batch_format``):

* **OpenAI** (also vLLM's ``run_batch``): request lines
  ``{"custom_id", "method": "POST", "url": "/v1/chat/completions", "body": {...}}``; result lines
  ``{"custom_id", "response": {"status_code", "body": {<chat completion>}}, "error": null}`` (or an
  ``error`` object ``{code, message}``); vLLM's ``run_batch`` of mid-2024 (0.4) wrote the chat completion
  itself as ``response``, without the status and body, and is read too.
* **Anthropic Message Batches**: request lines ``{"custom_id", "params": {model, max_tokens, messages, …}}``;
  result lines ``{"custom_id", "result": {"type": "succeeded", "message": {...}}}``, or ``errored`` (with the
  API error: ``{"type": "error", "error": {"type", "message"}}``), ``canceled`` or ``expired``.

Export writes one line per *pending* request (planned, not yet finished in the store, identical requests
once); the body is exactly what the judge would send live (:meth:`HttpJudge.http_calls`). A pair judged in
both orders is two lines: ``<cache key>`` and ``<cache key>-swapped``.

Import reads each result line by its own layout, turns it into the reply body (read by the judge's
:meth:`~judgeprobe.harness.judges.http.HttpJudge.completion_from`, the same reader as a live reply) or a
failure, and builds the verdict as a live call does (:meth:`LLMJudge.assemble`). A failure becomes an error
verdict of the matching kind — rate limits and overload retryable, a refused request a client error, a
canceled or expired request a server or timeout error — and is not cached, so a rerun or the next export asks
again. A line in the other API's layout, a missing order, or an unknown id is reported as a problem with its
line number. Every planned draw with the cache key is written to the store.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import urlsplit

from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.core.records import DrawRecord, record_for
from judgeprobe.harness.core.request import JudgeRequest, request_cache_key, request_content_key
from judgeprobe.harness.core.secrets import Redactor
from judgeprobe.harness.core.verdict import ErrorKind
from judgeprobe.harness.judges.base import Judge
from judgeprobe.harness.judges.completion import AttemptFailed, Completion
from judgeprobe.harness.judges.http import HttpJudge
from judgeprobe.harness.judges.reading import Attempt
from judgeprobe.harness.run.runner import plan_draws
from judgeprobe.probes.variant import Variant

if TYPE_CHECKING:
    from judgeprobe.harness.store import RunStore

__all__ = ["SWAPPED_SUFFIX", "ExportResult", "ImportResult", "export_requests", "import_results"]

SWAPPED_SUFFIX = "-swapped"
"""Appended to the cache key for the second order of a pair judged in both orders."""

_ANTHROPIC_ERRORS = {
    "rate_limit_error": ErrorKind.RATE_LIMIT,
    "overloaded_error": ErrorKind.SERVER,
    "api_error": ErrorKind.SERVER,
    "timeout_error": ErrorKind.TIMEOUT,
}
"""Anthropic error types that another attempt may fix; every other type is a client error."""


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote."""

    written: int
    """Request lines written."""
    planned: int
    """Draws planned."""
    finished: int
    """Planned draws already finished in the store (not exported)."""
    duplicates: int
    """Pending draws sharing a request with an exported line."""
    unsupported: int
    """Draws of a mode the judge does not handle (not exported)."""
    format: str = "openai"
    """The layout written: ``openai`` or ``anthropic``."""


@dataclass(frozen=True)
class ImportResult:
    """What an import stored."""

    lines: int
    """Result lines read."""
    draws: int
    """Draws written to the store."""
    judged: int
    """Of the requests: replies read as a verdict."""
    unscored: int
    """Of the requests: replies that could not be read as a verdict."""
    errors: int
    """Of the requests: failed (HTTP error, batch error, canceled, expired)."""
    problems: tuple[str, ...] = field(default_factory=tuple)
    """Lines that could not be used, each with its line number and why (unknown id, not JSON, …)."""


def _http_judge(judge: Judge) -> HttpJudge:
    if not isinstance(judge, HttpJudge):
        raise ConfigError(
            f"batch export/import needs an HTTP model backend (openai, anthropic); {judge.name} sends no "
            "HTTP requests"
        )
    return judge


def _planned(
    store: RunStore, judge: Judge, *, repeats: int
) -> Iterator[tuple[Variant, int, bool, JudgeRequest, str, str]]:
    variants = list(store.iter_variants())
    for variant, draw, placebo in plan_draws(variants, repeats=repeats):
        request = JudgeRequest.from_variant(variant, draw=draw)
        request_key = request_content_key(request)
        yield variant, draw, placebo, request, request_key, request_cache_key(judge.config_hash, request_key)


def _custom_id(cache_key: str, order: int) -> str:
    return cache_key if order == 0 else f"{cache_key}{SWAPPED_SUFFIX}"


async def export_requests(judge: Judge, store: RunStore, out: TextIO, *, repeats: int) -> ExportResult:
    """Write the pending requests of ``store``'s variants for ``judge`` to ``out`` as batch JSONL.

    Raises:
        ConfigError: The judge is not an HTTP model backend, or the store holds no variants.
    """
    http = _http_judge(judge)
    known = store.finished_keys(judge.config_hash)
    seen: set[str] = set()
    planned = finished = duplicates = unsupported = written = 0
    for variant, _, _, request, _, cache_key in _planned(store, judge, repeats=repeats):
        planned += 1
        if cache_key in known:
            finished += 1
        elif not judge.supports(variant.mode):
            unsupported += 1
        elif cache_key in seen:
            duplicates += 1
        else:
            seen.add(cache_key)
            for order, call in enumerate(http.http_calls(request)):
                custom_id = _custom_id(cache_key, order)
                line: dict[str, Any]
                if http.batch_format == "anthropic":
                    line = {"custom_id": custom_id, "params": call.body}
                else:
                    path = urlsplit(call.url).path
                    line = {"custom_id": custom_id, "method": "POST", "url": path, "body": call.body}
                out.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
                written += 1
    if planned == 0:
        raise ConfigError(
            f"the store {store.path} holds no variants; a run into this folder stores them (judgeprobe run)"
        )
    return ExportResult(written, planned, finished, duplicates, unsupported, http.batch_format)


def _openai_result(line: dict[str, Any]) -> dict[str, Any] | AttemptFailed:
    """The chat-completion body of an OpenAI batch result line, or its failure."""
    response = line.get("response")
    error = line.get("error")
    if isinstance(response, dict):
        status = response.get("status_code")
        if isinstance(status, int) and status >= 400:
            # vLLM's run_batch leaves the body empty and puts the reason in ``error`` (an object or a text)
            detail = response.get("body") if response.get("body") is not None else error
            return AttemptFailed.from_status(status, json.dumps(detail), None)
        if isinstance(response.get("body"), dict) and not error:
            body: dict[str, Any] = response["body"]
            return body
        if "status_code" not in response and isinstance(response.get("choices"), list) and not error:
            # vLLM's run_batch before the status/body wrapper (0.4, mid-2024) wrote the chat completion
            # itself as the response
            return response
    message = error.get("message") if isinstance(error, dict) else error
    code = error.get("code") if isinstance(error, dict) else None
    detail = str(message)[:300] if message else "no response and no error message"
    prefix = f"{code}: " if code else ""
    return AttemptFailed(ErrorKind.SERVER, f"batch engine reported an error: {prefix}{detail}")


def _anthropic_result(result: dict[str, Any]) -> dict[str, Any] | AttemptFailed | str:
    """The Message of an Anthropic result, its failure, or a problem (text) when the line is malformed."""
    kind = result.get("type")
    if kind == "succeeded":
        message = result.get("message")
        return message if isinstance(message, dict) else "a succeeded result without a message object"
    if kind == "errored":
        error = result.get("error")
        inner = error.get("error", error) if isinstance(error, dict) else {}
        inner = inner if isinstance(inner, dict) else {}
        error_type = str(inner.get("type") or "unknown_error")
        message = str(inner.get("message") or "no message")[:300]
        error_kind = _ANTHROPIC_ERRORS.get(error_type, ErrorKind.CLIENT)
        return AttemptFailed(error_kind, f"the batch request errored: {error_type}: {message}")
    if kind == "canceled":
        return AttemptFailed(ErrorKind.SERVER, "the batch was canceled before this request was processed")
    if kind == "expired":
        return AttemptFailed(ErrorKind.TIMEOUT, "the batch expired before this request was processed")
    return f"result type {kind!r} is not succeeded, errored, canceled or expired"


def _read_line(http: HttpJudge, line: Any) -> tuple[str, Completion | AttemptFailed] | str:
    """``(custom_id, completion or failure)`` of one result line, or the problem with it."""
    if not isinstance(line, dict) or not isinstance(line.get("custom_id"), str):
        return "no custom_id"
    custom_id = line["custom_id"]
    if isinstance(line.get("result"), dict):
        if http.batch_format != "anthropic":
            return f"an Anthropic Message Batches result, but judge {http.name} speaks the OpenAI API"
        outcome: dict[str, Any] | AttemptFailed | str = _anthropic_result(line["result"])
    elif "response" in line or "error" in line:
        if http.batch_format != "openai":
            return f"an OpenAI batch result, but judge {http.name} speaks the Anthropic Messages API"
        outcome = _openai_result(line)
    else:
        return "neither an OpenAI batch result (response/error) nor an Anthropic one (result)"
    if isinstance(outcome, str):
        return outcome
    if isinstance(outcome, AttemptFailed):
        return custom_id, outcome
    try:
        return custom_id, http.completion_from(outcome)
    except AttemptFailed as exc:
        return custom_id, exc


async def import_results(
    judge: Judge, store: RunStore, lines: Iterable[str], *, repeats: int
) -> ImportResult:
    """Read batch result lines through ``judge`` and write every matching planned draw to ``store``."""
    http = _http_judge(judge)
    by_key: dict[str, list[tuple[Variant, int, bool, JudgeRequest, str]]] = {}
    for variant, draw, placebo, request, request_key, cache_key in _planned(store, judge, repeats=repeats):
        by_key.setdefault(cache_key, []).append((variant, draw, placebo, request, request_key))
    problems: list[str] = []
    redactor = Redactor(judge.secret_values())
    results: dict[str, dict[int, tuple[int, Completion | AttemptFailed]]] = {}
    count = 0
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        count += 1
        try:
            line = json.loads(text)
        except ValueError:
            problems.append(f"line {number}: not JSON")
            continue
        read = _read_line(http, line)
        if isinstance(read, str):
            problems.append(f"line {number}: {read}")
            continue
        custom_id, outcome = read
        key, order = (
            (custom_id[: -len(SWAPPED_SUFFIX)], 1) if custom_id.endswith(SWAPPED_SUFFIX) else (custom_id, 0)
        )
        if key not in by_key:
            problems.append(f"line {number}: custom_id {custom_id!r} matches no planned draw of this judge")
            continue
        results.setdefault(key, {})[order] = (number, outcome)
    doubts = store.reference_doubts()
    draws = judged = unscored = errors = 0
    for key, parts in results.items():
        targets = by_key[key]
        request = targets[0][3]
        attempts = []
        for order, (shown, call) in enumerate(
            zip(http.presentations(request), http.http_calls(request), strict=True)
        ):
            if order not in parts:
                lines_seen = ", ".join(str(n) for n, _ in parts.values())
                problems.append(
                    f"line {lines_seen}: no result for {_custom_id(key, order)!r}; draw not imported"
                )
                break
            attempts.append(Attempt(shown, call.messages, parts[order][1]))
        else:
            verdict = http.assemble(request, attempts)
            verdict = redactor.verdict(verdict)  # secrets never reach the store
            verdict = replace(verdict, latency_s=None, meta={**verdict.meta, "batch": True})
            judged += verdict.status == "judged"
            unscored += verdict.status == "unscored"
            errors += verdict.status == "error"
            rows: list[DrawRecord] = []
            for index, (variant, draw, placebo, _, request_key) in enumerate(targets):
                record = record_for(
                    variant, verdict, run_id=store.run_id, judge=judge.name, judge_hash=judge.config_hash,
                    draw=draw, placebo=placebo, cache_key=key, request_key=request_key, cached=index > 0,
                    reference_doubt=doubts.get(variant.case_id, False),
                )  # fmt: skip
                rows.append(record)
            store.put_draws(rows)
            draws += len(rows)
    return ImportResult(count, draws, judged, unscored, errors, tuple(problems))
