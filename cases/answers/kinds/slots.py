"""The value types of an answer-kind row's slots: the grader :class:`Route`, the :class:`Folding` of
normalisation, and the shapes of hedge checks and lint rules (see :mod:`judgeprobe.cases.answers.kinds`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

__all__ = ["Choices", "FieldPath", "Folding", "HedgeCheck", "LintRule", "Route", "Style", "no_lint"]

Choices = tuple[tuple[str, str], ...]
"""Multiple-choice options as ``(letter, text)`` pairs in display order."""
Style = Literal["latex", "unicode", "ascii"]
"""A rendering style."""
FieldPath = tuple[str | int, ...]
"""A path to a case field, such as ``("reference",)`` or ``("choices", "A")``."""


class Route(StrEnum):
    """How the reference graders compare an extracted answer with the reference."""

    EXACT = "exact"
    """Normalised strings must be identical (no math, no canonical forms)."""
    MATH = "math"
    """Symbolic/numeric equivalence through the safe parser (kinds without math are read as expressions)."""
    MC = "mc"
    """The choice letter each side picks."""
    NOTATION = "notation"
    """The kind's own comparer (canonical notation forms)."""


@dataclass(frozen=True, slots=True)
class Folding:
    """What :func:`~judgeprobe.cases.answers.normalize` folds for a kind, beyond the rules every kind
    shares (whitespace, math delimiters, ``\\boxed{}``, ``Answer:`` prefixes, Unicode spellings)."""

    case: Literal["keep", "lower", "upper"] = "keep"
    """Letter case: kept, or folded where it never carries meaning."""
    math_symbols: bool = False
    """Greek letters become ``\\alpha``-style names and vulgar fractions ``a/b``."""
    math_spacing: bool = False
    """Spaces are dropped except between two letters or two digits; a trailing ``!`` is kept (a
    factorial)."""
    value_prefixes: bool = False
    """``approximately``, ``percent`` and a leading ``x =`` are dropped."""


HedgeCheck = Callable[[str], bool]
"""True when the raw answer offers several candidates."""
LintRule = Callable[[str, Mapping[str, str] | None], Iterable[tuple[FieldPath, str]]]
"""Authoring problems of a case's reference and choices: ``(field path, message)`` pairs."""


def no_lint(reference: str, choices: Mapping[str, str] | None) -> Iterator[tuple[FieldPath, str]]:
    """The lint rule of kinds without rules of their own."""
    return iter(())
