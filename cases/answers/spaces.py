"""Topological spaces and manifolds in notation: spheres, disks, tori, projective spaces, surfaces, and
their products, connected sums and wedges, read into one canonical form.

``S^n``, ``D^n``, ``B^n``, ``R^n``, ``C^n``, ``T^n``, ``RP^n``, ``CP^n``, ``HP^n``, ``K`` (Klein bottle),
``Mb`` (Möbius band), ``Σ_g`` / ``N_k`` (closed surfaces), ``pt``; products (``×``, ``x``, ``\\times``),
connected sums (``#``) and wedges (``∨``). The superscript of a named space is its dimension, never a
power: ``RP^2`` is the projective plane, not ``RP x RP`` (which is not read at all), and ``S^2`` is not
``S^1 x S^1``. A power applies to a bracketed space (``(S^1)^2`` = ``T^2``) and to ``R`` and ``C``. Known
homeomorphisms are applied: ``T^n`` = ``(S^1)^n``, ``R^a x R^b`` = ``R^(a+b)``, ``C^n`` = ``R^(2n)``,
``B^n`` = ``R^n``, ``D^a x D^b`` = ``D^(a+b)``, ``RP^1`` = ``S^1``, ``CP^1`` = ``S^2``, ``HP^1`` = ``S^4``;
connected sums of closed surfaces by the classification (``RP^2 # RP^2`` = ``K``, ``T^2 # RP^2`` = ``N_3``).
Names (``the torus``, ``the Klein bottle``) come from the ``spaces`` alias table.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from judgeprobe.cases.answers.aliases import alias_table
from judgeprobe.cases.answers.normalize import normalize
from judgeprobe.cases.answers.unicode import to_superscript

__all__ = ["Space", "canonical_space", "render_space", "space_forms"]

Space = tuple[tuple[str, int], ...]
"""A canonical space: sorted ``(factor, copies)`` pairs of a product; ``()`` is a point. A factor is
``S3``, ``R4`` (all Euclidean factors merged), ``D2``, ``RP2``, ``CP3``, ``HP2``, ``K``, ``Mb``, ``Sigma2``,
``N3``, ``S0`` (two points), or a bracketed connected sum or wedge."""

_DIM = r"\^?\{?(\d{1,2}|[nmk])\}?"
_ATOM = re.compile(rf"^(RP|CP|HP|S|D|B|T|R|C){_DIM}$")
_BARE = re.compile(r"^(R|C|K|Mb|pt|I)$")
_SURFACE = re.compile(r"^(Sigma|N)_\{?(\d{1,2})\}?$")
_PROJECTIVE = re.compile(r"^(?:P\^?\{?(\d{1,2})\}?)\((R|C|H)\)$")
_POWER = re.compile(r"^\((.+)\)\^\{?(\d{1,2})\}?$")
_PRODUCT = re.compile(r"\\times|×|(?<=[\s)}\d])[xX](?=[\s({A-Z\\])")
_SUM = re.compile(r"#|\\#")
_WEDGE = re.compile(r"\\vee|∨|\\wedge(?:sum)?|(?<=\s)v(?=\s)")
_LATEX = (
    (re.compile(r"\\mathbb\s*\{\s*(RP|CP|HP)\s*\}"), r"\1"),
    (re.compile(r"\\mathbb\s*\{\s*([RCH])\s*\}\s*\\?(?:mathrm\{)?P\}?"), r"\1P"),
    (re.compile(r"\\mathbb\s*\{\s*([RCHS])\s*\}"), r"\1"),
    (re.compile(r"\\mathbb\s*([RCHS])\b"), r"\1"),
    (re.compile(r"\\Sigma\s*"), "Sigma"),
    (re.compile(r"Σ"), "Sigma"),
)
_REDUCE = {("RP", 1): ("S", 1), ("CP", 1): ("S", 2), ("HP", 1): ("S", 4), ("RP", 0): None, ("CP", 0): None,
           ("HP", 0): None, ("D", 0): None, ("R", 0): None, ("T", 0): None}  # fmt: skip
_SURFACES = {"S2": (True, 0), "S1^2": (True, 1), "RP2": (False, 1), "K": (False, 2)}


def _clean(text: str) -> str:
    text = str(text)[:300]
    for pattern, replacement in _LATEX:
        text = pattern.sub(replacement, text)
    text = normalize(text, kind=None)
    text = text.replace("\\mathbb", "").replace("\\left", "").replace("\\right", "")
    return re.sub(r"\s+", " ", text).strip()


def _factor(name: str, dim: str) -> Counter[str] | None:
    if not dim.isdigit():
        return Counter({f"{name}{dim}": 1})
    n = int(dim)
    if name in ("B",):
        name = "R"
    if name == "C":
        name, n = "R", 2 * n
    key = (name, n)
    if key in _REDUCE:
        reduced = _REDUCE[key]
        if reduced is None:
            return Counter()
        name, n = reduced
    if name == "T":
        return Counter({"S1": n}) if n else Counter()
    if name == "R":
        return Counter({"R": n})
    if name == "D":
        return Counter({"D": n})
    return Counter({f"{name}{n}": 1})


def _atom(piece: str, depth: int) -> Counter[str] | None:
    piece = piece.strip()
    while piece.startswith("(") and piece.endswith(")") and _balanced(piece[1:-1]):
        piece = piece[1:-1].strip()
    compact = piece.replace(" ", "")
    if m := _ATOM.match(compact):
        return _factor(m[1], m[2])
    if m := _BARE.match(compact):
        return {"R": Counter({"R": 1}), "C": Counter({"R": 2}), "K": Counter({"K": 1}),
                "Mb": Counter({"Mb": 1}), "pt": Counter(), "I": Counter({"D": 1})}[m[1]]  # fmt: skip
    if m := _SURFACE.match(compact):
        return _surface(m[1] == "Sigma", int(m[2]))
    if m := _PROJECTIVE.match(compact):
        return _factor(f"{m[2]}P", m[1])
    if m := _POWER.match(compact):
        inner = _structure(m[1], depth + 1)
        return None if inner is None else Counter({k: v * int(m[2]) for k, v in inner.items()})
    if depth < 3 and (entry := alias_table("spaces").lookup(piece)) is not None and entry.means:
        return _structure(entry.means, depth + 1)
    return None


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += 1 if char == "(" else -1 if char == ")" else 0
        if depth < 0:
            return False
    return depth == 0


def _split(text: str, pattern: re.Pattern[str]) -> list[str]:
    """Split at ``pattern`` outside brackets."""
    parts, start, depth = [], 0, 0
    for match in pattern.finditer(text):
        depth = sum(1 if c == "(" else -1 if c == ")" else 0 for c in text[: match.start()])
        if depth == 0:
            parts.append(text[start : match.start()])
            start = match.end()
    parts.append(text[start:])
    return parts


def _surface(orientable: bool, genus: int) -> Counter[str]:
    if orientable:
        return (
            Counter({"S2": 1})
            if genus == 0
            else Counter({"S1": 2})
            if genus == 1
            else Counter({f"Sigma{genus}": 1})
        )
    return {1: Counter({"RP2": 1}), 2: Counter({"K": 1})}.get(genus, Counter({f"N{genus}": 1}))


def _as_surface(space: Counter[str]) -> tuple[bool, int] | None:
    key = "*".join(f"{k}^{v}" if v > 1 else k for k, v in sorted(space.items()))
    if key in _SURFACES:
        return _SURFACES[key]
    if len(space) == 1:
        ((name, copies),) = space.items()
        if copies == 1 and (m := re.fullmatch(r"(Sigma|N)(\d+)", name)):
            return m[1] == "Sigma", int(m[2])
    return None


def _connected_sum(parts: list[Counter[str]]) -> Counter[str]:
    surfaces = [_as_surface(p) for p in parts]
    if all(s is not None for s in surfaces):
        orientable, genus = True, 0
        for s in surfaces:
            assert s is not None
            if orientable and s[0]:
                genus += s[1]
            elif orientable:  # orientable genus g # non-orientable k = non-orientable 2g + k
                orientable, genus = False, 2 * genus + s[1]
            else:
                genus += s[1] if not s[0] else 2 * s[1]
        return _surface(orientable, genus)
    names = sorted(_render(tuple(sorted(p.items())), "ascii") for p in parts if p != Counter({"S2": 1}))
    return Counter({"#(" + ",".join(names) + ")": 1})


def _structure(text: str, depth: int = 0) -> Counter[str] | None:
    if depth > 4:
        return None
    summands = _split(text, _SUM)
    if len(summands) > 1:
        parts = [_structure(s, depth + 1) for s in summands]
        return None if any(p is None for p in parts) else _connected_sum([p for p in parts if p is not None])
    wedged = _split(text, _WEDGE)
    if len(wedged) > 1:
        parts = [_structure(s, depth + 1) for s in wedged]
        if any(p is None for p in parts):
            return None
        names = sorted(_render(tuple(sorted(p.items())), "ascii") for p in parts if p)
        return (
            Counter({"v(" + ",".join(names) + ")": 1})
            if len(names) > 1
            else _structure(names[0])
            if names
            else Counter()
        )
    total: Counter[str] = Counter()
    for piece in _split(text, _PRODUCT):
        found = _atom(piece, depth)
        if found is None or not piece.strip():
            return None
        total.update(found)
    return total


@lru_cache(maxsize=4096)
def canonical_space(text: str) -> Space | None:
    """The canonical form of a space written in notation or named in the alias table; ``None`` if unread."""
    clean = _clean(text)
    if not clean or len(clean) > 200:
        return None
    entry = alias_table("spaces").lookup(clean)
    found = _structure(entry.means) if entry is not None and entry.means else _structure(clean)
    if found is None:
        return None
    return tuple(sorted((name, copies) for name, copies in found.items() if copies))


_NAMES = {"RP": ("\\mathbb{RP}", "ℝP", "RP"), "CP": ("\\mathbb{CP}", "ℂP", "CP"),
          "HP": ("\\mathbb{HP}", "ℍP", "HP")}  # fmt: skip


def _one(name: str, style: str) -> str:
    if name in ("K", "Mb") or name.startswith(("#(", "v(")):
        return name
    m = re.fullmatch(r"(RP|CP|HP|S|D|Sigma|N|R)(\w+)", name)
    if m is None:
        return name
    base, dim = m[1], m[2]
    if base in ("Sigma", "N"):
        return (
            {"latex": f"\\Sigma_{{{dim}}}", "unicode": f"Σ_{dim}", "ascii": f"Sigma_{dim}"}[style]
            if base == "Sigma"
            else f"N_{dim}"
        )
    if base in _NAMES:
        base = _NAMES[base][("latex", "unicode", "ascii").index(style)]
    elif base == "R" and style != "ascii":
        base = "\\mathbb{R}" if style == "latex" else "ℝ"
    if style == "latex":
        return f"{base}^{{{dim}}}"
    if style == "unicode":
        return f"{base}{to_superscript(dim) or '^' + dim}"
    return f"{base}^{dim}"


def _render(space: Space, style: str) -> str:
    if not space:
        return "pt"
    joiner = {"latex": " \\times ", "unicode": " × ", "ascii": " x "}[style]
    pieces: list[str] = []
    for name, copies in space:
        if name in ("R", "D"):
            pieces.append(_one(f"{name}{copies}", style))
        else:
            pieces.extend([_one(name, style)] * copies)
    return joiner.join(pieces)


def render_space(space: Space, style: str) -> str:
    """A canonical space written in ``latex``, ``unicode`` or ``ascii`` (a product of circles as a
    product, ``S^1 x S^1``)."""
    return _render(space, style)


def space_forms(space: Space) -> list[str]:
    """Notations of one space: its renderings and, for a product of circles, the torus ``T^n``."""
    forms = [_render(space, style) for style in ("ascii", "unicode", "latex")]
    if space and len(space) == 1 and space[0][0] == "S1" and space[0][1] > 1:
        n = space[0][1]
        forms += [f"T^{n}", f"T^{{{n}}}", f"T{to_superscript(str(n))}", f"(S^1)^{n}"]
    return forms
