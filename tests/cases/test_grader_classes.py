"""Each failure class of issue 17, with examples that are neither the issue's nor the library's: tolerance
and significant figures end to end, quantities with units, aliases as data, multiple-choice and date
forms, the new kinds, and undecided verdicts that say which part could not be read."""

from __future__ import annotations

import pytest

from judgeprobe.cases.answers import Decision, alternate_forms, equivalent, grade
from judgeprobe.cases.answers.quantities import read_unit
from judgeprobe.cases.answers.rules import ReferenceRules
from judgeprobe.cases.answers.tolerance import Tolerance, written_figures
from judgeprobe.cases.answers.units import read_quantity
from judgeprobe.cases.models import GradeCase
from judgeprobe.harness.core.request import JudgeRequest
from judgeprobe.harness.core.verdict import Status
from judgeprobe.harness.judges.builtin import BuiltinJudge
from judgeprobe.probes.units import base_variants
from judgeprobe.probes.variant import Relation, Slot, Variant

SAME, DIFF, UND = Decision.EQUIVALENT, Decision.DIFFERENT, Decision.UNDECIDED


def _case(**fields: object) -> GradeCase:
    base: dict[str, object] = {"id": "t", "question": "q", "source": "hand-written", "responses": [
        {"id": "r", "text": "x", "label": "correct", "why": "w"}]}  # fmt: skip
    return GradeCase.model_validate(base | fields)


def _builtin(case: GradeCase, text: str) -> str:
    """The verdict builtin:reference gives ``text`` as a run would: through the variant and its request."""
    response = {"id": "r", "text": text, "label": "correct", "why": "w"}
    variant = base_variants(
        case.model_copy(update={"responses": (case.responses[0].model_copy(update=response),)})
    )[0]
    coroutine = BuiltinJudge("reference").judge(JudgeRequest.from_variant(variant))
    try:
        coroutine.send(None)
    except StopIteration as done:
        verdict = done.value
    return str(verdict.outcome) if verdict.status is Status.JUDGED else "undecided"


# --- tolerance and significant figures ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "tolerance", "expected"),
    [
        ("2.72", {"figures": 3}, SAME),  # e = 2.71828… to three figures
        ("2.718", {"figures": 3}, SAME),  # more figures that round to 2.72
        ("2.718", {"figures": 3, "more_figures": "reject"}, DIFF),
        ("2.7", {"figures": 3}, DIFF),  # fewer figures
        ("2.7", {"figures": 3, "fewer_figures": "accept"}, SAME),  # e rounded to its own two figures
        ("2.71", {"figures": 3}, DIFF),  # truncated, not rounded
        ("2.720", {"figures": 4}, DIFF),  # four figures but e is 2.718
        ("2.75", {"absolute": 0.05}, SAME),
        ("2.8", {"absolute": 0.05}, DIFF),
        ("2.7183", {"relative": 1e-4}, SAME),
    ],
)
def test_tolerance_and_figures(answer: str, tolerance: dict[str, object], expected: Decision) -> None:
    assert equivalent(answer, "e", kind="number", tolerance=Tolerance.of(tolerance)).decision is expected


def test_figures_are_counted_as_written() -> None:
    assert (written_figures("0.00470").low, written_figures("4.70e-3").low) == (3, 3)  # type: ignore[union-attr]
    ambiguous = written_figures("3500")
    assert ambiguous is not None and (ambiguous.low, ambiguous.high) == (2, 4)
    assert written_figures("22/7") is None


def test_the_case_tolerance_reaches_the_builtin_grader() -> None:
    case = _case(reference="1.732", answer_kind="number", question="√3 to four significant figures?",
                 tolerance={"figures": 4})  # fmt: skip
    assert case.rules == ReferenceRules(tolerance=Tolerance(figures=4))
    assert _builtin(case, "1.7321") == "correct" and _builtin(case, "1.733") == "incorrect"
    assert _builtin(case.model_copy(update={"tolerance": None}), "1.7321") == "incorrect"  # 1e-6 default


