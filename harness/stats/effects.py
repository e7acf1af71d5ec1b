"""Per-group statistics: flips against placebo for invariants, misses for controls, dose curves.

A group is one probe or one family. The inputs are rows of :func:`judgeprobe.harness.stats.units.draw_pairs`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from judgeprobe.harness.stats.classify import CLASSES, FlipKey, flip_class
from judgeprobe.harness.stats.exact import mcnemar
from judgeprobe.harness.stats.intervals import (
    cluster_bootstrap_difference,
    cluster_ratio,
    newcombe_paired,
    widen,
    wilson,
)
from judgeprobe.harness.stats.power import minimum_detectable_effect, pairs_to_decide
from judgeprobe.harness.stats.schema import (
    ControlResult,
    DoseCurve,
    DosePoint,
    DrawCounts,
    InvariantResult,
    Rate,
    Settings,
)

__all__ = ["control_result", "decide", "dose_curve", "draw_counts", "flip_keys", "invariant_fields", "rate"]


def rate(events: int, n: int, *, confidence: float = 0.95) -> Rate:
    """A :class:`Rate` with its Wilson interval."""
    ci = wilson(events, n, confidence=confidence)
    return Rate(events=events, n=n, rate=events / n if n else None, ci=(ci.low, ci.high))


def draw_counts(status: pd.Series) -> DrawCounts:
    """Draws by status."""
    counts = status.value_counts()
    return DrawCounts(
        draws=len(status),
        judged=int(counts.get("judged", 0)),
        unscored=int(counts.get("unscored", 0)),
        error=int(counts.get("error", 0)),
        skipped=int(counts.get("skipped", 0)),
    )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def flip_keys(rows: pd.DataFrame, choices: Mapping[str, Mapping[str, str]]) -> list[FlipKey]:
    """The :func:`~judgeprobe.harness.stats.classify.flip_class` arguments of each draw of these pair rows
    that a flip class counts: paired flips, and unscored draws of units with a base verdict."""
    flagged = rows[(rows["paired"] & rows["changed"]) | ((rows["status"] == "unscored") & rows["has_base"])]
    columns = ("status", "extracted_answer", "final_answer", "answer_kind", "variant_id")
    keys: list[FlipKey] = []
    for status, extracted, final, kind, variant_id in zip(
        *(flagged[name].tolist() for name in columns), strict=True
    ):
        options = choices.get(str(variant_id))
        keys.append(
            (str(status), _text(extracted), _text(final), _text(kind),
             tuple(options.items()) if options is not None else None)
        )  # fmt: skip
    return keys


def _flip_classes(rows: pd.DataFrame, choices: Mapping[str, Mapping[str, str]]) -> dict[str, int]:
    counts: dict[str, int] = dict.fromkeys(CLASSES, 0)
    for key in flip_keys(rows, choices):
        counts[flip_class(*key)] += 1
    return counts


def _reuse_design_effect(paired: pd.DataFrame, f: np.ndarray, p: np.ndarray) -> float:
    """Variance inflation from one placebo draw serving as partner to several variant draws.

    A unit's placebo draw ``j`` is paired with draw ``j`` of every perturbed variant of the unit, so its flip
    is counted ``m`` times. Treating the flips as Bernoulli, the variance of the summed difference is
    ``n v_f + sum(m_k**2) v_p`` against ``n (v_f + v_p)`` for independent pairs.
    """
    n = len(f)
    if n == 0:
        return 1.0
    v_f = float(f.mean() * (1.0 - f.mean()))
    v_p = float(p.mean() * (1.0 - p.mean()))
    if v_f + v_p == 0.0:
        return 1.0
    shared = paired.groupby(["case_id", "unit_id", "pair_index"]).size().to_numpy(dtype=float)
    return max(1.0, (n * v_f + float((shared**2).sum()) * v_p) / (n * (v_f + v_p)))


def invariant_fields(
    rows: pd.DataFrame,
    *,
    level: str,
    family: str,
    probe: str | None,
    settings: Settings,
    choices: Mapping[str, Mapping[str, str]],
) -> dict[str, Any]:
    """The fields of an :class:`InvariantResult` except ``q``, ``verdict``, ``note`` and decide figures."""
    paired = rows[rows["paired"]]
    n = len(paired)
    f = paired["changed"].to_numpy(dtype=bool)
    p = paired["placebo_changed"].to_numpy(dtype=bool)
    a, b, c = int((f & p).sum()), int((f & ~p).sum()), int((~f & p).sum())
    d = n - a - b - c
    conf = settings.confidence
    cases, clusters = pd.factorize(paired["case_id"], sort=True)  # clusters in sorted order, as groupby
    size = len(clusters)
    flips_per_case = np.bincount(cases, weights=f, minlength=size)
    placebo_per_case = np.bincount(cases, weights=p, minlength=size)
    pairs_per_case = np.bincount(cases, minlength=size)
    boot, boot_var = cluster_bootstrap_difference(
        flips_per_case.tolist(),
        placebo_per_case.tolist(),
        pairs_per_case.tolist(),
        resamples=settings.bootstrap_resamples,
        seed=settings.seed,
        confidence=conf,
    )
    robust, robust_var = cluster_ratio(
        (flips_per_case - placebo_per_case).tolist(), pairs_per_case.tolist(), confidence=conf
    )
    newc = newcombe_paired(a, b, c, d, confidence=conf)
    diff = f.astype(float) - p.astype(float)
    iid_var = float(np.var(diff)) / n if n else 0.0
    deff = 1.0
    if iid_var > 0:
        deff = max([deff] + [v / iid_var for v in (boot_var, robust_var) if not np.isnan(v)])
    deff = max(deff, _reuse_design_effect(paired, f, p))
    excess = (b - c) / n if n else 0.0
    widened = widen(newc, excess, math.sqrt(deff))
    test = mcnemar(round(b / deff), round(c / deff))
    placebo_rate = (a + c) / n if n else 0.0
    return {
        "level": level,
        "family": family,
        "probe": probe,
        "cases": size,
        "units": len(set(zip(paired["case_id"].tolist(), paired["unit_id"].tolist(), strict=True))),
        "variants": int(paired["variant_id"].nunique()),
        "pairs": n,
        "draws": draw_counts(rows["status"]),
        "unpaired": int((rows["judged"] & ~rows["paired"]).sum()),
        "flips": rate(a + b, n, confidence=conf),
        "placebo": rate(a + c, n, confidence=conf),
        "excess": (b - c) / n if n else None,
        "excess_ci": (min(boot.low, widened.low, robust.low), max(boot.high, widened.high, robust.high)),
        "excess_ci_bootstrap": (boot.low, boot.high),
        "excess_ci_newcombe": (newc.low, newc.high),
        "excess_ci_cluster": (robust.low, robust.high),
        "discordant": (b, c),
        "p": test.p_exact,
        "p_midp": test.p_midp,
        "design_effect": deff,
        "mde": minimum_detectable_effect(
            n, placebo_rate=placebo_rate, design_effect=deff, alpha=settings.alpha, power=settings.power
        ),
        "few_clusters": size < settings.min_clusters,
        "flip_classes": _flip_classes(rows, choices),
    }


def _pts(x: float) -> str:
    return f"{100 * x:+.1f}"


def decide(fields: dict[str, Any], q: float | None, settings: Settings) -> InvariantResult:
    """Attach the q-value and the verdict (see :attr:`InvariantResult.verdict`)."""
    n = fields["pairs"]
    excess = fields["excess"]
    low, high = fields["excess_ci"]
    thr = settings.threshold
    more: int | None = None
    need: int | None = None
    if n == 0 or excess is None:
        verdict, note = "inconclusive", "no usable pairs (no judged draws with a base verdict and placebo)"
    elif q is not None and q < settings.alpha and excess >= thr and low > 0:
        verdict = "biased"
        note = f"excess {_pts(excess)} pts (CI {_pts(low)}..{_pts(high)}), q={q:.3g} < {settings.alpha}"
    elif high < thr:
        verdict = "clean"
        note = f"upper bound {_pts(high)} pts below the {100 * thr:.0f}-pt threshold"
    else:
        verdict = "inconclusive"
        placebo_rate = fields["placebo"].rate or 0.0
        need = pairs_to_decide(
            placebo_rate=placebo_rate,
            threshold=thr,
            design_effect=fields["design_effect"],
            confidence=settings.confidence,
        )
        more = max(1, need - n)
        need = max(need, n + more)
        why = "not significant" if q is None or q >= settings.alpha else f"excess below {100 * thr:.0f} pts"
        per_variant = math.ceil(more / max(1, fields["variants"]))
        note = (
            f"{why}; CI {_pts(low)}..{_pts(high)} pts; ≈{more} more pairs would decide "
            f"(≈{per_variant} more draws per variant)"
        )
    return InvariantResult(**fields, q=q, verdict=verdict, note=note, pairs_to_decide=need, more_pairs=more)


def control_result(
    rows: pd.DataFrame, *, level: str, family: str, probe: str | None, settings: Settings
) -> ControlResult:
    """Miss rate of a control group (the verdict stayed although the meaning changed).

    Only units whose unperturbed verdict was right count: where the judge already got the original wrong,
    an unchanged verdict after a meaning change says nothing about whether it follows meaning (it is often
    the right verdict for the new label). Those draws are counted in ``excluded``.
    """
    judged = rows[rows["judged"]]
    usable = rows[rows["judged"] & rows["has_base"] & rows["base_right"].astype(bool)]
    excluded = int((rows["judged"] & rows["has_base"] & ~rows["base_right"].astype(bool)).sum())
    agree = judged["agrees_with_label"].fillna(False).astype(bool)
    return ControlResult(
        level=level,
        family=family,
        probe=probe,
        cases=int(usable["case_id"].nunique()),
        units=int(usable[["case_id", "unit_id"]].drop_duplicates().shape[0]),
        variants=int(usable["variant_id"].nunique()),
        draws=draw_counts(rows["status"]),
        misses=rate(
            int((~usable["changed"].astype(bool)).sum()), len(usable), confidence=settings.confidence
        ),
        label_agreement=rate(int(agree.sum()), len(judged), confidence=settings.confidence),
        excluded=excluded,
        few_clusters=int(usable["case_id"].nunique()) < settings.min_clusters,
    )


def dose_curve(rows: pd.DataFrame, *, family: str, probe: str, settings: Settings) -> DoseCurve | None:
    """Flip rate by dose for one graded invariant probe (``None`` when it has no doses)."""
    dosed = rows[rows["paired"] & rows["dose"].notna()]
    if dosed.empty:
        return None
    points = []
    for dose, group in dosed.groupby("dose", sort=True):
        n = len(group)
        assert isinstance(dose, int | float)
        points.append(
            DosePoint(
                dose=float(dose),
                flips=rate(int(group["changed"].sum()), n, confidence=settings.confidence),
                placebo_rate=float(group["placebo_changed"].mean()) if n else None,
            )
        )
    return DoseCurve(family=family, probe=probe, points=tuple(points))
