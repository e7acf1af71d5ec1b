"""Sequential flip tests: settle each invariant test with as few draws as its evidence allows.

An adaptive run (``judgeprobe run --adaptive``) draws in rounds (``judgeprobe.harness.run.rounds``): every
variant once, then more draws only of the variants whose tests are still open. After each round every open
test — each probe and each family, as in a fixed run — is *looked at*, and it stops when

* its **repeated confidence interval** decides it, from look ``decide_from`` on: ``biased`` (the BH q-value
  of its repeated p-value is below ``alpha``, the excess is at least the threshold and the interval lies
  above 0) or ``clean`` (the interval lies below the threshold); or
* more draws are unlikely to decide it (``futile``): the predictive probability, given what the looks so
  far show, that the interval at the last round would call it biased or the interval at the next round
  would call it clean is below ``futility`` — at look 1, when the probabilities of the biased and of the
  clean call are each below their threshold in ``first_look`` (:class:`SequentialDesign` says why these
  defaults);
* it is a family one of whose probes was called biased (its verdict is then biased whatever more draws
  show); or
* it has had the most draws (``max_draws``), or the run's budget ran out (``budget``).

**Why the error rates hold.** At look ``k`` of at most ``K`` the interval is the fixed-sample interval of
the look's pairs at the level of the group-sequential boundary ``c_k`` (:mod:`.boundaries`, Wang–Tsiatis
shape ``shape``) instead of 1.96: the intervals of all looks then cover the true excess *together* with
probability ``confidence``, so a decision read from whichever look a test stopped at is wrong no more often
than a fixed run's decision (Jennison & Turnbull's repeated confidence intervals). The repeated p-value is
valid at any stopping look in the same way, so Benjamini–Hochberg over the tests still controls false
discoveries. Stopping for futility only ever stops early, which never adds a false decision (a non-binding
rule), and deciding nothing before look ``decide_from`` only leaves out looks. That guarantee is
asymptotic; at look 1 a unit's noise floor rests on a single placebo draw, which is why no verdict is read
there by default. Each test is reported from exactly the draws it had at its stopping look (its variants'
first ``k`` draws, its units' first ``k`` placebo draws and the base draws made by round ``k``), even when
an overlapping test drew them further. A look's Benjamini–Hochberg family counts the slot test of pairs
judged in both orders, which joins it when the run is reported, as a test with p = 1, so a test the look
calls biased is not made inconclusive by its joining.

The planted-judge power table (``benchmarks/power_table.py``) shows the rates, side by side with fixed
repeats.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any, Literal, cast

import numpy as np
import pandas as pd

from judgeprobe.harness.stats.boundaries import boundary, nominal_alpha, repeated_p_value
from judgeprobe.harness.stats.effects import decide, invariant_fields, rate
from judgeprobe.harness.stats.fdr import benjamini_hochberg
from judgeprobe.harness.stats.position import SWAP_CHAIN
from judgeprobe.harness.stats.schema import InvariantResult, SequentialInfo, SequentialTest, Settings
from judgeprobe.harness.stats.units import draw_pairs

__all__ = [
    "SequentialDesign",
    "SequentialState",
    "Stop",
    "TestStop",
    "evaluate_look",
    "round_index",
    "sequential_info",
    "sequential_invariants",
    "test_id",
    "z_of_p",
]

Stop = Literal["biased", "clean", "futile", "max_draws", "budget", "open"]
"""Why a test stopped drawing (``open``: it had not, when the run ended)."""

_NORMAL = NormalDist()


@dataclass(frozen=True)
class SequentialDesign:
    """The stopping rule of an adaptive run (part of the run's identity).

    The defaults are chosen for cost: an adaptive run should reach the verdicts of fixed repeats 4 with at
    most half their calls (``benchmarks/power_table.py``, section 5, measures both on noisy planted
    judges). Round 1 draws everything once, so every round that a test without a bias goes on drawing costs
    as much as a bias that is found. Hence:

    * round 1 makes all three base draws of every unit (``base_upfront``), so the base verdict is a
      majority from the first look on. With one base draw at look 1 a real bias was watered down by twice
      the judge's noise rate and could look futile there: that was most of what the rule before missed;
    * at look 1 a test goes on when its chance of a *biased* call by the last round is at least 0.2 for a
      probe or 0.5 for a family (a family draws all its probes' variants and is reported biased once one
      of them is), or its chance of a *clean* call at the next round is at least 0.8 (``first_look``). No
      verdict is read at look 1, and on a noisy judge the chance of a clean call a round later, on two
      placebo draws a unit, put a floor of about 0.25 under every fair test's chance of either call, so that
      chance could not tell a real bias from the fair tests there; a judge that never flips goes on when a
      clean call is likely;
    * from look 2 on a test goes on while its chance of a biased call by the last round (``max_draws``, 8
      draws: twice fixed repeats 4, so a bias that fixed repeats 4 leave undecided can still be found) or a
      clean call at the next round is at least ``futility`` (0.75): a clean call that would take many more
      rounds is not worth them, since showing an excess below the threshold takes several hundred pairs at
      a judge noise of 10-20 %;
    * a look counts the slot test of pairs judged in both orders, which joins the Benjamini–Hochberg family
      when the run is reported, as a test with p = 1: without it a probe called biased at a look (q 0.047)
      was reported inconclusive (q 0.050) once the slot test joined.

    None of this touches the error rates: stopping for futility only ever stops early (a non-binding rule),
    and a family stops once one of its probes is called biased, as its verdict is then biased whatever its
    own draws show.

    Measured there (20 seeds a cell, each seed judged by both arms; judge noise 10 % and 20 %; a planted bias
    of 8, 15 or 27 points on one probe, or none): these defaults made 42-48 % of the calls of fixed repeats 4
    in every cell; they found the planted bias as often as fixed repeats 4 or more often in all six cells with
    a bias (20 % noise: 2, 6 and 19 of 20 runs against 2, 3 and 19 at 8, 15 and 27 points; 10 % noise: 4, 16
    and 20 against 4, 15 and 20), three of them ties. False alarms: 3 runs of 160 with a test without a bias
    called biased (5 tests of 1,760) against 2 (4 tests) — not fewer, though well within the noise of 160
    runs. The clean calls fixed repeats buy are what the saved calls cost: 0-3 % of the tests without a bias
    against 14-45 %. Over 40 seeds at 20 % noise: 8 points, 2 of 40 runs against 3 (the family 3 against 3)
    with 45 % of the calls; 27 points, 37 of 40 against 36 with 45 %; runs with a false alarm 1 of 80 against
    2. So at 8 points under 20 % noise the probe is found once less often than by fixed repeats 4 (about 5-8 %
    power either way). A judge that never flips still gets clean calls on a test whose clean call a round
    later is likely (0.8); one with fewer pairs now stops inconclusive at look 1 where the rule before (0.4 on
    either call) went on to a clean call.
    The rule before (one base draw a round, futility 0.4 on the chance of either call from look 1 on) made
    41-55 % of the calls and found the bias in 15-16 of 20 runs against 19 at 27 points under 20 % noise.
    Measured on the way (20 seeds, the same cells): all base draws in round 1 with that rule, 17 of 20 at 27
    points but 48-58 % of the calls; with the look-1 rule too (biased call only) and futility 0.5 later,
    44-54 %; futility 0.7 later, up to 51 % (0.8 at look 1 for the clean call) and 0.8 later (three cells),
    42-46 % but 3 of 20 at 8 points under 10 % noise against fixed repeats' 4; at most 6 draws, 16 of 20 at 27
    points under 20 % noise.
    """

    max_draws: int = 8
    """The most draws of any variant (``K``): the number of looks the boundaries are made for."""
    shape: float = 0.5
    """Wang–Tsiatis shape of the boundaries: 0 O'Brien–Fleming, 0.5 Pocock (the same critical value at every
    look, which lets a clear bias stop early)."""
    futility: float = 0.75
    """Stop a test when its chance of a decision (see ``clean_horizon``) falls below this."""
    futility_from: int = 1
    """The first look at which a test may stop for futility."""
    base_draws: int = 3
    """The most base (non-placebo) draws of a unit: its base verdict is their modal outcome, and three make
    a majority (placebo draws go on every round: each pairs with a variant draw)."""
    decide_from: int = 2
    """The first look at which a test may be called biased or clean. At look 1 each unit's noise floor rests
    on one placebo draw, which by chance can sit far from the judge's noise (seen on the power table's
    planted judges: a fair test called biased at look 1 after no placebo draw of 60 had changed)."""
    clean_horizon: int | None = 1
    """How many rounds ahead a ``clean`` verdict counts towards a test's chance of a decision: the chance is
    that of being called biased by the last round plus that of being called clean within this many rounds
    (``None``: by the last round too, the rule before this option)."""
    base_upfront: bool = True
    """Make all ``base_draws`` base draws of every unit in round 1, so its base verdict is their majority
    from look 1 on (``False``: one base draw a round up to round ``base_draws``, the rule before this
    option; a single base draw waters a bias down at look 1)."""
    first_look: tuple[float, float, float] | None = (0.2, 0.5, 0.8)
    """The futility thresholds of look 1: a test goes on there when its chance of a *biased* call by the last
    round reaches the first (a probe) or the second (a family), or its chance of a *clean* call at the next
    round alone reaches the third (a judge that never flips); else it stops. On a noisy judge the chance
    of a clean call a round later, on two placebo draws a unit, puts a floor under every fair test's chance
    of either call at look 1, which hid a real bias among them. A family draws all its probes' variants and
    is reported biased once one of them is, so it must show more promise of its own to go on. ``None``:
    look 1 is treated as the later looks (the rule before this option)."""

    def __post_init__(self) -> None:
        if (
            self.max_draws < 2
            or (
                self.first_look is not None
                and (len(self.first_look) != 3 or not all(0.0 <= t < 1.0 for t in self.first_look))
            )
            or not 0.0 <= self.shape <= 0.5
            or not 0.0 <= self.futility < 1.0
            or self.futility_from < 1
            or self.base_draws < 1
            or (self.clean_horizon is not None and self.clean_horizon < 1)
            or not 1 <= self.decide_from <= self.max_draws
        ):
            raise ValueError(
                f"expected max_draws >= 2, 0 <= shape <= 0.5, 0 <= futility < 1, futility_from >= 1, "
                f"base_draws >= 1, 1 <= decide_from <= max_draws, clean_horizon None or >= 1 and first_look "
                f"None or three thresholds in [0, 1), got {self}; "
                "an adaptive run needs room for a second round (--repeats 2 or more)"
            )

    def critical(self, look: int, confidence: float) -> float:
        """``c_look``: the critical value of the look's interval for joint coverage ``confidence``."""
        return boundary(1.0 - confidence, self.max_draws, self.shape)[look - 1]

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "max_draws": self.max_draws, "shape": self.shape, "futility": self.futility,
            "futility_from": self.futility_from, "base_draws": self.base_draws,
            "clean_horizon": self.clean_horizon, "decide_from": self.decide_from,
            "base_upfront": self.base_upfront,
            "first_look": None if self.first_look is None else list(self.first_look),
        }  # fmt: skip

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SequentialDesign:
        """Inverse of :meth:`to_json`."""
        defaults = cls()
        return cls(
            max_draws=int(data["max_draws"]), shape=float(data["shape"]), futility=float(data["futility"]),
            futility_from=int(data.get("futility_from", defaults.futility_from)),
            base_draws=int(data.get("base_draws", defaults.base_draws)),
            # a state saved before these two existed decided tests from look 1 on and counted a clean verdict
            # up to the last round
            decide_from=int(data.get("decide_from", 1)),
            clean_horizon=None if data.get("clean_horizon") is None else int(data["clean_horizon"]),
            # a state saved before this option made one base draw a round
            base_upfront=bool(data.get("base_upfront", False)),
            first_look=_pair(data.get("first_look")),
        )  # fmt: skip