def test_rules_leave_old_ids_and_request_keys_alone() -> None:
    variant = Variant(
        case_id="num-pi", unit_id="r1", mode="grade", question="Give pi to three significant figures.",  # type: ignore[arg-type]
        reference="3.14", answer_kind="number", choices=None, slots=(Slot("r1", "3.1416"),), chain=(), seed=0,
        relation=Relation.BASE, label="correct", final_answer="3.1416",
    )  # fmt: skip
    # the id and request key this variant had before rules existed (computed on the code before them)
    assert variant.id == "159fd6443998a542"
    expected = "e22bef06ffe6d8f212ab080c8b7b4609497a51815da8edc88c86f2f29da7c2a5"
    assert JudgeRequest.from_variant(variant).content_key() == expected
    empty = Variant(**{**_fields(variant), "rules": ReferenceRules()})
    assert empty.rules is None and empty.id == variant.id
    stated = Variant(**{**_fields(variant), "rules": ReferenceRules(tolerance=Tolerance(figures=3))})
    assert stated.id != variant.id
    assert JudgeRequest.from_variant(stated).content_key() != expected


def _fields(variant: Variant) -> dict[str, object]:
    return {name: getattr(variant, name) for name in variant.__dataclass_fields__ if name != "id"}


# --- quantities -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "reference", "expected"),
    [
        ("4.5e-2 kg", "45 g", SAME),
        ("4.5E−2 kg", "45 g", SAME),  # e-notation with a Unicode minus
        ("45 mg", "45 g", DIFF),
        ("250 mmol", "0.25 mol", SAME),
        ("3.6 MJ", "1 kWh", SAME),
        ("3.6 kJ", "1 kWh", DIFF),
        ("8.314e-3 kJ/(mol K)", "8.314 J/(mol·K)", SAME),
        ("3000 J mol^-1", "3.0 kJ/mol", SAME),
        ("-40 °F", "-40 °C", SAME),  # the scales cross at −40
        ("233.15 K", "-40 °C", SAME),
        ("47e3 Ω", "47 kΩ", SAME),
        ("47 kΩ", "47 kW", DIFF),  # different dimensions
        ("12 kWh", "12 kW", DIFF),
    ],
)
def test_quantities(answer: str, reference: str, expected: Decision) -> None:
    assert equivalent(answer, reference, kind="number").decision is expected


def test_scientific_notation_is_a_number_then_a_unit() -> None:
    quantity = read_quantity("7.5e-4 m")
    assert quantity.unit_text == "m" and str(quantity.parsed.value) == "3/4000"
    assert read_unit("e-4 m") is None  # 'e' is the elementary charge to pint, never a unit here


@pytest.mark.parametrize("text", ["__import__('os')", "m*2", "e", "c", "G", "m; rm", "kg**(1/0)", "x" * 80])
def test_units_are_built_from_whitelisted_names_only(text: str) -> None:
    assert read_unit(text) is None


def test_pint_never_reads_answer_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """The string entry points of pint (which run its expression evaluator) are never called."""
    import pint

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a pint string parser was called")

    for name in ("parse_units", "parse_expression", "parse_units_as_container"):
        monkeypatch.setattr(pint.UnitRegistry, name, refuse, raising=False)
    read_unit.cache_clear()
    assert equivalent("2.5 km/h", "2500 m/h", kind="number").decision is SAME
    assert read_unit("mJ/mol") is not None


# --- aliases as data --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "reference", "kind", "expected"),
    [
        ("the circle group", "U(1)", "group", SAME),
        ("C_2 * C_2", "Dih_∞", "group", SAME),
        ("Z/2 * Z/3", "Dih_∞", "group", DIFF),
        ("Spin(3)", "SU(2)", "group", SAME),
        ("SO(3)", "SU(2)", "group", DIFF),
        ("the Möbius band", "Mb", "space", SAME),
        ("Riemann sphere", "S^2", "space", SAME),
        ("Kuratowski–Zorn lemma", "Zorn's lemma", "named", SAME),
        ("Zorn", "Zorn's lemma", "named", DIFF),
        ("0.91596…", "Catalan's constant", "named", SAME),
        ("0.9160", "Catalan's constant", "named", SAME),  # rounded to four figures
        ("0.9161", "Catalan's constant", "named", DIFF),
        ("ln 2 ≈ 0.6931", "natural logarithm of 2", "named", SAME),
        ("NSPACE(log n)", "NL", "complexity_class", SAME),
        ("Cu", "copper", "chemistry", SAME),
    ],
)
def test_aliases(answer: str, reference: str, kind: str, expected: Decision) -> None:
    assert equivalent(answer, reference, kind=kind).decision is expected


