"""Unicode math characters and their ASCII/LaTeX spellings, shared by normalisation and rendering."""

from __future__ import annotations

import re

__all__ = [
    "BLACKBOARD",
    "GREEK",
    "SUBSCRIPT_DIGITS",
    "SUPERSCRIPT_DIGITS",
    "SYMBOLS",
    "VULGAR_FRACTIONS",
    "replace_scripts",
    "to_subscript",
    "to_superscript",
]

_SUPER = "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵃᵇᶜᵈᵉᶠᵍʰʲᵏˡᵐᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴾᴺ"
_SUPER_PLAIN = "0123456789+-=()niabcdefghjklmoprstuvwxyzPN"
_SUB = "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₙᵢₐₑₒₓₕₖₗₘₚₛₜⱼ"
_SUB_PLAIN = "0123456789+-=()niaeoxhklmpstj"

SUPERSCRIPT_DIGITS = dict(zip(_SUPER, _SUPER_PLAIN, strict=True))
"""Superscript character -> plain character."""
SUBSCRIPT_DIGITS = dict(zip(_SUB, _SUB_PLAIN, strict=True))
"""Subscript character -> plain character."""

BLACKBOARD = {"ℤ": "Z", "ℝ": "R", "ℕ": "N", "ℚ": "Q", "ℂ": "C", "ℙ": "P", "𝔽": "F", "ℍ": "H"}
"""Blackboard-bold letters -> plain capitals."""

GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta", "η": "eta",
    "θ": "theta", "κ": "kappa", "λ": "lambda", "μ": "mu", "ν": "nu", "ξ": "xi", "π": "pi", "ρ": "rho",
    "σ": "sigma", "τ": "tau", "φ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega",
    "Γ": "Gamma", "Δ": "Delta", "Θ": "Theta", "Λ": "Lambda", "Σ": "Sigma", "Φ": "Phi", "Ψ": "Psi",
    "Ω": "Omega",
}  # fmt: skip
"""Greek letters -> their LaTeX names (without backslash)."""

SYMBOLS = {
    "−": "-", "–": "-", "—": "-", "‐": "-", "·": "*", "⋅": "*", "∙": "*", "×": "\\times ", "÷": "/",
    "⊕": "\\oplus ", "⊗": "\\otimes ", "∞": "\\infty ", "√": "\\sqrt", "∪": "\\cup ", "∩": "\\cap ",
    "∅": "\\emptyset ", "≤": "\\le ", "≥": "\\ge ", "≈": "\\approx ", "\u00a0": " ", "\u2009": " ",
    "\u202f": " ", "\u200b": "", "’": "'", "‘": "'", "“": '"', "”": '"', "∈": "\\in ", "⁄": "/",
    "℃": "°C", "℉": "°F", "∗": "*",
}  # fmt: skip
"""Other Unicode symbols -> ASCII or LaTeX spellings."""

VULGAR_FRACTIONS = {
    "½": "(1/2)",
    "⅓": "(1/3)",
    "⅔": "(2/3)",
    "¼": "(1/4)",
    "¾": "(3/4)",
    "⅕": "(1/5)",
    "⅛": "(1/8)",
}
"""Single-character fractions -> parenthesised ASCII fractions."""

_SUPER_RUN = re.compile(f"[{re.escape(_SUPER)}]+")
_SUB_RUN = re.compile(f"[{re.escape(_SUB)}]+")


def _script(run: str, table: dict[str, str], marker: str) -> str:
    plain = "".join(table[c] for c in run)
    return f"{marker}{plain}" if len(plain) == 1 else f"{marker}{{{plain}}}"


def replace_scripts(text: str) -> str:
    """Turn runs of Unicode super/subscripts into ``^…`` / ``_…`` (``x⁻¹`` -> ``x^{-1}``)."""
    text = _SUPER_RUN.sub(lambda m: _script(m.group(0), SUPERSCRIPT_DIGITS, "^"), text)
    return _SUB_RUN.sub(lambda m: _script(m.group(0), SUBSCRIPT_DIGITS, "_"), text)


_TO_SUPER = {v: k for k, v in SUPERSCRIPT_DIGITS.items()}
_TO_SUB = {v: k for k, v in SUBSCRIPT_DIGITS.items()}


def to_superscript(text: str) -> str | None:
    """``-1`` -> ``⁻¹``; ``None`` when a character has no superscript form."""
    if not text or any(c not in _TO_SUPER for c in text):
        return None
    return "".join(_TO_SUPER[c] for c in text)


def to_subscript(text: str) -> str | None:
    """``2`` -> ``₂``; ``None`` when a character has no subscript form."""
    if not text or any(c not in _TO_SUB for c in text):
        return None
    return "".join(_TO_SUB[c] for c in text)
