"""Built-in grader benchmark (nox ``bench``): agreement of ``builtin:reference`` with the library's labels on
the development and held-out parts (split by a fixed hash of the case id, ``judgeprobe.cases.split``), per
answer kind, and its grading time.

Prints the table ``judgeprobe cases grade-check`` prints (plain text), the undecided responses' reasons of
the development part, and the cold and warm time per response (cold: empty caches, warm: the second pass).
Exits 1 when the development part is below 97 %, the held-out part below 90 %, or a labelled-incorrect
answer is accepted; ``--no-check`` only reports.

Usage: ``python benchmarks/bench_grader.py [--no-check]``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from judgeprobe.cases.loader import load_library  # noqa: E402
from judgeprobe.harness.stats.grade_check import GradeCheck, grade_check  # noqa: E402


def _table(check: GradeCheck) -> list[str]:
    lines = [f"{'part':9} {'answer kind':17} {'agreement':>10} {'n':>9} {'undecided':>9} {'FA':>4} {'FR':>4}"]
    for row in check.rows:
        rate = row.agreement.rate
        shown = "-" if rate is None else f"{rate:.1%}"
        count = f"{row.agreement.events}/{row.agreement.n}"
        lines.append(f"{row.part:9} {row.kind:17} {shown:>10} {count:>9} {row.undecided:>9} "
                     f"{row.false_accepts:>4} {row.false_rejects:>4}")  # fmt: skip
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-check", action="store_true", help="report only; never exit 1")
    args = parser.parse_args()
    library = list(load_library())
    start = time.perf_counter()
    check = grade_check(library)
    cold = time.perf_counter() - start
    start = time.perf_counter()
    grade_check(library)
    warm = time.perf_counter() - start
    n = len(check.responses)
    print(f"library: {len(library)} cases, {n} graded responses ({check.doubted} of doubted cases left out)")
    print("\n".join(_table(check)))
    for response in check.responses:
        if response.part == "dev" and response.outcome == "undecided":
            print(f"  undecided (dev) {response.case_id}/{response.response_id}: {response.reason}")
    print(f"time: cold {cold:.2f} s ({1000 * cold / max(n, 1):.1f} ms/response), "
          f"warm {warm:.2f} s ({1000 * warm / max(n, 1):.2f} ms/response)")  # fmt: skip
    problems = check.failures()
    for problem in problems:
        print(f"BELOW TARGET: {problem}")
    return 1 if problems and not args.no_check else 0


if __name__ == "__main__":
    sys.exit(main())
