"""Grader isolation benchmarks (nox ``bench``): adversarial math among ordinary responses; the default run.

1. **Adversarial mix.** 150 ordinary responses (the shipped library's expression and number responses)
   graded by ``builtin:reference`` through the runner, alone and then with 20 adversarial responses among
   them (``exp(exp(exp(exp(exp(x)))))`` against the same ``+ k``, which runs past every budget). Each run is
   a fresh process (fresh workers, nothing memoised). Reports both wall times, whether every ordinary
   verdict is the same, and the bound: ordinary time + 20 × the per-computation wall time / workers.
   Target: identical ordinary verdicts, mixed time within the bound.
2. **Default run.** ``judgeprobe run`` with no arguments, grading in the calling process
   (``JUDGEPROBE_GRADER_WORKERS=0``, as before isolation) and with the default two workers: wall time,
   CPU time of the process tree, and whether ``summary.json`` is identical (run id aside).

Usage: ``python benchmarks/bench_adversarial.py [--only mix,default] [--no-check]``. Prints one figure per
line; exits 1 when a target is missed (``--no-check``: report only). Timings are wall-clock: run it on a quiet
machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ADVERSARIAL = 20
ORDINARY = 150
TOWER = "exp(exp(exp(exp(exp(x)))))"


def _variants(adversarial: int) -> list[object]:
    from judgeprobe.cases.loader import load_library
    from judgeprobe.cases.models import AnswerKind, GradeCase, Mode
    from judgeprobe.probes.variant import Relation, Slot, Variant

    def variant(case_id: str, unit: str, reference: str, kind: str, text: str) -> Variant:
        return Variant(
            case_id=case_id, unit_id=unit, mode=Mode.GRADE, question="Give the answer.", reference=reference,
            answer_kind=kind, choices=None, slots=(Slot(unit, text),), chain=(), seed=0,
            relation=Relation.INVARIANT, label="correct",
        )  # fmt: skip

    ordinary = []
    for case in load_library([], include_builtin=True):
        if isinstance(case, GradeCase) and case.answer_kind in (AnswerKind.EXPRESSION, AnswerKind.NUMBER):
            for response in case.responses:
                text = f"Working it out.\nAnswer: {response.text}"
                ordinary.append(variant(case.id, response.id, case.reference, str(case.answer_kind), text))
    ordinary = ordinary[:ORDINARY]
    hostile = [
        variant("tower", f"plus{k}", TOWER, "expression", f"Answer: {TOWER} + {k}")
        for k in range(1, adversarial + 1)
    ]
    mixed = list(ordinary)
    for index, item in enumerate(hostile):  # spread through the run
        mixed.insert((index * len(mixed)) // max(1, len(hostile)), item)
    return mixed


def child(adversarial: int) -> None:
    """One run in this process; prints a JSON line with wall time and every verdict."""
    from judgeprobe.harness.judges.registry import load_judge
    from judgeprobe.harness.run.runner import RunOptions, run
    from judgeprobe.harness.store import RunStore

    variants = _variants(adversarial)
    with tempfile.TemporaryDirectory() as folder, RunStore(Path(folder) / "store.sqlite") as store:
        started = time.perf_counter()
        stats = run(
            load_judge("builtin:reference"), variants, store, options=RunOptions(), show_progress=False
        )  # type: ignore[arg-type]
        wall = time.perf_counter() - started
        rows = list(store.iter_records())
    verdicts = {f"{r.case_id}/{r.unit_id}": [str(r.verdict.status), r.verdict.outcome] for r in rows}
    print(json.dumps({"wall_s": wall, "done": stats.done, "verdicts": verdicts}))


def _child_run(adversarial: int) -> dict[str, object]:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", str(adversarial)],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    result: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def bench_mix() -> bool:
    from judgeprobe.cases.answers import DEFAULT_LIMITS
    from judgeprobe.cases.answers.isolated import wall_time
    from judgeprobe.cases.answers.isolation import DEFAULT_WORKERS

    workers = int(os.environ.get("JUDGEPROBE_GRADER_WORKERS", DEFAULT_WORKERS))
    calm = _child_run(0)
    mixed = _child_run(ADVERSARIAL)
    calm_v: dict[str, list[str]] = calm["verdicts"]  # type: ignore[assignment]
    mixed_v: dict[str, list[str]] = mixed["verdicts"]  # type: ignore[assignment]
    same = all(mixed_v.get(key) == value for key, value in calm_v.items())
    hostile = [v for k, v in mixed_v.items() if k.startswith("tower/")]
    cap = wall_time(DEFAULT_LIMITS)
    t0, t1 = float(calm["wall_s"]), float(mixed["wall_s"])  # type: ignore[arg-type]
    bound = t0 + ADVERSARIAL * cap / max(1, workers)
    print(f"mix: {len(calm_v)} ordinary responses alone: {t0:.1f} s")
    print(f"mix: with {ADVERSARIAL} adversarial among them: {t1:.1f} s (+{t1 - t0:.1f} s, "
          f"{(t1 - t0) / ADVERSARIAL:.2f} s per adversarial response over {workers} workers)")  # fmt: skip
    print(f"mix: bound ordinary + {ADVERSARIAL} x {cap:g} s / {workers} workers = {bound:.1f} s "
          f"({'within' if t1 <= bound else 'OVER'})")  # fmt: skip
    print(f"mix: every ordinary verdict the same: {same}; adversarial ones: "
          f"{sorted({tuple(v) for v in hostile})}")  # fmt: skip
    return same and t1 <= bound


def _default_run(workers: int, out: Path) -> tuple[float, float]:
    env = {**os.environ, "JUDGEPROBE_GRADER_WORKERS": str(workers)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "judgeprobe.harness.cli", "run", "--out", str(out), "--no-progress"],
        capture_output=True, text=True, check=True, env=env,
    )  # fmt: skip
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _summary(folder: Path) -> dict[str, object]:
    data: dict[str, dict[str, object]] = json.loads((folder / "summary.json").read_text())
    data["run"].pop("run_id", None)
    return data  # type: ignore[return-value]


def bench_default() -> bool:
    with tempfile.TemporaryDirectory() as folder:
        base, iso = Path(folder) / "in-process", Path(folder) / "workers"
        wall0, cpu0 = _default_run(0, base)
        wall2, cpu2 = _default_run(int(os.environ.get("JUDGEPROBE_GRADER_WORKERS", 2)) or 2, iso)
        same = _summary(base) == _summary(iso)
    print(f"default run, grading in process: {wall0:.1f} s wall, {cpu0:.1f} s CPU")
    print(f"default run, grading in workers: {wall2:.1f} s wall, {cpu2:.1f} s CPU "
          f"({100 * (wall2 - wall0) / wall0:+.0f}% wall)")  # fmt: skip
    print(f"default run: summary.json identical: {same}")
    return same and wall2 <= 1.15 * wall0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="mix,default")
    parser.add_argument("--no-check", action="store_true")
    parser.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.child)
        return
    wanted = set(args.only.split(","))
    ok = True
    if "mix" in wanted:
        ok &= bench_mix()
    if "default" in wanted:
        ok &= bench_default()
    if not ok and not args.no_check:
        sys.exit(1)


if __name__ == "__main__":
    main()
