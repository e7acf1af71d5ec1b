"""The value types of an answer-kind row's slots: the grader :class:`Route`, the :class:`Folding` of
normalisation, the :class:`Notation` rules that verify a rewrite, and the shapes of hedge checks and lint
rules (see :mod:`judgeprobe.cases.answers.kinds`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

__all__ = [
    "Choices",
    "FieldPath",
    "Folding",
    "HedgeCheck",
    "LintRule",
    "MeaningCheck",
    "Notation",
    "Route",
    "Style",
    "no_lint",
]

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


MeaningCheck = Callable[[str, str, "Choices | None"], bool]
"""An independent check that two answers of a kind mean the same (``False`` whenever it is not sure)."""


@dataclass(frozen=True, slots=True)
class Notation:
    """How a rewrite of an answer is verified before a probe uses it as meaning-kept
    (:func:`~judgeprobe.cases.answers.rewrites.check_rewrite`).

    Every kind shares a whitelist of notation transforms known to keep the meaning (math delimiters, font
    commands, LaTeX / Unicode / ASCII spellings of one symbol, scripts, spacing; see
    :mod:`~judgeprobe.cases.answers.skeleton`); the row adds its own. A rewrite outside the whitelist is kept
    only when the row's :attr:`same_meaning` reads both sides as the same answer. Either way the kind's own
    comparer must agree. The default (no symbols, no reader) accepts notation changes only.
    """

    symbols: tuple[tuple[str, str], ...] = ()
    """Kind-specific spellings of one symbol, applied after the shared transforms, in order
    (``("⊕", "+")``: a direct sum written ``+`` in ASCII)."""
    arrange: Callable[[str], str] | None = None
    """A kind-specific transform of the whole skeleton, applied last (sets: the elements in braces in one
    order, since their order carries no meaning)."""
    same_meaning: MeaningCheck | None = None
    """A reader that does not share the comparer's parser (a strict grammar or a guarded one): two answers
    it reads the same mean the same. ``None``: only notation changes are verified."""
    meaning_is_notation: bool = False
    """What :attr:`same_meaning` accepts counts as a notation change too (letters
    of one choice), so the strict grading policy keeps it."""
