"""Text-handling benchmark (nox ``bench``): extracting the final answer from 1 MB responses, and parsing 1 MB
judge replies, built from long runs of whitespace, punctuation and repeated keywords.

Reports, per shape, the best of three timings of ``extract_final_answer`` and of ``parse_reply`` (grade
mode), then the median and the worst over all shapes, including 200 shapes drawn at random from the same
pieces as the Hypothesis property in ``tests/cases/test_linear_text.py``. Target: every extraction under
100 ms on a quiet machine (``--no-check`` only reports). Before the fix, 100,000 newlines alone took 50-65 s.

Usage: ``python benchmarks/bench_text.py [--random N] [--no-check]``.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from judgeprobe.cases.answers import extract_final_answer  # noqa: E402
from judgeprobe.cases.models import Mode  # noqa: E402
from judgeprobe.harness.core.request import JudgeRequest  # noqa: E402
from judgeprobe.harness.judges.parsing import parse_reply  # noqa: E402

MB = 1_000_000
TARGET_S = 0.100
PIECES = (" ", "\n", "\t", "\r\n", "  \n", ".", ",", ":", ";", "!", "?", "*", "**", "#", "-", "_", ">", "`",
          "```", "```json\n{", "{", "}", "\\boxed{", "answer", "Answer", "answer is", "the answer is ",
          "Final Answer", "final", "correct", "correct: ", "confidence", "[correct]", "percent", " or ",
          "x", "42", "é", "\u2028")  # fmt: skip

SHAPES: dict[str, str] = {
    "newlines": "x" + "\n" * MB,
    "spaces": " " * MB + "x",
    "tabs and newlines": " \t\n" * (MB // 3),
    "'the answer is' then newlines": "the answer is" + "\n" * MB,
    "'answer is ' repeated": "answer is " * (MB // 10),
    "'Answer:' lines": "Answer:\n" * (MB // 8),
    "'answer' lines": "answer\n" * (MB // 7),
    "'final' lines": "final\n" * (MB // 6),
    "'answer' and blank lines": ("answer" + "\n" * 50) * (MB // 56),
    "judge-field lines": "correct: yes\n" * (MB // 13),
    "judge field then spaces": "correct" + " " * MB,
    "stars": "*" * MB,
    "hashes then answer": "#" * MB + "answer",
    "punctuation": ".,;:!?" * (MB // 6),
    "colons": ":" * MB,
    "unclosed boxes": "\\boxed{" * (MB // 7),
    "unclosed fences": "```\n{" * (MB // 5),
    "mixed": " \t\n.:answer is correct\n" * (MB // 24),
    "non-ASCII answer lines": "é answer\n" * (MB // 9),
}


def _best(function: Callable[[str], object], text: str) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        function(text)
        best = min(best, time.perf_counter() - started)
    return best


def _random_shape(rng: random.Random) -> str:
    runs = [(rng.choice(PIECES), rng.randint(1, MB)) for _ in range(rng.randint(1, 6))]
    share = MB // len(runs)
    return "".join(piece * max(1, min(count, share // len(piece))) for piece, count in runs)[:MB]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--random", type=int, default=200, help="random shapes besides the named ones")
    parser.add_argument("--no-check", action="store_true")
    args = parser.parse_args()
    request = JudgeRequest(
        mode=Mode.GRADE, question="q", reference="42", responses=("r",), response_ids=("r1",),
        answer_kind="number",
    )  # fmt: skip
    extraction: list[float] = []
    parsing: list[float] = []
    for name, text in SHAPES.items():
        extract_s = _best(extract_final_answer, text)
        parse_s = _best(lambda reply: parse_reply(Mode.GRADE, reply, request), text)
        extraction.append(extract_s)
        parsing.append(parse_s)
        print(f"text: {name:32s} {len(text) / MB:4.2f} MB  extract {1000 * extract_s:7.1f} ms  "
              f"parse reply {1000 * parse_s:7.1f} ms")  # fmt: skip
    rng = random.Random(20240601)
    drawn = [_best(extract_final_answer, _random_shape(rng)) for _ in range(args.random)]
    print(f"text: {args.random} random shapes: extract median {1000 * statistics.median(drawn):.1f} ms, "
          f"worst {1000 * max(drawn):.1f} ms")  # fmt: skip
    everything = extraction + drawn
    worst = max(everything)
    print(f"text: extraction over all shapes: median {1000 * statistics.median(everything):.1f} ms, worst "
          f"{1000 * worst:.1f} ms (target < {1000 * TARGET_S:.0f} ms); parse reply worst "
          f"{1000 * max(parsing):.1f} ms")  # fmt: skip
    if worst >= TARGET_S and not args.no_check:
        sys.exit(1)


if __name__ == "__main__":
    main()
