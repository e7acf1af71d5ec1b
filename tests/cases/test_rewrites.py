"""Verifying rewrites: the notation skeleton, the independent readers, check_rewrite and strict grading."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from judgeprobe.cases.answers import (
    Decision,
    Kept,
    Policy,
    Tolerance,
    check_rewrite,
    grade,
    keeps_notation,
    notation_skeleton,
    same_notation,
)
from judgeprobe.cases.answers.hedges import never_hedged
from judgeprobe.cases.answers.judgement import Judgement, undecided
from judgeprobe.cases.answers.kinds import (
    Comparison,
    Folding,
    KindSpec,
    Route,
    register_kind,
    unregister_kind,
)
from judgeprobe.cases.answers.readers import read_numeral, same_choice, same_date, same_group_structure

# (original, rewrite, kind, what the check must say: Kept or None for unverified)
REWRITES = [
    # the misreadings: rejected
    ("RP^2", "RP x RP", "group", None),
    ("RP^2", "RP+RP", "group", None),
    ("O(n log n)", "O", "expression", None),
    ("O(n log n)", "O n \\log{\\left(n \\right)}", "expression", None),
    ("Z_6", "Z/2Z + Z/3Z", "group", None),
    ("NPSPACE", "\\mathsf{PSPACE}", "complexity_class", None),
    # new examples of the same failure classes: rejected
    ("T^2", "T x T", "group", None),
    ("S^1", "S+S", "group", None),
    ("Θ(n^2)", "Θ·n²", "expression", None),
    ("f(x)", "f x", "expression", None),
    ("Z/10Z", "ℤ/2ℤ ⊕ ℤ/5ℤ", "group", None),
    ("coNL", "NL", "complexity_class", None),
    ("coNP", "CONP", "complexity_class", None),
    ("TC^0", "TC_0", "complexity_class", None),
    ("It is true", "Yes", "boolean", None),
    ("1/3", "0.3333333333", "number", None),
    ("3 1/2", "3.5", "number", None),
    ("2021-03-05", "03/05/2021", "date", None),
    ("$12.50", "12.5", "number", None),
    # notation changes: kept under every policy
    ("RP^2", "RP²", "group", Kept.NOTATION),
    ("Z+Z+Z+Z+Z", "ℤ ⊕ ℤ ⊕ ℤ ⊕ ℤ ⊕ ℤ", "group", Kept.NOTATION),
    ("TC^0", "TC⁰", "complexity_class", Kept.NOTATION),
    ("TC^0", "$\\mathsf{TC}^{0}$", "complexity_class", Kept.NOTATION),
    ("O(n log n)", "O(n \\log n)", "expression", Kept.NOTATION),
    ("2x + 1", "2 x + 1", "expression", Kept.NOTATION),
    ("\\frac{1}{2}", "1/2", "number", Kept.NOTATION),
    ("1/2", "\\frac12", "number", Kept.NOTATION),
    ("H2O", "H₂O", "chemistry", Kept.NOTATION),
    ("SO4^2-", "\\ce{SO_4^{2-}}", "chemistry", Kept.NOTATION),
    ("no", "NO.", "boolean", Kept.NOTATION),
    ("100℃", "100 °C", "number", Kept.NOTATION),
    # reordering summands, factors or the elements of a set is not a change of notation
    ("x + 1", "1 + x", "expression", Kept.NOTATION),
    ("(x-2)(x-3)", "(x - 3)(x - 2)", "expression", Kept.NOTATION),
    ("a - b", "b - a", "expression", None),
    ("{1, 2}", "{2, 1}", "set", Kept.NOTATION),
    ("(1, 2)", "(2, 1)", "tuple", None),
    # truth words and choice letters count as one notation (kept under strict too); numerals of one number
    # do not (a question may fix the form: "10.0" to three figures, a normalised mantissa)
    ("no", "false", "boolean", Kept.NOTATION),
    ("1/2", "0.5", "number", Kept.MEANING),
    ("10^6", "1,000,000", "number", Kept.MEANING),
    ("25 percent", "25%", "number", Kept.MEANING),
    ("9.8 m/s^2", "9.80 m/s^2", "number", Kept.MEANING),
    # another notation of the same answer: kept under the semantic policy only
    ("Z+Z+Z+Z+Z", "Z^5", "group", Kept.MEANING),
    ("Z_6", "C_6", "group", Kept.MEANING),
    ("x^2 - 1", "(x - 1)(x + 1)", "expression", Kept.MEANING),
    ("x(x+1)", "x^2 + x", "expression", Kept.MEANING),
    ("x^2 - 1", "(x + 1)(x - 1)", "expression", Kept.MEANING),
    ("2021-03-05", "March 5, 2021", "date", Kept.MEANING),
    ("2:30 pm", "14:30", "date", Kept.MEANING),
    ("{1, 2}", "{0, 1}", "set", None),
]


@pytest.mark.parametrize(("original", "rewrite", "kind", "kept"), REWRITES)
def test_check_rewrite(original: str, rewrite: str, kind: str, kept: Kept | None) -> None:
    checked = check_rewrite(original, rewrite, kind=kind)
    assert checked.kept is kept, checked.reason
    assert checked.verified is (kept is not None)
    if kept is None:
        assert checked.reason  # says why


def test_a_verified_rewrite_also_needs_the_kinds_comparer() -> None:
    def never(a: str, b: str, how: Comparison) -> Judgement:
        return undecided("this comparer never decides")

    spec = KindSpec(
        name="stubborn_kind", description="A kind whose comparer never decides.", folding=Folding(),
        compare=never, hedged=never_hedged, forms=lambda text, kind, choices: [], route=Route.NOTATION,
    )  # fmt: skip
    register_kind(spec, replace=True)
    try:
        checked = check_rewrite("a \\to b", "a→b", kind="stubborn_kind")  # the same skeleton
        assert checked.kept is None
        assert "comparer does not agree" in checked.reason and "never decides" in checked.reason
    finally:
        unregister_kind("stubborn_kind")


def test_multiple_choice_letters_and_texts_are_one_notation() -> None:
    choices = {"A": "1", "B": "2"}
    for form in ("(A)", "A.", "a", "A. 1", "Option A", "1"):
        assert check_rewrite("A", form, kind="multiple_choice", choices=choices).kept is Kept.NOTATION
    assert not check_rewrite("A", "A. 2", kind="multiple_choice", choices=choices).verified
    assert not same_choice("A", "B", dict(choices).items())  # type: ignore[arg-type]


def test_unknown_kind_is_unverified() -> None:
    assert check_rewrite("1", "1.0", kind="no_such_kind").kept is None


@pytest.mark.parametrize(
    ("text", "kind", "skeleton"),
    [
        ("$TC^0$", "complexity_class", "TC^0"),
        ("\\boxed{\\mathsf{TC}^{0}}.", "complexity_class", "TC^0"),
        ("ℤ⁵", "group", "Z^5"),
        ("Z ⊕ Z", "group", "Z+Z"),
        ("Z \\times Z", "group", "Z×Z"),
        ("n \\log n", "expression", "n log n"),
        ("2 \\cdot x", "expression", "2x"),
        ("3 \\times 10^{8}", "number", "3*10^8"),
        ("x^{-1}", "expression", "x^-1"),
        ("x⁻¹", "expression", "x^-1"),
        ("x^{n+1}", "expression", "x^{1+n}"),
        ("March 5, 2021", "date", "march 5,2021"),
        ("\\sqrt{2}", "number", "√2"),
    ],
)
def test_notation_skeleton(text: str, kind: str, skeleton: str) -> None:
    assert notation_skeleton(text, kind=kind) == skeleton


def test_skeleton_of_a_long_text_is_none() -> None:
    assert notation_skeleton("x" * 5000, kind="text") is None
    assert not same_notation("x" * 5000, "x" * 5000, kind="text")


_ANSWER = st.text(alphabet="abxyzXYZ0123456789+-^_/()., ", min_size=1, max_size=12).filter(
    lambda t: t.strip() and not t.strip().endswith(".") and "  " not in t
)


@given(_ANSWER, st.sampled_from(["$", "\\boxed", "**"]), st.sampled_from(["expression", "group", "text"]))
@example("O(n log n)", "$", "expression")
@example("RP^2", "\\boxed", "group")
def test_presentation_wrappers_keep_the_notation(answer: str, wrapper: str, kind: str) -> None:
    wrapped = f"\\boxed{{{answer}}}" if wrapper == "\\boxed" else f"{wrapper}{answer}{wrapper}"
    assert notation_skeleton(wrapped, kind=kind) == notation_skeleton(answer, kind=kind)


@given(st.integers(-(10**9), 10**9), st.integers(1, 10**4))
def test_the_numeral_reader_reads_fractions_exactly(numerator: int, denominator: int) -> None:
    read = read_numeral(f"{numerator}/{denominator}")
    assert read is not None and read[0] * denominator == numerator and read[1] == ""


def test_readers_refuse_what_they_are_not_sure_of() -> None:
    assert read_numeral("3 1/2") is None  # a mixed number or a product: unclear
    assert read_numeral("1/0") is None
    assert not same_group_structure("RP^2", "RP^2")  # unknown factor: the reader is not sure
    assert not same_group_structure("V_4", "Z_2 x Z_2")  # a named group is not read
    assert not same_date("04/07/2024", "2024-07-04")  # numeric dates are ambiguous
    assert same_date("July 4, 2024", "4 July 2024")


@pytest.mark.parametrize(
    ("reference", "answer", "kind", "semantic", "strict"),
    [
        ("TC^0", "TC0", "complexity_class", Decision.EQUIVALENT, Decision.DIFFERENT),
        ("TC^0", "The answer is $TC^0$.", "complexity_class", Decision.EQUIVALENT, Decision.EQUIVALENT),
        ("TC^0", "TC⁰", "complexity_class", Decision.EQUIVALENT, Decision.EQUIVALENT),
        ("Z+Z+Z+Z+Z", "Z^5", "group", Decision.EQUIVALENT, Decision.DIFFERENT),
        ("Z+Z+Z+Z+Z", "ℤ⊕ℤ⊕ℤ⊕ℤ⊕ℤ", "group", Decision.EQUIVALENT, Decision.EQUIVALENT),
        ("Z+Z+Z+Z+Z", "Z^4", "group", Decision.DIFFERENT, Decision.DIFFERENT),
        ("1/2", "0.5", "number", Decision.EQUIVALENT, Decision.DIFFERENT),
        ("1/2", "\\frac{1}{2}", "number", Decision.EQUIVALENT, Decision.EQUIVALENT),
        ("x^2-1", "(x-1)(x+1)", "expression", Decision.EQUIVALENT, Decision.DIFFERENT),
    ],
)
def test_grading_policies(
    reference: str, answer: str, kind: str, semantic: Decision, strict: Decision
) -> None:
    assert grade(reference, answer, kind=kind).decision is semantic
    graded = grade(reference, answer, kind=kind, policy=Policy.STRICT)
    assert graded.decision is strict
    if semantic is Decision.EQUIVALENT and strict is Decision.DIFFERENT:
        assert "strict policy" in graded.reason


def test_strict_grading_accepts_an_alias_in_its_own_notation() -> None:
    graded = grade("C_5", "Z/5Z", kind="group", aliases=("Z/5Z",), policy="strict")
    assert graded.decision is Decision.EQUIVALENT
    assert keeps_notation("Z/5Z", "ℤ/5ℤ", kind="group")


def test_check_rewrite_reads_the_question_and_the_tolerance_both_ways() -> None:
    """A rewrite the question's form or the case's figures rule out is unverified, whichever side is which."""
    factor = "Factor x^2 - 5x + 6."
    assert check_rewrite("(x-2)(x-3)", "(x-3)(x-2)", kind="expression", question=factor).verified
    assert not check_rewrite("(x-2)(x-3)", "x^2-5x+6", kind="expression", question=factor).verified
    assert check_rewrite("(x-2)(x-3)", "x^2-5x+6", kind="expression").verified
    figures = {"figures": 3, "more_figures": "reject"}
    assert not check_rewrite("3.14", "3.140", kind="number", tolerance=Tolerance.of(figures)).verified
    assert not check_rewrite("3.140", "3.14", kind="number", tolerance=Tolerance.of(figures)).verified
