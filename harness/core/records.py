"""One draw, as stored and as analysed: the row contract shared by the store, the statistics and the reports.

A :class:`DrawRecord` is one judge call on one variant (or a cache hit standing in for one): where the draw
sits (run, judge, variant, draw index, cache keys) and the judge's
:class:`~judgeprobe.harness.core.verdict.Verdict`. Runs write records to the SQLite store as they complete;
``judgeprobe.harness.store.frame.load_run`` turns them into a pandas DataFrame whose columns are
:data:`COLUMNS` (the draw's fields, then the verdict's tabular fields), one row per draw, and
``results.jsonl`` holds the same. A verdict's fields are defined once, on the ``Verdict`` class; the record,
the store's row layout and the frame's columns are all derived from that definition.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from judgeprobe.harness.core.verdict import TABULAR_VERDICT_FIELDS, Verdict
from judgeprobe.probes.variant import Variant

__all__ = ["COLUMNS", "DRAW_FIELDS", "DrawRecord", "record_for"]


@dataclass(frozen=True, slots=True)
class DrawRecord:
    """One draw of one variant by one judge configuration."""

    run_id: str
    """Id of the store (the run folder) that holds the draw; not the run key, since a folder may hold several
    runs (see ``judgeprobe.harness.store.runs``)."""
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
    verdict: Verdict
    """What the judge said. Its fields in :data:`~judgeprobe.harness.core.verdict.TABULAR_VERDICT_FIELDS`
    are the record's remaining columns (``status``, ``outcome``, ``score``, …, ``output_tokens``), in the
    verdict's own field order; see :class:`~judgeprobe.harness.core.verdict.Verdict` for each."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (one line of ``results.jsonl``): the draw's fields, then the verdict's tabular
        fields as text and numbers, keyed by :data:`COLUMNS`."""
        values = {name: getattr(self, name) for name in DRAW_FIELDS}
        verdict = self.verdict.plain()
        values.update((name, verdict[name]) for name in TABULAR_VERDICT_FIELDS)
        return values


DRAW_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(DrawRecord) if f.name != "verdict")
"""The fields that place a draw (run, judge, variant, draw index, cache keys), in order."""

COLUMNS: tuple[str, ...] = (*DRAW_FIELDS, *TABULAR_VERDICT_FIELDS)
"""Column names of the per-draw DataFrame, in order: :data:`DRAW_FIELDS`, then the verdict's tabular
fields."""


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
        verdict=verdict,
    )