def _pair(value: Any) -> tuple[float, float, float] | None:
    """``first_look`` from JSON (a state saved before it existed treated look 1 as the later looks)."""
    if value is None:
        return None
    probe, family, clean = value
    return float(probe), float(family), float(clean)


@dataclass(frozen=True)
class TestStop:
    """Where one test stands: the look its result comes from and why it stopped there."""

    look: int
    """Rounds of draws the result is computed from."""
    stop: Stop
    """Why it stopped (``open``: still drawing)."""
    p: float | None = None
    """Its repeated p-value at that look (for Benjamini–Hochberg over every test)."""
    decide_chance: float | None = None
    """Predictive probability, at that look, of deciding it by the last round."""

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {"look": self.look, "stop": self.stop, "p": self.p, "decide_chance": self.decide_chance}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TestStop:
        """Inverse of :meth:`to_json`."""
        return cls(int(data["look"]), data["stop"], data.get("p"), data.get("decide_chance"))


@dataclass
class SequentialState:
    """An adaptive run as far as it got: its rule, the rounds made, and every test's stop."""

    design: SequentialDesign
    """The stopping rule."""
    rounds: int = 0
    """Rounds made and looked at."""
    draws: int = 0
    """Draws planned by those rounds (base, placebo, control and invariant draws)."""
    stopped: str | None = None
    """Why the run stopped (``None``: still running or interrupted)."""
    max_calls: int | None = None
    """Budget: the most draws the run may make."""
    max_cost: float | None = None
    """Budget: the most its calls may cost (the judge's price currency)."""
    tests: dict[str, TestStop] = field(default_factory=dict)
    """Test id (:func:`test_id`) -> its stop."""

    def open_tests(self) -> list[str]:
        """Ids of the tests still drawing."""
        return [key for key, stop in self.tests.items() if stop.stop == "open"]

    def to_json(self) -> dict[str, Any]:
        """JSON form (kept in the store's metadata)."""
        return {
            "design": self.design.to_json(), "rounds": self.rounds, "draws": self.draws,
            "stopped": self.stopped, "max_calls": self.max_calls, "max_cost": self.max_cost,
            "tests": {key: stop.to_json() for key, stop in sorted(self.tests.items())},
        }  # fmt: skip

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SequentialState:
        """Inverse of :meth:`to_json`."""
        return cls(
            design=SequentialDesign.from_json(data["design"]), rounds=int(data["rounds"]),
            draws=int(data.get("draws", 0)), stopped=data.get("stopped"), max_calls=data.get("max_calls"),
            max_cost=data.get("max_cost"),
            tests={key: TestStop.from_json(value) for key, value in dict(data.get("tests") or {}).items()},
        )  # fmt: skip


