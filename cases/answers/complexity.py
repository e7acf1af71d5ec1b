"""Names of complexity classes (and similar named objects) in one canonical spelling.

``TC^0``, ``TC0``, ``TC_0``, ``$\\mathsf{TC}^0$`` and ``TC⁰`` all become ``TC0``; ``TC^1`` stays ``TC1``.
Case is ignored (``coNP`` = ``CONP``), braces, scripts markers and hyphens are dropped, and other names map
to the class's own through the ``complexity`` alias table (``PTIME`` -> ``P``; ``NPSPACE`` -> ``PSPACE``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from judgeprobe.cases.answers.aliases import alias_table
from judgeprobe.cases.answers.kinds.registry import AnswerKind
from judgeprobe.cases.answers.normalize import normalize
from judgeprobe.cases.answers.unicode import to_superscript

__all__ = ["canonical_class", "class_forms", "is_class_name", "render_class", "written_class"]

_PREFIX = re.compile(r"^(?:THE\s+)?(?:COMPLEXITY\s+)?(?:CLASS\s+)?")
_DROP = re.compile(r"[\s{}^_\\$\-–—.⋃]")
_SPLIT = re.compile(r"^([A-Z#]+?)(\d+|I)$")


def _compact(text: str) -> str:
    """A class name without case, scripts, braces, hyphens, a leading ``the class`` or a remark in words."""
    norm = normalize(text, kind=AnswerKind.COMPLEXITY_CLASS).replace("Π", "PI")
    norm = _PREFIX.sub("", norm)
    remark = re.search(r"\s*\(([^()]*)\)$", norm)  # a trailing explanation in words, not NSPACE(log n)
    if remark and any(len(w) >= 4 and w != "LOG" for w in re.findall(r"[A-Z]+", remark.group(1))):
        norm = norm[: remark.start()]
    norm = norm.replace("MATHSF", "").replace("MATHRM", "").replace("TEXTSF", "")
    return _DROP.sub("", norm).replace("UNION", "").replace("BIGCUP", "")


@lru_cache(maxsize=1)
def _aliases() -> dict[str, str]:
    """Compact spelling -> canonical class, from the ``complexity`` alias table (names and aliases)."""
    found: dict[str, str] = {}
    for entry in alias_table("complexity"):
        for name in (*entry.names, *entry.aliases):
            found[_compact(name)] = entry.id
    return found


@lru_cache(maxsize=8192)
def canonical_class(text: str) -> str:
    """The canonical spelling of a class name (never fails; unknown names are just cleaned up).

    Names and aliases come from the ``complexity`` alias table (``PTIME`` -> ``P``; ``NPSPACE`` ->
    ``PSPACE``, equal by Savitch's theorem)."""
    compact = _compact(text)
    return _aliases().get(compact, compact)


def written_class(text: str) -> str:
    """The class name as written, in the canonical spelling but *not* mapped to another name
    (``NPSPACE`` stays ``NPSPACE``): what renderings and alternate forms are made from, so that a probe's
    rewrite changes the notation, never the name."""
    return _compact(text)


def is_class_name(text: str) -> bool:
    """Whether ``text`` names a class of the alias table (under any of its names or aliases)."""
    return _compact(text) in _aliases()


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
