"""The default probe suite: every probe on every unit it applies to.

:func:`generate_suite` yields the base variant of every unit first (they give the base verdict and the
placebo), then, case by case and unit by unit, the variants of every selected probe, then the variants of
any extra chains. The result is deterministic for a given library, probe selection and seed, and
deduplicated by variant id.

Which parameter values a unit gets: a graded probe's dose parameter is swept over its whole grid on every
unit (so a report can draw dose → flip rate within units); every other parameter takes *one* value of its
grid per unit, picked by a stable hash of (case id, unit id, probe, parameter). Across the library every
value is covered, the suite stays a few variants per probe and unit, and adding a case never changes the
variants of another. :func:`unit_points` states the rule. A probe with ``share < 1`` (the paired
controls) is applied to that share of grade units, again picked by a stable hash; pairwise and score units
are few (a few dozen per library), so they get every probe, which keeps their miss rates measurable. Pass
``sweep=True`` for the full grid on every unit.

Units derived from grade cases (``derive=``, see :mod:`judgeprobe.probes.derived`) come after the cases'
own units. They are many (hundreds per mode), so each probe takes ``share * derived_share`` of them (a
tenth by default, again by a stable hash); ``position.swap`` takes every one, so every derived pair is
judged in both orders.
"""

from __future__ import annotations

import zlib
from collections.abc import Collection, Iterable, Sequence

from judgeprobe.cases.models import GradeCase, Mode
from judgeprobe.probes.base import AnyCase, ProbeInfo, apply_step, grid_points, list_probes
from judgeprobe.probes.chain import Chain, apply_chain
from judgeprobe.probes.derived import derive_units, is_derived_unit
from judgeprobe.probes.units import base_variants
from judgeprobe.probes.variant import ParamValue, Step, Variant

__all__ = ["generate_suite", "unit_chosen", "unit_points"]


def unit_points(info: ProbeInfo, case_id: str, unit_id: str) -> list[dict[str, ParamValue]]:
    """Parameter points the default suite applies ``info`` with on one unit (see module docstring)."""
    return [dict(step.params) for step in _Plan(info).steps(_unit_crc(case_id, unit_id))]


def unit_chosen(info: ProbeInfo, case_id: str, unit_id: str, *, mode: Mode = Mode.GRADE) -> bool:
    """Whether the default suite applies ``info`` to this unit at all (its ``share`` of grade units, its
    ``share * derived_share`` of units derived from grade cases; every other pairwise and score unit)."""
    plan = _Plan(info)
    unit_crc = _unit_crc(case_id, unit_id)
    if is_derived_unit(unit_id):
        return plan.chosen_derived(unit_crc)
    return mode is not Mode.GRADE or plan.chosen(unit_crc)


def _unit_crc(case_id: str, unit_id: str) -> int:
    """CRC-32 of ``case NUL unit NUL``; a probe's picks continue it with ``zlib.crc32(suffix, start)``."""
    return zlib.crc32(f"{case_id}\x00{unit_id}\x00".encode())


