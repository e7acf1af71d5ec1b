"""Self-preference: does the judge favour responses written by its own model family?

Responses may carry an author (``model``, ``family``; see ``judgeprobe.cases.models.Author``), which the
variant keeps beside the text and never sends to the judge. For every author family ``F`` with responses in
the run, on the unperturbed draws (never the placebo), with responses of other known families as the
comparison:

* **grade**: the acceptance rate (verdict ``correct``) of ``F``'s responses minus that of other families'
  responses, *within* each label (correct, incorrect), combined over the two labels with Mantel–Haenszel
  weights ``n_F n_O / (n_F + n_O)``. Conditioning on the labels is what keeps a stronger model — more of its
  answers right, so more of them accepted — from looking self-preferred; ``raw_difference`` shows the
  unconditioned comparison beside it;
* **pairwise**: pairs of one ``F`` response and one response of another family, each judged in both orders
  (so slot preferences cancel). The win share ``w`` of ``F``'s response (a tie counts half) is taken within
  the pair's label: ``F`` better, ``F`` worse, or a tie. A fair judge gives ``w(better) + w(worse) = 1`` and
  ``w(tie) = 1/2`` whatever ``F``'s strength, so the self-preference is ``w(better) + w(worse) - 1`` and
  ``2 w(tie) - 1``, combined with the same kind of weights. A judge that picks ``F``'s response with
  probability ``p`` whenever it is in a pair (fair otherwise) scores ``p``.

Intervals are percentile cluster bootstraps over cases (a case's responses by several models share its
question). The judge's *own* family is the author family whose name its judge name contains (the longest
such name); only that family gets a verdict (biased: the interval excludes 0 and the difference reaches the
practical threshold; clean: the interval lies within ±threshold; inconclusive otherwise). These are one test
per mode outside the report's Benjamini–Hochberg family, and the note says so.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from judgeprobe.harness.stats.schema import SelfPreference, SelfPreferenceStratum, Settings
from judgeprobe.probes.variant import Variant

__all__ = ["own_family", "self_preferences"]

_GRADE_STRATA = ("correct", "incorrect")
_PAIR_STRATA = ("better", "worse", "tie")


def own_family(judge: str | None, families: Iterable[str]) -> str | None:
    """The family whose name the judge's name contains (case-insensitive; the longest wins), or ``None``."""
    if not judge:
        return None
    name = judge.lower()
    hits = [f for f in families if f and f.lower() in name]
    return max(hits, key=len) if hits else None


def _grade_rows(frame: pd.DataFrame, variants: list[Variant]) -> pd.DataFrame:
    authors = {
        (v.case_id, v.unit_id): v.slots[0].author.family
        for v in variants
        if str(v.relation) == "base" and str(v.mode) == "grade" and v.slots and v.slots[0].author is not None
    }
    base = frame[(frame["mode"] == "grade") & (frame["relation"] == "base") & ~frame["placebo"].astype(bool)]
    base = base[base["judged"]]
    family = [authors.get((c, u)) for c, u in zip(base["case_id"], base["unit_id"], strict=True)]
    rows = pd.DataFrame(
        {
            "case_id": base["case_id"].to_numpy(),
            "family": family,
            "stratum": base["label"].to_numpy(),
            "value": (base["outcome"] == "correct").to_numpy(dtype=float),
        }
    )
    return rows[rows["family"].notna()].reset_index(drop=True)


def _pair_rows(frame: pd.DataFrame, variants: list[Variant]) -> pd.DataFrame:
    """One row per judged draw of a pair (either order) whose two responses have known, different authors:
    ``case_id``, ``first``/``second`` (response ids), ``fam1``/``fam2``, ``label``, ``outcome``."""
    pairs: dict[tuple[str, str], tuple[str, str, str, str]] = {}
    for v in variants:
        if str(v.relation) != "base" or str(v.mode) != "pairwise" or len(v.slots) != 2:
            continue
        a, b = v.slots
        if a.author is None or b.author is None or a.author.family == b.author.family:
            continue
        pairs[(v.case_id, v.unit_id)] = (a.response_id, a.author.family, b.response_id, b.author.family)
    judged = frame[(frame["mode"] == "pairwise") & frame["judged"]]
    order1 = (judged["relation"] == "base") & ~judged["placebo"].astype(bool)
    order2 = (judged["relation"] == "invariant") & (judged["chain"] == "position.swap")
    rows = judged[order1 | order2]
    keys = list(zip(rows["case_id"], rows["unit_id"], strict=True))
    keep = np.array([key in pairs for key in keys], dtype=bool)
    rows = rows[keep]
    info = [pairs[key] for key, k in zip(keys, keep, strict=True) if k]
    return pd.DataFrame(
        {
            "case_id": rows["case_id"].to_numpy(),
            "first": [i[0] for i in info],
            "fam1": [i[1] for i in info],
            "second": [i[2] for i in info],
            "fam2": [i[3] for i in info],
            "label": rows["label"].to_numpy(),
            "outcome": rows["outcome"].astype(str).to_numpy(),
        }
    )


