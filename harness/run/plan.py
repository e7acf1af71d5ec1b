"""Planning a run: load and select the cases, choose the probes, generate the variants. No judge is called."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from judgeprobe.cases.loader import Library, load_library
from judgeprobe.cases.models import AnyCase
from judgeprobe.harness.core.errors import ConfigError
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

    def family_counts(self) -> dict[str, int]:
        """Number of variants per family (``base`` for the unperturbed ones)."""
        counts: dict[str, int] = {}
        for variant in self.variants:
            counts[variant.family] = counts.get(variant.family, 0) + 1
        return dict(sorted(counts.items()))


def plan_suite(
    *,
    case_dirs: Sequence[Path] = (),
    include_builtin_cases: bool = True,
    case_ids: Sequence[str] = (),
    tags: Sequence[str] = (),
    kinds: Sequence[str] = (),
    modes: Sequence[str] = (),
    probes: str | None = None,
    seed: int = 0,
    library: Library | None = None,
) -> SuitePlan:
    """Load the case library, select cases and probes, and generate the variants.

    Args:
        case_dirs: User case folders read besides (or instead of) the shipped library.
        include_builtin_cases: Read the shipped library.
        case_ids: Keep only these case ids (empty: all).
        tags: Keep cases having any of these tags (empty: all).
        kinds: Keep grade cases of these answer kinds (empty: all).
        modes: Keep cases of these modes (empty: all).
        probes: Probe selector (family or probe names, comma-separated); ``None`` or ``all``: every probe;
            ``none``: no probes (base variants only: plain accuracy against the labels).
        seed: Seed of the probes' random draws.
        library: An already loaded library (skips loading).
    """
    lib = (
        library
        if library is not None
        else load_library(list(case_dirs), include_builtin=include_builtin_cases)
    )
    selected = tuple(lib.select(ids=case_ids, tags=tags, kinds=kinds, modes=modes))
    unknown = sorted(set(case_ids) - {c.id for c in selected})
    if unknown:
        raise ConfigError(f"unknown case id(s): {', '.join(unknown)}; see 'judgeprobe cases list'")
    chosen: tuple[ProbeInfo, ...] = () if (probes or "").strip() == "none" else tuple(select_probes(probes))
    variants = generate_suite(selected, probes=chosen, seed=seed) if chosen else _base_only(selected, seed)
    return SuitePlan(
        cases=tuple(selected),
        probes=chosen,
        variants=tuple(variants),
        reference_doubt={c.id: c.reference_doubt for c in selected},
        seed=seed,
    )


def _base_only(cases: Sequence[AnyCase], seed: int) -> list[Variant]:
    from judgeprobe.probes.units import base_variants

    return [v for case in cases for v in base_variants(case, seed=seed)]
