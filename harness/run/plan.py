"""Planning a run: load and select the cases, choose the probes, generate the variants. No judge is called."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from judgeprobe.cases.loader import Library, load_library
from judgeprobe.cases.models import AnyCase
from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.run.selection import Selection
from judgeprobe.probes.base import ProbeInfo
from judgeprobe.probes.selector import select_probes
from judgeprobe.probes.suite import generate_suite
from judgeprobe.probes.variant import Variant

__all__ = ["SuitePlan", "plan_suite"]


@dataclass(frozen=True)
class SuitePlan:
    """The cases and variants of a run, before any judge is called."""

    cases: tuple[AnyCase, ...]
    """Selected cases, in library order."""
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

    def family_counts(self) -> dict[str, int]:
        """Number of variants per family (``base`` for the unperturbed ones)."""
        counts: dict[str, int] = {}
        for variant in self.variants:
            counts[variant.family] = counts.get(variant.family, 0) + 1
        return dict(sorted(counts.items()))


def plan_suite(selection: Selection | None = None, *, library: Library | None = None) -> SuitePlan:
    """Load the case library, select cases and probes, and generate the variants.

    Args:
        selection: Case folders, case filters, probes and seed (default: every shipped case and every probe,
            seed 0). Probes ``all``: every probe; ``none``: no probes (base variants only: plain accuracy
            against the labels).
        library: An already loaded library (skips loading; ``selection.case_dirs`` and
            ``selection.builtin_cases`` are then not read).

    Raises:
        ConfigError: A case id of the selection is not in the library.
    """
    chosen = selection if selection is not None else Selection()
    lib = (
        library
        if library is not None
        else load_library(list(chosen.case_dirs), include_builtin=chosen.builtin_cases)
    )
    selected = tuple(
        lib.select(
            ids=chosen.case_ids,
            tags=chosen.tags,
            kinds=chosen.kinds,
            tricks=chosen.tricks,
            modes=chosen.modes,
        )
    )
    unknown = sorted(set(chosen.case_ids) - {c.id for c in selected})
    if unknown:
        raise ConfigError(f"unknown case id(s): {', '.join(unknown)}; see 'judgeprobe cases list'")
    probes, seed = chosen.probes, chosen.seed
    probed: tuple[ProbeInfo, ...] = () if probes == "none" else tuple(select_probes(probes))
    variants = generate_suite(selected, probes=probed, seed=seed) if probed else _base_only(selected, seed)
    return SuitePlan(
        cases=tuple(selected),
        probes=probed,
        variants=tuple(variants),
        reference_doubt={c.id: c.reference_doubt for c in selected},
        seed=seed,
        selection=chosen,
    )


def _base_only(cases: Sequence[AnyCase], seed: int) -> list[Variant]:
    from judgeprobe.probes.units import base_variants

    return [v for case in cases for v in base_variants(case, seed=seed)]
