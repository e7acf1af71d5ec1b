"""Library lint rules, one by one, plus the coverage check of the shipped library."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from judgeprobe.cases.lint import (
    MIN_CASES,
    MIN_DOUBTED,
    MIN_PAIRWISE,
    MIN_PER_TRICK,
    MIN_SCORE,
    MIN_TRICK_KINDS,
    SEED_CASES,
    LintIssue,
    Severity,
    lint_case,
    lint_library,
)
from judgeprobe.cases.loader import Library, load_library
from judgeprobe.cases.models import GradeCase, PairwiseCase, ScoreCase


def grade(**overrides: Any) -> GradeCase:
    """A grade case that passes every rule, with fields replaced."""
    fields: dict[str, Any] = {
        "id": "tc0",
        "question": "Which circuit class?",
        "reference": "TC^0",
        "answer_kind": "complexity_class",
        "source": "hand-written",
        "tags": ("named-object",),
        "equivalents": ("TC0",),
        "non_equivalents": ("TC^1",),
        "responses": (
            {
                "id": "plain",
                "text": "TC0",
                "label": "correct",
                "strict_label": "incorrect",
                "why": "Same class.",
            },
            {"id": "next", "text": "TC^1", "label": "incorrect", "why": "A different class."},
        ),
    }
    fields.update(overrides)
    return GradeCase.model_validate(fields)


def pairwise(
    first: str = "better", second: str = "worse", texts: tuple[str, str] = ("2", "9")
) -> PairwiseCase:
    return PairwiseCase.model_validate(
        {
            "id": "pw",
            "mode": "pairwise",
            "question": "Name a prime.",
            "source": "hand-written",
            "tags": ("pairwise-verbosity",),
            "responses": (
                {"id": "a", "text": texts[0], "label": first, "why": "w"},
                {"id": "b", "text": texts[1], "label": second, "why": "w"},
            ),
        }
    )


def messages(case: Any) -> list[str]:
    return [f"{issue.field}: {issue.message}" for issue in lint_case(case)]


def test_clean_cases_have_no_issues() -> None:
    assert lint_case(grade()) == []
    assert lint_case(pairwise()) == []
    assert lint_case(pairwise("tie", "tie")) == []
    assert lint_case(pairwise("tie", "tie", ("same", "same"))) == []


def test_grade_needs_a_correct_and_an_incorrect_response() -> None:
    only_wrong = grade(responses=({"id": "x", "text": "AC^0", "label": "incorrect", "why": "w"},))
    assert messages(only_wrong) == [
        "cases[tc0].responses: a grade case needs at least one 'correct' response; add one"
    ]
    only_right = grade(responses=({"id": "x", "text": "TC0", "label": "correct", "why": "w"},))
    assert "at least one 'incorrect' response" in messages(only_right)[0]


def test_grade_needs_an_invariant_target() -> None:
    bare = grade(
        equivalents=(),
        responses=(
            {"id": "same", "text": " TC^0 ", "label": "correct", "why": "The reference."},
            {"id": "next", "text": "TC^1", "label": "incorrect", "why": "Other class."},
        ),
    )
    assert any("no invariant target" in m for m in messages(bare))
    reworded = grade(equivalents=())  # the correct response 'TC0' differs from the reference
    assert lint_case(reworded) == []


def test_grade_needs_a_control() -> None:
    case = grade(
        non_equivalents=(),
        responses=({"id": "plain", "text": "TC0", "label": "correct", "why": "w"},),
    )
    found = messages(case)
    assert any("no control" in m for m in found)
    assert lint_case(grade(non_equivalents=())) == []  # an incorrect response is a control


@pytest.mark.parametrize(
    ("why", "expected"),
    [
        ("first line\nsecond line", "why must be one line; move detail to the case's note"),
        ("x" * 201, "is 201 characters; keep it under 200"),
    ],
    ids=["two-lines", "too-long"],
)
def test_why_is_one_short_line(why: str, expected: str) -> None:
    case = grade(
        responses=(
            {"id": "plain", "text": "TC0", "label": "correct", "strict_label": "incorrect", "why": why},
            {"id": "next", "text": "TC^1", "label": "incorrect", "why": "w"},
        )
    )
    assert messages(case) == [f"cases[tc0].responses[0].why: {expected}"]


def test_note_and_doubt_reason_are_short() -> None:
    case = grade(note="n" * 401, reference_doubt=True, doubt_reason="d" * 500)
    assert messages(case) == [
        "cases[tc0].note: is 401 characters; keep it under 400",
        "cases[tc0].doubt_reason: is 500 characters; keep it under 400",
    ]


def test_tags_and_source() -> None:
    assert messages(grade(tags=())) == [
        "cases[tc0].tags: add tags; the first names the kind of trickiness, such as [notation]"
    ]
    assert "lower-case words" in messages(grade(tags=("Named Object",)))[0]
    assert "needs a source" in messages(grade(source="  "))[0]


def test_multiple_choice_keys_are_capital_letters() -> None:
    case = grade(
        answer_kind="multiple_choice",
        reference="a",
        choices={"a": "1", "b": "2"},
        equivalents=("a. 1",),
        non_equivalents=("b",),
        responses=(
            {"id": "letter", "text": "a. 1", "label": "correct", "why": "w"},
            {"id": "other", "text": "b", "label": "incorrect", "why": "w"},
        ),
    )
    assert messages(case)[:2] == [
        "cases[tc0].choices.a: choice keys are single capital letters, got 'a'",
        "cases[tc0].choices.b: choice keys are single capital letters, got 'b'",
    ]


def test_labels_that_contradict_the_forms() -> None:
    case = grade(
        responses=(
            {"id": "plain", "text": "TC0", "label": "correct", "strict_label": "incorrect", "why": "w"},
            {"id": "bad", "text": "TC^1", "label": "correct", "why": "w"},
            {"id": "ref", "text": "TC^0", "label": "incorrect", "why": "w"},
            {"id": "again", "text": "TC0", "label": "incorrect", "why": "w"},
        )
    )
    assert messages(case)[:4] == [
        "cases[tc0].responses[1].label: labelled correct but its text 'TC^1' is listed in non_equivalents",
        "cases[tc0].responses[2].label: labelled incorrect but its text 'TC^0' "
        "is the reference or an equivalent",
        "cases[tc0].responses[3].label: labelled incorrect but its text 'TC0' "
        "is the reference or an equivalent",
        "cases[tc0].responses[3].label: same text as responses[0] but labelled 'incorrect'",
    ]
    both = grade(non_equivalents=("TC0", "TC^1"))
    assert any("listed both as equivalent and as non-equivalent" in m for m in messages(both))


def test_warnings_do_not_count_as_errors() -> None:
    case = grade(
        equivalents=("TC^0", "TC0"),
        responses=(
            {"id": "plain", "text": "TC0", "label": "correct", "strict_label": "incorrect", "why": "w"},
            {"id": "twice", "text": "TC0", "label": "correct", "strict_label": "incorrect", "why": "w"},
            {"id": "next", "text": "TC^1", "label": "incorrect", "why": "w"},
        ),
    )
    issues = lint_case(case)
    assert {issue.severity for issue in issues} == {Severity.WARNING}
    assert len(issues) == 2
    assert str(issues[0]).endswith("(warning)")


def test_pairwise_identical_texts_must_tie() -> None:
    assert messages(pairwise(texts=("same", "same"))) == [
        "cases[pw].responses: both responses have the same text; the labels should both be 'tie'"
    ]


def test_score_case_is_clean() -> None:
    case = ScoreCase.model_validate(
        {
            "id": "rate",
            "mode": "score",
            "question": "2 + 2?",
            "source": "hand-written",
            "tags": ("score-calibration",),
            "responses": ({"id": "r", "text": "4", "label": (8, 10), "why": "Right."},),
        }
    )
    assert lint_case(case) == []


def test_issue_points_to_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(
        "cases:\n"
        "  - id: tc0\n"
        "    question: Which class?\n"
        "    reference: TC^0\n"
        "    answer_kind: complexity_class\n"
        "    source: hand-written\n"
        "    tags: [named-object]\n"
        "    responses:\n"
        "      - {id: plain, text: TC0, label: correct, strict_label: incorrect, why: Same.}\n"
        "      - id: next\n"
        "        text: TC^1\n"
        "        label: incorrect\n"
        "        why: |\n"
        "          two\n"
        "          lines\n",
        encoding="utf-8",
    )
    library = load_library([path], include_builtin=False)
    (issue,) = lint_library(library)
    assert issue == LintIssue(path, 13, "tc0", "cases[tc0].responses[1].why", issue.message, Severity.ERROR)
    assert (
        str(issue)
        == f"{path}:13: cases[tc0].responses[1].why: why must be one line; move detail to the case's note"
    )


def _library_of(
    count: int,
    tricks: int,
    pairs: int,
    scores: int,
    *,
    seeds: bool = True,
    doubted: int = MIN_DOUBTED,
    provenance: bool = True,
) -> Library:
    cases: list[Any] = []
    origin = {"provenance": {"kind": "hand-written"}} if provenance else {}
    for index in range(count):
        tag = f"trick-{index % tricks}"
        if index < pairs:
            update = {"id": f"c{index}", "tags": (tag,), "question": f"Name prime number {index}."}
            case: Any = pairwise().model_copy(update=update)
            if provenance:
                case = PairwiseCase.model_validate({**case.model_dump(), **origin})
        elif index < pairs + scores:
            case = ScoreCase.model_validate(
                {
                    "id": f"c{index}",
                    "mode": "score",
                    "question": f"Score answer {index}.",
                    "source": "hand-written",
                    "tags": (tag,),
                    "responses": ({"id": "r", "text": "4", "label": (8, 10), "why": "w"},),
                    **origin,
                }
            )
        else:
            doubt = (
                {"reference_doubt": True, "doubt_reason": "disputed"}
                if index < pairs + scores + doubted
                else {}
            )
            case = grade(
                id=f"c{index}",
                tags=(tag,),
                question=f"Which circuit class is number {index}?",
                **origin,
                **doubt,
            )
        cases.append(case)
    if seeds:
        for position, (hle_id, seed_doubted) in enumerate(SEED_CASES.items()):
            extra = {"reference_doubt": True, "doubt_reason": "disputed"} if seed_doubted else {}
            question = f"Which seed circuit class is number {position}?"
            cases[-1 - position] = grade(
                id=f"seed{position}", source=f"HLE {hle_id}", question=question, **origin, **extra
            )
    return Library(tuple(cases))


def _big() -> Library:
    return _library_of(MIN_CASES, MIN_TRICK_KINDS, MIN_PAIRWISE, MIN_SCORE)


def test_coverage_passes_for_a_big_varied_library() -> None:
    assert lint_library(_big(), require_coverage=True) == []


def test_coverage_failures_are_library_issues() -> None:
    library = _library_of(20, 3, 2, 1, seeds=False, doubted=0, provenance=False)
    issues = lint_library(library, require_coverage=True)
    assert all(issue.field == "library" and issue.case_id is None for issue in issues)
    text = "\n".join(str(issue) for issue in issues)
    assert f"<library>: library: the library has 20 cases; it needs at least {MIN_CASES}" in text
    assert f"0 trick kinds (first tags) with at least {MIN_PER_TRICK} cases each" in text
    assert "17 grade cases" in text and "2 pairwise cases" in text and "1 score cases" in text
    assert f"0 cases with reference_doubt; it needs at least {MIN_DOUBTED}" in text
    assert "20 case(s) have no structured provenance" in text
    assert text.count("no case has source 'HLE") == 3
    assert lint_library(library) == []  # coverage is only checked on request


def test_coverage_counts_trick_kinds_with_enough_cases() -> None:
    few = _library_of(MIN_CASES, 40, MIN_PAIRWISE, MIN_SCORE)  # 40 kinds of 7 or 8 cases each
    messages = [issue.message for issue in lint_library(few, require_coverage=True)]
    assert any(f"0 trick kinds (first tags) with at least {MIN_PER_TRICK}" in m for m in messages)


def test_coverage_needs_the_doubted_seed() -> None:
    library = _big()
    undoubted = [
        case.model_copy(update={"reference_doubt": False, "doubt_reason": None})
        if case.id.startswith("seed")
        else case
        for case in library.cases
    ]
    issues = lint_library(Library(tuple(undoubted)), require_coverage=True)
    assert [issue.message for issue in issues] == [
        "the seed case HLE 669402b41dcb3d5a1ef9e951 must be marked reference_doubt with its reason"
    ]


def test_coverage_issues_name_the_library_folder(tmp_path: Path) -> None:
    case = (
        "cases:\n  - id: c{n}\n    question: q{n}\n    reference: '1'\n    answer_kind: number\n"
        "    source: hand-written\n    tags: [numbers]\n    responses:\n"
        "      - {{id: a, text: 'Answer: 1', label: correct, why: w}}\n"
        "      - {{id: b, text: '2', label: incorrect, why: w}}\n"
    )
    for n in range(2):
        (tmp_path / "sub").mkdir(exist_ok=True)
        (tmp_path / "sub" / f"f{n}.yaml").write_text(case.format(n=n), encoding="utf-8")
    issues = lint_library(load_library([tmp_path], include_builtin=False), require_coverage=True)
    assert issues and {issue.file for issue in issues} == {tmp_path / "sub"}
    assert (
        str(issues[0])
        == f"{tmp_path / 'sub'}: library: the library has 2 cases; it needs at least {MIN_CASES}"
    )