class _Plan:
    """One probe's per-unit choices, with the Step objects built once per distinct point."""

    def __init__(self, info: ProbeInfo) -> None:
        self.info = info
        rotated = [key for key in sorted(info.params) if key != info.dose_param and len(info.params[key]) > 1]
        self.rotated = rotated
        self.fixed = {key: values[0] for key, values in info.params.items() if key not in rotated}
        self.suffixes = [(f"{info.name}\x00{key}".encode(), info.params[key]) for key in rotated]
        self.share_suffix = f"{info.name}\x00share".encode()
        self.derived_suffix = f"{info.name}\x00derived".encode()
        self.cache: dict[tuple[ParamValue, ...], list[Step]] = {}

    def chosen(self, unit_crc: int) -> bool:
        """Whether the unit is among the probe's share of units."""
        if self.info.share >= 1:
            return True
        return zlib.crc32(self.share_suffix, unit_crc) % 10_000 < self.info.share * 10_000

    def chosen_derived(self, unit_crc: int) -> bool:
        """Whether a derived unit is among the probe's ``share * derived_share`` of derived units."""
        share = self.info.share * self.info.derived_share
        if share >= 1:
            return True
        return zlib.crc32(self.derived_suffix, unit_crc) % 10_000 < share * 10_000

    def steps(self, unit_crc: int) -> list[Step]:
        """The steps for the unit whose :func:`_unit_crc` is ``unit_crc``."""
        picked = tuple(values[zlib.crc32(suffix, unit_crc) % len(values)] for suffix, values in self.suffixes)
        steps = self.cache.get(picked)
        if steps is None:
            point = {**self.fixed, **dict(zip(self.rotated, picked, strict=True))}
            dose = self.info.dose_param
            if dose is None:
                steps = [Step.of(self.info.name, **point)]
            else:
                steps = [
                    Step.of(self.info.name, **{**point, dose: value}) for value in self.info.params[dose]
                ]
            self.cache[picked] = steps
        return steps


def generate_suite(
    cases: Iterable[AnyCase],
    *,
    probes: Sequence[ProbeInfo] | None = None,
    seed: int = 0,
    chains: Sequence[Chain] = (),
    sweep: bool = False,
    derive: Collection[Mode] = (),
    derive_from: Iterable[AnyCase] | None = None,
) -> list[Variant]:
    """Every variant of the suite: base variants first, then each probe's variants per unit.

    Args:
        cases: The cases (e.g. ``judgeprobe.cases.loader.load_library()``).
        probes: Probes to apply (default: all registered, see :func:`judgeprobe.probes.base.select_probes`).
        seed: Seed every probe's local RNG derives from; part of every variant id.
        chains: Extra chains applied to every base variant after the single probes.
        sweep: Apply every point of every probe's grid to every unit (much larger).
        derive: Modes (pairwise, score) to derive units into from grade cases (see
            :mod:`judgeprobe.probes.derived`); their base variants follow the cases' own, and so do their
            probe variants.
        derive_from: The cases to derive from (their grade cases; default: ``cases``). Their own grade
            units are not added unless they are also in ``cases``.

    Returns:
        Variants in a deterministic order, unique by id. Probes that do not apply to a unit or its mode
        contribute nothing.
    """
    selected = list_probes() if probes is None else list(probes)
    full = {info.name: [Step.of(info.name, **p) for p in grid_points(info)] for info in selected}
    plans = [(info, _Plan(info)) for info in selected]
    listed = list(cases)
    bases: list[tuple[AnyCase, list[Variant]]] = [(case, base_variants(case, seed=seed)) for case in listed]
    if derive:
        bases += [
            (unit.case, [unit.base])
            for case in (listed if derive_from is None else derive_from)
            if isinstance(case, GradeCase)
            for unit in derive_units(case, derive, seed=seed)
        ]
    out: dict[str, Variant] = {}
    for _, units in bases:
        for base in units:
            out.setdefault(base.id, base)
    for case, units in bases:
        for base in units:
            unit_crc = _unit_crc(case.id, base.unit_id)
            derived = is_derived_unit(base.unit_id)
            for info, plan in plans:
                if base.mode not in info.modes:
                    continue
                if sweep:
                    steps = full[info.name]
                elif derived:
                    if not plan.chosen_derived(unit_crc):
                        continue
                    steps = plan.steps(unit_crc)
                elif base.mode is not Mode.GRADE or plan.chosen(unit_crc):
                    steps = plan.steps(unit_crc)
                else:
                    continue
                for step in steps:
                    for variant in apply_step(case, base, step, seed=seed):
                        out.setdefault(variant.id, variant)
    for chain in chains:
        for case, units in bases:
            for base in units:
                for variant in apply_chain(case, base, chain, seed=seed):
                    out.setdefault(variant.id, variant)
    return list(out.values())
