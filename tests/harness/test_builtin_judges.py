"""The built-in reference graders, end to end through the registry (judgeprobe.harness.judges.builtin)."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from judgeprobe.cases.models import Mode
from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.core.request import JudgeRequest
from judgeprobe.harness.core.verdict import Status, Verdict
from judgeprobe.harness.judges.registry import load_judge

MC = tuple((letter, str(i + 1)) for i, letter in enumerate("ABCDEF"))


def grade(
    spec: str,
    response: str,
    reference: str,
    kind: str | None,
    choices: tuple[tuple[str, str], ...] | None = None,
) -> Verdict:
    judge = load_judge(spec)
    request = JudgeRequest(
        mode=Mode.GRADE,
        question="What is the answer?",
        reference=reference,
        responses=(response,),
        response_ids=("r1",),
        answer_kind=kind,
        choices=choices,
    )
    return asyncio.run(judge.judge(request))


@pytest.mark.parametrize(
    ("response", "reference", "kind", "choices", "outcome"),
    [
        ("Z^5", "Z+Z+Z+Z+Z", "group", None, "correct"),
        ("Z^4", "Z+Z+Z+Z+Z", "group", None, "incorrect"),
        ("TC0", "$TC^0$", "complexity_class", None, "correct"),
        ("TC^1", "$TC^0$", "complexity_class", None, "incorrect"),
        ("A", "A", "multiple_choice", MC, "correct"),
        ("A. 1", "A", "multiple_choice", MC, "correct"),
        ("(A)", "A", "multiple_choice", MC, "correct"),
        ("a", "A", "multiple_choice", MC, "correct"),
        ("1", "A", "multiple_choice", MC, "correct"),
        ("B", "A", "multiple_choice", MC, "incorrect"),
        ("A. 2", "A", "multiple_choice", MC, "incorrect"),
        ("A or B", "A", "multiple_choice", MC, "incorrect"),
        (":", "A", "multiple_choice", MC, "incorrect"),
        ("Let's solve this step by step.", "A", "multiple_choice", MC, "incorrect"),
        (":", "42", "number", None, "incorrect"),
        ("Let's solve this step by step.", "42", "number", None, "incorrect"),
        ("", "42", "number", None, "incorrect"),
        ("Explanation: halve it.\nAnswer: 0.5\nConfidence: 90%", "1/2", "number", None, "correct"),
        ("We find \\boxed{\\frac{1}{2}}.", "50%", "number", None, "correct"),
        ("3 or 4", "3", "number", None, "incorrect"),
        ("Answer: x^2 + 2x + 1", "(x+1)^2", "expression", None, "correct"),
        ("Answer: {3, 1, 2}", "{1, 2, 3}", "set", None, "correct"),
        ("Answer: (2, 1)", "(1, 2)", "tuple", None, "incorrect"),
        ("Answer: [0, 1]", "[0, 1)", "interval", None, "incorrect"),
        ("Answer: water", "H2O", "chemistry", None, "correct"),
        ("Answer: March 5, 2024", "2024-03-05", "date", None, "correct"),
        ("Yes, it converges.", "yes", "boolean", None, "correct"),
        ("Answer: Paris.", "paris", "text", None, "correct"),
        ("Answer: Lyon", "paris", "text", None, "incorrect"),
    ],
)
def test_reference_grader(
    response: str, reference: str, kind: str, choices: tuple[tuple[str, str], ...] | None, outcome: str
) -> None:
    verdict = grade("builtin:reference", response, reference, kind, choices)
    assert verdict.status is Status.JUDGED, verdict.reason
    assert verdict.outcome == outcome, verdict.reasoning
    assert verdict.confidence == 100.0
    assert verdict.reasoning


def test_extracted_answer_is_reported() -> None:
    verdict = grade("builtin:reference", "Work.\nFinal answer: Z^5", "Z+Z+Z+Z+Z", "group")
    assert verdict.extracted_answer == "Z^5"


def test_undecided_is_unscored_with_the_reason() -> None:
    verdict = grade("builtin:math", "9^9^9^9", "3", "number")
    assert verdict.status is Status.UNSCORED
    assert verdict.outcome is None
    assert verdict.reason and "exponent" in verdict.reason


def test_units_are_converted_or_left_unscored() -> None:
    assert grade("builtin:reference", "5 m", "5 cm", "number").outcome == "incorrect"
    assert grade("builtin:reference", "0.05 m", "5 cm", "number").outcome == "correct"
    assert grade("builtin:reference", "5 apples", "5 pears", "number").status is Status.UNSCORED
    assert grade("builtin:reference", "5 cm", "5", "number").status is Status.UNSCORED


def test_exact_grader_is_a_normalised_string_match() -> None:
    assert grade("builtin:exact", "Answer: $TC^0$", "TC^0", "complexity_class").outcome == "correct"
    assert grade("builtin:exact", "0.5", "1/2", "number").outcome == "incorrect"  # exact does no math


def test_math_grader_treats_notation_kinds_as_expressions() -> None:
    # the symbolic checker's known blind spot: Z^5 is read as a power of a symbol Z
    assert grade("builtin:math", "Z^5", "Z+Z+Z+Z+Z", "group").outcome == "incorrect"
    assert grade("builtin:math", "0.5", "1/2", "number").outcome == "correct"


def test_mc_grader() -> None:
    assert grade("builtin:mc", "The answer is (C)", "C", "multiple_choice", MC).outcome == "correct"
    assert grade("builtin:mc", "C. 4", "C", "multiple_choice", MC).outcome == "incorrect"


@pytest.mark.parametrize("mode", [Mode.PAIRWISE, Mode.SCORE])
def test_other_modes_are_skipped(mode: Mode) -> None:
    judge = load_judge("builtin:reference")
    assert not judge.supports(mode)
    assert judge.supports(Mode.GRADE)
    request = JudgeRequest(
        mode=mode, question="q", reference=None, responses=("a", "b"), response_ids=("x", "y")
    )
    verdict = asyncio.run(judge.judge(request))
    assert verdict.status is Status.SKIPPED
    assert verdict.reason == "builtin:reference grades reference-graded cases only"


def test_missing_reference_is_unscored() -> None:
    judge = load_judge("builtin:exact")
    request = JudgeRequest(
        mode=Mode.GRADE, question="q", reference=None, responses=("a",), response_ids=("x",)
    )
    assert asyncio.run(judge.judge(request)).status is Status.UNSCORED


def test_names_and_hashes() -> None:
    names = {
        spec: load_judge(spec)
        for spec in ("builtin:exact", "builtin:math", "builtin:mc", "builtin:reference")
    }
    for spec, judge in names.items():
        assert judge.name == spec
        assert judge.config_hash
    assert len({judge.config_hash for judge in names.values()}) == 4


def test_unknown_grader_lists_the_choices() -> None:
    with pytest.raises(ConfigError, match="exact, math, mc, reference"):
        load_judge("builtin:fuzzy")


def test_graders_read_only_the_request_fields() -> None:
    fields = {f.name for f in dataclasses.fields(JudgeRequest)}
    assert "equivalents" not in fields and "label" not in fields
