"""One draw, as stored and as analysed: the row contract shared by the store, the statistics and the reports.

A :class:`DrawRecord` is one judge call on one variant (or a cache hit standing in for one). Runs write them
to the SQLite store as they complete and to ``results.jsonl``; ``judgeprobe.harness.store.frame.load_run``
turns them into a
pandas DataFrame whose columns are exactly the fields below (in this order), one row per draw.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from judgeprobe.harness.core.verdict import Verdict
from judgeprobe.probes.variant import Variant

__all__ = ["COLUMNS", "DrawRecord", "record_for"]


@dataclass(frozen=True, slots=True)
class DrawRecord:
    """One draw of one variant by one judge configuration."""

    run_id: str
    """Id of the run (the output folder's store) that holds the draw."""
    judge: str
    """Display name of the judge."""
    judge_hash: str
    """Content hash of the judge configuration (template text included)."""
    variant_id: str
    """Stable content hash of the variant."""
    case_id: str
    """Case the variant came from."""
    unit_id: str
    """Unit within the case (response id; ``pair`` for pairwise)."""
    mode: str
    """``grade`` | ``pairwise`` | ``score``."""
    answer_kind: str | None
    """Answer kind of a grade case."""
    family: str
    """Probe family of the deciding step (``base`` for the unperturbed variant)."""
    probe: str
    """Name of the deciding (last) probe step (``base`` for the unperturbed variant)."""
    chain: str
    """Readable chain name (``base`` for none)."""
    relation: str
    """``base`` | ``invariant`` | ``control``."""
    label: str
    """Label the variant carries (see ``Variant.label``)."""
    dose: float | None
    """Dose of a graded probe."""
    final_answer: str | None
    """Final answer the variant's response states, where the probe knows it."""
    reference_doubt: bool
    """The case's reference is disputed."""
    draw: int
    """Draw index. For the base variant with ``repeats=K``, draws ``0..K-1`` give the base verdict and
    draws ``K..2K-1`` are the placebo (the judge's noise floor)."""
    placebo: bool
    """True for placebo draws of the base variant."""
    cache_key: str
    """Key of the request for this judge (identical keys are sent once)."""
    request_key: str
    """Hash of the request content alone (draw index included, judge excluded); replay looks it up."""
    cached: bool
    """True when the draw was served from the store rather than a new judge call in this invocation."""
    status: str
    """``judged`` | ``unscored`` | ``error`` | ``skipped``."""
    outcome: str | None
    """Verdict (grade ``correct``/``incorrect``; pairwise preferred response id or ``tie``; score as text)."""
    score: float | None
    """Score mode: numeric score."""
    extracted_answer: str | None
    """Answer the judge says it extracted."""
    confidence: float | None
    """Judge-reported confidence, percent."""
    reason: str | None
    """Why unscored / errored / skipped."""
    error_kind: str | None
    """Kind of error."""
    raw_reply: str | None
    """The judge's raw reply."""
    prompt: str | None
    """The rendered prompt."""
    latency_s: float | None
    """Latency of the successful attempt."""
    attempts: int
    """Attempts made."""
    input_tokens: int | None
    """Prompt tokens."""
    output_tokens: int | None
    """Completion tokens."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (one line of ``results.jsonl``)."""
        return asdict(self)


COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(DrawRecord))
"""Column names of the per-draw DataFrame, in order."""


def record_for(
    variant: Variant,
    verdict: Verdict,
    *,
    run_id: str,
    judge: str,
    judge_hash: str,
    draw: int,
    placebo: bool,
    cache_key: str,
    request_key: str,
    cached: bool,
    reference_doubt: bool,
) -> DrawRecord:
    """Combine a variant and a verdict into a record."""
    return DrawRecord(
        run_id=run_id,
        judge=judge,
        judge_hash=judge_hash,
        variant_id=variant.id,
        case_id=variant.case_id,
        unit_id=variant.unit_id,
        mode=str(variant.mode),
        answer_kind=variant.answer_kind,
        family=variant.family,
        probe=variant.probe,
        chain=variant.chain_name,
        relation=str(variant.relation),
        label=variant.label,
        dose=variant.dose,
        final_answer=variant.final_answer,
        reference_doubt=reference_doubt,
        draw=draw,
        placebo=placebo,
        cache_key=cache_key,
        request_key=request_key,
        cached=cached,
        status=str(verdict.status),
        outcome=verdict.outcome,
        score=verdict.score,
        extracted_answer=verdict.extracted_answer,
        confidence=verdict.confidence,
        reason=verdict.reason,
        error_kind=str(verdict.error_kind) if verdict.error_kind else None,
        raw_reply=verdict.raw_reply,
        prompt=verdict.prompt,
        latency_s=verdict.latency_s,
        attempts=verdict.attempts,
        input_tokens=verdict.input_tokens,
        output_tokens=verdict.output_tokens,
    )
