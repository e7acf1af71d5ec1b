"""Names of complexity classes (and similar named objects) in one canonical spelling.

``TC^0``, ``TC0``, ``TC_0``, ``$\\mathsf{TC}^0$`` and ``TC⁰`` all become ``TC0``; ``TC^1`` stays ``TC1``.
Case is ignored (``coNP`` = ``CONP``), braces, scripts markers and hyphens are dropped, and a few long
names map to their short ones (``PTIME`` -> ``P``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from judgeprobe.cases.answers.kinds.registry import AnswerKind
from judgeprobe.cases.answers.normalize import normalize
from judgeprobe.cases.answers.unicode import to_superscript

__all__ = ["canonical_class", "class_forms", "render_class"]

_ALIASES = {
    # other names of one class
    "PTIME": "P", "POLYNOMIALTIME": "P", "DETERMINISTICPOLYNOMIALTIME": "P", "POLYTIME": "P",
    "DTIME(NO(1))": "P", "DTIME(POLY(N))": "P", "NPTIME": "NP", "NONDETERMINISTICPOLYNOMIALTIME": "NP",
    "NTIME(NO(1))": "NP", "NTIME(POLY(N))": "NP", "LOGSPACE": "L", "DSPACE(LOGN)": "L",
    "DSPACE(O(LOGN))": "L", "DETERMINISTICLOGARITHMICSPACE": "L", "DETERMINISTICLOGSPACE": "L",
    "NLOGSPACE": "NL", "NSPACE(LOGN)": "NL", "NSPACE(O(LOGN))": "NL",
    "NONDETERMINISTICLOGARITHMICSPACE": "NL",
    "NONDETERMINISTICLOGSPACE": "NL", "EXPTIME": "EXP", "DTIME(2POLY(N))": "EXP", "DTIME(2NO(1))": "EXP",
    "DETERMINISTICEXPONENTIALTIME": "EXP", "EXPONENTIALTIME": "EXP", "NEXPTIME": "NEXP",
    "POLYNOMIALSPACE": "PSPACE", "POLYSPACE": "PSPACE", "BQPTIME": "BQP", "SHARPP": "#P", "NUMBERP": "#P",
    "BOUNDEDERRORPROBABILISTICPOLYNOMIALTIME": "BPP", "BOUNDEDERRORQUANTUMPOLYNOMIALTIME": "BQP",
    "SIGMA2": "SIGMA2P", "NPNP": "SIGMA2P", "PI2": "PI2P", "CONPNP": "PI2P",
    # classes proved equal (Savitch; Immerman–Szelepcsényi; Reingold; Chandra–Kozen–Stockmeyer)
    "NPSPACE": "PSPACE", "CONL": "NL", "SL": "L", "AP": "PSPACE", "APTIME": "PSPACE",
    "KDTIME(NK)": "P", "KNTIME(NK)": "NP", "APSPACE": "EXP", "ALOGSPACE": "P", "AL": "P",
}  # fmt: skip
"""Canonical spelling -> the class it names; includes classes known to be equal (``NPSPACE`` = ``PSPACE``)."""
_PREFIX = re.compile(r"^(?:THE\s+)?(?:COMPLEXITY\s+)?(?:CLASS\s+)?")
_DROP = re.compile(r"[\s{}^_\\$\-–—.⋃]")
_SPLIT = re.compile(r"^([A-Z#]+?)(\d+|I)$")


@lru_cache(maxsize=8192)
def canonical_class(text: str) -> str:
    """The canonical spelling of a class name (never fails; unknown names are just cleaned up)."""
    norm = normalize(text, kind=AnswerKind.COMPLEXITY_CLASS)
    norm = _PREFIX.sub("", norm)
    remark = re.search(r"\s*\(([^()]*)\)$", norm)  # a trailing explanation in words, not NSPACE(log n)
    if remark and any(len(w) >= 4 and w != "LOG" for w in re.findall(r"[A-Z]+", remark.group(1))):
        norm = norm[: remark.start()]
    norm = norm.replace("MATHSF", "").replace("MATHRM", "").replace("TEXTSF", "")
    compact = _DROP.sub("", norm).replace("UNION", "").replace("BIGCUP", "")
    return _ALIASES.get(compact, compact)


def _parts(canonical: str) -> tuple[str, str] | None:
    match = _SPLIT.match(canonical)
    return (match.group(1), match.group(2)) if match else None


def render_class(canonical: str, style: str) -> str:
    """Render a canonical class name in ``latex``, ``unicode`` or ``ascii`` style."""
    parts = _parts(canonical)
    if parts is None:
        return f"\\mathsf{{{canonical}}}" if style == "latex" else canonical
    name, level = parts
    if style == "latex":
        return f"\\mathsf{{{name}}}^{{{level.lower() if level == 'I' else level}}}"
    if style == "unicode":
        sup = to_superscript(level.lower() if level == "I" else level)
        return f"{name}{sup}" if sup else f"{name}^{level}"
    return canonical


def class_forms(canonical: str) -> list[str]:
    """Several spellings of one class."""
    forms = [render_class(canonical, style) for style in ("ascii", "unicode", "latex")]
    parts = _parts(canonical)
    if parts is not None:
        name, level = parts
        forms.extend([f"{name}^{level}", f"{name}^{{{level}}}", f"{name}_{level}", f"${name}^{level}$"])
    else:
        forms.extend([f"${canonical}$", f"\\text{{{canonical}}}"])
    return forms
