"""Position bias as pairwise judges define it: every pair judged in both orders.

A flip rate against a placebo re-drawn in the original order cannot see a judge that prefers slot 1 at
random: whenever the fair pick sits in slot 2 the placebo shows the same preference. So for pairwise
judges the position verdict also rests on the measures of the position-bias literature (Zheng et al.
2023; Shi et al. 2024), computed from **matched draws**: draw ``j`` of a pair's unperturbed variant (order
1, draws ``0..K-1``, never the placebo) with draw ``j`` of its ``position.swap`` variant (order 2), when
both are judged. Outcomes are compared by response identity:

* **consistent**: the same outcome in both orders (the same response preferred, or a tie both times);
* **slot 1 both orders** (``slot1_both``): each order preferred the response it showed first;
  **slot 2 both orders** (``slot2_both``) the other way round. Among such inconsistent draws a fair judge
  favours slot 1 half the time: the exact two-sided binomial (McNemar) test on the two counts;
* **lean** of a matched draw: in each order +1 when the slot-1 response won, -1 when the slot-2 response
  won, 0 for a tie, averaged over the two orders (so ``-1..1``). Its mean is the **preference fairness**
  score: 0 for a fair judge, ``+p`` for a judge that picks slot 1 with probability ``p`` and judges fairly
  otherwise (whatever the pair's labels), negative for a slot-2 preference. Random noise that picks either
  slot with equal probability adds nothing to it.

Intervals are clustered by case (the pairs a grade case yields share its question): the reported interval
joins the Wilson (or Newcombe) interval, widened by the square root of the design effect, with the
cluster-robust interval (Student's t on ``cases - 1`` degrees of freedom). The exact test uses the counts
divided by the design effect. The verdict: **biased** when q < alpha, ``|fairness|`` reaches the practical
threshold and the interval excludes 0; **clean** when the interval lies within the threshold on both sides;
**inconclusive** otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from judgeprobe.harness.stats.exact import mcnemar
from judgeprobe.harness.stats.intervals import Interval, cluster_ratio, newcombe_paired, widen, wilson
from judgeprobe.harness.stats.schema import PositionResult, Rate, Settings
from judgeprobe.probes.derived import is_derived_unit
from judgeprobe.probes.variant import Variant

__all__ = ["SWAP_CHAIN", "decide_position", "matched_draws", "position_fields"]

SWAP_CHAIN = "position.swap"
"""Chain name of the variant that shows a pair in the other order."""


def _first_slots(variants: Iterable[Variant]) -> dict[tuple[str, str], tuple[str, str]]:
    """(case, unit) -> (slot-1 id, slot-2 id) of every pairwise base variant."""
    return {
        (v.case_id, v.unit_id): (v.slots[0].response_id, v.slots[1].response_id)
        for v in variants
        if str(v.relation) == "base" and str(v.mode) == "pairwise" and len(v.slots) == 2
    }


def matched_draws(frame: pd.DataFrame, variants: Iterable[Variant]) -> tuple[pd.DataFrame, int]:
    """One row per matched draw (``case_id``, ``unit_id``, ``draw``, ``first``, ``second``, ``o1``, ``o2``,
    ``consistent``, ``s1``, ``s2``, ``lean``), and the number of judged draws of either order left without
    a judged partner."""
    slots = _first_slots(variants)
    pairwise = frame[(frame["mode"] == "pairwise") & frame["judged"]]
    keys = ["case_id", "unit_id", "draw"]
    order1 = pairwise[(pairwise["relation"] == "base") & ~pairwise["placebo"].astype(bool)]
    order2 = pairwise[(pairwise["relation"] == "invariant") & (pairwise["chain"] == SWAP_CHAIN)]
    order1 = order1[[*keys, "outcome"]].drop_duplicates(keys).rename(columns={"outcome": "o1"})
    order2 = order2[[*keys, "outcome"]].drop_duplicates(keys).rename(columns={"outcome": "o2"})
    units = set(zip(order2["case_id"], order2["unit_id"], strict=True))
    swapped = [(c, u) in units for c, u in zip(order1["case_id"], order1["unit_id"], strict=True)]
    order1 = order1[np.array(swapped, dtype=bool)]
    merged = order1.merge(order2, on=keys, how="inner")
    known = [(c, u) in slots for c, u in zip(merged["case_id"], merged["unit_id"], strict=True)]
    merged = merged[np.array(known, dtype=bool)].reset_index(drop=True)
    unmatched = len(order1) + len(order2) - 2 * len(merged)
    first = [slots[(c, u)][0] for c, u in zip(merged["case_id"], merged["unit_id"], strict=True)]
    second = [slots[(c, u)][1] for c, u in zip(merged["case_id"], merged["unit_id"], strict=True)]
    merged["first"], merged["second"] = first, second
    o1, o2 = merged["o1"].astype(str), merged["o2"].astype(str)
    f, s = merged["first"], merged["second"]
    lean1 = (o1 == f).astype(int) - (o1 == s).astype(int)  # order 1 shows first, second
    lean2 = (o2 == s).astype(int) - (o2 == f).astype(int)  # order 2 shows second, first
    merged["consistent"] = o1 == o2
    merged["s1"] = (o1 == f) & (o2 == s)
    merged["s2"] = (o1 == s) & (o2 == f)
    merged["lean"] = (lean1 + lean2) / 2.0
    return merged, unmatched


def _union(*intervals: Interval) -> tuple[float, float]:
    return min(i.low for i in intervals), max(i.high for i in intervals)


def _rate(events: int, n: int, conf: float) -> Rate:
    ci = wilson(events, n, confidence=conf)
    return Rate(events=events, n=n, rate=events / n if n else None, ci=(ci.low, ci.high))


def position_fields(
    frame: pd.DataFrame, variants: Iterable[Variant], settings: Settings
) -> dict[str, Any] | None:
    """The fields of a :class:`PositionResult` except ``q``, ``verdict`` and ``note`` (``None``: no pair of
    the run was judged in both orders)."""
    rows, unmatched = matched_draws(frame, variants)
    n = len(rows)
    if n == 0:
        return None
    conf = settings.confidence
    per_case = rows.groupby("case_id").agg(
        n=("lean", "size"), c=("consistent", "sum"), s1=("s1", "sum"), s2=("s2", "sum"), lean=("lean", "sum")
    )
    consistent, s1, s2 = int(rows["consistent"].sum()), int(rows["s1"].sum()), int(rows["s2"].sum())
    lean = rows["lean"].to_numpy(dtype=float)
    fairness = float(lean.mean())
    robust, robust_var = cluster_ratio(per_case["lean"].tolist(), per_case["n"].tolist(), confidence=conf)
    iid_var = float(np.var(lean)) / n
    deff = max(1.0, robust_var / iid_var) if iid_var > 0 and not math.isnan(robust_var) else 1.0
    toward1 = round(float(np.clip(lean, 0, None).sum()))
    toward2 = round(float(-np.clip(lean, None, 0).sum()))
    newc = newcombe_paired(0, toward1, toward2, n - toward1 - toward2, confidence=conf)
    fairness_ci = _union(widen(newc, fairness, math.sqrt(deff)), robust)
    cons_robust, _ = cluster_ratio(per_case["c"].tolist(), per_case["n"].tolist(), confidence=conf, low=0.0)
    cons_wilson = widen(wilson(consistent, n, confidence=conf), consistent / n, math.sqrt(deff), low=0.0)
    share_n = per_case["s1"] + per_case["s2"]
    share_robust, _ = cluster_ratio(
        per_case["s1"][share_n > 0].tolist(), share_n[share_n > 0].tolist(), confidence=conf, low=0.0
    )
    share_wilson = wilson(s1, s1 + s2, confidence=conf)
    if s1 + s2:
        share_wilson = widen(share_wilson, s1 / (s1 + s2), math.sqrt(deff), low=0.0)
    test = mcnemar(round(s1 / deff), round(s2 / deff))
    cases = int(rows["case_id"].nunique())
    units = rows[["case_id", "unit_id"]].drop_duplicates()
    return {
        "cases": cases,
        "units": len(units),
        "derived_units": sum(is_derived_unit(str(unit)) for unit in units["unit_id"]),
        "pairs": n,
        "unmatched": unmatched,
        "consistency": _rate(consistent, n, conf),
        "consistency_ci": _union(cons_wilson, cons_robust),
        "slot1_both": s1,
        "slot2_both": s2,
        "tie_one_order": int((~rows["consistent"] & ~rows["s1"] & ~rows["s2"]).sum()),
        "slot1_share": _rate(s1, s1 + s2, conf),
        "slot1_share_ci": _union(share_wilson, share_robust) if s1 + s2 else (0.0, 1.0),
        "fairness": fairness,
        "fairness_ci": fairness_ci,
        "p": test.p_exact,
        "p_midp": test.p_midp,
        "design_effect": deff,
        "few_clusters": cases < settings.min_clusters,
    }


def _pts(x: float) -> str:
    return f"{100 * x:+.1f}"


def decide_position(fields: dict[str, Any], q: float | None, settings: Settings) -> PositionResult:
    """Attach the q-value and the verdict (see the module docstring)."""
    fairness = float(fields["fairness"])
    low, high = fields["fairness_ci"]
    thr = settings.threshold
    share = fields["slot1_share"]
    where = (
        f"fairness {_pts(fairness)} pts (CI {_pts(low)}..{_pts(high)}); slot 1 won both orders "
        f"{fields['slot1_both']}×, slot 2 {fields['slot2_both']}×"
    )
    if q is not None and q < settings.alpha and abs(fairness) >= thr and (low > 0 or high < 0):
        side = "slot 1 (first)" if fairness > 0 else "slot 2 (second)"
        verdict, note = "biased", f"prefers {side}: {where}, q={q:.3g} < {settings.alpha}"
    elif -thr < low and high < thr:
        verdict, note = "clean", f"interval within ±{100 * thr:.0f} pts: {where}"
    else:
        why = "not significant" if q is None or q >= settings.alpha else f"below {100 * thr:.0f} pts"
        verdict, note = "inconclusive", f"{why}: {where}"
    if share.n == 0:
        note += "; no draw inconsistent by slot"
    return PositionResult(**fields, q=q, verdict=verdict, note=note)
