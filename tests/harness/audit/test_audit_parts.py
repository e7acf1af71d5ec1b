"""The audit's parts one by one: kind inference, grading, the article's taxonomy, TF-IDF keywords, forms."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from judgeprobe.cases.answers import Decision
from judgeprobe.cases.models import AnswerKind
from judgeprobe.harness.audit import AuditInputError, SecondOpinion, grade, infer_kind, load_taxonomy
from judgeprobe.harness.audit.keywords import top_keywords
from judgeprobe.harness.audit.mcform import answer_form
from judgeprobe.harness.audit.second_opinion import parse_choices

CHOICES = (("A", "1"), ("B", "2"), ("C", "3"))


@pytest.mark.parametrize(
    ("reference", "answer_type", "choices", "kind"),
    [
        ("A", "multipleChoice", None, AnswerKind.MULTIPLE_CHOICE),
        ("B", None, CHOICES, AnswerKind.MULTIPLE_CHOICE),
        ("42", None, None, AnswerKind.NUMBER),
        ("3.5e-4", None, None, AnswerKind.NUMBER),
        ("x^2 + 1", None, None, AnswerKind.EXPRESSION),
        ("$TC^0$", None, None, AnswerKind.COMPLEXITY_CLASS),
        ("NP", None, None, AnswerKind.COMPLEXITY_CLASS),
        ("Z+Z+Z+Z+Z", None, None, AnswerKind.GROUP),
        ("{1, 2}", None, None, AnswerKind.SET),
        ("[0, 1)", None, None, AnswerKind.INTERVAL),
        ("(1, 2)", None, None, AnswerKind.TUPLE),
        ("yes", None, None, AnswerKind.BOOLEAN),
        ("Paris", None, None, AnswerKind.TEXT),
        ("The mitochondria of the cell", None, None, AnswerKind.TEXT),
    ],
)
def test_kind_is_inferred_from_the_reference(
    reference: str, answer_type: str | None, choices: tuple[tuple[str, str], ...] | None, kind: AnswerKind
) -> None:
    assert infer_kind(reference, answer_type, choices) is kind


@pytest.mark.parametrize(
    ("reference", "answer", "kind", "policy", "decision"),
    [
        ("Z+Z+Z+Z+Z", "Z^5", AnswerKind.GROUP, "semantic", Decision.EQUIVALENT),
        ("Z+Z+Z+Z+Z", "Z^5", AnswerKind.GROUP, "strict", Decision.DIFFERENT),
        ("$TC^0$", "TC0", AnswerKind.COMPLEXITY_CLASS, "semantic", Decision.EQUIVALENT),
        ("$TC^0$", "TC^1", AnswerKind.COMPLEXITY_CLASS, "semantic", Decision.DIFFERENT),
        ("A", "A. 1", AnswerKind.MULTIPLE_CHOICE, "semantic", Decision.EQUIVALENT),
        ("A", "A. 2", AnswerKind.MULTIPLE_CHOICE, "semantic", Decision.DIFFERENT),
        ("A", "A. 1", AnswerKind.MULTIPLE_CHOICE, "strict", Decision.DIFFERENT),
        ("5 m", "5 furlongs", AnswerKind.NUMBER, "semantic", Decision.DIFFERENT),  # converted: ~1006 m
        ("5 m", "5 zorkmids", AnswerKind.NUMBER, "semantic", Decision.UNDECIDED),  # no such unit
        ("42", "Working it out.\nAnswer: 42.0", AnswerKind.NUMBER, "semantic", Decision.EQUIVALENT),
    ],
)
def test_grade_goes_through_the_builtin_grader(
    reference: str, answer: str, kind: AnswerKind, policy: str, decision: Decision
) -> None:
    judgement = grade(reference, answer, kind=kind, choices=CHOICES, policy=policy)  # type: ignore[arg-type]
    assert judgement.decision is decision, judgement.reason


def test_each_distinct_input_is_graded_once() -> None:
    grader = SecondOpinion()
    for _ in range(3):
        for answer in ("41", "42"):
            grader.opinion("42", extracted=answer, response="", answer_type=None, question=None)
    assert grader.calls == 2
    no_extract = grader.opinion(
        "42", extracted=None, response="Thinking.\nAnswer: 42", answer_type=None, question=None
    )
    assert no_extract.outcome == "correct" and grader.calls == 3


def test_choices_are_read_from_the_question() -> None:
    assert parse_choices("Pick one.\n\nAnswer Choices:\nA. 1\nB. 2\nC. 3") == CHOICES
    assert parse_choices("Answer Choices: A. 1 B. 2 C. 3") == CHOICES
    assert parse_choices("No options here.") is None


def article_rules(judgement: object) -> str:
    """The source article's ``classify_error_by_process``, transcribed rule for rule (labels as ids)."""
    s = str(judgement).lower()
    if (
        ("understanding" in s and "incorrect" in s)
        or "misunderstands" in s
        or "misinterprets the problem" in s
    ):
        return "misunderstood_problem"
    if ("execution" in s) and ("fails" in s or "incorrect" in s or "error" in s):
        if "correct reasoning" in s or "valid approach" in s:
            return "execution_error_correct_approach"
        return "execution_error"
    if ("reasoning" in s or "rationale" in s or "approach" in s or "steps" in s or "method" in s) and (
        "incorrect" in s or "fails" in s or "flawed" in s or "wrong" in s
    ):
        return "approach_error"
    if "irrelevant" in s or "restates the problem" in s:
        return "irrelevant_answer"
    if "incomplete" in s or "misses" in s:
        return "incomplete_answer"
    if "incorrect" in s or "not correct" in s:
        return "incorrect_general"
    return "other"