def test_a_case_adds_its_own_aliases() -> None:
    case = _case(reference="Weierstrass M-test", answer_kind="named", aliases=["Weierstrass majorant test"])
    assert _builtin(case, "the Weierstrass majorant test") == "correct"
    assert _builtin(case.model_copy(update={"aliases": ()}), "the Weierstrass majorant test") == "incorrect"
    with pytest.raises(ValueError, match="is the reference itself"):
        _case(reference="Weierstrass M-test", answer_kind="named", aliases=["Weierstrass M-test"])


def test_probes_rewrite_names_never_into_aliases() -> None:
    assert "Spin(3)" not in alternate_forms("SU(2)", kind="group")
    assert all("NPSPACE" in form for form in alternate_forms("NPSPACE", kind="complexity_class"))
    forms = alternate_forms("Catalan's constant", kind="named")
    assert forms and all("Catalan" in form for form in forms)


# --- multiple choice and dates ----------------------------------------------------------------------------

PLANETS = {"A": "Mercury", "B": "Venus", "C": "Mars", "D": "Jupiter"}


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("C — Mars", SAME), ("C – Mars", SAME), ("C) Mars", SAME), ("(C)", SAME), ("C:", SAME), ("[C]", SAME),
        ("Mars", SAME), ("I'd say it is Mars, the red planet.", SAME), ("My answer is C.", SAME),
        ("C – Venus", DIFF), ("Mars or Venus", DIFF), ("B", DIFF), ("not Mars but Jupiter", DIFF),
    ],
)  # fmt: skip
def test_multiple_choice_forms(answer: str, expected: Decision) -> None:
    assert equivalent(answer, "C", kind="multiple_choice", choices=PLANETS).decision is expected


def test_letter_and_text_that_disagree_follow_the_case_policy() -> None:
    strict = grade("C", "C — Venus", kind="multiple_choice", choices=PLANETS)
    lenient = grade("C", "C — Venus", kind="multiple_choice", choices=PLANETS,
                    rules=ReferenceRules(choice_conflict="undecided"))  # fmt: skip
    assert strict.decision is DIFF and lenient.decision is UND and "choice_conflict" in lenient.reason


@pytest.mark.parametrize(
    ("answer", "reference", "expected"),
    [
        ("2024-075", "2024-03-15", SAME),  # ordinal date (2024 is a leap year)
        ("2023-075", "2023-03-16", SAME),
        ("2024-W11-5", "2024-03-15", SAME),
        ("15 mars 2024", "2024-03-15", SAME),
        ("15. März 2024", "2024-03-15", SAME),
        ("15 de marzo de 2024", "2024-03-15", SAME),
        ("15 marzo 2024", "2024-03-15", SAME),
        ("2024年3月15日", "2024-03-15", SAME),
        ("2024-03-15T09:00:00-04:00", "2024-03-15T13:00Z", SAME),
        ("2024-03-15T09:00:00-05:00", "2024-03-15T13:00Z", DIFF),
        ("09:00 EDT", "13:00 UTC", SAME),
        ("16 mars 2024", "2024-03-15", DIFF),
        ("12/11/2030", "2024-11-12", DIFF),  # neither reading is in 2024
    ],
)
def test_date_forms(answer: str, reference: str, expected: Decision) -> None:
    assert equivalent(answer, reference, kind="date").decision is expected


# --- the new kinds ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "reference", "kind", "expected"),
    [
        ("O(n^2 \\log n)", "O(n² log n)", "asymptotic", SAME),
        ("O(n^2·log n)", "O(n² log n)", "asymptotic", SAME),
        ("O(n^2)", "O(n² log n)", "asymptotic", DIFF),
        ("O(3n^2 log n + 7n)", "O(n² log n)", "asymptotic", SAME),
        ("Ω(n² log n)", "O(n² log n)", "asymptotic", DIFF),
        ("CP × CP", "CP^2", "space", DIFF),
        ("\\mathbb{CP}^2", "CP^2", "space", SAME),
        ("S^4", "S^2 × S^2", "space", DIFF),
        ("(S¹)³", "T^3", "space", SAME),
        ("T^2 # T^2 # T^2", "Σ_3", "space", SAME),
        ("|P(ℕ)|", "2^{\\aleph_0}", "cardinal", SAME),
        ("ℵ₀ + ℵ₀", "ℵ₀", "cardinal", SAME),
        ("ℵ₁", "𝔠", "cardinal", DIFF),
        ("6.022e23", "6.02 × 10^23", "decimal", SAME),
        ("6.03e23", "6.02 × 10^23", "decimal", DIFF),
        ("6.0e23", "6.02 × 10^23", "decimal", DIFF),
    ],
)
def test_new_kinds(answer: str, reference: str, kind: str, expected: Decision) -> None:
    assert equivalent(answer, reference, kind=kind).decision is expected


