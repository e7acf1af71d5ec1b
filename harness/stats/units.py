"""From draws to pairs: base verdicts, placebo partners, flips and misses.

The statistical unit is a (case response, variant). For each unit (``case_id``, ``unit_id``):

* the **base verdict** is the modal outcome of the base variant's non-placebo judged draws (draws
  ``0..K-1``); a tie between outcomes goes to the one seen at the earliest draw. Any rule that reads only
  the base draws keeps variant and placebo draws exchangeable under "no bias", which is what the test needs;
* the **placebo** draws (``K..2K-1``) are the unperturbed request re-judged: the judge's noise floor.

Each draw ``j`` of a perturbed variant is paired with the unit's ``j``-th placebo draw. A pair counts only
when both draws are judged and the unit has a base verdict; unscored, errored and skipped draws are counted
apart and never become flips. A **flip** is a judged invariant draw whose outcome differs from the base
verdict (outcomes are compared by identity, so a pairwise tie judged a tie both ways is not a flip); a
**miss** is a judged control draw whose outcome equals the base verdict (the verdict did not follow the
meaning change).
"""

from __future__ import annotations

import pandas as pd

from judgeprobe.harness.store.frame import agrees_with_label

__all__ = ["PAIR_COLUMNS", "base_verdicts", "draw_pairs"]

PAIR_COLUMNS: tuple[str, ...] = (
    "case_id",
    "unit_id",
    "variant_id",
    "family",
    "probe",
    "chain",
    "relation",
    "dose",
    "answer_kind",
    "mode",
    "label",
    "final_answer",
    "reference_doubt",
    "draw",
    "pair_index",
    "status",
    "outcome",
    "extracted_answer",
    "raw_reply",
    "agrees_with_label",
    "base_outcome",
    "base_label",
    "placebo_status",
    "placebo_outcome",
    "has_base",
    "base_right",
    "judged",
    "changed",
    "placebo_changed",
    "paired",
)
"""Columns of :func:`draw_pairs`: the variant draw's own fields, its unit's base verdict, its placebo partner,
``base_right`` (the base verdict agrees with the unit's own label), and ``changed`` (outcome differs from the
base verdict; a flip for invariants, a followed change for controls), ``placebo_changed`` and ``paired``
(both sides usable)."""

_UNIT = ["case_id", "unit_id"]


def base_verdicts(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per unit with a judged base draw: ``case_id``, ``unit_id``, ``base_outcome``, ``base_label``,
    ``base_draws`` (judged non-placebo base draws) and ``base_agreement`` (share agreeing with the modal)."""
    base = frame[(frame["relation"] == "base") & (~frame["placebo"].astype(bool)) & frame["judged"]]
    if base.empty:
        return pd.DataFrame(columns=[*_UNIT, "base_outcome", "base_label", "base_draws", "base_agreement"])
    counts = (
        base.groupby([*_UNIT, "outcome"], sort=True)
        .agg(n=("draw", "size"), first=("draw", "min"), label=("label", "first"))
        .reset_index()
        .sort_values([*_UNIT, "n", "first"], ascending=[True, True, False, True], kind="stable")
    )
    totals = counts.groupby(_UNIT)["n"].sum().rename("base_draws")
    modal = counts.drop_duplicates(_UNIT).set_index(_UNIT)
    out = pd.DataFrame(
        {
            "base_outcome": modal["outcome"],
            "base_label": modal["label"],
            "base_draws": totals,
            "base_agreement": modal["n"] / totals,
        }
    )
    return out.reset_index()


def draw_pairs(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per draw of an invariant or control variant, with its base verdict and placebo partner.

    ``frame`` is a per-draw DataFrame as from :func:`judgeprobe.harness.store.frame.load_run`. The result
    carries
    ``attrs["placebo_present"]``: whether the run has any placebo draws. Without any, a deterministic judge is
    assumed (the placebo never changes) and the report warns that the noise floor was not measured.
    """
    base_rows = frame[frame["relation"] == "base"]
    placebo = base_rows[base_rows["placebo"].astype(bool)].copy()
    placebo_present = not placebo.empty
    placebo["pair_index"] = placebo.groupby(_UNIT)["draw"].rank(method="first").astype(int) - 1
    placebo = placebo[[*_UNIT, "pair_index", "status", "outcome"]].rename(
        columns={"status": "placebo_status", "outcome": "placebo_outcome"}
    )
    placebo = placebo.drop_duplicates([*_UNIT, "pair_index"])

    own = [name for name in PAIR_COLUMNS if name in frame.columns]  # only what the pairs carry
    variants = frame.loc[frame["relation"].isin(["invariant", "control"]), own]
    variants["pair_index"] = variants.groupby("variant_id")["draw"].rank(method="first").astype(int) - 1
    verdicts = base_verdicts(frame)[[*_UNIT, "base_outcome", "base_label"]]
    merged = variants.merge(verdicts, on=_UNIT, how="left").merge(
        placebo, on=[*_UNIT, "pair_index"], how="left"
    )

    has_base = merged["base_outcome"].notna()
    judged = merged["status"] == "judged"
    placebo_judged = merged["placebo_status"] == "judged"
    merged["has_base"] = has_base
    keys = [
        (mode, label, outcome if isinstance(outcome, str) else None)
        for mode, label, outcome in zip(
            merged["mode"].tolist(),
            merged["base_label"].tolist(),
            merged["base_outcome"].tolist(),
            strict=True,
        )
    ]
    right = {
        key: bool(agrees_with_label(key[0], str(key[1]), key[2], None)) if key[2] is not None else False
        for key in set(keys)
    }  # a handful of distinct (mode, label, verdict) triples, each decided once
    merged["base_right"] = [right[key] for key in keys]
    merged["judged"] = judged
    merged["changed"] = judged & has_base & (merged["outcome"] != merged["base_outcome"])
    if placebo_present:
        merged["placebo_changed"] = (
            placebo_judged & has_base & (merged["placebo_outcome"] != merged["base_outcome"])
        )
        merged["paired"] = judged & has_base & placebo_judged
    else:
        merged["placebo_changed"] = False
        merged["paired"] = judged & has_base
    pairs = merged[list(PAIR_COLUMNS)].reset_index(drop=True)
    pairs.attrs["placebo_present"] = placebo_present
    return pairs
