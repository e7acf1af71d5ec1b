"""Planning a run: load and select the cases, choose the probes, generate the variants. No judge is called."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from judgeprobe.cases.loader import Library, load_library
from judgeprobe.cases.models import AnyCase, GradeCase, Mode
from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.run.selection import Selection
from judgeprobe.probes.base import ProbeInfo
from judgeprobe.probes.derived import DERIVED_MODES, derive_units, is_derived_unit
from judgeprobe.probes.selector import select_probes
from judgeprobe.probes.suite import generate_suite
from judgeprobe.probes.variant import Variant

__all__ = ["SuitePlan", "derived_modes", "plan_suite"]


@dataclass(frozen=True)
class SuitePlan:
    """The cases and variants of a run, before any judge is called."""

    cases: tuple[AnyCase, ...]
    """Selected cases, in library order (grade cases that units are derived from included)."""
    probes: tuple[ProbeInfo, ...]
    """Selected probes (empty: base variants only)."""
    variants: tuple[Variant, ...]
    """Base variants first, then every probe's variants (deduplicated, deterministic order)."""
    reference_doubt: dict[str, bool]
    """Case id -> the case's reference is disputed."""
    seed: int
    """Seed the probes drew from."""
    selection: Selection
    """The selection the plan was made from."""
    derived: tuple[Mode, ...] = ()
    """Modes whose units were also derived from the selected grade cases (see
    :mod:`judgeprobe.probes.derived`)."""

    def derived_units(self) -> dict[Mode, int]:
        """Number of derived units per derived mode (a pair judged in both orders counts once)."""
        counts = dict.fromkeys(self.derived, 0)
        for variant in self.variants:
            if variant.relation == "base" and variant.mode in counts and is_derived_unit(variant.unit_id):
                counts[variant.mode] += 1
        return counts

    def family_counts(self) -> dict[str, int]:
        """Number of variants per family (``base`` for the unperturbed ones)."""
        counts: dict[str, int] = {}
        for variant in self.variants:
            counts[variant.family] = counts.get(variant.family, 0) + 1
        return dict(sorted(counts.items()))


def plan_suite(
    selection: Selection | None = None,
    *,
    library: Library | None = None,
    judge_modes: Collection[Mode | str] | None = None,
) -> SuitePlan:
    """Load the case library, select cases and probes, and generate the variants.

    Args:
        selection: Case folders, case filters, probes and seed (default: every shipped case and every probe,
            seed 0). Probes ``all``: every probe; ``none``: no probes (base variants only: plain accuracy
            against the labels).
        library: An already loaded library (skips loading; ``selection.case_dirs`` and
            ``selection.builtin_cases`` are then not read).
        judge_modes: Modes the judge handles. Pairwise and score units are derived from the selected grade
            cases for the pairwise and score modes of ``selection.modes``, or, when it names none, of
            ``judge_modes`` (``None``: derive nothing unless the selection asks). So a run against a
            grade-only judge such as ``builtin:reference`` stays its usual size, and a pairwise judge gets
            hundreds of pairs judged in both orders.

    Raises:
        ConfigError: A case id of the selection is not in the library.
    """
    chosen = selection if selection is not None else Selection()
    lib = (
        library
        if library is not None
        else load_library(list(chosen.case_dirs), include_builtin=chosen.builtin_cases)
    )
    derive = derived_modes(chosen.modes, judge_modes)
    filters = {"ids": chosen.case_ids, "tags": chosen.tags, "kinds": chosen.kinds, "tricks": chosen.tricks}
    own_ids = {c.id for c in lib.select(**filters, modes=chosen.modes)}
    source_ids = {c.id for c in lib.select(**filters, modes=["grade"])} if derive else set()
    selected = tuple(c for c in lib if c.id in own_ids | source_ids)
    unknown = sorted(set(chosen.case_ids) - own_ids - source_ids)
    if unknown:
        raise ConfigError(f"unknown case id(s): {', '.join(unknown)}; see 'judgeprobe cases list'")
    own = [c for c in selected if c.id in own_ids]
    sources = [c for c in selected if isinstance(c, GradeCase) and c.id in source_ids]
    probes, seed = chosen.probes, chosen.seed
    probed: tuple[ProbeInfo, ...] = () if probes == "none" else tuple(select_probes(probes))
    if probed:
        variants = generate_suite(own, probes=probed, seed=seed, derive=derive, derive_from=sources)
    else:
        variants = _base_only(own, seed) + [
            unit.base for case in sources for unit in derive_units(case, derive, seed=seed)
        ]
    return SuitePlan(
        cases=selected,
        probes=probed,
        variants=tuple(variants),
        reference_doubt={c.id: c.reference_doubt for c in selected},
        seed=seed,
        selection=chosen,
        derived=tuple(m for m in (Mode.PAIRWISE, Mode.SCORE) if m in derive),
    )


def derived_modes(
    modes: Collection[Mode | str], judge_modes: Collection[Mode | str] | None
) -> frozenset[Mode]:
    """The modes to derive units into: the pairwise and score modes among ``modes`` when any are given,
    else among ``judge_modes`` (``None``: none)."""
    wanted = {str(m) for m in (modes if modes else (judge_modes or ()))}
    return frozenset(m for m in DERIVED_MODES if str(m) in wanted)


def _base_only(cases: Sequence[AnyCase], seed: int) -> list[Variant]:
    from judgeprobe.probes.units import base_variants

    return [v for case in cases for v in base_variants(case, seed=seed)]
