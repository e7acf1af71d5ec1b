"""Accuracy against the adjudicated labels, and HLE-style accuracy with calibration error.

Disputed-reference cases (``reference_doubt``) are kept in rows of their own: a disagreement there may be the
judge being right against a wrong reference, so it is not counted as a judge error.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import pandas as pd

from judgeprobe.harness.stats.calibration import rms_calibration_error
from judgeprobe.harness.stats.effects import draw_counts, rate
from judgeprobe.harness.stats.schema import (
    AccuracyRow,
    CalibrationBinModel,
    CalibrationModel,
    Disagreement,
    HleMetrics,
    Settings,
)

__all__ = ["accuracy_rows", "disagreements", "hle_metrics", "stage_rows"]


def stage_rows(frame: pd.DataFrame, stage: str) -> pd.DataFrame:
    """Draws of a stage: ``before`` = base draws without placebo; ``after`` = invariant variant draws."""
    if stage == "before":
        return frame[(frame["relation"] == "base") & ~frame["placebo"].astype(bool)]
    return frame[frame["relation"] == "invariant"]


def _kind(row_mode: str, kind: object) -> str:
    if row_mode != "grade":
        return row_mode
    return kind if isinstance(kind, str) and kind else "unknown"


def accuracy_rows(frame: pd.DataFrame, settings: Settings) -> list[AccuracyRow]:
    """Agreement with labels by answer kind, stage and reference doubt (judged draws), with the unscored
    (undecided) draws of each row counted apart."""
    rows: list[AccuracyRow] = []
    for stage in ("before", "after"):
        part = stage_rows(frame, stage)
        part = part[part["judged"] | (part["status"] == "unscored")]
        if part.empty:
            continue
        modes, answer_kinds = part["mode"].tolist(), part["answer_kind"].tolist()
        kinds = [_kind(m, k) for m, k in zip(modes, answer_kinds, strict=True)]
        keyed = part.assign(_kind=kinds, _agree=part["agrees_with_label"].fillna(False).astype(bool))
        for (kind, doubt), group in keyed.groupby(["_kind", "reference_doubt"], sort=True):
            judged = group[group["judged"]]
            rows.append(
                AccuracyRow(
                    answer_kind=str(kind),
                    reference_doubt=bool(doubt),
                    stage=stage,
                    agreement=rate(int(judged["_agree"].sum()), len(judged), confidence=settings.confidence),
                    undecided=int((group["status"] == "unscored").sum()),
                )
            )
    return rows


def hle_metrics(frame: pd.DataFrame, settings: Settings) -> list[HleMetrics]:
    """Accuracy (over judged and over all draws) and RMS calibration error, before and after perturbation.

    Grade-mode draws only. Calibration covers judged draws that state a confidence; the summary gives its
    ``n`` next to the accuracy's so the two coverages can be compared.
    """
    out: list[HleMetrics] = []
    for stage in ("before", "after"):
        part = stage_rows(frame, stage)
        part = part[part["mode"] == "grade"]
        if part.empty:
            continue
        judged = part[part["judged"]]
        agree = judged["agrees_with_label"].fillna(False).astype(bool)
        with_conf = judged[judged["confidence"].notna()]
        calibration = rms_calibration_error(
            [min(1.0, max(0.0, float(c) / 100.0)) for c in with_conf["confidence"]],
            with_conf["agrees_with_label"].fillna(False).astype(bool).tolist(),
            bin_size=settings.calibration_bin_size,
        )
        model = None
        if calibration is not None:
            model = CalibrationModel(
                rms=calibration.rms,
                n=calibration.n,
                bin_size=calibration.bin_size,
                bins=tuple(
                    CalibrationBinModel(n=b.n, mean_confidence=b.mean_confidence, accuracy=b.accuracy)
                    for b in calibration.bins
                ),
            )
        out.append(
            HleMetrics(
                stage=stage,
                draws=draw_counts(part["status"]),
                accuracy=rate(int(agree.sum()), len(judged), confidence=settings.confidence),
                accuracy_all=rate(int(agree.sum()), len(part), confidence=settings.confidence),
                calibration=model,
            )
        )
    return out


def disagreements(frame: pd.DataFrame) -> list[Disagreement]:
    """Units whose modal unperturbed verdict disagrees with their label, sorted by (doubt, case, unit)."""
    from judgeprobe.harness.stats.units import base_verdicts
    from judgeprobe.harness.store.frame import agrees_with_label

    verdicts = base_verdicts(frame)
    if verdicts.empty:
        return []
    base = stage_rows(frame, "before")
    judged = base[base["judged"]]
    columns = ("case_id", "unit_id", "outcome", "mode", "answer_kind", "extracted_answer", "reference_doubt")
    first: dict[tuple[str, str, str], dict[Hashable, Any]] = {}
    for values in zip(*(judged[name].tolist() for name in columns), strict=True):
        key = (str(values[0]), str(values[1]), str(values[2]))
        if key not in first:  # each unit's first draw of each outcome
            first[key] = dict(zip(columns, values, strict=True))
    out: list[Disagreement] = []
    for case_id, unit_id, outcome, label in zip(
        verdicts["case_id"],
        verdicts["unit_id"],
        verdicts["base_outcome"],
        verdicts["base_label"],
        strict=True,
    ):
        draw = first[(str(case_id), str(unit_id), str(outcome))]
        mode = str(draw["mode"])
        if agrees_with_label(mode, str(label), str(outcome), None):
            continue
        extracted = draw["extracted_answer"]
        out.append(
            Disagreement(
                case_id=str(case_id),
                unit_id=str(unit_id),
                answer_kind=_kind(mode, draw["answer_kind"]),
                label=str(label),
                outcome=str(outcome),
                extracted_answer=extracted if isinstance(extracted, str) else None,
                reference_doubt=bool(draw["reference_doubt"]),
            )
        )
    return sorted(out, key=lambda d: (d.reference_doubt, d.case_id, d.unit_id))