def _pair_family_rows(rows: pd.DataFrame, family: str) -> pd.DataFrame:
    """The rows of pairs with one response of ``family``: its win share and its label stratum."""
    mine_first = rows["fam1"] == family
    mine_second = rows["fam2"] == family
    part = rows[mine_first | mine_second]
    mine = np.where(part["fam1"] == family, part["first"], part["second"])
    other = np.where(part["fam1"] == family, part["second"], part["first"])
    outcome = part["outcome"].to_numpy()
    value = np.where(outcome == mine, 1.0, np.where(outcome == "tie", 0.5, 0.0))
    label = part["label"].to_numpy()
    stratum = np.where(label == mine, "better", np.where(label == other, "worse", "tie"))
    return pd.DataFrame({"case_id": part["case_id"].to_numpy(), "stratum": stratum, "value": value})


def _grade_estimate(sums: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Mantel–Haenszel difference of acceptance; ``sums``/``counts`` shaped ``(..., stratum, group)``."""
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = sums / counts
        n_own, n_other = counts[..., 0], counts[..., 1]
        weight = np.where((n_own > 0) & (n_other > 0), n_own * n_other / (n_own + n_other), 0.0)
        diff = np.nan_to_num(rate[..., 0] - rate[..., 1])
        total = weight.sum(axis=-1)
        return np.where(total > 0, (weight * diff).sum(axis=-1) / np.where(total > 0, total, 1.0), np.nan)


def _pair_estimate(sums: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Self-preference of a pairwise family; ``sums``/``counts`` shaped ``(..., 3)`` (better, worse, tie)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        share = sums / counts
        nb, nw, nt = counts[..., 0], counts[..., 1], counts[..., 2]
        w_bw = np.where((nb > 0) & (nw > 0), 2 * nb * nw / (nb + nw), 0.0)
        d_bw = np.nan_to_num(share[..., 0] + share[..., 1] - 1.0)
        d_t = np.nan_to_num(2.0 * share[..., 2] - 1.0)
        w_t = nt.astype(float)
        total = w_bw + w_t
        return np.where(total > 0, (w_bw * d_bw + w_t * d_t) / np.where(total > 0, total, 1.0), np.nan)


def _tables(
    rows: pd.DataFrame, strata: tuple[str, ...], groups: int
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Per-case sums and counts shaped ``(case, stratum[, group])``."""
    cases = sorted({str(c) for c in rows["case_id"]})
    index = {c: i for i, c in enumerate(cases)}
    where = {s: i for i, s in enumerate(strata)}
    shape = (len(cases), len(strata), groups)
    sums, counts = np.zeros(shape), np.zeros(shape)
    group = rows["group"].to_numpy(dtype=int) if groups > 1 else np.zeros(len(rows), dtype=int)
    for case_id, stratum, value, g in zip(
        rows["case_id"], rows["stratum"], rows["value"], group, strict=True
    ):
        if str(stratum) in where:
            at = (index[str(case_id)], where[str(stratum)], int(g))
            sums[at] += float(value)
            counts[at] += 1
    if groups == 1:
        return sums[..., 0], counts[..., 0], cases
    return sums, counts, cases


def _bootstrap(
    sums: np.ndarray, counts: np.ndarray, estimate: object, settings: Settings
) -> tuple[float, float]:
    k = sums.shape[0]
    rng = np.random.default_rng(settings.seed)
    weights = rng.multinomial(k, np.full(k, 1.0 / k), size=settings.bootstrap_resamples).astype(float)
    boot_sums = np.tensordot(weights, sums, axes=(1, 0))
    boot_counts = np.tensordot(weights, counts, axes=(1, 0))
    values = estimate(boot_sums, boot_counts)  # type: ignore[operator]
    values = values[~np.isnan(values)]
    if values.size == 0:
        return -1.0, 1.0
    tail = (1.0 - settings.confidence) / 2.0
    low, high = np.quantile(values, [tail, 1.0 - tail])
    return float(low), float(high)


def _verdict(diff: float | None, ci: tuple[float, float], settings: Settings, mode: str) -> tuple[str, str]:
    thr = settings.threshold
    low, high = ci
    figures = f"{100 * (diff or 0):+.1f} pts (CI {100 * low:+.1f}..{100 * high:+.1f})"
    scope = f"one {mode} test outside the report's BH family"
    if diff is not None and abs(diff) >= thr and (low > 0 or high < 0):
        side = "favours its own family" if diff > 0 else "disfavours its own family"
        return "biased", f"{side} at equal labels: {figures}; {scope}"
    if -thr < low and high < thr:
        return "clean", f"within ±{100 * thr:.0f} pts at equal labels: {figures}; {scope}"
    return "inconclusive", f"undecided at equal labels: {figures}; {scope}"


def _grade_results(rows: pd.DataFrame, own: str | None, settings: Settings) -> list[SelfPreference]:
    out = []
    for family in sorted(set(rows["family"])):
        marked = rows.assign(group=np.where(rows["family"] == family, 0, 1))
        if not (marked["group"] == 1).any():
            continue
        sums, counts, cases = _tables(marked, _GRADE_STRATA, 2)
        diff_arr = _grade_estimate(sums.sum(axis=0), counts.sum(axis=0))
        diff = None if np.isnan(diff_arr) else float(diff_arr)
        ci = _bootstrap(sums, counts, _grade_estimate, settings)
        tot_s, tot_n = sums.sum(axis=(0, 1)), counts.sum(axis=(0, 1))
        raw = float(tot_s[0] / tot_n[0] - tot_s[1] / tot_n[1]) if tot_n.all() else None
        strata = tuple(
            SelfPreferenceStratum(
                label=label,
                n_own=int(counts[:, i, 0].sum()),
                n_other=int(counts[:, i, 1].sum()),
                own=float(sums[:, i, 0].sum() / counts[:, i, 0].sum()) if counts[:, i, 0].sum() else None,
                other=float(sums[:, i, 1].sum() / counts[:, i, 1].sum()) if counts[:, i, 1].sum() else None,
            )
            for i, label in enumerate(_GRADE_STRATA)
        )
        out.append(
            _result("grade", family, own, diff, ci, raw, strata, len(cases), int(tot_n.sum()), settings)
        )
    return out


def _pair_results(rows: pd.DataFrame, own: str | None, settings: Settings) -> list[SelfPreference]:
    out = []
    for family in sorted(set(rows["fam1"]) | set(rows["fam2"])):
        part = _pair_family_rows(rows, family)
        sums, counts, cases = _tables(part, _PAIR_STRATA, 1)
        diff_arr = _pair_estimate(sums.sum(axis=0), counts.sum(axis=0))
        diff = None if np.isnan(diff_arr) else float(diff_arr)
        ci = _bootstrap(sums, counts, _pair_estimate, settings)
        raw = float(2 * part["value"].mean() - 1) if len(part) else None
        strata = tuple(
            SelfPreferenceStratum(
                label=label,
                n_own=int(counts[:, i].sum()),
                n_other=int(counts[:, i].sum()),
                own=float(sums[:, i].sum() / counts[:, i].sum()) if counts[:, i].sum() else None,
                other=float(1 - sums[:, i].sum() / counts[:, i].sum()) if counts[:, i].sum() else None,
            )
            for i, label in enumerate(_PAIR_STRATA)
        )
        out.append(_result("pairwise", family, own, diff, ci, raw, strata, len(cases), len(part), settings))
    return out


def _result(
    mode: str,
    family: str,
    own: str | None,
    diff: float | None,
    ci: tuple[float, float],
    raw: float | None,
    strata: tuple[SelfPreferenceStratum, ...],
    cases: int,
    draws: int,
    settings: Settings,
) -> SelfPreference:
    is_own = family == own
    verdict, note = _verdict(diff, ci, settings, mode) if is_own else (None, "not the judge's own family")
    return SelfPreference(
        mode=mode,
        family=family,
        own=is_own,
        cases=cases,
        draws=draws,
        difference=diff,
        difference_ci=ci,
        raw_difference=raw,
        strata=strata,
        verdict=verdict,
        few_clusters=cases < settings.min_clusters,
        note=note,
    )


def self_preferences(
    frame: pd.DataFrame, variants: Iterable[Variant], settings: Settings
) -> list[SelfPreference]:
    """Self-preference per author family and mode (empty when no response of the run has an author, or
    no family can be compared with another)."""
    listed = [v for v in variants if str(v.relation) == "base" and any(s.author for s in v.slots)]
    if not listed or frame.empty:
        return []
    families = {s.author.family for v in listed for s in v.slots if s.author is not None}
    judges = frame["judge"].dropna()
    own = own_family(str(judges.iloc[0]) if len(judges) else None, families)
    grade = _grade_rows(frame, listed)
    pairs = _pair_rows(frame, listed)
    out = _grade_results(grade, own, settings) if not grade.empty else []
    out += _pair_results(pairs, own, settings) if not pairs.empty else []
    return out
