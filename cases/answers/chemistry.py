"""Chemical species by formula or by name, through a small table of common species.

Formulas are compared case-sensitively after dropping LaTeX (``\\ce{}``, ``\\mathrm{}``), subscript
markers and Unicode subscripts (``H₂O`` = ``H_2O`` = ``H2O``; ``CO`` is not ``Co``). A name from the table
maps to its formula (``water`` = ``H2O``). Isomers with one formula are *not* told apart: a formula names
a composition, so ``C2H6O`` is both ethanol and dimethyl ether; the table holds the usual species only.
"""

from __future__ import annotations

import re
from functools import lru_cache

from judgeprobe.cases.answers.kinds.registry import AnswerKind
from judgeprobe.cases.answers.normalize import normalize, unwrap_command
from judgeprobe.cases.answers.unicode import to_subscript, to_superscript

__all__ = [
    "ISOMERS",
    "NAMES",
    "canonical_species",
    "composition",
    "isomer_of",
    "render_species",
    "species_forms",
]

NAMES: dict[str, str] = {
    "water": "H2O", "carbon dioxide": "CO2", "carbon monoxide": "CO", "oxygen": "O2", "dioxygen": "O2",
    "nitrogen": "N2", "dinitrogen": "N2", "hydrogen": "H2", "dihydrogen": "H2", "ozone": "O3",
    "ammonia": "NH3", "methane": "CH4", "ethane": "C2H6", "propane": "C3H8", "butane": "C4H10",
    "ethene": "C2H4", "ethylene": "C2H4", "ethyne": "C2H2", "acetylene": "C2H2", "benzene": "C6H6",
    "ethanol": "C2H5OH", "methanol": "CH3OH", "glucose": "C6H12O6", "sodium chloride": "NaCl",
    "table salt": "NaCl", "hydrochloric acid": "HCl", "hydrogen chloride": "HCl", "sulfuric acid": "H2SO4",
    "sulphuric acid": "H2SO4", "nitric acid": "HNO3", "acetic acid": "CH3COOH", "ethanoic acid": "CH3COOH",
    "sodium hydroxide": "NaOH", "potassium hydroxide": "KOH", "calcium carbonate": "CaCO3",
    "hydrogen peroxide": "H2O2", "sulfur dioxide": "SO2", "sulphur dioxide": "SO2", "nitrogen dioxide": "NO2",
    "nitric oxide": "NO", "nitrous oxide": "N2O", "hydrogen sulfide": "H2S", "sodium bicarbonate": "NaHCO3",
    "sodium hydrogen carbonate": "NaHCO3", "calcium hydroxide": "Ca(OH)2", "magnesium oxide": "MgO",
    "iron(iii) oxide": "Fe2O3", "ferric oxide": "Fe2O3", "copper(ii) sulfate": "CuSO4",
    "silver nitrate": "AgNO3",
    "potassium permanganate": "KMnO4", "hydroxide": "OH-", "hydroxide ion": "OH-", "hydronium": "H3O+",
    "hydronium ion": "H3O+", "ammonium": "NH4+", "ammonium ion": "NH4+", "sulfate": "SO4 2-",
    "sulfate ion": "SO4 2-", "nitrate": "NO3-", "nitrate ion": "NO3-", "carbonate": "CO3 2-",
    "carbonate ion": "CO3 2-", "chloride": "Cl-", "chloride ion": "Cl-", "helium": "He", "neon": "Ne",
    "argon": "Ar", "iron": "Fe", "copper": "Cu", "gold": "Au", "silver": "Ag", "sodium": "Na",
    "potassium": "K", "calcium": "Ca", "carbon": "C", "sulfur": "S", "chlorine": "Cl2",
    "ethyl alcohol": "C2H5OH", "methyl alcohol": "CH3OH", "dextrose": "C6H12O6", "d-glucose": "C6H12O6",
    "baking soda": "NaHCO3", "quicklime": "CaO", "calcium oxide": "CaO", "laughing gas": "N2O",
    "muriatic acid": "HCl", "copper(ii) sulfate pentahydrate": "CuSO4·5H2O", "blue vitriol": "CuSO4·5H2O",
    "caustic soda": "NaOH", "lye": "NaOH", "limestone": "CaCO3", "chalk": "CaCO3",
    "fructose": "C6H12O6", "galactose": "C6H12O6", "dimethyl ether": "CH3OCH3", "isobutane": "C4H10",
    "n-butane": "C4H10",
}  # fmt: skip
"""Lower-case name -> canonical formula (charge written after a space, as in ``SO4 2-``)."""

