"""The whitelisting math parser: what it builds, what it refuses, and its limits
(judgeprobe.cases.answers.safe_math)."""

from __future__ import annotations

import time

import pytest
import sympy

from judgeprobe.cases.answers import DEFAULT_LIMITS, Limits, parse_answer, parse_math
from judgeprobe.cases.answers.budget import BudgetExceeded, run_with_budget

x, y, r = sympy.symbols("x y r")

PARSED = [
    ("1/2", sympy.Rational(1, 2)),
    ("0.5", sympy.Rational(1, 2)),
    ("\\frac{1}{2}", sympy.Rational(1, 2)),
    ("\\frac12", sympy.Rational(1, 2)),
    ("50%", sympy.Rational(1, 2)),
    ("1.5e-3", sympy.Rational(3, 2000)),
    ("1.5\\times10^{-3}", sympy.Rational(3, 2000)),
    ("2^-1", sympy.Rational(1, 2)),
    ("2x", 2 * x),
    ("2xy", 2 * x * y),
    ("x**2", x**2),
    ("-x^2", -(x**2)),
    ("2^3^2", sympy.Integer(512)),
    ("(x+1)(x-1)", (x + 1) * (x - 1)),
    ("\\sqrt{4}", sympy.Integer(2)),
    ("\\sqrt[3]{8}", sympy.Integer(2)),
    ("sqrt(2)", sympy.sqrt(2)),
    ("√2", sympy.sqrt(2)),
    ("\\sin^2 x + \\cos^2 x", sympy.sin(x) ** 2 + sympy.cos(x) ** 2),
    ("\\sin^{-1}(x)", sympy.asin(x)),
    ("\\log_2 8", sympy.Integer(3)),
    ("ln(e)", sympy.Integer(1)),
    ("e^{i\\pi}", sympy.Integer(-1)),
    ("2\\pi r", 2 * sympy.pi * r),
    ("π", sympy.pi),
    ("|x-1|", sympy.Abs(x - 1)),
    ("5!", sympy.Integer(120)),
    ("\\binom{5}{2}", sympy.Integer(10)),
    ("x_1", sympy.Symbol("x_1")),
    ("x_{12}", sympy.Symbol("x_12")),
    ("\\alpha", sympy.Symbol("alpha")),
    ("\\infty", sympy.oo),
    ("\\left(x+1\\right)^{2}", (x + 1) ** 2),
    ("\\sin{\\left(x \\right)}", sympy.sin(x)),
]


@pytest.mark.parametrize(("text", "expected"), PARSED, ids=[t for t, _ in PARSED])
def test_builds_the_expected_sympy_object(text: str, expected: sympy.Basic) -> None:
    parsed = parse_math(text)
    assert not parsed.undecided, parsed.reason
    assert parsed.value == expected


def test_collections_by_shape() -> None:
    assert parse_math("\\{1, 2\\}").value == frozenset({sympy.Integer(1), sympy.Integer(2)})
    assert parse_math("{1,2,3}").value == frozenset(sympy.Integer(i) for i in (1, 2, 3))
    assert parse_math("(1, 2)").value == (sympy.Integer(1), sympy.Integer(2))
    assert parse_math("[0, 1)").value == sympy.Interval.Ropen(0, 1)
    assert parse_math("(0,1] \\cup [2,3]").value == sympy.Union(
        sympy.Interval.Lopen(0, 1), sympy.Interval(2, 3)
    )
    assert parse_math("\\emptyset").value == frozenset()


def test_kind_decides_ambiguous_shapes() -> None:
    assert parse_answer("(0, 1)", kind="interval").value == sympy.Interval.open(0, 1)
    assert parse_answer("(0, 1)", kind="tuple").value == (sympy.Integer(0), sympy.Integer(1))
    assert parse_answer("5", kind="set").value == frozenset({sympy.Integer(5)})
    assert parse_answer("x > 3", kind="interval").value == sympy.Interval.open(3, sympy.oo)
    assert parse_answer("3 \\le x < 5", kind="interval").value == sympy.Interval.Ropen(3, 5)
    assert parse_answer("1,000", kind="number").value == sympy.Integer(1000)