@pytest.mark.parametrize(
    ("text", "kind"),
    [("CP^2", "space"), ("O(n^2 log n)", "asymptotic"), ("2^ℵ₀", "cardinal"), ("6.02 × 10^23", "decimal"),
     ("Cantor–Bernstein theorem", "named"), ("ℝP³", "space"), ("NPSPACE", "complexity_class")],
)  # fmt: skip
def test_new_kinds_forms_keep_the_meaning(text: str, kind: str) -> None:
    forms = alternate_forms(text, kind=kind)
    assert forms
    for form in forms:
        assert equivalent(form, text, kind=kind).decision is SAME, form
    assert not any(" x " in form or "×" in form for form in forms if kind == "space" and "P" in text)


def test_decimal_forms_keep_the_figures() -> None:
    for form in alternate_forms("0.0470", kind="decimal"):
        number = read_quantity(form).number
        figures = written_figures(number)
        assert figures is not None and figures.low == 3, form


# --- undecided is a verdict with a reason -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "reference", "kind", "part"),
    [
        ("3 ≠ 4", "3", "number", "answer"),
        ("3", "3 ≠ 4", "number", "reference"),
        ("x ≠ 2", "x + 1", "expression", "answer"),
        ("O(n)", "O(n ≠ 1)", "asymptotic", "reference"),
        ("S^2", "a weird space", "space", "reference"),
        ("12 m", "12", "number", "answer"),
    ],
)
def test_undecided_says_which_part(answer: str, reference: str, kind: str, part: str) -> None:
    judgement = equivalent(answer, reference, kind=kind)
    assert judgement.decision is UND and part in judgement.reason, judgement.reason


# --- reading with the question ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "answer", "reference", "expected"),
    [
        ("Is 57 a prime number?", "57 is composite (3 × 19).", "No", SAME),
        ("Is 57 a prime number?", "It isn't prime.", "No", SAME),
        ("Is 57 a prime number?", "It is not composite.", "No", DIFF),
        ("Is π irrational?", "It is not rational.", "Yes", SAME),
        ("Can a set be a member of itself in ZF?", "Impossible, by foundation.", "No", SAME),
        ("Must a continuous function be differentiable?", "Not necessarily.", "No", SAME),
        ("Is 0 even?", "Without a doubt: it is even.", "Yes", SAME),
    ],
)
def test_yes_no_answers_in_words(question: str, answer: str, reference: str, expected: Decision) -> None:
    assert grade(reference, answer, kind="boolean", question=question).decision is expected


@pytest.mark.parametrize(
    ("question", "answer", "reference", "expected"),
    [
        ("Factor x^2 - 9.", "x^2 - 9", "(x-3)(x+3)", DIFF),
        ("Factor x^2 - 9.", "(x+3)(x-3)", "(x-3)(x+3)", SAME),
        ("Write √72 in simplest radical form.", "2√18", "6√2", DIFF),
        ("Write √72 in simplest radical form.", "6\\sqrt{2}", "6√2", SAME),
        ("Rationalise the denominator of 3/√3.", "3/\\sqrt{3}", "√3", DIFF),
        ("Expand (x+2)^2.", "(x+2)^2", "x^2+4x+4", DIFF),
        ("Expand (x+2)^2.", "x^2 + 4x + 4", "x^2+4x+4", SAME),
    ],
)
def test_the_form_a_question_asks_for(question: str, answer: str, reference: str, expected: Decision) -> None:
    assert grade(reference, answer, kind="expression", question=question).decision is expected