def test_id(level: str, family: str, probe: str | None) -> str:
    """``family:<family>`` or ``probe:<family>/<probe>``."""
    return f"family:{family}" if level == "family" else f"probe:{family}/{probe}"


def round_index(frame: pd.DataFrame, design: SequentialDesign) -> np.ndarray:
    """The round (from 1) of each draw of an adaptive run's frame (see ``judgeprobe.harness.run.rounds``)."""
    draws = frame["draw"].to_numpy(dtype=int)
    placebo = frame["placebo"].to_numpy(dtype=bool)
    rounds = np.where(placebo, draws - design.max_draws, draws) + 1
    if design.base_upfront:
        own_base = (frame["relation"].to_numpy() == "base") & ~placebo
        rounds = np.where(own_base & (draws < min(design.base_draws, design.max_draws)), 1, rounds)
    return rounds


def _groups(pairs: pd.DataFrame) -> Iterable[tuple[str, str, str, str | None, pd.DataFrame]]:
    inv = pairs[pairs["relation"] == "invariant"]
    for family, rows in inv.groupby("family", sort=True):
        yield test_id("family", str(family), None), "family", str(family), None, rows
    for (fam, probe), rows in inv.groupby(["family", "probe"], sort=True):
        yield test_id("probe", str(fam), str(probe)), "probe", str(fam), str(probe), rows


