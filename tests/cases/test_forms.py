"""Alternate surface forms and renderings (judgeprobe.cases.answers.forms)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from judgeprobe.cases.answers import (
    Decision,
    alternate_forms,
    equivalent,
    render_ascii,
    render_latex,
    render_unicode,
)

MC_CHOICES = {"A": "1", "B": "2", "C": "3", "D": "4", "E": "5", "F": "6"}


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("1/2", "number", {"0.5", "50%", "\\frac{1}{2}"}),
        ("1000000", "number", {"1,000,000", "1e6"}),
        ("299792458 m/s", "number", {"299,792,458 m/s", "2.99792458e8 m/s"}),
        ("0.5 kg", "number", {"1/2 kg", "\\frac{1}{2} kg"}),
        ("(x+1)^2", "expression", {"x^2 + 2*x + 1"}),
        ("x^2-1", "expression", {"(x - 1)*(x + 1)"}),
        ("{1, 2, 3}", "set", {"{3, 2, 1}", "\\{1, 2, 3\\}"}),
        ("(1, 2)", "tuple", {"[1, 2]"}),
        ("[0, 1)", "interval", {"\\left[0, 1\\right)"}),
        ("Z^5", "group", {"Z+Z+Z+Z+Z", "ℤ⁵", "\\mathbb{Z}^{5}", "ℤ⊕ℤ⊕ℤ⊕ℤ⊕ℤ", "Z x Z x Z x Z x Z"}),
        ("TC^0", "complexity_class", {"TC0", "TC⁰", "TC_0"}),
        ("water", "chemistry", {"H2O", "H₂O"}),
        ("2024-03-05", "date", {"March 5, 2024", "5 March 2024"}),
        ("yes", "boolean", {"True", "Yes"}),
        ("Paris", "text", {"paris"}),
    ],
)
def test_expected_forms_are_offered(text: str, kind: str, expected: set[str]) -> None:
    forms = alternate_forms(text, kind=kind)
    assert expected <= set(forms), forms
    assert text not in forms


def test_multiple_choice_forms_use_the_choice_text() -> None:
    forms = alternate_forms("A", kind="multiple_choice", choices=MC_CHOICES)
    assert {"(A)", "a", "A. 1", "1"} <= set(forms)
    assert "B" not in forms and "A. 2" not in forms


def test_forms_never_include_a_control() -> None:
    assert "Z^4" not in alternate_forms("Z^5", kind="group")
    assert not any(
        f.replace(" ", "") in ("TC1", "TC^1") for f in alternate_forms("TC^0", kind="complexity_class")
    )


def test_nothing_for_what_is_not_understood() -> None:
    assert alternate_forms("9^9^9^9", kind="number") == ()
    assert alternate_forms("Let's solve this step by step.", kind="group") == ()
    assert alternate_forms("x", kind="no-such-kind") == ()


def test_forms_are_cached() -> None:
    assert alternate_forms("3/8", kind="number") is alternate_forms("3/8", kind="number")


ALL_FORMS_CASES = [
    ("3/8", "number", None),
    ("-7/3", "number", None),
    ("\\sqrt{2}", "number", None),
    ("(x+1)^3", "expression", None),
    ("\\sin(x)\\cos(x)", "expression", None),
    ("{1, 2}", "set", None),
    ("(1, 2, 3)", "tuple", None),
    ("(-\\infty, 0]", "interval", None),
    ("Z_6", "group", None),
    ("NC^1", "complexity_class", None),
    ("SO4^{2-}", "chemistry", None),
    ("14:30", "date", None),
    ("no", "boolean", None),
    ("C", "multiple_choice", MC_CHOICES),
]


@pytest.mark.parametrize(
    ("text", "kind", "choices"), ALL_FORMS_CASES, ids=[f"{k}:{t}" for t, k, _ in ALL_FORMS_CASES]
)
def test_every_form_is_equivalent_both_ways(text: str, kind: str, choices: dict[str, str] | None) -> None:
    forms = alternate_forms(text, kind=kind, choices=choices)
    assert forms
    for form in forms:
        assert equivalent(text, form, kind=kind, choices=choices).decision is Decision.EQUIVALENT, form
        assert equivalent(form, text, kind=kind, choices=choices).decision is Decision.EQUIVALENT, form


@settings(max_examples=80, deadline=None)
@given(st.fractions(min_value=-500, max_value=500, max_denominator=40))
@example(Fraction(1, 2))
@example(Fraction(0))
def test_alternate_forms_of_numbers_are_equivalent(value: Fraction) -> None:
    text = f"{value.numerator}/{value.denominator}" if value.denominator != 1 else str(value.numerator)
    forms = alternate_forms(text, kind="number")
    assert forms
    for form in forms:
        assert equivalent(form, text, kind="number").decision is Decision.EQUIVALENT, form


_poly = st.tuples(st.integers(-4, 4), st.integers(-4, 4), st.integers(1, 3)).map(
    lambda t: f"(x + {t[0]})*(x - {t[1]})^{t[2]}"
)


@settings(max_examples=25, deadline=None)
@given(_poly)
def test_alternate_forms_of_expressions_are_equivalent(text: str) -> None:
    forms = alternate_forms(text, kind="expression")
    assert forms
    for form in forms:
        assert equivalent(form, text, kind="expression").decision is Decision.EQUIVALENT, form


@pytest.mark.parametrize(
    ("text", "kind", "latex", "unicode", "ascii"),
    [
        ("1/2", "number", "\\frac{1}{2}", "1/2", "1/2"),
        ("9.8 m/s^2", "number", "9.8 m/s^2", "9.8 m/s^2", "9.8 m/s^2"),
        ("-0.25", "number", "-0.25", "−0.25", "-0.25"),
        ("x^2+1", "expression", "x^{2} + 1", "x² + 1", "x^2 + 1"),
        ("\\sqrt{2}", "number", "\\sqrt{2}", "√2", "sqrt(2)"),
        ("Z+Z+Z+Z+Z", "group", "\\mathbb{Z}^{5}", "ℤ⁵", "Z^5"),
        ("TC0", "complexity_class", "\\mathsf{TC}^{0}", "TC⁰", "TC0"),
        ("water", "chemistry", "\\mathrm{H_{2}O}", "H₂O", "H2O"),
        ("[0, 1)", "interval", "\\left[0, 1\\right)", "[0, 1)", "[0, 1)"),
    ],
)
def test_renderings(text: str, kind: str, latex: str, unicode: str, ascii: str) -> None:
    assert render_latex(text, kind=kind) == latex
    assert render_unicode(text, kind=kind) == unicode
    assert render_ascii(text, kind=kind) == ascii


@pytest.mark.parametrize("kind", ["date", "boolean", "text", "multiple_choice"])
def test_renderings_not_applicable(kind: str) -> None:
    assert render_latex("yes", kind=kind) is None
    assert render_unicode("yes", kind=kind) is None
    assert render_ascii("yes", kind=kind) is None


def test_renderings_of_unparseable_answers_are_none() -> None:
    assert render_latex("9^9^9^9", kind="number") is None
    assert render_ascii("not a group at all", kind="group") is None


def test_public_surface_matches_all() -> None:
    import judgeprobe.cases.answers as answers

    public = {name for name in vars(answers) if not name.startswith("_")}
    modules = {name for name in public if type(getattr(answers, name)).__name__ == "module"}
    assert set(answers.__all__) == public - modules - {"annotations"}
    for name in answers.__all__:
        assert getattr(answers, name).__doc__ or isinstance(getattr(answers, name), (float, int))


def _library_grade_cases() -> list[object]:
    from judgeprobe.cases.loader import load_library
    from judgeprobe.cases.models import GradeCase

    return [case for case in load_library().cases if isinstance(case, GradeCase)]


@pytest.mark.parametrize("case", _library_grade_cases(), ids=lambda case: case.id)
def test_library_reference_forms_are_equivalent(case: object) -> None:
    from judgeprobe.cases.models import GradeCase

    assert isinstance(case, GradeCase)
    forms = alternate_forms(
        case.reference, kind=case.answer_kind, choices=case.choices, tolerance=case.tolerance,
        question=case.question,
    )  # fmt: skip
    for form in forms:
        for left, right in ((case.reference, form), (form, case.reference)):
            judgement = equivalent(
                left, right, kind=case.answer_kind, choices=case.choices, tolerance=case.tolerance,
                question=case.question,
            )  # fmt: skip
            assert judgement.decision is Decision.EQUIVALENT, (form, judgement.reason)
