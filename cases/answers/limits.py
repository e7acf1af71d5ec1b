"""Resource limits for parsing and comparing untrusted answer strings."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_LIMITS", "Limits"]


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds that keep the safe math parser and the equivalence checks cheap on hostile input.

    Anything beyond a limit makes the answer *undecided* (never an exception, never a long computation).
    """

    max_length: int = 2000
    """Longest answer string (characters, after normalisation) that is parsed at all."""
    max_depth: int = 60
    """Deepest nesting of brackets, function calls, fractions and exponents."""
    max_exponent: int = 1000
    """Largest absolute integer exponent accepted (``2^1000`` is fine, ``9^(9^9)`` is not)."""
    max_factorial: int = 200
    """Largest integer whose factorial is taken."""
    max_tokens: int = 500
    """Most tokens in one answer."""
    time_budget_s: float = 2.0
    """Wall-clock budget for the sympy work of one parse or one comparison, run off the calling thread."""
    max_digits: int = 10_000
    """Most decimal digits an intermediate numeric result may have (bounds ``(10^1000)^1000``)."""


DEFAULT_LIMITS = Limits()
"""The limits used when a caller passes none."""
