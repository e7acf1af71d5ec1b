"""A recursive-descent parser that builds sympy objects from whitelisted tokens, within limits.

Grammar (loosest first)::

    sum      := product (('+' | '-') product)*
    product  := unary (('*' | '/') unary | <implicit> unary)*
    unary    := ('+' | '-') unary | power
    power    := postfix ('^' exponent)?            right-associative: a^b^c = a^(b^c)
    postfix  := primary ('!' | '%')*
    primary  := NUM | NAME ['_' sub] | CONST | FUNC ['^' exp] arg | \\frac{a}{b} | \\sqrt[n]{a}
              | \\binom{n}{k} | '(' sum ')' | '{' sum '}' | '[' sum ']' | '|' sum '|'

Every exponent, factorial argument, and intermediate number is checked against :class:`Limits` before
sympy evaluates it, so ``9^9^9^9`` is refused while still small. Nothing here calls ``eval``, ``exec``,
``sympify`` or ``parse_expr``.
"""

from __future__ import annotations

import math

import sympy

from judgeprobe.cases.answers.limits import Limits
from judgeprobe.cases.answers.tokens import Tok, Token

__all__ = ["ParseError", "build_expression"]


class ParseError(ValueError):
    """The tokens do not form an expression within the limits; the message says why."""


_TRIG_INVERSE = {"sin": "asin", "cos": "acos", "tan": "atan"}
_FUNCS: dict[str, type[sympy.Function] | sympy.Function] = {
    "sin": sympy.sin, "cos": sympy.cos, "tan": sympy.tan, "sec": sympy.sec, "csc": sympy.csc,
    "cot": sympy.cot, "asin": sympy.asin, "acos": sympy.acos, "atan": sympy.atan, "arcsin": sympy.asin,
    "arccos": sympy.acos, "arctan": sympy.atan, "sinh": sympy.sinh, "cosh": sympy.cosh, "tanh": sympy.tanh,
    "exp": sympy.exp, "abs": sympy.Abs,
}  # fmt: skip
_CONSTS = {"pi": sympy.pi, "e": sympy.E, "i": sympy.I, "infty": sympy.oo, "inf": sympy.oo,
           "infinity": sympy.oo, "oo": sympy.oo}  # fmt: skip
_CLOSE = {"(": ")", "{": "}", "[": "]"}
_LOG10_2 = math.log10(2)


def _digits(value: sympy.Basic) -> float:
    """Decimal digits of a rational number's numerator/denominator (0 for anything else)."""
    if isinstance(value, sympy.Rational):
        return max(int(value.p).bit_length(), int(value.q).bit_length()) * _LOG10_2
    return 0.0


def _parse_number(text: str, limits: Limits) -> sympy.Rational:
    mantissa, _, exponent = text.lower().partition("e")
    if exponent and abs(int(exponent)) > limits.max_exponent:
        raise ParseError(f"exponent {exponent} in {text!r} is over the limit of {limits.max_exponent}")
    if len(mantissa) > limits.max_digits:
        raise ParseError(f"number with {len(mantissa)} digits is over the limit")
    if mantissa.endswith("."):
        mantissa = mantissa[:-1]
    return sympy.Rational(mantissa) * sympy.Integer(10) ** int(exponent or 0)