ISOMERS: dict[str, str] = {
    "glucose": "glucose", "dextrose": "glucose", "d-glucose": "glucose", "fructose": "fructose",
    "galactose": "galactose", "butane": "butane", "n-butane": "butane", "isobutane": "isobutane",
}  # fmt: skip
"""Names of species that share their formula with an isomer in the table -> the species they name. A bare
formula such as ``C6H12O6`` names none of them."""
_CONDENSED = {"CH3CH2OH": "C2H5OH", "C2H5OH": "C2H5OH", "EtOH": "C2H5OH", "CH3CH2CH3": "C3H8"}
"""Condensed formulas of one species written in several ways (``CH3CH2OH`` is ``C2H5OH``)."""

_FORMULA_TO_NAME: dict[str, str] = {}
for _name, _formula in NAMES.items():
    if _name not in ISOMERS:  # a formula shared by isomers has no single name
        _FORMULA_TO_NAME.setdefault(_formula, _name)

_FORMULA = re.compile(r"^(?:[A-Z][a-z]?\d*|\((?:[A-Z][a-z]?\d*)+\)\d*)+$")


_STATE = re.compile(r"\((?:s|l|g|aq)\)$")
_PAIR = re.compile(r"^(.+?)(?:,\s*|\s+\()(.+?)\)?$")


@lru_cache(maxsize=8192)
def canonical_species(text: str) -> str | None:
    """The canonical formula of a species given by formula or table name; ``None`` if neither.

    ``name, formula`` and ``formula (name)`` are read when both halves name the same species; a state
    label such as ``(aq)`` is dropped; hydrates are written ``CuSO4·5H2O``.
    """
    raw = str(text)
    if "\\ce" in raw:
        raw = unwrap_command(raw, "ce")
    norm = _STATE.sub("", normalize(raw, kind=AnswerKind.CHEMISTRY).replace("\\cdot", "*")).strip()
    norm = re.sub(r"(?<=[A-Za-z0-9)])\s*[.•∙]\s*(?=\d*\s*H_?\{?2\}?O$)", "*", norm)  # CuSO4.5H2O
    single = _species(norm)
    if single is not None:
        return single
    pair = _PAIR.match(norm)
    if pair:
        first, second = _species(pair.group(1).strip()), _species(pair.group(2).strip())
        if first is not None and first == second:
            return first
    return None


def _species(norm: str) -> str | None:
    name = re.sub(r"\s+", " ", norm.lower()).strip()
    name = re.sub(r"^(?:the\s+|an?\s+)", "", name)
    if name in NAMES:
        return NAMES[name]
    if "*" in norm:  # a hydrate, CuSO4·5H2O (the dot was normalised to *)
        salt, _, rest = norm.partition("*")
        base = _species(salt.strip())
        water = re.fullmatch(r"(\d*)\s*H_?\{?2\}?O", rest.strip())
        return f"{base}·{water.group(1)}H2O" if base is not None and water else None
    if re.fullmatch(r"(?:[A-Z][a-z]?\d*\^\{?\d*[+-]\}?){2,}", norm):  # ions written apart: Na^+Cl^-
        norm = re.sub(r"\^\{?\d*[+-]\}?", "", norm)
    spaced = re.match(r"^(\S+)\s+(\d*)([+-])$", norm)
    if spaced:
        compact, digits, sign = re.sub(r"[_{}]", "", spaced.group(1)), spaced.group(2), spaced.group(3)
    else:
        compact = re.sub(r"[\s_{}]", "", norm)
        digits, sign = "", ""
        if "^" in compact:
            compact, _, charge = compact.rpartition("^")
            found = re.fullmatch(r"(\d*)([+-])|([+-])(\d*)", charge)
            if found is None:
                return None
            digits, sign = (
                (found.group(1), found.group(2)) if found.group(2) else (found.group(4), found.group(3))
            )
        elif compact.endswith(("+", "-")) and len(compact) > 1:
            compact, sign = compact[:-1], compact[-1]
    grouped = re.fullmatch(r"[(\[](.+)[)\]](\d*)", compact)
    if grouped and sign and not digits:  # (SO4)2- and [NH4]+ are SO4 2- and NH4+
        compact, digits = grouped.group(1), grouped.group(2)
    if not _FORMULA.match(compact):
        return None
    compact = _CONDENSED.get(compact, compact)
    if digits and digits != "1":
        return f"{compact} {digits}{sign}"
    return f"{compact}{sign}"


