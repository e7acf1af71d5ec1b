"""Power study of the flip statistics on planted judges: how often a planted bias is detected.

For each planted effect size (the probability that a pairwise judge prefers whichever response sits in the
first slot) and each number of draws per variant, the script runs the full pipeline (draws → pairs →
summary) over many seeds and prints the share of runs whose ``position`` family verdict is *biased*,
*clean* and *inconclusive*. Every judge also flips each verdict at random with probability ``--noise``, so the
placebo is not zero and the excess has to stand out from the judge's own noise. Effect 0 is the fair noisy
judge: the share called biased there is the false-alarm rate. A second table runs the fair noisy judge over
the whole planted suite (grade and pairwise, seven tests) and counts runs with *any* test called biased.

Run: ``python benchmarks/power_table.py [--seeds 200] [--cases 30] [--noise 0.1] [--alarm-seeds 50]``.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "harness" / "stats"))
sys.path.insert(0, str(ROOT))

import planted  # noqa: E402

from judgeprobe.cases.models import Mode  # noqa: E402
from judgeprobe.harness.core.request import JudgeRequest  # noqa: E402
from judgeprobe.harness.core.verdict import Verdict  # noqa: E402
from judgeprobe.harness.stats import DEFAULT_SETTINGS, build_summary  # noqa: E402
from judgeprobe.harness.store.frame import records_frame  # noqa: E402

SETTINGS = DEFAULT_SETTINGS.model_copy(update={"bootstrap_resamples": 1000})


@dataclass(frozen=True)
class NoisyFirstSlot:
    """Pairwise: prefers the first slot with probability ``effect``, else fair; then flips with ``noise``."""

    effect: float
    noise: float
    salt: str

    def __call__(self, request: JudgeRequest) -> Verdict:
        if request.mode is not Mode.PAIRWISE:
            return planted.NoisyJudge(rate=self.noise, salt=self.salt)(request)
        rng = planted.rng_for(request, self.salt)
        first = rng.random() < self.effect
        choice = request.response_ids[0] if first else planted.fair_preference(request)
        if rng.random() < self.noise:
            choice = next(rid for rid in request.response_ids if rid != choice) if choice != "tie" else choice
        return Verdict.judged(choice)


def position_verdict(suite: list[planted.Variant], judge: NoisyFirstSlot, repeats: int) -> str:
    frame = records_frame(planted.run_direct(judge, suite, repeats=repeats))
    summary = build_summary(frame, settings=SETTINGS)
    return next(r.verdict for r in summary.families if r.family == "position")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=200, help="runs per cell")
    parser.add_argument("--cases", type=int, default=30, help="pairwise cases (clusters)")
    parser.add_argument("--noise", type=float, default=0.1, help="random verdict flips of every judge")
    parser.add_argument("--effects", default="0,0.05,0.1,0.2,0.3", help="planted first-slot probabilities")
    parser.add_argument("--draws", default="1,3,5", help="draws per variant")
    parser.add_argument(
        "--alarm-seeds", type=int, default=50, help="runs of the fair judge over the full suite"
    )
    args = parser.parse_args()
    effects = [float(x) for x in args.effects.split(",")]
    draws = [int(x) for x in args.draws.split(",")]
    full = planted.build_suite(args.cases)
    pairwise = [v for v in full if v.mode is Mode.PAIRWISE]
    started = time.perf_counter()
    print(f"Power table: {args.cases} pairwise cases, noise {args.noise}, {args.seeds} seeds per cell, "
          f"threshold {SETTINGS.threshold}, q < {SETTINGS.alpha}")  # fmt: skip
    print("share of runs whose position family is called biased / clean / inconclusive")
    header = "effect".ljust(8) + "".join(f"K={k}".rjust(24) for k in draws)
    print(header)
    for effect in effects:
        cells = []
        for k in draws:
            counts = {"biased": 0, "clean": 0, "inconclusive": 0}
            for seed in range(args.seeds):
                judge = NoisyFirstSlot(effect=effect, noise=args.noise, salt=f"power-{seed}")
                counts[position_verdict(pairwise, judge, k)] += 1
            n = args.seeds
            cells.append(
                f"{counts['biased'] / n:6.1%} /{counts['clean'] / n:6.1%} /{counts['inconclusive'] / n:6.1%}"
            )
        label = f"{effect:.2f}" + (" (fair)" if effect == 0 else "")
        print(label.ljust(8) + "".join(c.rjust(24) for c in cells))
    print()
    for noise in (args.noise, 0.3):
        alarms = 0
        tests = 0
        biased_tests = 0
        seeds = args.alarm_seeds
        for seed in range(seeds):
            judge = planted.NoisyJudge(rate=noise, salt=f"alarm-{seed}")
            summary = build_summary(
                records_frame(planted.run_direct(judge, full, repeats=3)), settings=SETTINGS
            )
            results = [*summary.families, *summary.probes]
            hits = sum(r.verdict == "biased" for r in results)
            alarms += hits > 0
            biased_tests += hits
            tests += len(results)
        share = (
            f"{alarms / seeds:.1%}; tests called biased {biased_tests}/{tests} ({biased_tests / tests:.2%})"
        )
        print(
            f"fair noisy judge (noise {noise}, full suite, K=3, {seeds} seeds): "
            f"runs with any test biased {share}"
        )
    print(f"elapsed {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