KEYWORDS = ["understanding", "incorrect", "misunderstands", "misinterprets the problem", "execution", "fails",
            "error", "correct reasoning", "valid approach", "reasoning", "rationale", "approach", "steps",
            "method", "flawed", "wrong", "irrelevant", "restates the problem", "incomplete", "misses",
            "not correct", "The answer", "is", "OK"]  # fmt: skip


@given(st.lists(st.sampled_from(KEYWORDS), max_size=6).map(" ".join))
def test_default_taxonomy_is_the_articles_rules(text: str) -> None:
    assert load_taxonomy().classify(text) == article_rules(text)


def test_default_taxonomy_on_every_pair_of_keywords() -> None:
    taxonomy = load_taxonomy()
    for a, b in itertools.product(KEYWORDS, repeat=2):
        text = f"{a.upper()} then {b}"
        assert taxonomy.classify(text) == article_rules(text), text
    assert taxonomy.classify(None) == "other"
    assert taxonomy.ids[-1] == "other" and len(taxonomy.ids) == 8


@pytest.mark.parametrize(
    ("content", "line", "field", "message"),
    [
        ("rules: []\n", 1, "rules", "non-empty list"),
        ("taxonomy: x\n", 1, "rules", "missing 'rules'"),
        ("rules:\n  - id: Bad Id\n    match: x\n", 2, "rules[0].id", "snake_case"),
        ("rules:\n  - id: a\n    match: x\n  - id: a\n    match: y\n", 4, "rules[1].id", "already used"),
        ("rules:\n  - id: a\n    match: {some: [x]}\n", 3, "rules[0].match", "expected a keyword"),
        ("rules:\n  - id: a\n    match: {all: []}\n", 3, "rules[0].match.all", "non-empty list"),
        ("rules:\n  - id: a\n    matches: x\n", 3, "rules[0].matches", "unknown key"),
        ("rules:\n  - id: a\n", 2, "rules[0].match", "missing 'match'"),
        ("rules: [\n", 2, "syntax", "invalid YAML"),
        (
            "rules:\n  - id: a\n    match: !!python/name:os.system x\n",
            3,
            "rules[0].match",
            "unsupported YAML tag",
        ),
        ("rules:\n  - id: a\n    match: x\nfallback: {id: a}\n", 4, "fallback.id", "new snake_case id"),
    ],
)
def test_bad_taxonomy_files_name_line_and_field(
    tmp_path: Path, content: str, line: int, field: str, message: str
) -> None:
    path = tmp_path / "taxonomy.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(AuditInputError) as caught:
        load_taxonomy(path)
    error = caught.value
    assert (error.line, error.field) == (line, field), str(error)
    assert message in error.message
    assert str(error).startswith(f"{path}:{line}: {field}: ")


