"""Other surface forms of one answer, computed, checked and cached: what the formatting probes rewrite
an answer into.

Each kind's row in :mod:`judgeprobe.cases.answers.kinds` proposes candidate forms and renders the answer
in LaTeX / Unicode / ASCII (numbers and expressions through the safe parser and sympy: ``1/2`` -> ``0.5``,
``50%``, ``\\frac{1}{2}``; notation kinds through their canonical forms: ``Z^5`` -> ``Z⊕Z⊕Z⊕Z⊕Z``). Every
alternate form returned is checked to be :func:`judgeprobe.cases.answers.equivalence.equivalent` to the
input, so a probe built on it is truly invariant.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

from judgeprobe.cases.answers.choices import freeze_choices
from judgeprobe.cases.answers.equivalence import equivalent
from judgeprobe.cases.answers.judgement import Decision
from judgeprobe.cases.answers.kinds.registry import AnswerKind, KindSpec, kind_of
from judgeprobe.cases.answers.kinds.slots import Choices, Style
from judgeprobe.cases.answers.tolerance import Tolerance

__all__ = ["alternate_forms", "render_ascii", "render_latex", "render_unicode", "same_both_ways"]

_LONGEST = 2000
"""Longer texts have no alternate forms or renderings (they are not short answers)."""


def same_both_ways(
    a: str,
    b: str,
    *,
    kind: AnswerKind | str,
    choices: Mapping[str, str] | Sequence[tuple[str, str]] | None = None,
    tolerance: float | Tolerance | None = None,
    question: str = "",
) -> bool:
    """``a`` graded against ``b`` and ``b`` against ``a`` are both equivalent: the check a rewrite must pass
    to keep its meaning, since some rules are not symmetric (significant figures are counted on the answer;
    a form the question asks for is enforced where the reference has it)."""
    forward = equivalent(a, b, kind=kind, choices=choices, tolerance=tolerance, question=question)
    if forward.decision is not Decision.EQUIVALENT:
        return False
    backward = equivalent(b, a, kind=kind, choices=choices, tolerance=tolerance, question=question)
    return backward.decision is Decision.EQUIVALENT


@lru_cache(maxsize=16384)
def _alternate(
    text: str,
    kind: AnswerKind,
    spec: KindSpec,
    choices: Choices | None,
    tolerance: Tolerance | None,
    question: str,
) -> tuple[str, ...]:
    seen = {text.strip()}
    kept: list[str] = []
    for form in spec.forms(text, kind, choices):
        form = form.strip()
        if not form or form in seen:
            continue
        seen.add(form)
        if same_both_ways(form, text, kind=kind, choices=choices, tolerance=tolerance, question=question):
            kept.append(form)
    return tuple(kept)


def alternate_forms(
    text: str,
    *,
    kind: AnswerKind | str,
    choices: Mapping[str, str] | Sequence[tuple[str, str]] | None = None,
    tolerance: float | Tolerance | None = None,
    question: str = "",
) -> tuple[str, ...]:
    """Other surface forms meaning the same answer as ``text``, each checked with :func:`same_both_ways`
    under the case's ``tolerance`` and ``question`` (a rewrite of ``3.14`` asked to three significant
    figures keeps three figures; a factored answer is not rewritten expanded when the question says
    *factor*; a yes/no answer in words keeps the reading the question gives it).

    Returns an empty tuple when ``text`` is not understood under ``kind``. Results are cached.
    """
    resolved = kind_of(kind)
    if resolved is None or not isinstance(text, str) or len(text) > _LONGEST:
        return ()
    spec = Tolerance.of(tolerance)
    return _alternate(text, resolved, resolved.spec, freeze_choices(choices), spec, str(question)[:2000])


@lru_cache(maxsize=16384)
def _render(text: str, kind: AnswerKind, spec: KindSpec, style: Style) -> str | None:
    return spec.render(text, kind, style)


def _render_checked(text: str, kind: AnswerKind | str, style: Style) -> str | None:
    resolved = kind_of(kind)
    if resolved is None or not isinstance(text, str) or len(text) > _LONGEST:
        return None
    return _render(text, resolved, resolved.spec, style)


def render_latex(text: str, *, kind: AnswerKind | str) -> str | None:
    """The LaTeX rendering (``\\frac{1}{2}``, ``\\mathbb{Z}^{5}``), or ``None`` if not applicable."""
    return _render_checked(text, kind, "latex")


def render_unicode(text: str, *, kind: AnswerKind | str) -> str | None:
    """The Unicode rendering (``½`` is written ``1/2``; ``ℤ⁵``, ``TC⁰``, ``H₂O``), or ``None``."""
    return _render_checked(text, kind, "unicode")


def render_ascii(text: str, *, kind: AnswerKind | str) -> str | None:
    """The plain ASCII rendering (``x^2 + 1``, ``Z^5``, ``TC0``, ``H2O``), or ``None``."""
    return _render_checked(text, kind, "ascii")