def _look_fields(
    rows: pd.DataFrame, *, level: str, family: str, probe: str | None, look: int, design: SequentialDesign,
    settings: Settings, choices: Mapping[str, Mapping[str, str]],
) -> dict[str, Any]:  # fmt: skip
    """A test's fields at ``look``: the excess interval at the look's boundary, the repeated p-values."""
    critical = design.critical(look, settings.confidence)
    at_look = settings.model_copy(update={"confidence": 1.0 - nominal_alpha(critical)})
    fields = invariant_fields(
        rows, level=level, family=family, probe=probe, settings=at_look, choices=choices
    )
    for name in ("flips", "placebo"):  # the rates keep their ordinary interval
        fields[name] = rate(fields[name].events, fields[name].n, confidence=settings.confidence)
    p_look = fields["p"]
    for name in ("p", "p_midp"):
        fields[name] = repeated_p_value(z_of_p(fields[name]), look, design.max_draws, design.shape)
    fields["_critical"], fields["_level"], fields["_p_look"] = critical, at_look.confidence, p_look
    return fields


def z_of_p(p: float) -> float:
    """The two-sided normal statistic of p-value ``p`` (0 for ``p >= 1`` or NaN). Read from the lower tail,
    so a p-value far below machine epsilon (a clear bias over many draws) still gives a finite statistic
    instead of ``1 - p/2`` rounding to 1."""
    if not p < 1.0:
        return 0.0
    return -_NORMAL.inv_cdf(max(p, 1e-300) / 2.0)


