"""Equivalence of answers by kind, the HLE seed facts, and property tests
(judgeprobe.cases.answers.equivalence)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from judgeprobe.cases.answers import DEFAULT_RELATIVE_TOLERANCE, Decision, Limits, equivalent, is_hedged
from judgeprobe.cases.models import AnswerKind

EQ, DIFF, UND = Decision.EQUIVALENT, Decision.DIFFERENT, Decision.UNDECIDED
MC_CHOICES = {"A": "1", "B": "2", "C": "3", "D": "4", "E": "5", "F": "6"}


# --- the HLE seed facts -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("Z^5", EQ),
        ("ℤ⁵", EQ),
        ("\\mathbb{Z}^5", EQ),
        ("ℤ⊕ℤ⊕ℤ⊕ℤ⊕ℤ", EQ),
        ("Z x Z x Z x Z x Z", EQ),
        ("Z×Z×Z×Z×Z", EQ),
        ("\\mathbb{Z}^{\\oplus 5}", EQ),
        ("Z^4", DIFF),
        ("Z^6", DIFF),
        ("Z^5 + Z/2Z", DIFF),
    ],
)
def test_hle_669402b4_direct_sum_of_five_integers(answer: str, expected: Decision) -> None:
    assert equivalent("Z+Z+Z+Z+Z", answer, kind="group").decision is expected


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("TC0", EQ),
        ("TC_0", EQ),
        ("$\\mathsf{TC}^0$", EQ),
        ("TC⁰", EQ),
        ("tc^0", EQ),
        ("TC^1", DIFF),
        ("AC^0", DIFF),
    ],
)
def test_hle_66e942c1_tc0(answer: str, expected: Decision) -> None:
    assert equivalent("$TC^0$", answer, kind="complexity_class").decision is expected


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("A", EQ),
        ("A. 1", EQ),
        ("(A)", EQ),
        ("a", EQ),
        ("1", EQ),
        ("A) 1", EQ),
        ("Option A", EQ),
        ("Ａ", EQ),  # fullwidth, as CJK input methods type it
        ("（Ａ）", EQ),
        ("Ａ．１", EQ),
        ("B", DIFF),
        ("Ｂ", DIFF),
        ("A. 2", DIFF),
        ("A or B", DIFF),
        ("either A or B", DIFF),
        ("A, B", DIFF),
        ("", DIFF),
        (":", DIFF),
        ("Let's solve this step by step.", DIFF),
    ],
)
def test_hle_66f378a5_multiple_choice(answer: str, expected: Decision) -> None:
    assert equivalent("A", answer, kind="multiple_choice", choices=MC_CHOICES).decision is expected


def test_choice_text_may_be_named_by_a_formula() -> None:
    gases = {"A": "Oxygen", "B": "Carbon dioxide", "C": "Nitrogen"}
    assert equivalent("B", "CO₂", kind="multiple_choice", choices=gases).decision is EQ
    assert equivalent("B", "O2", kind="multiple_choice", choices=gases).decision is DIFF
    assert equivalent("B", "Nitrogen (B)", kind="multiple_choice", choices=gases).decision is DIFF
    assert equivalent("C", "Nitrogen (C)", kind="multiple_choice", choices=gases).decision is EQ
    assert equivalent("C", "[C]", kind="multiple_choice", choices=gases).decision is EQ


def test_choices_may_be_pairs() -> None:
    pairs = list(MC_CHOICES.items())
    assert equivalent("A", "A. 1", kind="multiple_choice", choices=pairs).decision is EQ


# --- a table per kind -----------------------------------------------------------------------------------
TABLE = [
    ("1/2", "0.5", "number", EQ),
    ("1/2", "\\frac{1}{2}", "number", EQ),
    ("1/2", "50%", "number", EQ),
    ("0.5", "50 percent", "number", EQ),
    ("1/3", "0.3333333", "number", EQ),
    ("1/3", "0.33", "number", DIFF),
    ("1.5e-3", "1.5\\times10^{-3}", "number", EQ),
    ("0.0015", "1.5 \\times 10^{-3}", "number", EQ),
    ("1,000,000", "10^6", "number", EQ),
    ("\\sqrt{2}/2", "1/\\sqrt{2}", "number", EQ),
    ("\\pi", "3.14159265", "number", EQ),
    ("\\pi", "3.14", "number", DIFF),
    ("5 cm", "5 cm", "number", EQ),
    ("5 cm", "5.0 cm", "number", EQ),
    ("5 cm", "6 cm", "number", DIFF),
    ("5 cm", "5 m", "number", DIFF),
    ("5 cm", "0.05 m", "number", EQ),
    ("5 apples", "5 pears", "number", UND),
    ("9.8 m/s^2", "9.8 m/s", "number", DIFF),
    ("9.8 m/s^2", "9.8 m·s⁻²", "number", EQ),
    ("9.8 m/s^2", "980 cm/s^2", "number", EQ),
    ("75 km/h", "75 kilometres per hour", "number", EQ),
    ("100 °C", "212 °F", "number", EQ),
    ("100 °C", "100 K", "number", DIFF),
    ("100 °C", "100℃", "number", EQ),
    ("9.11e-31 kg", "9.11e-30 kg", "number", DIFF),
    ("391", "three hundred ninety-one", "number", EQ),
    ("206", "two hundred and six", "number", EQ),
    ("56", "fifty-six", "number", EQ),
    ("3.5", "three and a half", "number", EQ),
    ("3.5", "3 1/2", "number", EQ),
    ("3.5", "3½", "number", EQ),
    ("2/3", "0.\\overline{6}", "number", EQ),
    ("1048576", "1 048 576", "number", EQ),
    ("0.25", "25\\%", "number", EQ),
    ("3", "3 (the other root, -3, is negative)", "number", EQ),
    ("5 cm", "5", "number", UND),
    ("3 or 4", "3", "number", DIFF),
    ("2 and 3", "2", "number", DIFF),
    ("x = 5", "5", "number", EQ),
    ("(x+1)^2", "x^2+2x+1", "expression", EQ),
    ("\\sin^2 x + \\cos^2 x", "1", "expression", EQ),
    ("\\frac{x^2-1}{x-1}", "x+1", "expression", EQ),
    ("e^{\\ln x}", "x", "expression", EQ),
    ("x^2", "x^3", "expression", DIFF),
    ("x^2 + C", "x^2 + K", "expression", EQ),
    ("C_1 e^x", "C_2 e^x", "expression", EQ),
    ("A", "B", "expression", DIFF),
    ("A", "(B)", "expression", DIFF),
    ("2A", "2B", "expression", DIFF),
    ("C", "K", "expression", DIFF),
    ("2x", "x2", "expression", UND),
    ("x + y", "y + x", "expression", EQ),
    ("2\\sin x \\cos x", "\\sin 2x", "expression", EQ),
    ("9", "nine", "expression", EQ),
    ("{1, 2, 3}", "{3, 2, 1}", "set", EQ),
    ("\\{1, 2\\}", "2, 1", "set", EQ),
    ("{1, 2}", "{1, 2, 3}", "set", DIFF),
    ("{1/2, 2}", "{2, 0.5}", "set", EQ),
    ("{-1, 0, 1}", "x = 1, x = 0, x = -1", "set", EQ),
    ("{-1, 0, 1}", "x = -1, 0, 1", "set", EQ),
    ("{-1, 2}", "x = 2 or x = -1", "set", EQ),
    ("{-1, 2}", "x \\in \\{-1, 2\\}", "set", EQ),
    ("{2, 3, 5, 7}", "2, 3, 5 and 7", "set", EQ),
    ("{3, -3}", "±3", "set", EQ),
    ("(1, 2)", "(1, 2)", "tuple", EQ),
    ("(1, 2)", "(2, 1)", "tuple", DIFF),
    ("(1, 2)", "[1, 2]", "tuple", EQ),
    ("(1, 2)", "(1, 2, 3)", "tuple", DIFF),
    ("(1, 2)", "{1, 2}", "tuple", DIFF),
    ("(3, 6)", "y = 6, x = 3", "tuple", EQ),
    ("(2, 4)", "2 × 4", "tuple", EQ),
    ("[0, 1)", "[0,1)", "interval", EQ),
    ("[0, 1)", "[0, 1]", "interval", DIFF),
    ("(0, 1)", "0 < x < 1", "interval", EQ),
    ("(3, \\infty)", "x > 3", "interval", EQ),
    ("(-\\infty, 2]", "x \\le 2", "interval", EQ),
    ("(0,1) \\cup (2,3)", "(2,3) ∪ (0,1)", "interval", EQ),
    ("(-\\infty, -2) \\cup (2, \\infty)", "x < -2 or x > 2", "interval", EQ),
    ("[0, 3)", "[0, 3[", "interval", EQ),
    ("(1, 2)", "]1, 2[", "interval", EQ),
    ("[0, 1)", "\\{x : 0 \\le x < 1\\}", "interval", EQ),
    ("(1, 2)", "{1, 2}", "interval", DIFF),
    ("(1, 2)", "(1, 2) or (2, 3)", "interval", DIFF),
    ("Z_6", "Z_2 \\times Z_3", "group", EQ),
    ("Z_4", "Z_2 \\times Z_2", "group", DIFF),
    ("S_3", "S_3", "group", EQ),
    ("S_3 \\times Z", "Z x S_3", "group", EQ),
    ("Z * Z", "Z x Z", "group", DIFF),
    ("Z * Z", "F_2", "group", EQ),
    ("Z * Z", "free group on two generators", "group", EQ),
    ("S_3", "D_3", "group", EQ),
    ("S_3", "GL(2, F_2)", "group", EQ),
    ("Z_2 \\times Z_2", "Klein four-group", "group", EQ),
    ("Z_6", "cyclic group of order 6", "group", EQ),
    ("SL(2, R)", "\\mathrm{SL}_2(\\mathbb{R})", "group", EQ),
    ("coNP", "co-NP", "complexity_class", EQ),
    ("P", "PTIME", "complexity_class", EQ),
    ("NP", "P", "complexity_class", DIFF),
    ("PSPACE", "NPSPACE", "complexity_class", EQ),
    ("NL", "coNL", "complexity_class", EQ),
    ("NL", "NSPACE(log n)", "complexity_class", EQ),
    ("NL", "L", "complexity_class", DIFF),
    ("\\Sigma_2^p", "Σ₂ᵖ", "complexity_class", EQ),
    ("TC^0", "TC^0 (threshold circuits of constant depth)", "complexity_class", EQ),
    ("H2O", "water", "chemistry", EQ),
    ("H₂O", "\\ce{H2O}", "chemistry", EQ),
    ("CO", "Co", "chemistry", DIFF),
    ("SO4^{2-}", "sulfate", "chemistry", EQ),
    ("CO2", "carbon monoxide", "chemistry", DIFF),
    ("CuSO4·5H2O", "CuSO₄·5H₂O", "chemistry", EQ),
    ("CuSO4·5H2O", "CuSO4.5H2O", "chemistry", EQ),
    ("CuSO4·5H2O", "copper(II) sulfate pentahydrate", "chemistry", EQ),
    ("Fe2O3", "Ferric oxide, Fe2O3", "chemistry", EQ),
    ("NaCl", "Na⁺Cl⁻", "chemistry", EQ),
    ("SO4^{2-}", "(SO4)2-", "chemistry", EQ),
    ("2024-03-05", "March 5, 2024", "date", EQ),
    ("2024-03-05", "5 March 2024", "date", EQ),
    ("2024-03-05", "March 2024", "date", DIFF),
    ("2024-03-05", "03/05/2024", "date", UND),
    ("2024-05-13", "13/05/2024", "date", EQ),
    ("14:30", "2:30 pm", "date", EQ),
    ("1969-07-20", "Sunday, 20 July 1969 (about 20:17 UTC)", "date", EQ),
    ("2024-03-01", "Friday 1 March 2024", "date", EQ),
    ("2024-03-02", "Friday, 2 March 2024", "date", DIFF),
    ("2024-07-04", "04/07/2024 (DD/MM/YYYY)", "date", EQ),
    ("Saturday", "It was a Saturday.", "date", EQ),
    ("Saturday", "Saturday, 2000-01-01", "date", EQ),
    ("Sunday", "Saturday, 2000-01-01", "date", DIFF),
    ("yes", "True", "boolean", EQ),
    ("yes", "Yes, because the series converges.", "boolean", EQ),
    ("yes", "no", "boolean", DIFF),
    ("yes", "yes or no", "boolean", DIFF),
    ("no", "False", "boolean", EQ),
    ("no", "0 is even, so no.", "boolean", EQ),
    ("no", "Not necessarily.", "boolean", DIFF),
    ("Paris", "paris.", "text", EQ),
    ("Paris", "Ｐａｒｉｓ", "text", EQ),
    ("3.14", "３．１４", "number", EQ),
    ("x^2 + 1", "ｘ^２ + １", "expression", EQ),
    ("The Beatles", "beatles", "text", EQ),
    ("Paris", "London", "text", DIFF),
]


@pytest.mark.parametrize(("a", "b", "kind", "expected"), TABLE, ids=[f"{k}:{a}|{b}" for a, b, k, _ in TABLE])
def test_equivalence_table(a: str, b: str, kind: str, expected: Decision) -> None:
    judgement = equivalent(a, b, kind=kind)
    assert judgement.decision is expected, judgement.reason
    assert judgement.reason


def test_tolerance_is_documented_and_adjustable() -> None:
    assert DEFAULT_RELATIVE_TOLERANCE == 1e-6
    assert equivalent("100", "100.00005", kind="number").decision is EQ
    assert equivalent("100", "100.001", kind="number").decision is DIFF
    assert equivalent("100", "101", kind="number", tolerance=0.05).decision is EQ


def test_unknown_kind_is_undecided() -> None:
    assert equivalent("1", "1", kind="no-such-kind").decision is UND


def test_master_keys_are_not_math_answers() -> None:
    for key in (":", "Let's solve this step by step.", ""):
        assert equivalent("7", key, kind="number").decision is DIFF
        assert equivalent("x+1", key, kind="expression").decision is DIFF


def test_over_limit_answers_are_undecided() -> None:
    assert equivalent("9^9^9^9", "3", kind="number").decision is UND
    assert equivalent("1" * 5000, "3", kind="number").decision is UND
    assert equivalent("x", "x^2", kind="expression", limits=Limits(time_budget_s=0.0)).decision is UND


def test_is_hedged() -> None:
    assert is_hedged("3 or 4", kind="number")
    assert is_hedged("either x or y", kind="expression")
    assert not is_hedged("Oregon", kind="text")
    assert not is_hedged("x^2 + 1", kind="expression")


# --- properties -----------------------------------------------------------------------------------------
def _fraction_forms(value: Fraction) -> list[str]:
    p, q = value.numerator, value.denominator
    sign = "-" if p < 0 else ""
    forms = [f"{p}/{q}", f"{sign}\\frac{{{abs(p)}}}{{{q}}}"]
    rest = q
    for prime in (2, 5):
        while rest % prime == 0:
            rest //= prime
    if rest == 1:
        decimal = format(p / q, ".12f").rstrip("0").rstrip(".")
        forms.append(decimal)
        forms.append(format(p * 100 / q, ".12f").rstrip("0").rstrip(".") + "%")
    return forms


fractions = st.fractions(min_value=-1000, max_value=1000, max_denominator=64)
"""Rationals; shrink toward 0."""

number_texts = fractions.flatmap(lambda f: st.sampled_from(_fraction_forms(f)))
"""One surface form of a rational (fraction, LaTeX fraction, decimal or percent)."""

_leaf = st.sampled_from(["x", "y", "1", "2", "3", "7", "\\pi"])


def _extend(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    binary = st.tuples(children, st.sampled_from(["+", "-", "*"]), children).map(
        lambda t: f"({t[0]}){t[1]}({t[2]})"
    )
    return binary | children.map(lambda c: f"({c})^2") | children.map(lambda c: f"\\sin({c})")


expressions = st.recursive(_leaf, _extend, max_leaves=5)
"""Small expressions in x and y; shrink toward a single leaf."""

set_texts = st.lists(st.integers(-20, 20), unique=True, max_size=5).map(
    lambda xs: "{" + ", ".join(map(str, xs)) + "}"
)
"""Finite sets of integers written with braces; shrink toward the empty set."""


@settings(max_examples=120, deadline=None)
@given(fractions)
@example(Fraction(1, 2))
@example(Fraction(-3, 8))
def test_every_form_of_a_rational_is_equivalent(value: Fraction) -> None:
    forms = _fraction_forms(value)
    for form in forms[1:]:
        assert equivalent(forms[0], form, kind="number").decision is EQ, form


@pytest.mark.parametrize("form", ["1/2", "0.5", "\\frac{1}{2}", "50%", "$\\frac{1}{2}$", "\\boxed{0.5}"])
def test_one_half_agrees_in_every_form(form: str) -> None:
    for other in ("1/2", "0.5", "\\frac{1}{2}", "50%"):
        assert equivalent(form, other, kind="number").decision is EQ


@settings(max_examples=150, deadline=None)
@given(st.one_of(number_texts, st.integers(-(10**6), 10**6).map(str)))
def test_reflexive_on_numbers(text: str) -> None:
    assert equivalent(text, text, kind="number").decision is EQ


@settings(max_examples=40, deadline=None)
@given(expressions)
def test_reflexive_on_expressions(text: str) -> None:
    assert equivalent(text, text, kind="expression").decision is EQ


@settings(max_examples=60, deadline=None)
@given(set_texts, st.randoms(use_true_random=False))
def test_reflexive_on_sets_in_any_order(text: str, rng: object) -> None:
    items = text.strip("{}").split(", ") if text != "{}" else []
    rng.shuffle(items)  # type: ignore[attr-defined]
    shuffled = "{" + ", ".join(items) + "}"
    assert equivalent(text, shuffled, kind="set").decision is EQ


@settings(max_examples=150, deadline=None)
@given(number_texts, number_texts)
@example("1/2", "0.5")
@example("3 or 4", "3")
def test_symmetric_on_numbers(a: str, b: str) -> None:
    assert equivalent(a, b, kind="number").decision is equivalent(b, a, kind="number").decision


@settings(max_examples=40, deadline=None)
@given(expressions, expressions)
@example("(x)+(1)", "(1)+(x)")
def test_symmetric_on_expressions(a: str, b: str) -> None:
    assert equivalent(a, b, kind="expression").decision is equivalent(b, a, kind="expression").decision


@settings(max_examples=80, deadline=None)
@given(set_texts, set_texts)
def test_symmetric_on_sets(a: str, b: str) -> None:
    assert equivalent(a, b, kind="set").decision is equivalent(b, a, kind="set").decision


@pytest.mark.parametrize(
    ("answer", "reference", "decision"),
    [
        ("0.333...", "1/3", Decision.EQUIVALENT),  # the digits visibly repeat: a repeating decimal, exact
        ("0.3333…", r"\frac{1}{3}", Decision.EQUIVALENT),
        ("0.33...", "1/3", Decision.EQUIVALENT),
        ("-0.1666...", "-1/6", Decision.EQUIVALENT),
        (r"$0.4545\ldots$", "5/11", Decision.EQUIVALENT),
        ("0.999...", "1", Decision.EQUIVALENT),
        ("The answer is 0.666...", "2/3", Decision.EQUIVALENT),
        ("0.333...", "0.3", Decision.DIFFERENT),
        ("0.333...", "0.334", Decision.DIFFERENT),
        ("0.3333", "0.333...", Decision.DIFFERENT),  # a rounded value is not the repeating decimal
        ("3.14159…", r"\pi", Decision.EQUIVALENT),  # no visible repetition: the digits shown
        ("3.14159...", r"\pi", Decision.EQUIVALENT),
        ("3.15…", r"\pi", Decision.DIFFERENT),
    ],
)
def test_a_decimal_with_an_ellipsis(answer: str, reference: str, decision: Decision) -> None:
    """``0.333...`` was read as 0.333 (its dots as punctuation) and judged different from 1/3; ``0.3333…``
    was undecided (the character '…')."""
    for kind in ("number", "expression") if " " not in answer else ("number",):
        assert equivalent(answer, reference, kind=kind).decision is decision
        assert equivalent(reference, answer, kind=kind).decision is decision


def test_large_powers_are_not_expanded_but_checked_numerically() -> None:
    judgement = equivalent("(x+1)^999*(x-1)", "(x+1)^998*(x^2-1)", kind="expression")
    assert judgement.decision is EQ
    assert "random points" in judgement.reason
    assert equivalent("(x+1)^999", "(x+1)^998", kind="expression").decision is DIFF


def test_reasons_name_the_evidence() -> None:
    assert "expands to 0" in equivalent("(x+1)^2", "x^2+2x+1", kind="expression").reason
    assert "simplifies to 0" in equivalent("\\sin^2 x + \\cos^2 x", "1", kind="expression").reason
    assert "values differ" in equivalent("x^2", "x^3", kind="expression").reason


_FRAGMENTS = st.sampled_from(
    [*"0123456789+-*/^()[]{},.xyzZ=<>!%|_ $ℤ⁵⊕×·−√π", "\\frac", "\\sqrt", "\\sin", " or ", "\\{", "\\}",
     "\\cup", "°C", " m/s", "A.", "(B)", "yes", "TC^0", "H2O", "2024-03-05", "±", "\\boxed{", "}", "Answer: "]
)  # fmt: skip
"""Pieces of answer notation; joined at random they make plausible and broken answers alike."""


@settings(max_examples=150, deadline=None)
@given(st.lists(_FRAGMENTS, max_size=10).map("".join), st.lists(_FRAGMENTS, max_size=10).map("".join),
       st.sampled_from(list(AnswerKind)))  # fmt: skip
def test_arbitrary_notation_never_raises_and_stays_symmetric(a: str, b: str, kind: AnswerKind) -> None:
    choices = MC_CHOICES if kind is AnswerKind.MULTIPLE_CHOICE else None
    forward = equivalent(a, b, kind=kind, choices=choices)
    backward = equivalent(b, a, kind=kind, choices=choices)
    assert forward.reason and backward.reason
    assert {forward.decision, backward.decision} != {EQ, DIFF}
