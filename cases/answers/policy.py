"""Grading policies: what counts as the right answer when the notation differs from the reference's.

- ``semantic`` (the default): an answer that means the same as the reference is right, in any notation
  (``Z^5`` for ``Z+Z+Z+Z+Z``, ``TC0`` for ``TC^0``).
- ``strict``: the reference is taken as "precise and unambiguous", as the HLE judge prompt words it and the
  source article reads it: an answer is right only in the reference's own notation, written in any style
  (``$TC^0$``, ``TC⁰`` and ``\\mathsf{TC}^0`` keep it; ``TC0`` and ``Z^5`` do not). The letters and texts
  of one choice, and the words of one truth value, count as one notation; numerals of one number do not
  (``0.5`` for ``1/2``, ``10`` for ``10.0`` to three figures: a question may fix that form).

A case states a response's label under ``strict`` where it differs (``strict_label``); a run takes
``--policy``; the built-in graders and the probes follow it.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["DEFAULT_POLICY", "Kept", "Policy"]


class Kept(StrEnum):
    """What a verified rewrite keeps of an answer."""

    NOTATION = "notation"
    """The same answer in the same notation, in another style (``TC^0`` -> ``TC⁰``)."""
    MEANING = "meaning"
    """The same answer in another notation (``Z+Z+Z+Z+Z`` -> ``Z^5``)."""


class Policy(StrEnum):
    """A grading policy."""

    SEMANTIC = "semantic"
    """Mathematically equivalent answers are right."""
    STRICT = "strict"
    """The notation of a precise reference must be kept."""

    def keeps(self, kept: Kept) -> bool:
        """Whether a rewrite that keeps ``kept`` still gives the same verdict under this policy."""
        return self is Policy.SEMANTIC or kept is Kept.NOTATION


DEFAULT_POLICY = Policy.SEMANTIC
"""The policy of a run that names none."""
