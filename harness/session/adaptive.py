"""Adaptive runs: draw in rounds until every invariant test is settled or a budget runs out.

Each round is one ordinary call of the runner (``judgeprobe.harness.run.runner.run``) over the round's draws
(``judgeprobe.harness.run.rounds``); between rounds the open tests are looked at
(``judgeprobe.harness.stats.sequential.evaluate_look``) and only their variants are drawn again. The loop,
:func:`adaptive_rounds`, knows nothing of stores or judges: it is given how to make a round's draws and how
to read the run's draws back, so the power table runs the very same loop on planted judges in memory.

An adaptive run is a run of its own (its key digests the stopping rule, the budgets and the analysis settings
besides the judge, the selection and the most draws per variant). Its state — rounds made, every test's
stop — is kept in the store's metadata (``sequential:<run key>``) and ``run_variants.draws`` counts each
variant's draws, so ``judgeprobe report`` rebuilds the same summary. Rerunning the command of a finished
run changes nothing; rerunning an interrupted one replays its rounds from the store (no call is repeated)
and carries on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any

import pandas as pd

from judgeprobe.harness.core.cost import Price
from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.judges.base import Judge
from judgeprobe.harness.run.options import ProgressSink, RunOptions, RunStats
from judgeprobe.harness.run.rounds import draw_round
from judgeprobe.harness.run.runner import PlannedDraw, run
from judgeprobe.harness.stats.schema import Settings
from judgeprobe.harness.stats.sequential import SequentialDesign, SequentialState, TestStop, evaluate_look
from judgeprobe.harness.store import RunStore
from judgeprobe.harness.store.runs import RunRecord
from judgeprobe.probes.variant import Variant

__all__ = ["AdaptiveOptions", "RoundOutcome", "adaptive_rounds", "run_adaptive", "state_key"]


@dataclass(frozen=True)
class AdaptiveOptions:
    """What makes a run adaptive: its stopping rule and its budgets."""

    design: SequentialDesign = field(default_factory=SequentialDesign)
    """The stopping rule (its ``max_draws`` is the run's ``--repeats``)."""
    max_calls: int | None = None
    """The most draws the run may make (judge calls on an empty store); a round that would pass it is not
    started."""
    max_cost: float | None = None
    """The most the run's calls may cost at the judge's price; a round whose expected cost would pass it is
    not started, and the runner stops new calls once it is spent."""

    def __post_init__(self) -> None:
        if self.max_calls is not None and self.max_calls < 1:
            raise ConfigError(f"max_calls must be a positive number of draws, got {self.max_calls}")
        if self.max_cost is not None and not self.max_cost > 0:
            raise ConfigError(f"max_cost must be a positive amount, got {self.max_cost}")

    def identity(self, settings: Settings) -> dict[str, Any]:
        """The run options that make an adaptive run what it is (part of its run key): the rule, the budgets,
        and the analysis settings its stopping decisions read."""
        return {
            **self.design.to_json(),
            "max_calls": self.max_calls,
            "max_cost": self.max_cost,
            "settings": settings.model_dump(mode="json"),
        }


@dataclass(frozen=True)
class RoundOutcome:
    """How one round's draws went."""

    interrupted: bool = False
    """Ctrl-C: the round is incomplete; the loop stops without looking (a rerun resumes)."""
    stopped: str | None = None
    """The round was cut short by the cost budget (the round is not counted)."""


def state_key(run_key: str) -> str:
    """The store metadata key of an adaptive run's state."""
    return f"sequential:{run_key}"


def _spent(frame: pd.DataFrame, price: Price | None) -> tuple[float | None, int]:
    """What the run's own calls cost so far, and how many calls reported tokens."""
    if frame.empty:
        return (0.0 if price else None), 0
    own = frame[~frame["cached"].astype(bool) & frame["input_tokens"].notna()]
    if price is None:
        return None, len(own)
    cached = own["cached_input_tokens"].fillna(0)
    cost = sum(
        price.cost(int(i), int(o), int(c))
        for i, o, c in zip(own["input_tokens"], own["output_tokens"].fillna(0), cached, strict=True)
    )
    return cost, len(own)


def _budget_stop(state: SequentialState, plan: Sequence[PlannedDraw], frame: pd.DataFrame,
                 price: Price | None) -> str | None:  # fmt: skip
    """Why the next round would pass a budget (``None``: it fits)."""
    if state.max_calls is not None and state.draws + len(plan) > state.max_calls:
        left, most = state.max_calls - state.draws, state.max_calls
        return f"call budget: round {state.rounds + 1} needs {len(plan)} draws, {left} of {most} left"
    if state.max_cost is not None and price is not None:
        spent, calls = _spent(frame, price)
        mean = (spent or 0.0) / calls if calls else 0.0
        expected = (spent or 0.0) + mean * len(plan)
        if expected > state.max_cost:
            return (
                f"cost budget: round {state.rounds + 1} would bring the cost to about "
                f"{price.format(expected)}, over {price.format(state.max_cost)}"
            )
    return None


def _close_open(state: SequentialState, why: str) -> None:
    state.stopped = why
    for key, stop in list(state.tests.items()):
        if stop.stop == "open":
            state.tests[key] = TestStop(stop.look, "budget", stop.p, stop.decide_chance)


def adaptive_rounds(
    variants: Sequence[Variant],
    state: SequentialState,
    *,
    settings: Settings,
    execute: Callable[[int, list[PlannedDraw], float | None], RoundOutcome],
    frame: Callable[[], pd.DataFrame],
    price: Price | None = None,
    recorded: Callable[[SequentialState, Mapping[str, int]], None] | None = None,
) -> SequentialState:
    """Make rounds of draws until every test is settled, a budget runs out or the run is interrupted.

    Args:
        variants: The run's variants.
        state: A fresh state (its design and budgets set).
        settings: Analysis settings the looks read.
        execute: Makes one round's draws: ``(round, draws, cost budget left)``.
        frame: The run's draws so far, as a frame (after a round's counts are recorded).
        price: The judge's prices, for the cost budget.
        recorded: Called after each round with the state and the draw counts of the variants the round drew
            (before the look, so that ``frame`` includes the round), and once more after the look.

    Returns:
        The state (``stopped`` is ``None`` when interrupted).
    """
    choices = {v.id: dict(v.choices) for v in variants if v.choices}
    design = state.design
    open_ids: set[str] | None = None
    while True:
        number = state.rounds + 1
        if open_ids is not None and not open_ids:
            state.stopped = "every test settled: decided, futile or at the most draws"
            break
        plan = draw_round(
            variants, round_number=number, max_draws=design.max_draws, open_ids=open_ids,
            base_draws=design.base_draws, base_upfront=design.base_upfront,
        )  # fmt: skip
        why = _budget_stop(state, plan, frame() if state.max_cost is not None else pd.DataFrame(), price)
        if why is not None:
            if number == 1:
                raise ConfigError(
                    f"{why}: the first round draws every variant once (and each unit's base draws and one "
                    "placebo draw); "
                    "raise the budget or select fewer cases or probes"
                )
            _close_open(state, why)
            break
        left = None
        if state.max_cost is not None:
            spent, _ = _spent(frame(), price)
            left = state.max_cost - (spent or 0.0)
        outcome = execute(number, plan, left)
        if outcome.interrupted:
            return state
        if outcome.stopped is not None:
            _close_open(state, outcome.stopped)
            break
        state.rounds = number
        state.draws += len(plan)
        if recorded is not None:
            recorded(state, {variant.id: number for variant, _, _ in plan})
        open_ids = set(evaluate_look(frame(), state, settings=settings, choices=choices))
    if recorded is not None:
        recorded(state, {})
    return state


def _add(total: RunStats, part: RunStats) -> None:
    """Add one round's statistics to the run's."""
    for item in fields(RunStats):
        mine, theirs = getattr(total, item.name), getattr(part, item.name)
        if item.name == "errors_by_kind":
            for kind, count in theirs.items():
                mine[kind] = mine.get(kind, 0) + count
        elif item.name == "cost":
            if theirs is not None:
                total.cost = (mine or 0.0) + theirs
        elif item.name in ("currency", "stopped", "budget_stop"):
            setattr(total, item.name, theirs or mine)
        elif item.name == "interrupted":
            total.interrupted = mine or theirs
        else:
            setattr(total, item.name, mine + theirs)


def run_adaptive(
    judge: Judge,
    variants: Sequence[Variant],
    store: RunStore,
    record: RunRecord,
    *,
    adaptive: AdaptiveOptions,
    options: RunOptions,
    settings: Settings,
    reference_doubt: Mapping[str, bool],
    show_progress: bool,
    progress: ProgressSink | None = None,
) -> tuple[RunStats, SequentialState]:
    """Run an adaptive run into ``store`` (``record`` is the run as recorded there).

    A finished run (its state says why it stopped) is not run again; an interrupted one is replayed from
    round 1, its draws answered from the store.
    """
    total = RunStats()
    saved = store.get_meta(state_key(record.key))
    if saved is not None:
        previous = SequentialState.from_json(saved)
        if previous.stopped is not None:  # finished: every draw it made is in the store
            counts = store.run_counts(record)
            total.judged, total.unscored = counts["judged"], counts["unscored"]
            total.errors, total.skipped = counts["error"], counts["skipped"]
            total.planned = total.done = total.cache_hits = sum(counts.values())
            return total, previous
    state = SequentialState(adaptive.design, max_calls=adaptive.max_calls, max_cost=adaptive.max_cost)

    def execute(number: int, plan: list[PlannedDraw], left: float | None) -> RoundOutcome:
        round_options = options if left is None else _with_budget(options, left)
        stats = run(
            judge, variants, store, options=round_options, show_progress=show_progress,
            reference_doubt=reference_doubt, draws=plan, label=f"round {number}", progress=progress,
        )  # fmt: skip
        _add(total, stats)
        # a judge that kept failing the same blocking way ends the rounds as an interruption does (a rerun
        # resumes); ``total.stopped`` says why, and the caller reports what was done, then stops
        cut = stats.interrupted or stats.stopped is not None
        return RoundOutcome(interrupted=cut, stopped=stats.budget_stop)

    def frame() -> pd.DataFrame:
        return store.run_frame(record)

    def recorded(now: SequentialState, counts: Mapping[str, int]) -> None:
        store.set_run_draws(record.key, counts)
        store.set_meta(state_key(record.key), now.to_json())

    store.set_run_draws(record.key, dict.fromkeys((v.id for v in variants), 0))  # a replay starts afresh
    adaptive_rounds(
        variants, state, settings=settings, execute=execute, frame=frame, price=judge.price, recorded=recorded
    )
    return total, state


def _with_budget(options: RunOptions, left: float) -> RunOptions:
    cap = left if options.max_cost is None else min(options.max_cost, left)
    return replace(options, max_cost=max(cap, 1e-12))