def render_species(formula: str, style: str) -> str:
    """Render a canonical formula in ``latex``, ``unicode`` or ``ascii`` style."""
    if "·" in formula:
        salt, _, water = formula.partition("·")
        count = re.match(r"\d*", water)
        digits = count.group(0) if count else ""
        dot = " \\cdot " if style == "latex" else "·"
        return f"{render_species(salt, style)}{dot}{digits}{render_species(water[len(digits) :], style)}"
    body, _, charge = formula.partition(" ")
    if not charge and body.endswith(("+", "-")):
        body, charge = body[:-1], body[-1]
    if style == "ascii":
        return f"{body}^{charge}" if charge else body
    if style == "unicode":
        subbed = re.sub(r"\d+", lambda m: to_subscript(m.group(0)) or m.group(0), body)
        return subbed + (to_superscript(charge) or "")
    subbed = re.sub(r"\d+", lambda m: f"_{{{m.group(0)}}}", body)
    return f"\\mathrm{{{subbed}}}" + (f"^{{{charge}}}" if charge else "")


def species_forms(formula: str) -> list[str]:
    """Several surface forms: the renderings, ``\\ce{}``, and the table name where there is one."""
    forms = [render_species(formula, style) for style in ("ascii", "unicode", "latex")]
    forms.append(f"\\ce{{{render_species(formula, 'ascii')}}}")
    name = _FORMULA_TO_NAME.get(formula)
    if name:
        forms.extend([name, name.capitalize()])
    return forms


def isomer_of(text: str) -> str | None:
    """The species a name of the :data:`ISOMERS` table names (``dextrose`` -> ``glucose``), else ``None``."""
    name = re.sub(r"\s+", " ", normalize(str(text), kind=AnswerKind.CHEMISTRY).lower()).strip()
    name = re.sub(r"^(?:the\s+|an?\s+)", "", name)
    if name in ISOMERS:
        return ISOMERS[name]
    pair = _PAIR.match(name)  # "dextrose (D-glucose)", "glucose, C6H12O6"
    if pair:
        found = {ISOMERS.get(half.strip()) for half in (pair.group(1), pair.group(2))} - {None}
        return found.pop() if len(found) == 1 else None
    return None


_ELEMENT = re.compile(r"([A-Z][a-z]?)(\d*)")


def _count(formula: str) -> dict[str, int] | None:
    total: dict[str, int] = {}
    at = 0
    while at < len(formula):
        if formula[at] in "([":
            close = {"(": ")", "[": "]"}[formula[at]]
            depth, end = 0, at
            for end in range(at, len(formula)):
                depth += 1 if formula[end] in "([" else -1 if formula[end] in ")]" else 0
                if depth == 0:
                    break
            if formula[end] != close:
                return None
            inner = _count(formula[at + 1 : end])
            digits = re.match(r"\d*", formula[end + 1 :])
            times = int(digits.group(0)) if digits and digits.group(0) else 1
            if inner is None:
                return None
            for element, n in inner.items():
                total[element] = total.get(element, 0) + n * times
            at = end + 1 + (len(digits.group(0)) if digits else 0)
            continue
        m = _ELEMENT.match(formula, at)
        if m is None:
            return None
        total[m[1]] = total.get(m[1], 0) + int(m[2] or 1)
        at = m.end()
    return total


def composition(text: str) -> dict[str, int] | None:
    """Element counts of a neutral formula with brackets and hydrate dots (``[Cu(H2O)4]SO4·H2O``), or
    ``None`` when it is not such a formula."""
    norm = re.sub(r"[\s_{}]", "", normalize(str(text), kind=AnswerKind.CHEMISTRY)).replace("\\cdot", "·")
    norm = norm.replace("*", "·").replace(".", "·").replace("•", "·")
    if len(norm) > 80 or not norm or re.search(r"[+\-^]", norm):
        return None
    total: dict[str, int] = {}
    for part in norm.split("·"):
        m = re.match(r"(\d*)(.+)$", part)
        if m is None:
            return None
        counted = _count(m[2])
        if counted is None:
            return None
        for element, n in counted.items():
            total[element] = total.get(element, 0) + n * int(m[1] or 1)
    return total