def _decide_chance(
    fields: Mapping[str, Any], look: int, design: SequentialDesign, settings: Settings, *, clean: bool = True
) -> float:
    """Predictive probability that more draws decide the test: that the interval at the last round calls
    it biased, plus (with ``clean``) that the interval within ``clean_horizon`` rounds calls it clean.

    A normal approximation with a flat prior on the excess, so the uncertainty of this look's estimate
    counts: the excess read at round ``m`` is then ``N(estimate, se_m^2 (m - k) / k)``, with ``se_m`` the
    standard error at round ``m`` (``se_k sqrt(k / m)``).
    """
    excess = fields["excess"]
    if excess is None or fields["pairs"] == 0:
        return 0.0
    low, high = fields["excess_ci"]
    se_now = (high - low) / (2.0 * fields["_critical"])
    if se_now <= 0.0:
        return 1.0

    def ahead(last: int) -> tuple[float, float, float]:
        """The critical value, standard error and predictive spread of the estimate at round ``last``."""
        se_last = se_now * math.sqrt(look / last)
        return design.critical(last, settings.confidence), se_last, se_last * math.sqrt((last - look) / look)

    critical, se_last, spread = ahead(design.max_draws)
    if spread <= 0.0:
        return 0.0
    biased = 1.0 - _NORMAL.cdf((max(critical * se_last, settings.threshold) - excess) / spread)
    if not clean:
        return float(biased)
    horizon = design.max_draws
    if design.clean_horizon is not None:
        horizon = min(look + design.clean_horizon, design.max_draws)
    critical, se_last, spread = ahead(horizon)
    clean_call = _NORMAL.cdf((settings.threshold - critical * se_last - excess) / spread)
    return float(min(1.0, biased + clean_call))


def _p_of(fields: Mapping[str, Any]) -> float | None:
    """The repeated p-value, or ``None`` for a test without pairs (left out of Benjamini–Hochberg)."""
    return float(fields["p"]) if fields["pairs"] else None


def _decided(
    fields: Mapping[str, Any], q: float | None, settings: Settings
) -> Literal["biased", "clean"] | None:
    verdict = decide({k: v for k, v in fields.items() if not k.startswith("_")}, q, settings).verdict
    return verdict if verdict in ("biased", "clean") else None