class _Parser:
    def __init__(self, tokens: list[Token], limits: Limits) -> None:
        self.tokens = tokens
        self.pos = 0
        self.limits = limits
        self.depth = 0
        self.abs_depth = 0

    # token helpers -------------------------------------------------------------------------------------
    def peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def is_op(self, *texts: str) -> bool:
        tok = self.peek()
        return tok is not None and tok.kind is Tok.OP and tok.text in texts

    def take(self) -> Token:
        tok = self.peek()
        if tok is None:
            raise ParseError("unexpected end of the answer")
        self.pos += 1
        return tok

    def expect(self, text: str) -> None:
        tok = self.take()
        if tok.kind is not Tok.OP or tok.text != text:
            raise ParseError(f"expected {text!r}, found {tok.text!r}")

    def enter(self) -> None:
        self.depth += 1
        if self.depth > self.limits.max_depth:
            raise ParseError(f"nesting deeper than {self.limits.max_depth}")

    # checked constructors ------------------------------------------------------------------------------
    def check_size(self, value: sympy.Basic) -> sympy.Basic:
        if _digits(value) > self.limits.max_digits:
            raise ParseError(f"a number has more than {self.limits.max_digits} digits")
        return value

    def power(self, base: sympy.Basic, exponent: sympy.Basic) -> sympy.Basic:
        if isinstance(exponent, sympy.Number) and exponent.is_finite:
            if abs(exponent) > self.limits.max_exponent:
                raise ParseError(f"exponent {exponent} is over the limit of {self.limits.max_exponent}")
            if isinstance(base, sympy.Rational) and base != 0:
                estimate = _digits(base) * float(abs(exponent))
                if estimate > self.limits.max_digits:
                    raise ParseError(f"power would have about {estimate:.0f} digits")
            if base == 0 and exponent.is_negative:
                raise ParseError("zero to a negative power")
        elif exponent.is_infinite:
            raise ParseError("infinite exponent")
        return self.check_size(sympy.Pow(base, exponent))

    def product(self, left: sympy.Basic, right: sympy.Basic) -> sympy.Basic:
        if _digits(left) + _digits(right) > self.limits.max_digits:
            raise ParseError(f"a product has more than {self.limits.max_digits} digits")
        return sympy.Mul(left, right)

    def quotient(self, left: sympy.Basic, right: sympy.Basic) -> sympy.Basic:
        if right == 0:
            raise ParseError("division by zero")
        return self.product(left, self.power(right, sympy.Integer(-1)))

    def factorial(self, value: sympy.Basic) -> sympy.Basic:
        if value.is_number and not (
            isinstance(value, sympy.Integer) and 0 <= value <= self.limits.max_factorial
        ):
            raise ParseError(f"factorial of {value} is outside 0..{self.limits.max_factorial}")
        return sympy.factorial(value)

    # grammar ------------------------------------------------------------------------------------------
    def parse_sum(self) -> sympy.Basic:
        self.enter()
        terms = [self.parse_product()]
        while self.is_op("+", "-"):
            sign = self.take().text
            term = self.parse_product()
            terms.append(-term if sign == "-" else term)
        self.depth -= 1
        total = sympy.Add(*terms)
        return self.check_size(total)

    def starts_operand(self) -> bool:
        tok = self.peek()
        if tok is None:
            return False
        if tok.kind in (Tok.NAME, Tok.CONST, Tok.FUNC, Tok.FRAC, Tok.SQRT, Tok.BINOM):
            return True
        if tok.kind is Tok.OP:
            return tok.text in ("(", "{", "[") or (tok.text == "|" and self.abs_depth == 0)
        return False

    def parse_product(self) -> sympy.Basic:
        value = self.parse_unary()
        while True:
            if self.is_op("*"):
                self.take()
                value = self.product(value, self.parse_unary())
            elif self.is_op("/"):
                self.take()
                value = self.quotient(value, self.parse_unary())
            elif self.starts_operand():
                value = self.product(value, self.parse_power())
            elif (tok := self.peek()) is not None and tok.kind is Tok.NUM:
                raise ParseError(f"a number ({tok.text}) directly after an operand is ambiguous")
            else:
                return value

    def parse_unary(self) -> sympy.Basic:
        if self.is_op("-", "+"):
            sign = self.take().text
            self.enter()
            operand = self.parse_unary()
            self.depth -= 1
            return -operand if sign == "-" else operand
        return self.parse_power()

    def parse_power(self) -> sympy.Basic:
        base = self.parse_postfix()
        if self.is_op("^"):
            self.take()
            self.enter()
            exponent = self.parse_exponent()
            self.depth -= 1
            return self.power(base, exponent)
        return base

    def parse_exponent(self) -> sympy.Basic:
        if self.is_op("-", "+"):
            sign = self.take().text
            operand = self.parse_exponent()
            return -operand if sign == "-" else operand
        return self.parse_power()

    def parse_postfix(self) -> sympy.Basic:
        value = self.parse_primary()
        while self.is_op("!", "%"):
            if self.take().text == "!":
                value = self.factorial(value)
            else:
                value = self.product(value, sympy.Rational(1, 100))
        return value

    def parse_group(self) -> sympy.Basic:
        tok = self.take()
        if tok.kind is not Tok.OP or tok.text not in _CLOSE:
            raise ParseError(f"expected a bracket, found {tok.text!r}")
        value = self.parse_sum()
        self.expect(_CLOSE[tok.text])
        return value

    def parse_braced_text(self) -> str:
        """A subscript: one number or letter, or a braced run of them (``x_1``, ``x_{12}``)."""
        tok = self.take()
        if tok.kind in (Tok.NUM, Tok.NAME, Tok.CONST):
            return tok.text
        if tok.kind is Tok.OP and tok.text == "{":
            parts: list[str] = []
            while not self.is_op("}"):
                inner = self.take()
                if inner.kind not in (Tok.NUM, Tok.NAME, Tok.CONST):
                    raise ParseError(f"unsupported subscript part {inner.text!r}")
                parts.append(inner.text)
            self.take()
            if parts:
                return "".join(parts)
        raise ParseError("empty or unsupported subscript")

    def parse_primary(self) -> sympy.Basic:
        tok = self.take()
        self.enter()
        try:
            return self._primary(tok)
        finally:
            self.depth -= 1

    def _primary(self, tok: Token) -> sympy.Basic:
        if tok.kind is Tok.NUM:
            return _parse_number(tok.text, self.limits)
        if tok.kind is Tok.NAME:
            name = tok.text
            if self.is_op("_"):
                self.take()
                name = f"{name}_{self.parse_braced_text()}"
            return sympy.Symbol(name)
        if tok.kind is Tok.CONST:
            if tok.text not in _CONSTS:
                raise ParseError(f"{tok.text} is not a number")
            return _CONSTS[tok.text]
        if tok.kind is Tok.FUNC:
            return self.parse_function(tok.text)
        if tok.kind is Tok.FRAC:
            numerator, denominator = self.frac_args()
            return self.quotient(numerator, denominator)
        if tok.kind is Tok.SQRT:
            index: sympy.Basic = sympy.Integer(2)
            if self.is_op("["):
                index = self.parse_group()
            radicand = self.parse_group() if self.is_op("(", "{") else self.parse_postfix()
            if index == 0:
                raise ParseError("zeroth root")
            return self.power(radicand, self.quotient(sympy.Integer(1), index))
        if tok.kind is Tok.BINOM:
            n, k = self.parse_group(), self.parse_group()
            if n.is_number and abs(n) > 10 * self.limits.max_factorial:
                raise ParseError(f"binomial of {n} is over the limit")
            return sympy.binomial(n, k)
        if tok.kind is Tok.OP and tok.text in _CLOSE:
            self.pos -= 1
            return self.parse_group()
        if tok.kind is Tok.OP and tok.text == "|":
            self.abs_depth += 1
            inner = self.parse_sum()
            self.expect("|")
            self.abs_depth -= 1
            return sympy.Abs(inner)
        raise ParseError(f"unexpected {tok.text!r}")

    def frac_args(self) -> tuple[sympy.Basic, sympy.Basic]:
        tok = self.peek()
        if tok is not None and tok.kind is Tok.NUM and len(tok.text) == 2 and tok.text.isdigit():
            self.take()  # \frac12
            return sympy.Integer(int(tok.text[0])), sympy.Integer(int(tok.text[1]))
        numerator = self.parse_group() if self.is_op("{", "(") else self.parse_primary()
        denominator = self.parse_group() if self.is_op("{", "(") else self.parse_primary()
        return numerator, denominator

    def parse_function(self, name: str) -> sympy.Basic:
        base: sympy.Basic | None = None
        if self.is_op("_") and name in ("log", "lg"):
            self.take()
            base = self.parse_group() if self.is_op("{", "(") else self.parse_primary()
        exponent: sympy.Basic | None = None
        if self.is_op("^"):
            self.take()
            exponent = self.parse_group() if self.is_op("{", "(") else self.parse_unary()
            if exponent == -1 and name in _TRIG_INVERSE:
                name, exponent = _TRIG_INVERSE[name], None
        if self.is_op("(", "{", "["):
            argument = self.parse_group()
        elif self.peek() is None:
            raise ParseError(f"{name} without an argument")
        else:  # \sin 2x is sin(2x): an implicit product, up to an operator or the next function
            argument = self.parse_power()
            while self.starts_operand() and self.peek().kind is not Tok.FUNC:  # type: ignore[union-attr]
                argument = self.product(argument, self.parse_power())
        value = self.apply(name, argument, base)
        return value if exponent is None else self.power(value, exponent)

    def apply(self, name: str, argument: sympy.Basic, base: sympy.Basic | None) -> sympy.Basic:
        if name in ("log", "ln", "lg"):
            if argument == 0:
                raise ParseError("logarithm of zero")
            if name == "lg" and base is None:
                base = sympy.Integer(10)
            return sympy.log(argument) if base is None else sympy.log(argument, base)
        if name == "sqrt":
            return self.power(argument, sympy.Rational(1, 2))
        if name == "factorial":
            return self.factorial(argument)
        if name == "exp" and isinstance(argument, sympy.Number) and abs(argument) > self.limits.max_exponent:
            raise ParseError("exponential argument over the limit")
        return _FUNCS[name](argument)


def build_expression(tokens: list[Token], *, limits: Limits) -> sympy.Basic:
    """Build one sympy expression from ``tokens``.

    Raises:
        ParseError: The tokens are not one well-formed expression within ``limits``.
    """
    if not tokens:
        raise ParseError("empty answer")
    parser = _Parser(tokens, limits)
    value = parser.parse_sum()
    if parser.peek() is not None:
        raise ParseError(f"unexpected {parser.peek().text!r} after the expression")  # type: ignore[union-attr]
    if value.has(sympy.zoo, sympy.nan):
        raise ParseError("the expression is undefined")
    return value
