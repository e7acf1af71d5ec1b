"""Probe benchmark (nox ``bench``): time to generate the whole default suite over the shipped library.

Prints the variant count (per family and relation), the cold time (the first generation in this process:
empty caches, so every sympy rewrite and equivalence decision is computed) and the warm time (best of the
following runs, caches filled), each as wall time and process CPU time. The check is on the warm *CPU*
time, which is the generator's own cost: on a shared machine (2 cores, other jobs running) the wall time
mostly measures the queue for a core. Exits 1 if the warm CPU time misses the target (< 2 s) or the suite
has fewer than 2,000 variants; ``--no-check`` only reports.

Usage: ``python benchmarks/bench_probes.py [--repeats 3] [--seed 0] [--no-check]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from judgeprobe.cases.loader import load_library  # noqa: E402
from judgeprobe.probes.base import FAMILY_ORDER, list_probes  # noqa: E402
from judgeprobe.probes.suite import generate_suite  # noqa: E402
from judgeprobe.probes.variant import Relation, Variant  # noqa: E402

TARGET_WARM_S = 2.0
"""Warm generation of the whole default suite must take less CPU time than this."""
MIN_VARIANTS = 2000
"""The default suite must have at least this many variants."""


def timed(cases: list[object], seed: int) -> tuple[list[Variant], float, float]:
    """Generate the suite once: (variants, wall seconds, CPU seconds)."""
    wall, cpu = time.perf_counter(), time.process_time()
    made = generate_suite(cases, seed=seed)  # type: ignore[arg-type]
    return made, time.perf_counter() - wall, time.process_time() - cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="warm runs (the best is reported)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-check", action="store_true", help="report only; never exit 1")
    args = parser.parse_args()

    library = list(load_library())
    probes = list_probes()
    variants, cold_wall, cold_cpu = timed(library, args.seed)  # type: ignore[arg-type]
    warm = [timed(library, args.seed)[1:] for _ in range(max(1, args.repeats))]  # type: ignore[arg-type]
    warm_wall = min(wall for wall, _ in warm)
    warm_cpu = min(cpu for _, cpu in warm)

    units = sum(1 for v in variants if v.relation is Relation.BASE)
    print(f"library: {len(library)} cases, {units} units; {len(probes)} probes")
    print(f"variants: {len(variants)}")
    relations = Counter(str(v.relation) for v in variants)
    print("by relation: " + ", ".join(f"{k} {n}" for k, n in sorted(relations.items())))
    families = Counter(v.family for v in variants)
    order = [*FAMILY_ORDER, *sorted(set(families) - set(FAMILY_ORDER))]
    for family in order:
        if family in families:
            invariant = sum(1 for v in variants if v.family == family and v.relation is Relation.INVARIANT)
            control = sum(1 for v in variants if v.family == family and v.relation is Relation.CONTROL)
            print(f"  {family:<15} {families[family]:>6}  (invariant {invariant}, control {control})")
    print(f"cold: {cold_wall:.2f} s wall, {cold_cpu:.2f} s CPU")
    best = f"best of {len(warm)}; target < {TARGET_WARM_S} s CPU"
    print(f"warm: {warm_wall:.2f} s wall, {warm_cpu:.2f} s CPU ({best})")
    per_cpu, per_wall = warm_cpu / len(variants) * 1e6, warm_wall / len(variants) * 1e6
    print(f"per variant (warm): {per_cpu:.0f} µs CPU, {per_wall:.0f} µs wall")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

    failed = []
    if warm_cpu >= TARGET_WARM_S:
        failed.append(f"warm generation {warm_cpu:.2f} s CPU >= {TARGET_WARM_S} s")
    if len(variants) < MIN_VARIANTS:
        failed.append(f"{len(variants)} variants < {MIN_VARIANTS}")
    for problem in failed:
        print(f"MISSED: {problem}")
    return 1 if failed and not args.no_check else 0


if __name__ == "__main__":
    raise SystemExit(main())