def evaluate_look(
    frame: pd.DataFrame,
    state: SequentialState,
    *,
    settings: Settings,
    choices: Mapping[str, Mapping[str, str]],
) -> dict[str, str]:
    """Look at every open test after round ``state.rounds`` and record which stop (in ``state.tests``).

    ``frame`` holds the run's draws so far: ``state.rounds`` rounds of every open test's draws. Tests seen
    for the first time are open.

    Returns:
        Invariant variant id -> id of an open test it belongs to, for the variants to draw next round
        (empty when every test has stopped, or at the last round).
    """
    look, design = state.rounds, state.design
    pairs = draw_pairs(frame)
    current: dict[str, dict[str, Any]] = {}
    members: dict[str, np.ndarray] = {}
    for key, level, family, probe, rows in _groups(pairs):
        if state.tests.get(key, TestStop(look, "open")).stop != "open":
            continue
        current[key] = _look_fields(
            rows, level=level, family=family, probe=probe, look=look, design=design, settings=settings,
            choices=choices,
        )  # fmt: skip
        members[key] = rows["variant_id"].unique()
    keys = sorted(set(state.tests) | set(current))
    p_values = [_p_of(current[k]) if k in current else state.tests[k].p for k in keys]
    # the slot test of pairs judged in both orders joins the family at the end (read once, from every
    # round's draws): it counts here as a test with p = 1, so that a test called biased at a look is not
    # made inconclusive by that test's joining (whatever its p-value, it then only lowers the q-values)
    slot_test = bool(((frame["relation"] == "invariant") & (frame["chain"] == SWAP_CHAIN)).any())
    qs = dict(zip(keys, benjamini_hochberg([*p_values, *([1.0] if slot_test else [])])[: len(keys)],
                  strict=True))  # fmt: skip
    for key, fields in current.items():
        verdict = _decided(fields, qs[key], settings) if look >= design.decide_from else None
        chance: float | None = None
        stop: Stop
        if verdict is not None:
            stop = verdict
        elif look >= design.max_draws:
            stop = "max_draws"
        elif look < design.futility_from:
            stop = "open"
        elif look == 1 and design.first_look is not None:
            biased = _decide_chance(fields, look, design, settings, clean=False)
            chance = _decide_chance(fields, look, design, settings)
            least = design.first_look[1 if key.startswith("family:") else 0]
            stop = "futile" if biased < least and chance - biased < design.first_look[2] else "open"
        else:
            chance = _decide_chance(fields, look, design, settings)
            stop = "futile" if chance < design.futility else "open"
        state.tests[key] = TestStop(look, stop, _p_of(fields), chance)
    # a family one of whose probes is biased is reported biased whatever its own draws show: stop it
    flagged = {key.split(":", 1)[1].split("/", 1)[0] for key, now in state.tests.items()
               if key.startswith("probe:") and now.stop == "biased"}  # fmt: skip
    for key in current:
        now = state.tests[key]
        if now.stop == "open" and key.startswith("family:") and key.split(":", 1)[1] in flagged:
            state.tests[key] = TestStop(look, "biased", now.p, now.decide_chance)
    open_variants: dict[str, str] = {}
    for key in current:
        if state.tests[key].stop == "open":
            open_variants.update((str(vid), key) for vid in members[key])
    return open_variants