@pytest.mark.parametrize(
    ("answer", "reference", "expected"),
    [
        ("C4H10", "isobutane", DIFF),  # butane and isobutane share it
        ("isobutane", "butane", DIFF),
        ("CH3CH2CH3", "C3H8", SAME),
        ("[Co(NH3)6]Cl3", "CoN6H18Cl3", SAME),
    ],
)
def test_chemistry_isomers_and_compositions(answer: str, reference: str, expected: Decision) -> None:
    assert equivalent(answer, reference, kind="chemistry").decision is expected


# --- the alias tables and the new kinds over the library ----------------------------------------------------

NEW_KINDS = ("decimal", "named", "space", "cardinal", "asymptotic")


def _new_kind_cases() -> list[GradeCase]:
    from judgeprobe.cases.loader import load_library

    return [c for c in load_library() if isinstance(c, GradeCase) and str(c.answer_kind) in NEW_KINDS]


@pytest.mark.parametrize("case", _new_kind_cases(), ids=lambda case: case.id)
def test_every_form_of_a_new_kind_grades_equivalent_under_the_case_tolerance(case: GradeCase) -> None:
    texts = [case.reference, *(r.text for r in case.responses if r.label == "correct")]
    for text in texts:
        for form in alternate_forms(text, kind=case.answer_kind, tolerance=case.tolerance):
            assert equivalent(form, text, kind=case.answer_kind, tolerance=case.tolerance).equivalent, form


def test_alias_files_are_checked() -> None:
    from judgeprobe.cases.answers.aliases import AliasError, _parse, alias_table, opposites, table_names

    assert {"complexity", "constants", "theorems", "groups", "spaces", "cardinals", "elements"} <= set(
        table_names()
    )
    assert alias_table("theorems").lookup("bolzano weierstrass") is not None
    assert opposites()["composite"] == "prime"
    with pytest.raises(AliasError, match="names both"):
        _parse(
            "table: t\nentries:\n  - {id: a, names: [Torus]}\n  - {id: b, names: [the torus]}\n", "bad.yaml"
        )
    with pytest.raises(AliasError, match="unknown field"):
        _parse("table: t\nentries:\n  - {id: a, names: [X], nickname: Y}\n", "bad.yaml")
    with pytest.raises(AliasError, match="expected decimal digits"):
        _parse("table: t\nentries:\n  - {id: a, names: [X], value: '1/3'}\n", "bad.yaml")
    with pytest.raises(KeyError, match="expected one of"):
        alias_table("nope")


# --- rewrites that keep the meaning under the case's rules ------------------------------------------------


def test_rewrites_are_checked_both_ways_under_the_question_and_tolerance() -> None:
    from judgeprobe.cases.answers import AnswerKind
    from judgeprobe.probes.families.formatting import answer_forms

    factored = alternate_forms("(x+4)(x-1)", kind="expression", question="Factor x^2 + 3x - 4.")
    assert factored and not any("3" in form for form in factored)  # never rewritten expanded
    assert any("3" in form for form in alternate_forms("(x+4)(x-1)", kind="expression"))
    yes_no = alternate_forms("It is not odd.", kind="boolean", question="Is 12 even?")
    assert not any(form.lower() in ("no", "false") for form in yes_no)  # 'not odd' answers yes here
    radical = answer_forms("√72", AnswerKind.EXPRESSION, None, None, "Write √72 in simplest radical form.")
    assert not any("6" in form for form in radical.values())  # √72 is never rendered 6√2 here
    three = alternate_forms("2.50", kind="number", tolerance={"figures": 3, "more_figures": "reject"})
    for form in three:
        figures = written_figures(read_quantity(form).number)
        assert figures is not None and figures.low == 3, form


@pytest.mark.parametrize(
    ("answer", "reference", "kind", "question", "expected"),
    [
        ("two thirds", "2/3", "number", "", SAME),
        ("three quarters", "0.75", "number", "", SAME),
        ("forty percent", "0.4", "number", "", SAME),
        ("2 points", "2 percentage points", "number", "", SAME),
        ("It can't.", "No", "boolean", "Can a prime be even and greater than 2?", SAME),
        ("γ", "0.5772156649015329", "expression", "", SAME),
        ("x^3/3 + K, K ∈ ℝ", "x^3/3 + C", "expression", "", SAME),
    ],
)
def test_more_written_forms(
    answer: str, reference: str, kind: str, question: str, expected: Decision
) -> None:
    assert grade(reference, answer, kind=kind, question=question).decision is expected
