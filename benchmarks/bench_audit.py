"""Audit benchmark (nox ``bench``): time to audit 100,000 judged rows and write every output.

Builds a synthetic flat JSONL of ``--rows`` judged answers (2,500 questions of mixed answer kinds; 40 teams;
each answer drawn from a handful of forms per question, as real results repeat answers; explanations of wrong
answers from varied sentences), then runs ``judgeprobe audit``'s pipeline in process: read, second opinion
(each distinct reference/answer/kind graded once), taxonomy, TF-IDF keywords, team statistics, every
output file. Prints wall and CPU time (this process and the grading workers), the distinct answers graded
and the machine's load. Exits 1 if the total wall time exceeds the target (30 s); ``--no-check`` only
reports.

Usage: ``python benchmarks/bench_audit.py [--rows 100000] [--no-check]``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from judgeprobe.harness.audit import AuditOptions, run_audit, write_outputs  # noqa: E402

TARGET_S = 30.0
"""Auditing 100,000 rows, outputs included, must take less wall time than this."""
WORDS = (
    "reasoning",
    "execution",
    "approach",
    "rationale",
    "method",
    "steps",
    "the",
    "model",
    "answer",
    "final",
    "computation",
    "incorrect",
    "fails",
    "flawed",
    "misses",
    "irrelevant",
    "key",
    "idea",
    "checks",
    "identifies",
    "credit",
    "core",
    "minimal",
    "monitoring",
    "overall",
    "shows",
)


CLASSES = ("TC", "AC", "NC", "SC", "P", "NP", "BPP", "PSPACE")


def _question(i: int, rng: random.Random) -> tuple[dict[str, str], list[str]]:
    """One question: its fields and its answer pool (right form first, an equivalent form second)."""
    kind = i % 5
    if kind == 0:
        n = rng.randint(1, 10**6)
        return {"reference": str(n), "answer_type": "exactMatch"}, [
            str(n),
            f"{n}.0",
            str(n + 1),
            str(n * 2),
            str(n - 10),
            f"{n / 1000:g}e3",
        ]
    if kind == 1:
        a, b = rng.randint(2, 60), rng.randint(2, 9)
        ref = f"{b}x^2 + {2 * a * b}x + {a * a * b}"
        return {"reference": ref, "answer_type": "exactMatch"}, [
            ref,
            f"{b}(x + {a})^2",
            f"{b}x^2 + {a * a}",
            f"(x + {a})^2",
            f"{b}x^2 + {a}x",
        ]
    if kind == 2:
        k, name = rng.randint(0, 4), rng.choice(CLASSES)
        return {"reference": f"${name}^{k}$", "answer_type": "exactMatch"}, [
            f"{name}^{k}",
            f"{name}{k}",
            f"{name}^{k + 1}",
            f"co{name}^{k}",
            f"{name}_{k}",
        ]
    if kind == 3:
        letters = "ABCDE"
        right = letters[rng.randrange(5)]
        texts = {c: f"option {rng.randint(1, 10**6)}" for c in letters}
        choices = "\n".join(f"{c}. {texts[c]}" for c in letters)
        other = letters[(letters.index(right) + 1) % 5]
        return (
            {
                "reference": right,
                "answer_type": "multipleChoice",
                "question": f"Q{i}\nAnswer Choices:\n{choices}",
            },
            [right, f"{right}. {texts[right]}", other, f"{other}. {texts[other]}", f"({right})"],
        )
    word = f"city{rng.randint(1, 10**6)}"
    return {"reference": word, "answer_type": "exactMatch"}, [word, word.upper(), f"town{i}", f"{word} north"]


def make_rows(path: Path, rows: int, *, seed: int = 0, unique: float = 0.02) -> None:
    """Write ``rows`` judged rows (2,500 questions x as many teams as needed) as JSONL.

    Each answer comes from the question's pool of 4-6 forms, except a share ``unique`` of made-up answers
    that no other row gives (the long tail that real results have).
    """
    rng = random.Random(seed)
    questions = [_question(i, rng) for i in range(2500)]
    teams = max(1, rows // len(questions))
    with path.open("w", encoding="utf-8") as handle:
        written = 0
        for t in range(teams + 1):
            for i, (q, forms) in enumerate(questions):
                if written == rows:
                    return
                answer = rng.choice(forms) if rng.random() >= unique else f"{forms[0]} {written}"
                correct = answer in forms[:2] if rng.random() > 0.05 else answer not in forms[:2]
                row = {
                    "id": f"q{i:04d}",
                    "team": f"team{t:02d}",
                    "phase": str(1 + t % 2),
                    **q,
                    "response": f"Some working.\nAnswer: {answer}",
                    "extracted_final_answer": answer,
                    "correct": "yes" if correct else "no",
                    "confidence": rng.randint(0, 100),
                }
                if not correct:
                    row["judgement"] = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20)))
                    row["part_score"] = round(rng.random(), 3)
                handle.write(json.dumps(row) + "\n")
                written += 1


def main() -> int:
    """Run the benchmark; return the exit status."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--unique", type=float, default=0.02, help="share of one-off answers (default 0.02)")
    parser.add_argument("--workers", type=int, default=None, help="grading processes (default: CPUs, max 4)")
    parser.add_argument("--no-check", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        results = folder / "results.jsonl"
        make_rows(results, args.rows, unique=args.unique)
        wall, cpu = time.perf_counter(), time.process_time()
        audit = run_audit([results], AuditOptions(workers=args.workers))
        analysed_wall, analysed_cpu = time.perf_counter() - wall, time.process_time() - cpu
        files = write_outputs(audit, folder / "out")
        total_wall, total_cpu = time.perf_counter() - wall, time.process_time() - cpu
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        workers_cpu = children.ru_utime + children.ru_stime
    print(
        f"rows audited:              {audit.report['rows']:,} ({audit.report['unusable']['count']} unusable)"
    )
    where = "worker processes" if audit.second_opinion.parallel else "this process"
    print(f"distinct answers graded:   {audit.second_opinion.calls:,} (in {where})")
    print(f"disagreements:             {len(audit.disagreements):,}")
    print(f"read + analyse:            {analysed_wall:6.2f} s wall, {analysed_cpu:6.2f} s CPU")
    print(
        f"with {len(files)} output files:   {total_wall:6.2f} s wall, {total_cpu:6.2f} s CPU (this process)"
    )
    print(f"grading workers:           {workers_cpu:6.2f} s CPU in all")
    load = os.getloadavg()[0]
    print(f"machine load average:      {load:.2f} over {os.cpu_count()} CPUs")
    if load > (os.cpu_count() or 1):
        print("note: the machine is busy with other work, so wall time overstates the audit's own cost")
    if args.no_check:
        return 0
    if total_wall >= TARGET_S:
        print(f"FAIL: {total_wall:.1f} s >= target {TARGET_S:.0f} s")
        return 1
    print(f"ok: under the {TARGET_S:.0f} s target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