def sequential_invariants(
    frame: pd.DataFrame,
    state: SequentialState,
    *,
    settings: Settings,
    choices: Mapping[str, Mapping[str, str]],
    extra_p: float | None = None,
) -> tuple[list[InvariantResult], list[InvariantResult], float | None]:
    """Family and probe results of an adaptive run, each from the draws it had at its stopping look.

    ``extra_p``: the p-value of one more test reported beside them (the slot test of pairs judged in both
    orders, read once at the end), put into the same Benjamini-Hochberg family as a fixed run puts it.

    Returns:
        Family results (not yet escalated by their biased probes), probe results, and the q-value of
        ``extra_p`` (``None`` without it).
    """
    design = state.design
    rounds = round_index(frame, design)
    by_look: dict[int, pd.DataFrame] = {}
    pending: list[tuple[str, dict[str, Any], TestStop]] = []
    for key, level, family, probe, _ in _groups(draw_pairs(frame)):
        stop = state.tests.get(key, TestStop(max(state.rounds, 1), "open"))
        if stop.look not in by_look:
            by_look[stop.look] = draw_pairs(frame[rounds <= stop.look])
        rows = by_look[stop.look]
        rows = rows[(rows["relation"] == "invariant") & (rows["family"] == family)]
        if probe is not None:
            rows = rows[rows["probe"] == probe]
        fields = _look_fields(
            rows, level=level, family=family, probe=probe, look=stop.look, design=design, settings=settings,
            choices=choices,
        )  # fmt: skip
        pending.append((key, fields, stop))
    p_values = [_p_of(fields) for _, fields, _ in pending]
    qs = benjamini_hochberg([*p_values, extra_p] if extra_p is not None else p_values)
    extra_q = qs.pop() if extra_p is not None else None
    results = [
        _result(fields, q, stop, design, settings) for (_, fields, stop), q in zip(pending, qs, strict=True)
    ]
    families = [r for r in results if r.level == "family"]
    return families, [r for r in results if r.level == "probe"], extra_q


_WHY = {
    "futile": "more draws were unlikely to decide it",
    "max_draws": "it had the most draws",
    "budget": "the run's budget ran out",
    "open": "the run ended before it was decided",
}


def _result(
    fields: dict[str, Any], q: float | None, stop: TestStop, design: SequentialDesign, settings: Settings
) -> InvariantResult:
    extra = SequentialTest(
        look=stop.look, stop=stop.stop, critical=fields.pop("_critical"), level=fields.pop("_level"),
        p_look=fields.pop("_p_look"), decide_chance=stop.decide_chance,
    )  # fmt: skip
    result = decide(fields, q, settings)
    note = f"{result.note} (round {stop.look} of at most {design.max_draws}"
    if result.verdict == "inconclusive" and stop.stop in _WHY:
        note += f"; stopped: {_WHY[stop.stop]}"
    return result.model_copy(update={"sequential": extra, "note": note + ")"})


def sequential_info(frame: pd.DataFrame, state: SequentialState) -> SequentialInfo:
    """The run-level account of an adaptive run: its rule, rounds, stop and draws per variant."""
    design = state.design
    own = frame[~frame["placebo"].astype(bool)]
    per_variant = own.groupby("variant_id")["draw"].nunique().value_counts().sort_index()
    tests: dict[str, int] = {}
    for stop in state.tests.values():
        tests[stop.stop] = tests.get(stop.stop, 0) + 1
    return SequentialInfo(
        rule=(
            "group-sequential repeated confidence intervals (Wang-Tsiatis boundaries) with repeated "
            "p-values under Benjamini-Hochberg; non-binding futility on the predictive probability of a "
            + (
                "decision by the last round"
                if design.clean_horizon is None
                else f"biased call by the last round or a clean call within {design.clean_horizon} round(s)"
            )
            + (
                ""
                if design.first_look is None
                else "; at look 1, when the predictive probability of a biased call by the last round is "
                f"below {design.first_look[0]:g} for a probe and {design.first_look[1]:g} for a family and "
                f"that of a clean call at the next round below {design.first_look[2]:g}"
            )
            + (f"; no verdict before round {design.decide_from}" if design.decide_from > 1 else "")
            + (f"; all {design.base_draws} base draws in round 1" if design.base_upfront else "")
        ),
        max_draws=design.max_draws, shape=design.shape, futility=design.futility,
        futility_from=design.futility_from, base_draws=design.base_draws, rounds=state.rounds,
        stopped=state.stopped or "interrupted: rerun the same command to resume", draws=state.draws,
        max_calls=state.max_calls, max_cost=state.max_cost,
        draws_per_variant={str(int(cast(int, k))): int(v) for k, v in per_variant.items()},
        tests=dict(sorted(tests.items())),
    )  # fmt: skip
