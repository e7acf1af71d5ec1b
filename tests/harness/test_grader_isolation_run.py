"""A run of ``builtin:reference`` with adversarial responses among ordinary ones grades every ordinary one as
a run without them does (issue 10, finding 1), and the judge still works when stepped without an event
loop."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from judgeprobe.cases.models import Mode
from judgeprobe.harness.core.request import JudgeRequest
from judgeprobe.harness.core.verdict import Status, Verdict
from judgeprobe.harness.judges.builtin import BuiltinJudge

TOWER = "exp(exp(exp(exp(exp(x)))))"

HOSTILE = """\
cases:
  - id: a-tower
    question: Write the tower.
    source: hand-written
    tags: [adversarial]
    reference: "{tower}"
    answer_kind: expression
    responses:
{responses}
""".format(
    tower=TOWER,
    responses="\n".join(
        f'      - {{id: plus{k}, text: "Answer: {TOWER} + {k}", label: incorrect, why: off by {k}}}'
        for k in range(1, 7)
    ),
)

ORDINARY_PAIRS = [
    ("x^2 - 1", ["(x-1)(x+1)", "x^2 + 1", "(x+1)(x-1)", "x^2-1"]),
    ("2x + 2", ["2(x+1)", "2x+1", "x + x + 2"]),
    ("\\frac{a}{b}", ["a/b", "b/a", "a \\cdot b^{-1}"]),
    ("\\sin(x)^2 + \\cos(x)^2", ["1", "2", "\\cos(x)^2 + \\sin(x)^2"]),
    ("y^3", ["y \\cdot y \\cdot y", "3y", "y^2 y"]),
    ("\\sqrt{8}", ["2\\sqrt{2}", "4", "8^{1/2}"]),
]


def _ordinary() -> str:
    lines = ["cases:"]
    for index, (reference, responses) in enumerate(ORDINARY_PAIRS):
        lines += [
            f"  - id: b-ordinary-{index}",
            "    question: Simplify.",
            "    source: hand-written",
            "    tags: [ordinary]",
            f"    reference: {json.dumps(reference)}",
            "    answer_kind: expression",
            "    responses:",
        ]
        for n, text in enumerate(responses):
            quoted = json.dumps("Answer: " + text)
            lines.append(f"      - {{id: r{n}, text: {quoted}, label: correct, why: a response}}")
    return "\n".join(lines) + "\n"


def _run(cases: Path, out: Path) -> dict[tuple[str, str], tuple[str, str | None]]:
    proc = subprocess.run(
        [sys.executable, "-c", "from judgeprobe.harness.cli.main import main; main()", "run",
         "--cases", str(cases), "--no-builtin-cases", "--probes", "none", "--out", str(out), "--no-progress",
         "--fail-on", "never"],  # the hostile responses go unscored: an unreliable judge, not tested here
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr + proc.stdout
    verdicts = {}
    for line in (out / "results.jsonl").read_text().splitlines():
        row = json.loads(line)
        verdicts[(row["variant_id"], str(row["draw"]))] = (row["status"], row["outcome"], row["case_id"])
    return {k: v[:2] for k, v in verdicts.items() if v[2].startswith("b-")}


@pytest.mark.slow
def test_adversarial_responses_leave_every_ordinary_verdict_as_it_was(tmp_path: Path) -> None:
    calm, mixed = tmp_path / "calm", tmp_path / "mixed"
    for folder in (calm, mixed):
        folder.mkdir()
        (folder / "b_ordinary.yaml").write_text(_ordinary(), encoding="utf-8")
    (mixed / "a_tower.yaml").write_text(HOSTILE, encoding="utf-8")  # graded first: its file sorts first
    expected = _run(calm, tmp_path / "out-calm")
    got = _run(mixed, tmp_path / "out-mixed")
    assert len(expected) == 2 * sum(len(r) for _, r in ORDINARY_PAIRS)  # each base draw and its placebo
    assert got == expected
    assert all(status == "judged" for status, _ in expected.values())
    hostile = [
        json.loads(line)
        for line in (tmp_path / "out-mixed" / "results.jsonl").read_text().splitlines()
        if '"a-tower"' in line
    ]
    assert hostile and all(row["status"] == "unscored" for row in hostile)


def test_the_judge_grades_when_stepped_without_an_event_loop() -> None:
    """A caller that drives the coroutine by hand (no event loop) gets the verdict on its own thread."""
    request = JudgeRequest(
        mode=Mode.GRADE,
        question="q",
        reference="x + 1",
        responses=("Answer: 1 + x",),
        response_ids=("r",),
        answer_kind="expression",
    )
    coroutine = BuiltinJudge("reference").judge(request)
    with pytest.raises(StopIteration) as done:
        coroutine.send(None)
    verdict = done.value.value
    assert isinstance(verdict, Verdict)
    assert verdict.status is Status.JUDGED and verdict.outcome == "correct"