ADVERSARIAL = {
    "tower": "9^9^9^9",
    "nested-parentheses": "(" * 10_000 + "1" + ")" * 10_000,
    "one-megabyte": "1" * 1_000_000,
    "import": "__import__('os')",
    "dunder-class": "().__class__",
    "lambda": "lambda: 1",
    "huge-factorial": "100000!",
    "factorial-of-factorial": "(200!)!",
    "power-digits": "(10^1000)^1000",
    "huge-sci-notation": "1e999999",
    "unknown-command": "\\input{/etc/passwd}",
    "eval-call": "eval(1)",
    "exec-call": "exec(x)",
    "division-by-zero": "1/0",
}


@pytest.mark.parametrize("text", ADVERSARIAL.values(), ids=ADVERSARIAL.keys())
def test_adversarial_inputs_are_undecided_within_the_budget(text: str) -> None:
    started = time.monotonic()
    parsed = parse_math(text)
    elapsed = time.monotonic() - started
    assert parsed.undecided
    assert parsed.value is None
    assert parsed.reason
    assert elapsed < DEFAULT_LIMITS.time_budget_s + 1.0  # a safety bound only; the point is "undecided"


def test_depth_limit_applies_when_the_length_limit_does_not() -> None:
    generous = Limits(max_length=100_000, max_tokens=100_000)
    parsed = parse_math("(" * 10_000 + "1" + ")" * 10_000, limits=generous)
    assert parsed.undecided
    assert "nesting" in parsed.reason


def test_depth_limit_counts_unary_and_exponent_chains() -> None:
    assert parse_math("-" * 100 + "1").undecided
    assert parse_math("2^" * 70 + "1").undecided
    assert not parse_math("-" * 10 + "1").undecided


def test_token_limit() -> None:
    parsed = parse_math("+".join(["1"] * 300))
    assert parsed.undecided
    assert "tokens" in parsed.reason


@pytest.mark.parametrize(
    ("text", "limits", "ok"),
    [
        ("2^1000", DEFAULT_LIMITS, True),
        ("2^1001", DEFAULT_LIMITS, False),
        ("x^1001", DEFAULT_LIMITS, False),
        ("2^10", Limits(max_exponent=5), False),
        ("200!", DEFAULT_LIMITS, True),
        ("201!", DEFAULT_LIMITS, False),
        ("6!", Limits(max_factorial=5), False),
        ("n!", DEFAULT_LIMITS, True),
    ],
)
def test_exponent_and_factorial_limits(text: str, limits: Limits, ok: bool) -> None:
    assert parse_math(text, limits=limits).undecided is not ok


def test_zero_budget_is_undecided_not_an_exception() -> None:
    parsed = parse_math("x^2 + 7*x", limits=Limits(time_budget_s=0.0))
    assert parsed.undecided
    assert "budget" in parsed.reason


def test_run_with_budget_returns_control_when_work_overruns() -> None:
    with pytest.raises(BudgetExceeded):
        run_with_budget(lambda: time.sleep(0.5), seconds=0.05)


def test_run_with_budget_passes_results_and_errors_through() -> None:
    assert run_with_budget(lambda: 41 + 1, seconds=5) == 42
    with pytest.raises(ZeroDivisionError):
        run_with_budget(lambda: 1 // 0, seconds=5)


@pytest.mark.parametrize("bad", ["", "   ", "2 +", "(1", "1)", "3 4", "x = = 2"])
def test_malformed_input_is_undecided(bad: str) -> None:
    assert parse_math(bad).undecided


def test_prose_is_flagged_as_words_not_math() -> None:
    assert parse_math("Let's solve this step by step.").prose
    assert not parse_math("9^9^9^9").prose


def test_non_string_input_is_undecided() -> None:
    assert parse_math(12345).undecided  # type: ignore[arg-type]


def test_parser_never_calls_sympify_or_eval(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("untrusted text reached an evaluator")

    monkeypatch.setattr(sympy, "sympify", refuse)
    monkeypatch.setattr(sympy.parsing.sympy_parser, "parse_expr", refuse)
    monkeypatch.setattr("builtins.eval", refuse)
    for text in ("x^2 + 3x - 1", "\\frac{a}{b} + \\sqrt{c}", "{1, 2}", "[0, 1)"):
        parsed = parse_answer(text, kind="expression", limits=Limits(max_depth=59))
        assert not parsed.undecided, parsed.reason
