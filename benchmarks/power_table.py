"""Power and calibration of the statistics on planted judges; adaptive runs against fixed repeats.

The default pairwise suite is what ``judgeprobe run --mode pairwise`` plans: every hand-written pair and every
pair derived from the grade library, each judged in both orders, with every probe. Planted judges
(``tests/harness/stats/planted_pairs.py``) seed their randomness from the request, so a seed is a salt.

1. **Slot preference.** A judge that picks slot 1 with probability ``effect`` (else a random slot with
   probability ``--noise``, else fairly): the share of runs whose position verdict is *biased* / *clean* /
   *inconclusive*, the share whose fairness interval covers the planted effect (the true preference
   fairness equals ``effect``), and, for comparison, the share a flip count against the placebo alone would
   call biased (``position.swap``'s own excess). Effect 0 is the fair noisy judge: its *biased* share is the
   false-alarm rate.
2. **Coin flips.** A fair coin in every mode (a third of pairwise verdicts ties): over all probes, families
   and the position test, the share called *biased*, the share of 95 % intervals covering the true value 0,
   and the runs with any test called biased.
3. **Grade suite alarm.** The fair noisy grade judge of ``planted.py`` over its small hand-built suite, as
   before: runs with any test called biased.
4. **Coverage of the position statistics** over more seeds (``--coverage-seeds``), on the pairs in both orders
   alone (the position statistics read only those draws, so they are the same as in the full suite): the
   share of runs whose fairness interval covers the true fairness, and (fair judges) whose slot-1 share
   interval covers 50 %.

5. **Adaptive against fixed repeats.** Noisy planted grade judges (``planted.NoisyLatexJudge``: every verdict
   flipped with probability ``noise``, and the LaTeX probe's flip rate raised by ``bias`` over the placebo;
   bias 0 is the fair noisy judge) over the wide planted suite (``planted.build_suite(wide=True)``: nine
   rewrites per graded response in four families, and pairs in both orders), each seed judged by fixed
   repeats (``--adaptive-fixed``, 4) and by an adaptive run with the default stopping rule (at most
   ``--adaptive-max`` draws, 8, what ``--adaptive`` alone runs), on the same judges, seeds, suite and
   analysis settings. Per cell: how often the planted probe and its family are called biased (with Wilson
   intervals), false alarms (tests without a planted bias called biased, and runs with any), the share of
   inconclusive tests and of clean tests without a planted bias, and the mean draws per run, every base,
   placebo, control and invariant draw counted in both arms.

Run: ``python benchmarks/power_table.py [--seeds 20] [--effects 0,0.05,0.1,0.2] [--repeats 1] [--noise 0.1]``
(``nox -s power``). About 6 s per run of the full pairwise suite on one core; section 5 alone
(``--skip 1,2,3,4``) takes about 4-5 minutes at 20 seeds on one core.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "harness" / "stats"))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import planted  # noqa: E402
import planted_pairs  # noqa: E402
from adaptive_power import run_adaptive_direct  # noqa: E402

from judgeprobe.harness.core.request import JudgeRequest  # noqa: E402
from judgeprobe.harness.core.verdict import Verdict  # noqa: E402
from judgeprobe.harness.run.plan import plan_suite  # noqa: E402
from judgeprobe.harness.run.selection import Selection  # noqa: E402
from judgeprobe.harness.stats import DEFAULT_SETTINGS, Summary, build_summary  # noqa: E402
from judgeprobe.harness.stats.intervals import wilson  # noqa: E402
from judgeprobe.harness.stats.schema import InvariantResult  # noqa: E402
from judgeprobe.harness.stats.sequential import SequentialDesign  # noqa: E402
from judgeprobe.harness.store.frame import records_frame  # noqa: E402
from judgeprobe.probes.variant import Variant  # noqa: E402

SETTINGS = DEFAULT_SETTINGS.model_copy(update={"bootstrap_resamples": 1000})
Judge = Callable[[JudgeRequest], Verdict]


def summarise(judge: Judge, suite: list[Variant], repeats: int) -> Summary:
    frame = records_frame(planted.run_direct(judge, suite, repeats=repeats))
    return build_summary(frame, variants=suite, settings=SETTINGS)


def flip_only_biased(summary: Summary) -> bool:
    """What the flip statistics alone say about ``position.swap`` (before the slot statistics join in)."""
    swap = next((r for r in summary.probes if r.probe == "position.swap"), None)
    if swap is None or swap.q is None or swap.excess is None:
        return False
    return swap.q < SETTINGS.alpha and swap.excess >= SETTINGS.threshold and swap.excess_ci[0] > 0


def slot_table(
    suite: list[Variant], effects: list[float], repeats: list[int], seeds: int, noise: float
) -> None:
    print(
        f"1. Slot-1 preference, default pairwise suite ({len(suite)} variants), noise {noise}, {seeds} seeds"
    )
    print("   effect  K   biased   clean  inconcl.  fairness CI covers effect  flip count alone biased")
    for effect in effects:
        for k in repeats:
            counts = {"biased": 0, "clean": 0, "inconclusive": 0}
            covered = flips = 0
            for seed in range(seeds):
                judge = planted_pairs.SlotJudge(p_first=effect, noise=noise, salt=f"power-{effect}-{seed}")
                summary = summarise(judge, suite, k)
                position = summary.position
                assert position is not None
                counts[position.verdict] += 1
                covered += position.fairness_ci[0] <= effect <= position.fairness_ci[1]
                flips += flip_only_biased(summary)
            n = seeds
            print(
                f"   {effect:5.2f}  {k}  {counts['biased'] / n:6.1%}  {counts['clean'] / n:6.1%}  "
                f"{counts['inconclusive'] / n:7.1%}  {covered / n:25.1%}  {flips / n:23.1%}",
                flush=True,
            )


def coin_table(suite: list[Variant], repeats: list[int], seeds: int) -> None:
    print(f"\n2. Fair coin-flip judge (ties 1/3), default pairwise suite, {seeds} seeds")
    for k in repeats:
        tests = biased = covering = runs_hit = 0
        fam_tests = fam_biased = fam_covering = 0
        pos_biased = pos_covering = 0
        for seed in range(seeds):
            summary = summarise(planted_pairs.CoinJudge(salt=f"coin-{seed}"), suite, k)
            probes = [r for r in summary.probes if r.pairs]
            families = [r for r in summary.families if r.pairs]
            tests += len(probes)
            biased += sum(r.verdict == "biased" for r in probes)
            covering += sum(r.excess_ci[0] <= 0 <= r.excess_ci[1] for r in probes)
            fam_tests += len(families)
            fam_biased += sum(r.verdict == "biased" for r in families)
            fam_covering += sum(r.excess_ci[0] <= 0 <= r.excess_ci[1] for r in families)
            position = summary.position
            assert position is not None
            pos_biased += position.verdict == "biased"
            pos_covering += position.fairness_ci[0] <= 0 <= position.fairness_ci[1]
            runs_hit += (
                any(r.verdict == "biased" for r in [*probes, *families]) or position.verdict == "biased"
            )
        print(
            f"   K={k}: probes called biased {biased}/{tests} ({biased / tests:.2%}), 95% CI covers 0 "
            f"{covering / tests:.1%};\n        families biased {fam_biased}/{fam_tests} "
            f"({fam_biased / fam_tests:.2%}), cover 0 {fam_covering / fam_tests:.1%};\n"
            f"        position biased {pos_biased}/{seeds}, fairness CI covers 0 {pos_covering / seeds:.0%}; "
            f"runs with any test biased {runs_hit}/{seeds}",
            flush=True,
        )


def grade_alarm(seeds: int, noise: float) -> None:
    full = planted.build_suite(30)
    alarms = biased_tests = tests = 0
    for seed in range(seeds):
        judge = planted.NoisyJudge(rate=noise, salt=f"alarm-{seed}")
        summary = summarise(judge, full, 3)
        results = [*summary.families, *summary.probes]
        hits = sum(r.verdict == "biased" for r in results)
        alarms += hits > 0
        biased_tests += hits
        tests += len(results)
    print(
        f"\n3. Fair noisy grade judge (noise {noise}), planted suite of 30 cases, K=3, {seeds} seeds: "
        f"runs with any test biased {alarms}/{seeds}; tests biased {biased_tests}/{tests} "
        f"({biased_tests / tests:.2%})"
    )


def coverage_table(seeds: int) -> None:
    swaps = list(plan_suite(Selection(modes=("pairwise",), probes="position.swap")).variants)
    print(
        f"\n4. Position interval coverage, pairs in both orders only ({len(swaps)} variants), {seeds} seeds"
    )
    judges: list[tuple[str, float, Callable[[int], Judge]]] = [
        ("coin (ties 1/3)", 0.0, lambda s: planted_pairs.CoinJudge(salt=f"cov-coin-{s}")),
        ("fair, 30% random slot", 0.0, lambda s: planted_pairs.SlotJudge(0.0, 0.3, f"cov-noise-{s}")),
        ("slot 1 +0.10, noise 0.1", 0.1, lambda s: planted_pairs.SlotJudge(0.1, 0.1, f"cov-slot-{s}")),
        ("slot 2 +0.10, noise 0.1", -0.1, lambda s: planted_pairs.SlotJudge(-0.1, 0.1, f"cov-slot2-{s}")),
    ]
    for name, truth, make in judges:
        fair = share = 0
        for seed in range(seeds):
            position = summarise(make(seed), swaps, 1).position
            assert position is not None
            fair += position.fairness_ci[0] <= truth <= position.fairness_ci[1]
            share += position.slot1_share_ci[0] <= 0.5 <= position.slot1_share_ci[1]
        extra = f"; slot-1 share CI covers 50% {share / seeds:.1%}" if truth == 0 else ""
        print(f"   {name:26s} fairness CI covers {truth:+.2f}: {fair / seeds:.1%}{extra}", flush=True)


PLANTED_PROBE, PLANTED_FAMILY = "formatting.latex", "formatting"
"""Where :class:`planted.NoisyLatexJudge` plants its bias."""


def _share(events: int, n: int) -> str:
    ci = wilson(events, n)
    return f"{events:3d}/{n:<3d} {events / n:4.0%} [{ci.low:4.0%},{ci.high:4.0%}]" if n else "—"


def _is_planted(result: InvariantResult) -> bool:
    return result.probe == PLANTED_PROBE or (result.level == "family" and result.family == PLANTED_FAMILY)


class _Arm:
    """What one arm (fixed repeats or adaptive) did over the seeds of one cell."""

    def __init__(self) -> None:
        self.runs = self.probe_hits = self.family_hits = self.calls = 0
        self.tests = self.unplanted = self.alarms = self.alarm_runs = self.inconclusive = self.clean = 0

    def add(self, summary: Summary, calls: int, planted_bias: bool) -> None:
        results = [*summary.families, *summary.probes]
        planted_tests = [r for r in results if planted_bias and _is_planted(r)]
        unplanted = [r for r in results if not (planted_bias and _is_planted(r))]
        hits = sum(r.verdict == "biased" for r in unplanted)
        self.runs += 1
        self.calls += calls
        self.probe_hits += any(r.probe == PLANTED_PROBE and r.verdict == "biased" for r in planted_tests)
        self.family_hits += any(r.level == "family" and r.verdict == "biased" for r in planted_tests)
        self.tests += len(results)
        self.alarms += hits
        self.alarm_runs += hits > 0
        self.inconclusive += sum(r.verdict == "inconclusive" for r in results)
        self.clean += sum(r.verdict == "clean" for r in unplanted)
        self.unplanted += len(unplanted)


def adaptive_table(
    cases: int,
    noises: list[float],
    biases: list[float],
    seeds: int,
    repeats: int,
    design: SequentialDesign,
    wide: bool,
) -> None:
    """Adaptive runs against fixed repeats on the same noisy planted judges, seeds, suite and settings."""
    suite = planted.build_suite(cases, wide=wide)
    max_draws = design.max_draws
    print(
        f"\n5. Adaptive runs (--adaptive --repeats {max_draws}) against fixed --repeats {repeats}, "
        f"{seeds} seeds.\n"
        f"   Rule: {design}.\n"
        f"   Wide planted suite of {cases} grade and {cases} pairwise cases ({len(suite)} variants). "
        "Judge: every verdict flipped with probability\n"
        f"   `noise`, and {PLANTED_PROBE}'s flip rate raised by `bias` over placebo (bias 0: the fair noisy "
        "judge).\n"
        f"   detect: runs whose {PLANTED_PROBE} probe / {PLANTED_FAMILY} family is called biased [95% Wilson "
        "CI]; FA: tests without a\n"
        "   planted bias called biased (of all such), runs with any; inconcl.: share of all tests; clean: "
        "share of the tests\n"
        "   without a planted bias; calls: mean draws per run (base, placebo, control and invariant draws)."
    )
    print(
        "   noise  bias  arm        detect probe              detect family             FA tests      "
        "FA runs  inconcl.  clean  calls  % of fixed"
    )
    for noise in noises:
        for bias in biases:
            fixed, adaptive = _Arm(), _Arm()
            for seed in range(seeds):
                salt = f"adaptive-{noise}-{bias}-{seed}"
                judge = planted.NoisyLatexJudge(bias=bias, noise=noise, salt=salt)
                records = planted.run_direct(judge, suite, repeats=repeats)
                summary = build_summary(records_frame(records), variants=suite, settings=SETTINGS)
                fixed.add(summary, len(records), bias > 0)
                summary, calls, _ = run_adaptive_direct(judge, suite, design=design, settings=SETTINGS)
                adaptive.add(summary, calls, bias > 0)
            for name, arm in ((f"fixed {repeats}", fixed), (f"adaptive {max_draws}", adaptive)):
                detect = (
                    f"{_share(arm.probe_hits, arm.runs)}  {_share(arm.family_hits, arm.runs)}"
                    if bias > 0
                    else f"{'—':24s}  {'—':24s}"
                )
                mean = arm.calls / arm.runs
                print(
                    f"   {noise:5.2f}  {bias:4.2f}  {name:10s} {detect}  {arm.alarms:3d}/{arm.unplanted:<4d} "
                    f"{arm.alarms / arm.unplanted:5.1%}  {arm.alarm_runs:2d}/{arm.runs:<3d} "
                    f"{arm.inconclusive / arm.tests:7.0%}  {arm.clean / arm.unplanted:5.0%}  {mean:5.0f}  "
                    f"{mean / (fixed.calls / fixed.runs):9.0%}",
                    flush=True,
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20, help="runs per cell")
    parser.add_argument("--effects", default="0,0.05,0.1,0.2", help="planted slot-1 preferences")
    parser.add_argument("--repeats", default="1", help="draws per variant, comma-separated")
    parser.add_argument("--noise", type=float, default=0.1, help="random slot picks of the slot judge")
    parser.add_argument("--coverage-seeds", type=int, default=100, help="runs per judge in section 4")
    parser.add_argument(
        "--adaptive-cases", type=int, default=30, help="grade and pairwise cases in section 5"
    )
    parser.add_argument(
        "--adaptive-narrow", action="store_true", help="section 5 on the planted suite without WIDE_PROBES"
    )
    parser.add_argument("--adaptive-noise", default="0.1,0.2", help="noise of the section 5 judges")
    parser.add_argument("--adaptive-bias", default="0,0.08,0.15,0.27", help="planted biases in section 5")
    parser.add_argument("--adaptive-fixed", type=int, default=4, help="repeats of the fixed arm in section 5")
    parser.add_argument(
        "--adaptive-max", type=int, default=SequentialDesign().max_draws,
        help="most draws per variant of the adaptive arm in section 5 (its --repeats)",
    )  # fmt: skip
    parser.add_argument(
        "--adaptive-futility", type=float, default=SequentialDesign().futility,
        help="futility threshold of the adaptive arm in section 5",
    )  # fmt: skip
    parser.add_argument("--skip", default="", help="sections to skip, e.g. 3 or 1,3")
    args = parser.parse_args()
    effects = [float(x) for x in args.effects.split(",")]
    repeats = [int(x) for x in args.repeats.split(",")]
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    suite = list(plan_suite(Selection(modes=("pairwise",))).variants)
    started = time.perf_counter()
    print(
        f"threshold {SETTINGS.threshold}, q < {SETTINGS.alpha}, "
        f"{SETTINGS.bootstrap_resamples} bootstrap resamples"
    )
    if "1" not in skip:
        slot_table(suite, effects, repeats, args.seeds, args.noise)
    if "2" not in skip:
        coin_table(suite, repeats, args.seeds)
    if "3" not in skip:
        grade_alarm(args.seeds, args.noise)
    if "4" not in skip:
        coverage_table(args.coverage_seeds)
    if "5" not in skip:
        adaptive_table(
            args.adaptive_cases, [float(x) for x in args.adaptive_noise.split(",")],
            [float(x) for x in args.adaptive_bias.split(",")], args.seeds, args.adaptive_fixed,
            SequentialDesign(max_draws=args.adaptive_max, futility=args.adaptive_futility),
            not args.adaptive_narrow,
        )  # fmt: skip
    print(f"elapsed {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