def test_a_custom_taxonomy_replaces_the_default(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(
        "taxonomy: units\nrules:\n  - id: unit_error\n    label: wrong unit\n"
        "    match: {any: [unit, units]}\n"
        "fallback: {id: rest, label: everything else}\n",
        encoding="utf-8",
    )
    taxonomy = load_taxonomy(path)
    assert taxonomy.ids == ("unit_error", "rest") and taxonomy.name == "units"
    assert taxonomy.classify("Wrong UNITS used") == "unit_error" and taxonomy.classify("meh") == "rest"


def test_keywords_match_a_hand_computed_tfidf() -> None:
    # idf = ln((1 + n) / (1 + df)) + 1 with n = 2: execution and fails 1.0, reasoning ln(3/2) + 1.
    # doc 1 [1, 1] -> 0.7071 each; doc 2 [1, 1, 1.4055] / 1.9937 -> 0.5016, 0.5016, 0.7050.
    found = top_keywords(["execution fails", "the execution fails on reasoning"])
    assert [k.term for k in found] == ["execution", "fails", "reasoning"]  # "the", "on": stop words
    assert found[0].score == pytest.approx(0.70711 + 0.50160, abs=1e-4)
    assert found[2].score == pytest.approx(0.70498, abs=1e-4)
    assert top_keywords([None, "", "the and of"]) == []


@pytest.mark.parametrize(
    ("answer", "form"),
    [("A", "letter_only"), ("(B)", "letter_only"), ("c.", "letter_only"), ("A. 1", "letter_and_text"),
     ("A : MATSUO", "letter_and_text"), ("(A) 1", "letter_and_text"), ("1", "other"), ("A or B", "other"),
     (None, "other"), ("Answer: A", "letter_only"), ("\\boxed{B}", "letter_only"),
     ("$\\text{C}$", "letter_only"), ("Option A", "letter_only"), ("Ａ", "letter_only"),
     ("Answer: A. 1", "letter_and_text"), ("Option (B) 2", "letter_and_text"), ("Apple", "other"),
     ("I think A", "other")],
)  # fmt: skip
def test_answer_forms(answer: str | None, form: str) -> None:
    assert answer_form(answer) == form


def test_fisher_exact_matches_scipy() -> None:
    from scipy.stats import fisher_exact as scipy_fisher

    from judgeprobe.harness.audit.mcform import fisher_exact

    for x1, n1, x2, n2 in [(1, 1, 0, 1), (3, 10, 8, 10), (0, 5, 5, 5), (7, 23, 12, 17), (40, 90, 41, 90)]:
        expected = scipy_fisher([[x1, n1 - x1], [x2, n2 - x2]]).pvalue
        assert fisher_exact(x1, n1, x2, n2) == pytest.approx(expected, rel=1e-9)
    assert fisher_exact(1, 0, 1, 2) is None


@pytest.mark.slow
def test_a_worker_pool_grades_exactly_as_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    from judgeprobe.harness.audit import second_opinion

    keys = [
        SecondOpinion.key(ref, extracted=ans, response="", answer_type=None, question=None)
        for ref, ans in [("42", "42.0"), ("42", "41"), ("$TC^0$", "TC0"), ("x^2+2x+1", "(x+1)^2"),
                         ("Z+Z", "Z^2"), ("Paris", "paris"), ("5 m", "5 furlongs")]
    ]  # fmt: skip
    serial = SecondOpinion(workers=1)
    serial.grade_all(keys)
    monkeypatch.setattr(second_opinion, "PARALLEL_MIN", 2)
    pooled = SecondOpinion(workers=2)
    pooled.grade_all(keys)
    assert pooled.parallel and not serial.parallel
    assert [pooled.opinion_of(k).judgement for k in keys] == [serial.opinion_of(k).judgement for k in keys]
    assert pooled.calls == serial.calls == len(keys)


def test_a_judge_response_written_as_json_text_is_read_as_the_object(tmp_path: Path) -> None:
    from judgeprobe.harness.audit.readers import read_results

    double = tmp_path / "double.jsonl"
    double.write_text(
        '{"question_id": "q1", "model": "x", "response": "Answer: 3/8", '
        '"judge_response": "{\\"correct\\": \\"yes\\", \\"correct_answer\\": \\"0.375\\"}"}\n',
        encoding="utf-8",
    )
    (row,) = read_results(double).rows
    assert (row.id, row.team, row.reference, row.correct) == ("q1", "x", "0.375", True)
    cells = tmp_path / "cells.csv"
    cells.write_text(
        'id,team,response,judge_response\nq1,t,3/8,"{""correct"": ""no"", ""correct_answer"": ""0.375""}"\n'
        'q2,t,5,"{not json"\nq3,t,5,"[1, 2]"\n',
        encoding="utf-8",
    )
    result = read_results(cells)
    assert [(r.id, r.correct) for r in result.rows] == [("q1", False)]
    assert sorted((u.id, u.field) for u in result.unusable) == [("q2", "correct"), ("q3", "correct")]
