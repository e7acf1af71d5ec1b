"""From a model's reply, or its failure, to a verdict — the same way for a live call and a batch result.

:func:`verdict_of` parses one reply with the mode's parser and attaches what an audit needs: the rendered
prompt, the raw reply, latency, token usage (``Verdict.meta["usage"]``, see
:class:`~judgeprobe.harness.core.verdict.TokenUsage`), a refusal, a reply cut at the token limit, and
``meta["p_yes"]`` when log-probabilities came back for a grade reply
(:mod:`judgeprobe.harness.judges.logprobs`).

:func:`combine_orders` is the MT-Bench protocol for a pair judged in both orders (judge option
``both_orders``): the pair is shown as (A, B) and again as (B, A); the verdict is the preferred response when
both orders prefer the same one, and a tie when they disagree. Both prompts and both replies are kept,
separated by :data:`SWAPPED_ORDER`, and ``meta["orders"]`` lists what each order said. If either order failed,
the draw is an error (the runner retries it, both orders again); if either reply cannot be read, it is
unscored with the reason of that order.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from judgeprobe.cases.models import Mode
from judgeprobe.harness.core.request import JudgeRequest
from judgeprobe.harness.core.verdict import USAGE_META_KEY, Status, Verdict
from judgeprobe.harness.judges.completion import AttemptFailed, Completion, scrub
from judgeprobe.harness.judges.logprobs import p_yes
from judgeprobe.harness.judges.reply_format import ReplyFormat, read_with
from judgeprobe.harness.judges.templating import ChatMessage, prompt_text

__all__ = ["SWAPPED_ORDER", "Attempt", "combine_orders", "swapped", "verdict_of"]

SWAPPED_ORDER = "\n\n=== the same pair, responses in the swapped order ===\n\n"
"""Separates the two prompts (and the two replies) of a pair judged in both orders."""


@dataclass(frozen=True, slots=True)
class Attempt:
    """One call of the model: what was sent and what came back."""

    request: JudgeRequest
    """The request as presented (for the second order of a pair: the swapped request)."""
    messages: tuple[ChatMessage, ...]
    """The rendered messages."""
    result: Completion | AttemptFailed
    """The reply, or why there was none."""
    latency_s: float | None = None
    """Wall time of the call (``None`` for batch results)."""


def swapped(request: JudgeRequest) -> JudgeRequest:
    """The pairwise request with its two responses (and their ids) in the other order."""
    return replace(request, responses=request.responses[::-1], response_ids=request.response_ids[::-1])


def verdict_of(attempt: Attempt, *, secret: str | None = None, reply: ReplyFormat | None = None) -> Verdict:
    """The verdict of one call (``secret`` is scrubbed from error text; ``reply``: the judge's own reply
    format, else the mode's built-in contract)."""
    prompt = prompt_text(attempt.messages)
    result = attempt.result
    if isinstance(result, AttemptFailed):
        failure: dict[str, Any] = {"retry_after": result.retry_after, "status": result.status}
        if result.unreachable:
            failure["unreachable"] = True
        return Verdict.error(
            result.kind,
            scrub(result.reason, secret),
            prompt=prompt,
            latency_s=attempt.latency_s,
            meta=failure,
        )
    verdict = read_with(reply, attempt.request.mode, result.text, attempt.request, truncated=result.truncated)
    meta: dict[str, Any] = {**verdict.meta, **result.meta}
    reason = verdict.reason
    if result.refusal:
        meta["refusal"] = True
        if verdict.status is Status.UNSCORED:
            reason = f"the model refused to judge: {result.refusal[:200]}"
    if result.truncated:
        meta["truncated"] = True
        if reason is not None and "token limit" not in reason:
            reason = f"{reason} (the reply was cut at the token limit)"
    usage = result.token_usage()
    recorded = usage.to_meta()
    if recorded:
        meta[USAGE_META_KEY] = recorded
    if result.logprobs is not None and attempt.request.mode is Mode.GRADE:
        probability = p_yes(result.text, result.logprobs)
        if probability is not None:
            meta["p_yes"] = probability
    return replace(
        verdict,
        reason=reason,
        prompt=prompt,
        latency_s=attempt.latency_s,
        input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens,
        cached_input_tokens=usage.cached_input_tokens,
        meta=meta,
    )


def _joined(first: str | None, second: str | None) -> str | None:
    if first is None and second is None:
        return None
    return f"{first or ''}{SWAPPED_ORDER}{second or ''}"


def combine_orders(first: Verdict, second: Verdict) -> Verdict:
    """One verdict from a pair judged in the original order (``first``) and the swapped order (``second``).

    Both verdicts name the preferred response by id (the parser maps each order's slot back), so they are
    compared directly; see the module docstring for the rule.
    """
    usage = first.usage + second.usage
    orders = [
        {"order": name, "status": str(v.status), "outcome": v.outcome, "slot": v.meta.get("slot")}
        for name, v in (("original", first), ("swapped", second))
    ]
    shared: dict[str, Any] = {"orders": orders, "both_orders": True}
    if usage.to_meta():
        shared[USAGE_META_KEY] = usage.to_meta()
    latency = (
        None if first.latency_s is None or second.latency_s is None else first.latency_s + second.latency_s
    )
    common = {
        "prompt": _joined(first.prompt, second.prompt),
        "raw_reply": _joined(first.raw_reply, second.raw_reply),
        "latency_s": latency,
        "input_tokens": usage.input_tokens,
        "output_tokens": usage.output_tokens,
        "cached_input_tokens": usage.cached_input_tokens,
    }
    for status in (Status.ERROR, Status.UNSCORED):
        for name, verdict in (("original", first), ("swapped", second)):
            if verdict.status is status:
                meta = {**verdict.meta, **shared}
                reason = f"{name} order: {verdict.reason}"
                return replace(verdict, reason=reason, meta=meta, **common)  # type: ignore[arg-type]
    consistent = first.outcome == second.outcome
    outcome = first.outcome if consistent and first.outcome is not None else "tie"
    return Verdict.judged(
        outcome, reasoning=first.reasoning, meta={**shared, "consistent": consistent}, **common
    )
