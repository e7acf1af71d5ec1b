"""Batch scale-out: export a run's pending requests as OpenAI batch JSONL, import the results (design §6).

Export writes one line per *pending* request (planned, not yet finished in the store, identical requests
once)::

    {"custom_id": "<cache key>", "method": "POST", "url": "/v1/chat/completions", "body": {...}}

The body is exactly what the judge would send live: the judge renders and builds it itself, and the export
captures it at the judge's HTTP call (``HttpJudge.post_json``) instead of sending it. Any engine that runs
OpenAI batch files (the OpenAI or Anthropic batch APIs, vLLM's ``run_batch``, Ray Data) can execute it.

Import reads the engine's output lines::

    {"custom_id": "<cache key>", "response": {"status_code": 200, "body": {<chat completion>}}, "error": null}

and feeds each body back through the same judge call, so it is parsed by the same reply parser as a live
reply; an HTTP error or a batch ``error`` becomes an error verdict of the matching kind (not cached, so a
rerun or the next export asks again). Every planned draw with that cache key is written to the store.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import urlsplit

from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.core.records import DrawRecord, record_for
from judgeprobe.harness.core.request import JudgeRequest, request_cache_key, request_content_key
from judgeprobe.harness.core.secrets import Redactor
from judgeprobe.harness.core.verdict import ErrorKind, Verdict
from judgeprobe.harness.judges.base import Judge
from judgeprobe.harness.run.runner import plan_draws
from judgeprobe.probes.variant import Variant

if TYPE_CHECKING:
    from judgeprobe.harness.store import RunStore

__all__ = ["ExportResult", "ImportResult", "export_requests", "import_results"]


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


@dataclass(frozen=True)
class ImportResult:
    """What an import stored."""

    lines: int
    """Result lines read."""
    draws: int
    """Draws written to the store."""
    judged: int
    """Of the lines: replies read as a verdict."""
    unscored: int
    """Of the lines: replies that could not be read as a verdict."""
    errors: int
    """Of the lines: failed requests (HTTP error or batch error)."""
    problems: tuple[str, ...] = field(default_factory=tuple)
    """Lines that could not be used, each with its line number and why (unknown id, not JSON, …)."""


class _Captured(Exception):
    """Raised by the export's stand-in for the HTTP call once it has the request body."""


def _http_judge(judge: Judge) -> Any:
    if not callable(getattr(judge, "post_json", None)):
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


async def export_requests(judge: Judge, store: RunStore, out: TextIO, *, repeats: int) -> ExportResult:
    """Write the pending requests of ``store``'s variants for ``judge`` to ``out`` as batch JSONL.

    Raises:
        ConfigError: The judge is not an HTTP model backend, or the store holds no variants.
    """
    http = _http_judge(judge)
    captured: list[tuple[str, dict[str, Any]]] = []

    async def capture(url: str, body: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        captured.append((url, body))
        raise _Captured

    known = store.finished_keys(judge.config_hash)
    seen: set[str] = set()
    planned = finished = duplicates = unsupported = written = 0
    original = http.__dict__.get("post_json")
    http.post_json = capture
    try:
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
                captured.clear()
                with contextlib.suppress(_Captured):
                    await judge.judge(request)
                if not captured:
                    raise ConfigError(f"{judge.name} made no HTTP request for a {variant.mode} request")
                url, body = captured[0]
                line = {"custom_id": cache_key, "method": "POST", "url": urlsplit(url).path, "body": body}
                out.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
                written += 1
    finally:
        if original is None:
            del http.post_json
        else:
            http.post_json = original
    if planned == 0:
        raise ConfigError(
            f"the store {store.path} holds no variants; a run into this folder stores them (judgeprobe run)"
        )
    return ExportResult(written, planned, finished, duplicates, unsupported)


def _failure(line: dict[str, Any]) -> Exception | None:
    """The failure a result line reports, or ``None`` for a 2xx reply."""
    from judgeprobe.harness.judges.llm import AttemptFailed

    response = line.get("response")
    error = line.get("error")
    if isinstance(response, dict):
        status = response.get("status_code")
        if isinstance(status, int) and status >= 400:
            return AttemptFailed.from_status(status, json.dumps(response.get("body")), None)
        if isinstance(response.get("body"), dict) and not error:
            return None
    message = error.get("message") if isinstance(error, dict) else error
    detail = str(message)[:300] or "unknown"
    return AttemptFailed(ErrorKind.SERVER, f"batch engine reported an error: {detail}")


async def import_results(
    judge: Judge, store: RunStore, lines: Iterable[str], *, repeats: int
) -> ImportResult:
    """Parse batch result lines through ``judge`` and write every matching planned draw to ``store``."""
    http = _http_judge(judge)
    by_key: dict[str, list[tuple[Variant, int, bool, JudgeRequest, str]]] = {}
    for variant, draw, placebo, request, request_key, cache_key in _planned(store, judge, repeats=repeats):
        by_key.setdefault(cache_key, []).append((variant, draw, placebo, request, request_key))
    doubts = store.reference_doubts()
    current: list[dict[str, Any]] = []

    async def answer(url: str, body: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        failure = _failure(current[0])
        if failure is not None:
            raise failure
        reply: dict[str, Any] = current[0]["response"]["body"]
        return reply

    problems: list[str] = []
    redactor = Redactor(judge.secret_values())
    count = draws = judged = unscored = errors = 0
    original = http.__dict__.get("post_json")
    http.post_json = answer
    try:
        for number, text in enumerate(lines, start=1):
            if not text.strip():
                continue
            count += 1
            try:
                line = json.loads(text)
            except ValueError:
                problems.append(f"line {number}: not JSON")
                continue
            key = line.get("custom_id") if isinstance(line, dict) else None
            targets = by_key.get(key) if isinstance(key, str) else None
            if not targets or not isinstance(key, str):
                problems.append(f"line {number}: custom_id {key!r} matches no planned draw of this judge")
                continue
            current[:] = [line]
            verdict = await judge.judge(targets[0][3])
            verdict = redactor.verdict(verdict)  # secrets never reach the store
            verdict = replace(verdict, latency_s=None, meta={**verdict.meta, "batch": True})
            judged += verdict.status == "judged"
            unscored += verdict.status == "unscored"
            errors += verdict.status == "error"
            rows: list[tuple[DrawRecord, Verdict]] = []
            for index, (variant, draw, placebo, _, request_key) in enumerate(targets):
                record = record_for(
                    variant, verdict, run_id=store.run_id, judge=judge.name, judge_hash=judge.config_hash,
                    draw=draw, placebo=placebo, cache_key=key, request_key=request_key, cached=index > 0,
                    reference_doubt=doubts.get(variant.case_id, False),
                )  # fmt: skip
                rows.append((record, verdict))
            store.put_draws(rows)
            draws += len(rows)
    finally:
        if original is None:
            del http.post_json
        else:
            http.post_json = original
    return ImportResult(count, draws, judged, unscored, errors, tuple(problems))
