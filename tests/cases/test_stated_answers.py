"""A final answer stated in a sentence is read, and never accepted when the sentence rejects or hedges it.

The rows are general forms (a lead-in, the answer, what may follow it) across the answer kinds, each graded
end to end by :func:`~judgeprobe.cases.answers.grade`. ``ACCEPT`` rows must be equivalent; ``REJECT`` rows
must not be (a false accept is worse than a false reject), and where the verdict is certain it is pinned.
The two held-out tables were written before the reader was tuned on them (see their comments for their
first scores); the Hypothesis properties combine lead-ins from a list with equal and different numbers.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from judgeprobe.cases.answers import Decision, grade
from judgeprobe.cases.answers.statements import LONGEST, read_statement, states_a_value, take_lead_in

SAME, DIFF, UND = Decision.EQUIVALENT, Decision.DIFFERENT, Decision.UNDECIDED
NOT_SAME = None
"""Any verdict but equivalent (different or undecided: the reader may not be able to tell which)."""
PLANETS = {"A": "Mercury", "B": "Venus", "C": "Earth", "D": "Mars"}

Row = tuple[str, str, str, Decision | None]

ACCEPT: list[Row] = [
    # numbers: subject + copula, verbs of result, person + verb, labels, hedges, restatements
    ("0.375", "It is 0.375.", "number", SAME),
    ("0.375", "So we get 0.375", "number", SAME),
    ("0.375", "Result: 0.375 (i.e. 3/8)", "number", SAME),
    ("0.375", "The probability is 3/8.", "number", SAME),
    ("0.375", "Therefore, the probability equals 0.375.", "number", SAME),
    ("0.375", "I think it's 0.375", "number", SAME),
    ("0.375", "It is 0.375 (about 0.38).", "number", SAME),
    ("0.375", "It comes to 0.375, that is, 3/8.", "number", SAME),
    ("12", "We find 12.", "number", SAME),
    ("12", "It's 12", "number", SAME),
    ("12", "It’s 12.", "number", SAME),
    ("12", "We obtain 12.", "number", SAME),
    ("12", "This gives us 12.", "number", SAME),
    ("12", "That yields 12", "number", SAME),
    ("12", "It works out to 12.", "number", SAME),
    ("12", "Total: 12", "number", SAME),
    ("12", "The count is 12.", "number", SAME),
    ("12", "The number of ways to seat them is 12.", "number", SAME),
    ("12", "I'm fairly sure that the total is 12.", "number", SAME),
    ("12", "I guess 12.", "number", SAME),
    ("12", "In total, we have 12.", "number", SAME),
    ("12", "It is 12, since 3 × 4 = 12.", "number", SAME),
    ("12", "It is 12 — as expected.", "number", SAME),
    ("12", "The count is 12, not 13.", "number", SAME),
    ("12", "It is not 13 but 12.", "number", SAME),
    ("12", "It is 12. Hope this helps!", "number", SAME),
    ("12", "First it looked like 10, but then it is 12.", "number", SAME),
    ("12", "The count was 11; actually it is 12.", "number", SAME),
    ("12", "After giving away 3 she has 12.", "number", SAME),
    ("12", "Combining both cases, we get 12.", "number", SAME),
    ("12", "It is 12 (the other case gives nothing).", "number", SAME),
    ("12", "The total is 12; that's the final answer.", "number", SAME),
    ("1/2", "The answer comes out to 0.5 (1/2).", "number", SAME),
    # expressions, sets, tuples, intervals
    ("x^2+2x+1", "It simplifies to (x+1)^2.", "expression", SAME),
    ("x^2+2x+1", "The expression reduces to (x + 1)^2", "expression", SAME),
    ("2x", "Differentiating, we get 2x.", "expression", SAME),
    ("{1, 2}", "The roots are {1, 2}.", "set", SAME),
    ("(3, 4)", "The point is (3, 4).", "tuple", SAME),
    ("[0, 1)", "The interval is [0, 1).", "interval", SAME),
    # text, multiple choice, yes/no, notation kinds
    ("Paris", "It is Paris.", "text", SAME),
    ("Paris", "The capital of France is Paris.", "text", SAME),
    ("Paris", "I believe it's Paris.", "text", SAME),
    ("Jupiter", "Jupiter, not Saturn.", "text", SAME),
    ("B", "The correct option is (B).", "multiple_choice", SAME),
    ("B", "I'd go with B", "multiple_choice", SAME),
    ("B", "My answer would be B.", "multiple_choice", SAME),
    ("B", "I would pick (B).", "multiple_choice", SAME),
    ("B", "The best choice is Venus.", "multiple_choice", SAME),
    ("B", "The correct answer is B — as expected.", "multiple_choice", SAME),
    ("A", "It is A because Mercury is closest.", "multiple_choice", SAME),
    ("B", "The correct answer is (B), since it is the closest.", "multiple_choice", SAME),
    ("yes", "I think the answer is yes.", "boolean", SAME),
    ("no", "It is not true.", "boolean", SAME),
    ("Z_6", "The group is Z_6.", "group", SAME),
    ("H2O", "The product is H2O.", "chemistry", SAME),
]

REJECT: list[Row] = [
    ("Mercury", "It was a Mars year.", "text", DIFF),
    ("0.375", "It is 0.5.", "number", DIFF),
    ("0.375", "So we get 0.5", "number", DIFF),
    ("12", "We find 13.", "number", DIFF),
    ("12", "The count is 13, not 12.", "number", DIFF),
    ("12", "It is not 12.", "number", DIFF),
    ("12", "It's definitely not 12.", "number", DIFF),
    ("12", "It is not 12 but 13.", "number", DIFF),
    ("12", "It could be 12 or 13.", "number", NOT_SAME),
    ("12", "I think it's 12, or maybe 13.", "number", NOT_SAME),
    ("12", "It is 12 (or maybe 13).", "number", NOT_SAME),
    ("12", "It is 12; that is wrong.", "number", DIFF),
    ("12", "We find 12 is wrong; it is 14.", "number", DIFF),
    ("12", "It was 12 before, but now it is 14.", "number", DIFF),
    ("12", "It is 12, but it could be 13.", "number", UND),
    ("13", "It is 12, but it could be 13.", "number", UND),
    ("14", "It is 12, but it could be 13.", "number", DIFF),
    ("0.375", "It is 0.375 (i.e. 1/3).", "number", NOT_SAME),
    ("0.375", "It is 0.375, not 3/8.", "number", NOT_SAME),
    ("12", "Foo bar 12", "number", UND),
    ("x^2+2x+1", "It simplifies to (x-1)^2.", "expression", DIFF),
    ("x^2+2x+1", "It is not (x+1)^2.", "expression", DIFF),
    ("{1, 2}", "The roots are {1, 3}.", "set", DIFF),
    ("Paris", "It is Lyon.", "text", DIFF),
    ("Paris", "It is not Paris.", "text", NOT_SAME),
    ("Paris", "It is Lyon, not Paris.", "text", NOT_SAME),
    ("Paris", "I believe it's Paris or Lyon.", "text", NOT_SAME),
    ("B", "I'd go with C.", "multiple_choice", DIFF),
    ("B", "I'd go with C, not B.", "multiple_choice", NOT_SAME),
    ("B", "It is B — Mars.", "multiple_choice", NOT_SAME),
    ("B", "It is either B or C.", "multiple_choice", NOT_SAME),
    ("B", "I think it's Venus or C.", "multiple_choice", NOT_SAME),
    ("B", "I'd go with B. Venus, or maybe C.", "multiple_choice", NOT_SAME),
    ("B", "My answer would be B. Venus or C.", "multiple_choice", NOT_SAME),
    ("yes", "I think the answer is no.", "boolean", DIFF),
    ("Z_6", "The group is Z_2 x Z_2.", "group", DIFF),
]

# Held out: written before the reader was tuned on them. First score, once, after the first version of
# the reader: 26/28 agreed, with 2 false accepts ("We find 5 is wrong; it is 6.", "It was 3 before, but
# now it is 4."); both classes (a retraction before the last clause, a later clause that corrects the
# earlier one) were then fixed in general, so this table is no longer held out.
HELD_OUT: list[Row] = [
    ("42", "The total comes to 42.", "number", SAME),
    ("7", "Thus the minimum value is 7", "number", SAME),
    ("2.5", "We obtain 2.5 as the result.", "number", SAME),
    ("1/3", "This gives us 1/3.", "number", SAME),
    ("0.25", "I'm fairly confident it's 0.25.", "number", SAME),
    ("x^2-1", "The expression reduces to x^2 - 1.", "expression", SAME),
    ("2x", "The derivative is 2x.", "expression", SAME),
    ("{1, 2}", "The solution set is {1, 2}.", "set", SAME),
    ("Tokyo", "I believe it's Tokyo.", "text", SAME),
    ("C", "My answer would be C.", "multiple_choice", SAME),
    ("A", "I would pick (A).", "multiple_choice", SAME),
    ("100", "Final count: 100", "number", SAME),
    ("yes", "I think the answer is yes.", "boolean", SAME),
    ("3", "So we end up with 3 (three).", "number", SAME),
    ("0.5", "The probability works out to 0.5 (i.e. 1/2).", "number", SAME),
    ("7", "We get 8 at first, so the answer is 7.", "number", SAME),
    ("42", "The total comes to 41.", "number", DIFF),
    ("12", "It is not 12.", "number", NOT_SAME),
    ("12", "The answer is 13, not 12.", "number", NOT_SAME),
    ("x^2-1", "It simplifies to x^2 + 1.", "expression", DIFF),
    ("Tokyo", "I believe it is Kyoto, not Tokyo.", "text", NOT_SAME),
    ("C", "I'd go with D, not C.", "multiple_choice", NOT_SAME),
    ("0.5", "It is 0.5 (i.e. 1/3).", "number", NOT_SAME),
    ("7", "It could be 7 or 8.", "number", NOT_SAME),
    ("5", "We find 5 is wrong; it is 6.", "number", NOT_SAME),
    ("yes", "I think the answer is no.", "boolean", DIFF),
    ("Paris", "It is Paris or Lyon.", "text", NOT_SAME),
    ("3", "It was 3 before, but now it is 4.", "number", NOT_SAME),
]

# Second held-out table, written after the first was scored and before the fixes it led to. First score:
# 20/22 agreed, 0 false accepts; the two false rejects ("3/4 (0.75)": a number restated in bare brackets;
# "…, but after the correction it is 15": a lead-in after an opening phrase without a comma) were then
# fixed in general, so this table is no longer held out either.
HELD_OUT_2: list[Row] = [
    ("15", "Adding them up, the sum comes out to 15.", "number", SAME),
    ("15", "The sum is 15; that's the final count.", "number", SAME),
    ("-2", "Solving, we get x = -2.", "number", SAME),
    ("3/4", "The fraction simplifies to 3/4 (0.75).", "number", SAME),
    ("x+1", "After cancelling, the quotient is x + 1.", "expression", SAME),
    ("B", "So my pick is B.", "multiple_choice", SAME),
    ("Mars", "I'm pretty sure it's Mars.", "text", SAME),
    ("no", "It is not prime, so no.", "boolean", SAME),
    ("(1, 2)", "The point is (1, 2).", "tuple", SAME),
    ("8", "In total we have 8 (eight) marbles.", "number", SAME),
    ("15", "The sum was 14, but after the correction it is 15.", "number", SAME),
    ("15", "The sum is 16, not 15.", "number", NOT_SAME),
    ("15", "It's definitely not 15.", "number", NOT_SAME),
    ("15", "It is 15 or 16, I'm not sure.", "number", NOT_SAME),
    ("15", "I first got 15, but that is wrong; the sum is 17.", "number", NOT_SAME),
    ("x+1", "It reduces to x - 1.", "expression", DIFF),
    ("B", "It is not B; I'd go with C.", "multiple_choice", NOT_SAME),
    ("Mars", "It's Venus (not Mars).", "text", NOT_SAME),
    ("no", "I think the answer is yes.", "boolean", DIFF),
    ("(1, 2)", "The point is (2, 1).", "tuple", DIFF),
    ("15", "15 would be wrong; it is 14.", "number", NOT_SAME),
    ("3/4", "It is 3/4 (i.e. 0.8).", "number", NOT_SAME),
]


def _graded(reference: str, response: str, kind: str) -> Decision:
    choices = PLANETS if kind == "multiple_choice" else None
    return grade(reference, response, kind=kind, choices=choices).decision


def _check(row: Row) -> None:
    reference, response, kind, expected = row
    got = _graded(reference, response, kind)
    if expected is NOT_SAME:
        assert got is not SAME, f"{response!r} must not be accepted for {reference!r}"
    else:
        assert got is expected, f"{response!r} against {reference!r}: {got}, expected {expected}"


@pytest.mark.parametrize("row", ACCEPT, ids=lambda row: row[1])
def test_a_right_answer_stated_in_a_sentence_is_accepted(row: Row) -> None:
    _check(row)


@pytest.mark.parametrize("row", REJECT, ids=lambda row: row[1])
def test_a_wrong_rejected_or_hedged_answer_is_not_accepted(row: Row) -> None:
    _check(row)


@pytest.mark.parametrize("row", HELD_OUT + HELD_OUT_2, ids=lambda row: row[1])
def test_the_held_out_phrasings(row: Row) -> None:
    _check(row)


def test_the_tables_cover_the_kinds_both_ways() -> None:
    rows = ACCEPT + REJECT
    assert len(rows) >= 60
    for kind in ("number", "expression", "set", "text", "multiple_choice", "boolean"):
        assert any(r[2] == kind and r[3] is SAME for r in rows), kind
        assert any(r[2] == kind and r[3] is not SAME for r in rows), kind


def test_the_statement_keeps_restatements_rejections_and_remarks_apart() -> None:
    stated = read_statement("Result: 0.375 (i.e. 3/8)")
    assert stated is not None and (stated.answer, stated.restated) == ("0.375", ("3/8",))
    stated = read_statement("The count is 13, not 12.")
    assert stated is not None and (stated.answer, stated.rejected) == ("13", ("12",))
    assert stated.lead == "The count is"
    stated = read_statement("It's definitely not 12.")
    assert stated is not None and stated.negated and stated.answer == "12"
    stated = read_statement("It is B — Mars.")
    assert stated is not None and (stated.answer, stated.remarks) == ("B", ("Mars",))
    assert read_statement("12") is None  # nothing to take off
    assert read_statement("It is " + "1" * LONGEST) is None  # too long to be one statement


def test_a_hedge_is_never_cut_off_the_answer_it_hedges() -> None:
    for text in ("It is 12 (or maybe 13).", "It is 12, but it could be 13.", "It is 12 (perhaps 13)"):
        stated = read_statement(text)
        assert stated is None or "13" in stated.answer, text


def test_an_unreadable_answer_is_undecided_with_a_reason_unless_it_holds_no_value() -> None:
    unsure = grade("12", "Blorp 11 quux 12", kind="number")  # unknown words, two numbers, no lead-in
    assert unsure.decision is UND and "not read" in unsure.reason
    assert grade("12", "Blorp quux 12", kind="number").decision is SAME  # the one number in a sentence
    assert grade("x+1", "Blorp quux x+1", kind="expression").decision is UND
    assert grade("12", "I cannot determine this.", kind="number").decision is DIFF  # words alone
    assert grade("x^2", "What is the derivative of x^3?", kind="expression").decision is DIFF  # a question
    assert states_a_value("Foo bar 12") and not states_a_value("**Solution:**")


def test_the_reason_names_the_stated_answer() -> None:
    graded = grade("0.375", "It is 0.5.", kind="number")
    assert graded.decision is DIFF and "'0.5'" in graded.reason and graded.answer == "It is 0.5."


LEAD_INS = ("It is", "It's", "So we get", "We find", "We obtain", "We have", "This gives", "This gives us",
            "That yields", "It simplifies to", "It reduces to", "It comes to", "It works out to",
            "The result is", "The value is", "The total is", "The count equals", "The probability is",
            "The result =", "Result:", "Final count:", "I'd go with", "The correct answer is",
            "My answer would be", "I think it's", "I believe it is", "I guess", "Thus, the value is",
            "So, I think the total is", "Therefore we get", "In total, we have",
            "After simplifying, we get")  # fmt: skip
ENDINGS = ("", ".", " .", ".\n")
"""How a sentence may end (not with ``!``: after a number it reads as a factorial)."""


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(LEAD_INS), st.integers(-10_000, 10_000), st.sampled_from(ENDINGS))
def test_any_lead_in_and_the_reference_number_is_accepted(lead: str, number: int, end: str) -> None:
    assert _graded(str(number), f"{lead} {number}{end}", "number") is SAME


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(LEAD_INS),
    st.integers(-10_000, 10_000),
    st.integers(-10_000, 10_000),
    st.sampled_from(ENDINGS),
)
def test_any_lead_in_and_another_number_is_not_accepted(
    lead: str, said: int, reference: int, end: str
) -> None:
    if said != reference:
        assert _graded(str(reference), f"{lead} {said}{end}", "number") is DIFF


TAILS = (", not {r}", " (not {r})", ", or maybe {r}", " or {r}", "; that is wrong", ", but it could be {r}",
         " (or perhaps {r})")  # fmt: skip
"""What may follow a stated number: a rejection, a hedge or a retraction."""


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(LEAD_INS),
    st.integers(0, 999),
    st.integers(0, 999),
    st.sampled_from(TAILS),
)
def test_a_reference_named_only_to_be_rejected_or_hedged_is_not_accepted(
    lead: str, said: int, reference: int, tail: str
) -> None:
    if said == reference and "{r}" in tail:
        return  # "12, not 12" says nothing
    response = f"{lead} {said}{tail.format(r=reference)}."
    assert _graded(str(reference), response, "number") is not SAME


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(LEAD_INS), st.integers(0, 999))
def test_a_negated_statement_is_not_accepted(lead: str, number: int) -> None:
    if lead.rstrip(":").endswith(("Result", "count", "=")) or lead in ("I guess", "I'd go with"):
        return  # "Result: not 12" is not English; the negation rides on a copula
    assert _graded(str(number), f"{lead} not {number}.", "number") is not SAME


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=" ,;:.()isnotbutrhewa0123=-—", max_size=LONGEST))
def test_reading_a_statement_never_fails_and_takes_only_what_is_there(text: str) -> None:
    stated = read_statement(text)
    lead, rest = take_lead_in(text)
    assert (lead + rest).replace(" ", "") in text.replace(" ", "") or not lead
    if stated is not None:
        assert stated.answer and stated.answer.replace(" ", "") in text.replace(" ", "")


@pytest.mark.parametrize(
    "text",
    [
        "I do not know.", "**I do not know**.", "I do not know the answer.", "I could not solve it.",
        "We do not have enough information.", "It does not converge.", "I can not say.",
    ],
)  # fmt: skip
def test_a_verb_negated_with_not_is_no_rejected_candidate(text: str) -> None:
    """``not`` after a bare space negates a verb; only ``, not X`` / ``but not X`` / ``and not X`` / ``rather
    than X`` / ``instead of X`` name a rejected candidate (once ``I do not know`` read as the answer ``I do``
    with ``know`` rejected, and a wrapped refusal came out undecided)."""
    stated = read_statement(text)
    assert stated is None or not stated.rejected, stated
    assert grade("42", text, kind="number").decision is DIFF
    for wrapped in (text.replace(" not ", "\nnot ", 1), text.replace(" not ", " not\n", 1)):
        assert grade("42", wrapped, kind="number").decision is not SAME
    stated = read_statement("It is 13 but not 12.")
    assert stated is not None and (stated.answer, stated.rejected) == ("13", ("12",))
