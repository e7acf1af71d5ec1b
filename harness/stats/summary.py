"""Build the summary object from a run's per-draw DataFrame.

One call computes everything the reports show: invariant results per probe and per family (flip rate,
placebo rate, excess with an interval clustered by case, exact McNemar p, Benjamini–Hochberg q, minimum
detectable effect, verdict), control miss rates, dose curves, accuracy by answer kind, HLE-style metrics,
flip classes, the case × family grid and the flipped variants for audit.

Pairwise position bias is also measured from pairs judged in both orders (consistency, slot-1 share,
preference fairness: :mod:`judgeprobe.harness.stats.position`); it decides ``position.swap``'s verdict beside
its flips.

Multiple testing: every invariant test in the report, probe-level and family-level together, and the slot
test of pairs judged in both orders, form one Benjamini–Hochberg family (:attr:`Summary.bh_scope` says so in
each summary).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from importlib.metadata import PackageNotFoundError, version
from typing import Any, NamedTuple

import pandas as pd

from judgeprobe.harness.stats.accuracy import accuracy_rows, disagreements, hle_metrics
from judgeprobe.harness.stats.classify import CLASSES, classify_ahead, flip_class
from judgeprobe.harness.stats.effects import (
    control_result,
    decide,
    dose_curve,
    draw_counts,
    flip_keys,
    invariant_fields,
)
from judgeprobe.harness.stats.fdr import benjamini_hochberg
from judgeprobe.harness.stats.position import SWAP_CHAIN, decide_position, position_fields
from judgeprobe.harness.stats.reliability import error_reasons, judge_verdict
from judgeprobe.harness.stats.schema import (
    SCHEMA_VERSION,
    ControlResult,
    DoseCurve,
    FlippedVariant,
    GridCell,
    InvariantResult,
    PositionResult,
    RunInfo,
    Settings,
    Summary,
)
from judgeprobe.harness.stats.self_preference import self_preferences
from judgeprobe.harness.stats.sequential import SequentialState, sequential_info, sequential_invariants
from judgeprobe.harness.stats.units import draw_pairs
from judgeprobe.probes.variant import Variant

__all__ = ["DEFAULT_SETTINGS", "build_summary"]

DEFAULT_SETTINGS = Settings(
    threshold=0.05,
    alpha=0.05,
    power=0.8,
    confidence=0.95,
    bootstrap_resamples=2000,
    seed=20240601,
    min_clusters=15,
    calibration_bin_size=100,
)
"""Pre-declared defaults: a 5-point practical threshold, q < 0.05, 80 % power, 95 % intervals."""


def _tool_version() -> str:
    try:
        return version("judgeprobe")
    except PackageNotFoundError:
        return "unknown"


def _first(frame: pd.DataFrame, column: str) -> str | None:
    values = frame[column].dropna()
    return str(values.iloc[0]) if len(values) else None


def _run_info(frame: pd.DataFrame, placebo_present: bool) -> RunInfo:
    perturbed = frame[frame["relation"] != "base"]
    base = frame[(frame["relation"] == "base") & ~frame["placebo"].astype(bool)]
    source = perturbed if not perturbed.empty else base
    repeats = int(source.groupby("variant_id")["draw"].nunique().max()) if not source.empty else 0
    return RunInfo(
        run_id=_first(frame, "run_id"),
        judge=_first(frame, "judge"),
        judge_hash=_first(frame, "judge_hash"),
        repeats=repeats,
        cases=int(frame["case_id"].nunique()),
        units=int(frame[["case_id", "unit_id"]].drop_duplicates().shape[0]),
        variants=int(frame["variant_id"].nunique()),
        placebo_present=placebo_present,
        draws=draw_counts(frame["status"]),
    )


def _choices(variants: Iterable[Variant]) -> dict[str, dict[str, str]]:
    return {v.id: dict(v.choices) for v in variants if v.choices}


_INVARIANT_COLUMNS = (
    *("family", "probe", "case_id", "unit_id", "variant_id", "pair_index", "status", "judged", "has_base"),
    *("paired", "changed", "placebo_changed", "extracted_answer", "final_answer", "answer_kind"),
)
"""The pair columns :func:`~judgeprobe.harness.stats.effects.invariant_fields` reads (and the groups')."""

_CONTROL_COLUMNS = (
    *("family", "probe", "case_id", "unit_id", "variant_id", "status", "judged", "has_base", "base_right"),
    *("agrees_with_label", "changed"),
)
"""The pair columns :func:`~judgeprobe.harness.stats.effects.control_result` reads (and the groups')."""


def _invariants(
    pairs: pd.DataFrame,
    settings: Settings,
    choices: Mapping[str, Mapping[str, str]],
    position: dict[str, Any] | None,
) -> tuple[list[InvariantResult], list[InvariantResult], PositionResult | None]:
    inv = pairs.loc[pairs["relation"] == "invariant", list(_INVARIANT_COLUMNS)]  # each group takes only these
    pending: list[dict[str, Any]] = []
    for family, rows in inv.groupby("family", sort=True):
        pending.append(
            invariant_fields(
                rows, level="family", family=str(family), probe=None, settings=settings, choices=choices
            )
        )
    for (fam, probe), rows in inv.groupby(["family", "probe"], sort=True):
        pending.append(
            invariant_fields(
                rows, level="probe", family=str(fam), probe=str(probe), settings=settings, choices=choices
            )
        )
    p_values = [f["p"] if f["pairs"] else None for f in pending]
    qs = benjamini_hochberg([*p_values, position["p"]] if position is not None else p_values)
    results = [decide(f, q, settings) for f, q in zip(pending, qs, strict=False)]
    slots = decide_position(position, qs[-1], settings) if position is not None else None
    probes = [_with_slots(r, slots) for r in results if r.level == "probe"]
    families = [_escalate(r, probes) for r in results if r.level == "family"]
    return families, probes, slots


def _with_slots(probe: InvariantResult, slots: PositionResult | None) -> InvariantResult:
    """``position.swap``'s verdict joins its flip statistics with the slot statistics of pairs judged in both
    orders (a flip count against a placebo in the original order cannot see a random slot preference):
    biased when either is biased, clean when both are clean, inconclusive otherwise."""
    if slots is None or probe.probe != SWAP_CHAIN:
        return probe
    verdicts = {probe.verdict, slots.verdict}
    verdict = "biased" if "biased" in verdicts else "clean" if verdicts == {"clean"} else "inconclusive"
    if verdict == probe.verdict and verdict != "biased":
        return probe
    note = f"slot statistics {slots.verdict} ({slots.note}); flip statistics {probe.verdict} ({probe.note})"
    update: dict[str, Any] = {"verdict": verdict, "note": note}
    if verdict == "biased":
        update.update(pairs_to_decide=None, more_pairs=None)
    return probe.model_copy(update=update)


def _escalate(family: InvariantResult, probes: list[InvariantResult]) -> InvariantResult:
    """A family with a biased probe is biased, even when pooling with its clean probes dilutes the excess."""
    biased = [str(p.probe) for p in probes if p.family == family.family and p.verdict == "biased"]
    if not biased or family.verdict == "biased":
        return family
    note = (
        f"biased probe(s) {', '.join(biased)}; pooled family excess alone: {family.verdict} ({family.note})"
    )
    return family.model_copy(
        update={"verdict": "biased", "note": note, "pairs_to_decide": None, "more_pairs": None}
    )


def _controls(pairs: pd.DataFrame, settings: Settings) -> list[ControlResult]:
    ctl = pairs.loc[pairs["relation"] == "control", list(_CONTROL_COLUMNS)]
    out = [
        control_result(rows, level="family", family=str(family), probe=None, settings=settings)
        for family, rows in ctl.groupby("family", sort=True)
    ]
    out += [
        control_result(rows, level="probe", family=str(family), probe=str(probe), settings=settings)
        for (family, probe), rows in ctl.groupby(["family", "probe"], sort=True)
    ]
    return out


def _doses(pairs: pd.DataFrame, settings: Settings) -> list[DoseCurve]:
    inv = pairs[(pairs["relation"] == "invariant") & pairs["dose"].notna()]
    curves = []
    for (family, probe), rows in inv.groupby(["family", "probe"], sort=True):
        curve = dose_curve(rows, family=str(family), probe=str(probe), settings=settings)
        if curve is not None:
            curves.append(curve)
    return curves


def _grid(pairs: pd.DataFrame) -> list[GridCell]:
    """Case × family cells counted exactly as the families' and the controls' tables count: paired invariant
    draws, control draws of units whose unperturbed verdict was right, and the controls left out apart."""
    is_control = pairs["relation"] == "control"
    judged_control = is_control & pairs["judged"] & pairs["has_base"]
    right = pairs["base_right"].astype(bool)
    usable = ((pairs["relation"] == "invariant") & pairs["paired"]) | (judged_control & right)
    left_out = judged_control & ~right
    rows = pairs[usable | left_out]
    if rows.empty:
        return []
    changed = rows["changed"].astype(bool)
    counted = usable[rows.index]
    marked = rows.assign(
        _event=changed.where(rows["relation"] == "invariant", ~changed) & counted,
        _n=counted,
        _left=left_out[rows.index],
    )
    table = marked.groupby(["case_id", "family", "relation"], sort=True)[["_event", "_n", "_left"]].sum()
    return [
        GridCell(
            case_id=str(case_id),
            family=str(family),
            relation=relation,
            events=int(events),
            n=int(n),
            left_out=int(left),
        )
        for (case_id, family, relation), events, n, left in zip(
            table.index, table["_event"], table["_n"], table["_left"], strict=True
        )
    ]


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


class _FlipRow(NamedTuple):
    """The columns of a flipped variant's first flipped draw that its entry reads."""

    variant_id: Any
    case_id: Any
    unit_id: Any
    family: Any
    probe: Any
    chain: Any
    status: Any
    base_outcome: Any
    extracted_answer: Any
    final_answer: Any
    answer_kind: Any
    raw_reply: Any
    reference_doubt: Any


def _flipped(pairs: pd.DataFrame, choices: Mapping[str, Mapping[str, str]]) -> list[FlippedVariant]:
    inv = pairs[(pairs["relation"] == "invariant") & pairs["paired"]]
    ctl = pairs[(pairs["relation"] == "control") & pairs["judged"] & pairs["has_base"] & pairs["base_right"]]
    found: list[tuple[float, FlippedVariant]] = []
    for rows, relation in ((inv, "invariant"), (ctl, "control")):
        if rows.empty:
            continue
        changed = rows["changed"].astype(bool)
        hit = changed if relation == "invariant" else ~changed
        marked = rows.assign(
            _hit=hit, _placebo=rows["placebo_changed"].astype(bool) & (relation == "invariant")
        )
        totals = marked.groupby("variant_id").agg(
            events=("_hit", "sum"), n=("_hit", "size"), placebo=("_placebo", "sum")
        )
        outcomes: dict[str, set[str]] = {}
        for vid, outcome in zip(marked["variant_id"].tolist(), marked["outcome"].tolist(), strict=True):
            if isinstance(outcome, str):
                outcomes.setdefault(str(vid), set()).add(outcome)
        counts: dict[str, dict[str, int]] = {}
        for vid, values in totals.to_dict("index").items():
            counts[str(vid)] = {str(k): int(v) for k, v in values.items()}
        firsts = marked[marked["_hit"]].sort_values(["variant_id", "draw"]).drop_duplicates("variant_id")
        columns = (firsts[name].tolist() for name in _FlipRow._fields)  # not itertuples: quicker on texts
        for row in map(_FlipRow._make, zip(*columns, strict=True)):
            variant_id = str(row.variant_id)
            events, n, placebo = (counts[variant_id][c] for c in ("events", "n", "placebo"))
            cls = None
            if relation == "invariant":
                options = choices.get(variant_id)
                cls = flip_class(
                    str(row.status), _text(row.extracted_answer), _text(row.final_answer),
                    _text(row.answer_kind), tuple(options.items()) if options is not None else None,
                )  # fmt: skip
            item = FlippedVariant(
                variant_id=variant_id,
                case_id=str(row.case_id),
                unit_id=str(row.unit_id),
                family=str(row.family),
                probe=str(row.probe),
                chain=str(row.chain),
                relation=relation,
                events=events,
                n=n,
                placebo_events=placebo,
                base_outcome=str(row.base_outcome),
                outcomes=tuple(sorted(outcomes.get(variant_id, set()))),
                extracted_answer=_text(row.extracted_answer),
                final_answer=_text(row.final_answer),
                flip_class=cls,
                raw_reply=_text(row.raw_reply),
                reference_doubt=bool(row.reference_doubt),
            )
            telling = (events - placebo) / n + (1.0 if relation == "invariant" else 0.0)
            found.append((telling, item))
    found.sort(key=lambda pair: (-pair[0], pair[1].case_id, pair[1].variant_id))
    return [item for _, item in found]


def _warnings(
    frame: pd.DataFrame, pairs: pd.DataFrame, run: RunInfo, settings: Settings, *, slots_known: bool
) -> list[str]:
    out: list[str] = []
    if not slots_known and bool((frame["chain"] == SWAP_CHAIN).any()):
        out.append(
            "pairs were judged in both orders, but the run's variants were not given: position consistency "
            "and the slot-1 share were not computed"
        )
    if run.cases < settings.min_clusters:
        out.append(
            f"only {run.cases} cases: intervals are clustered by case and are unreliable below "
            f"{settings.min_clusters} clusters; treat verdicts as provisional"
        )
    if not run.placebo_present:
        out.append(
            "no placebo draws: the judge's noise floor was not measured and excess equals the raw flip rate"
        )
    d = run.draws
    if d.unscored or d.error:
        out.append(f"{d.unscored} unscored and {d.error} errored draws are counted apart, never as flips")
    if d.skipped:
        out.append(f"{d.skipped} draws skipped (requests this judge does not handle)")
    units = frame[["case_id", "unit_id"]].drop_duplicates().shape[0]
    no_base = pairs[~pairs["has_base"]][["case_id", "unit_id"]].drop_duplicates().shape[0]
    if no_base:
        out.append(f"{no_base} of {units} units have no judged base draw; their variants are left out")
    return out


def build_summary(
    frame: pd.DataFrame,
    *,
    variants: Iterable[Variant] = (),
    settings: Settings = DEFAULT_SETTINGS,
    sequential: SequentialState | None = None,
) -> Summary:
    """Compute the summary of a run.

    Args:
        frame: Per-draw DataFrame (:func:`judgeprobe.harness.store.frame.load_run` or
        :func:`judgeprobe.harness.store.frame.records_frame`).
        variants: The run's variants; used for multiple-choice options when classifying flips.
        settings: Analysis settings (threshold, alpha, …).
        sequential: An adaptive run's state: each invariant test is then reported from its stopping look
            (:mod:`judgeprobe.harness.stats.sequential`).
    """
    if frame.empty:
        raise ValueError("the run has no draws to summarise; run 'judgeprobe run' first")
    listed = list(variants)
    choices = _choices(listed)
    pairs = draw_pairs(frame)
    placebo_present = bool(pairs.attrs.get("placebo_present", False)) or bool(
        frame["placebo"].astype(bool).any()
    )
    run = _run_info(frame, placebo_present)
    ahead = flip_keys(pairs[pairs["relation"] == "invariant"], choices) if sequential is None else []
    with classify_ahead(ahead):  # the grading workers classify the flips while these are computed
        slot_fields = position_fields(frame, listed, settings) if listed else None
        controls = _controls(pairs, settings)
        accuracy = accuracy_rows(frame, settings)
        doses = tuple(_doses(pairs, settings))
        hle = tuple(hle_metrics(frame, settings))
        grid = tuple(_grid(pairs))
        disagreed = tuple(disagreements(frame))
        preferences = tuple(self_preferences(frame, listed, settings))
        reasons = tuple(error_reasons(frame))
    if sequential is None:
        families, probes, position = _invariants(pairs, settings, choices, slot_fields)
    else:
        # the slot test reads every pair judged in both orders once, at the end; it joins the sequential
        # tests' Benjamini-Hochberg family, as in a fixed run
        families, probes, slot_q = sequential_invariants(
            frame, sequential, settings=settings, choices=choices,
            extra_p=None if slot_fields is None else slot_fields["p"],
        )  # fmt: skip
        position = decide_position(slot_fields, slot_q, settings) if slot_fields is not None else None
        probes = [_with_slots(probe, position) for probe in probes]
        families = [_escalate(family, probes) for family in families]
        run = run.model_copy(update={"sequential": sequential_info(frame, sequential)})
    inv_pairs = pairs[(pairs["relation"] == "invariant")]
    classes: dict[str, int] = dict.fromkeys(CLASSES, 0)
    for result in probes:
        for name, count in result.flip_classes.items():
            classes[name] += count
    n_tests = len(families) + len(probes) + (position is not None)
    slot_scope = " and the slot test of pairs judged in both orders" if position is not None else ""
    verdict = judge_verdict(controls=controls, accuracy=accuracy, draws=run.draws, settings=settings)
    return Summary(
        schema_version=SCHEMA_VERSION,
        tool_version=_tool_version(),
        run=run,
        settings=settings,
        bh_scope=(
            f"all invariant tests of this report: {len(probes)} probes and {len(families)} families"
            f"{slot_scope} ({n_tests} tests, {int((inv_pairs['paired']).sum())} pairs)"
        ),
        warnings=tuple(_warnings(frame, pairs, run, settings, slots_known=bool(listed))),
        families=tuple(families),
        probes=tuple(probes),
        controls=tuple(controls),
        doses=doses,
        accuracy=tuple(accuracy),
        hle=hle,
        flip_classes=classes,
        grid=grid,
        flipped=tuple(_flipped(pairs, choices)),
        disagreements=disagreed,
        position=position,
        self_preference=preferences,
        judge_verdict=verdict,
        error_reasons=reasons,
    )
