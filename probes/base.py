"""The probe contract and registry.

A probe is a deterministic function of (variant, case, parameters, seed) that returns new variants. It is
registered by name with :func:`register_probe`, which records its family, its relation (invariant or
control), the grid of parameter values the default suite uses, the modes it applies to and whether its
parameter is a dose::

    @register_probe("length.pad", family="length", relation=Relation.INVARIANT,
                    description="Append content-free padding", params={"words": (100, 400, 1600)},
                    graded=True)
    def pad(variant: Variant, ctx: ProbeContext, params: Params) -> list[Variant]:
        ...
        return [ctx.derive(variant, slots=new_slots, dose=words)]

A probe function receives the unit's current variant, a :class:`ProbeContext` (the case, a local
``random.Random`` seeded from ``(seed, step name, variant id)`` — never the module RNG — and the step to
append) and its parameters. Probes that do not apply return ``[]``; they never raise for such inputs.
:meth:`ProbeContext.derive` appends the step and sets relation, family, label and dose consistently.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import importlib
import itertools
import random
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from importlib.metadata import entry_points
from types import MappingProxyType
from typing import Protocol, TypeAlias

from judgeprobe.cases.models import AnyCase, Mode
from judgeprobe.probes.derived import DERIVED_SHARE
from judgeprobe.probes.errors import UnknownProbe
from judgeprobe.probes.variant import ParamValue, Relation, Slot, Step, Variant

__all__ = [
    "ENTRY_POINT_GROUP",
    "FAMILY_ORDER",
    "KEEP",
    "AnyCase",
    "ParamValue",
    "Params",
    "ProbeContext",
    "ProbeFn",
    "ProbeInfo",
    "apply_step",
    "check_params",
    "get_probe",
    "grid_points",
    "list_families",
    "list_probes",
    "register_probe",
    "unknown_message",
]

Params: TypeAlias = Mapping[str, ParamValue]
"""A probe's parameters for one application."""

ALL_MODES: frozenset[Mode] = frozenset(Mode)
"""Every judging mode."""

_FAMILY_MODULES = "judgeprobe.probes.families"
"""Package whose import registers the shipped probes."""
FAMILY_ORDER: tuple[str, ...] = (
    "position",
    "length",
    "verbosity",
    "formatting",
    "reference_form",
    "authority",
    "bandwagon",
    "identity",
    "distraction",
    "specificity",
    "sentiment",
    "master_key",
    "injection",
)
"""Display and suite order of the shipped families; other families follow in registration order."""


@dataclass(frozen=True)
class ProbeInfo:
    """What the registry knows about one probe."""

    name: str
    """Registered name, ``family.what`` (e.g. ``length.pad``)."""
    family: str
    """Bias family the probe belongs to (``position``, ``length``, …)."""
    relation: Relation
    """``invariant`` (meaning kept, label stays) or ``control`` (meaning broken, label changes)."""
    params: Mapping[str, tuple[ParamValue, ...]]
    """Grid of parameter values the default suite uses; the first value of each is the smallest, and
    Hypothesis strategies shrink toward it."""
    description: str
    """One line for ``judgeprobe probes list``."""
    modes: frozenset[Mode]
    """Judging modes the probe applies to."""
    graded: bool = False
    """Whether the probe's parameter is a dose (its variants carry ``dose`` for dose-response curves)."""
    dose_param: str | None = None
    """Name of the parameter that is the dose (graded probes); the default suite sweeps it on every unit."""
    share: float = 1.0
    """Share of grade units the default suite applies the probe to (a stable hash picks them); paired
    controls use a third, which is plenty to measure a miss rate and keeps the suite small. Pairwise and
    score units, a few dozen per library, always get the probe."""
    derived_share: float = DERIVED_SHARE
    """Share of the units derived from grade cases (``judgeprobe.probes.derived``; hundreds per mode) the
    default suite applies the probe to, on top of ``share``; ``position.swap`` takes every one of them, so
    every derived pair is judged in both orders."""


class _Keep(Enum):
    KEEP = "keep"


KEEP = _Keep.KEEP
"""Sentinel for :meth:`ProbeContext.derive`: keep the variant's current value."""


class ProbeContext:
    """What a probe function gets besides the variant: the case, a local RNG, and the step to append."""

    __slots__ = ("_rng", "_rng_key", "case", "info", "seed", "step")

    def __init__(self, *, case: AnyCase, info: ProbeInfo, step: Step, rng_key: str, seed: int) -> None:
        self.case = case
        """The case the unit belongs to (its equivalents, non-equivalents and choices)."""
        self.info = info
        """The probe being applied."""
        self.step = step
        """The step this application appends to the chain."""
        self.seed = seed
        """The suite seed."""
        self._rng_key = rng_key
        self._rng: random.Random | None = None

    @property
    def rng(self) -> random.Random:
        """Local RNG seeded from ``(seed, step name, variant id)`` (created on first use); the module RNG is
        never used."""
        if self._rng is None:
            digest = hashlib.blake2b(self._rng_key.encode(), digest_size=8).digest()
            self._rng = random.Random(int.from_bytes(digest, "big"))
        return self._rng

    def derive(
        self,
        variant: Variant,
        *,
        slots: tuple[Slot, ...] | None = None,
        reference: str | None = None,
        choices: tuple[tuple[str, str], ...] | None = None,
        label: str | None = None,
        final_answer: str | _Keep | None = KEEP,
        presentation: tuple[tuple[str, str], ...] | None = None,
        dose: float | None = None,
    ) -> Variant:
        """A new variant: ``variant`` with the given fields replaced and this step appended.

        Relation: a control step makes the variant a control (its new label is ``label``, or the label already
        set on ``variant`` by :func:`judgeprobe.probes.families.common.broken`); an invariant step keeps the
        relation of the variant it starts from (a control stays a control). Family: that of the deciding step
        (the last control step if any, else this step). The label changes only where a control gives a new
        one. ``slots``, ``reference``, ``choices``, ``label`` and ``presentation`` are kept when ``None``;
        ``final_answer`` is kept unless given (it may be set to ``None``: not known).
        """
        if self.info.relation is Relation.CONTROL:
            relation, family = Relation.CONTROL, self.info.family
        elif variant.relation is Relation.CONTROL:
            relation, family = Relation.CONTROL, variant.family
        else:
            relation, family = Relation.INVARIANT, self.info.family
        return Variant(
            case_id=variant.case_id,
            unit_id=variant.unit_id,
            mode=variant.mode,
            question=variant.question,
            reference=variant.reference if reference is None else reference,
            answer_kind=variant.answer_kind,
            choices=variant.choices if choices is None else choices,
            slots=variant.slots if slots is None else slots,
            chain=(*variant.chain, self.step),
            seed=variant.seed,
            relation=relation,
            label=variant.label if label is None else label,
            family=family,
            presentation=variant.presentation if presentation is None else presentation,
            dose=dose if self.info.graded else variant.dose,
            final_answer=variant.final_answer if isinstance(final_answer, _Keep) else final_answer,
            rules=variant.rules,
        )


class ProbeFn(Protocol):
    """A probe function: ``(variant, context, params) -> new variants`` (empty when it does not apply)."""

    def __call__(self, variant: Variant, ctx: ProbeContext, params: Params, /) -> list[Variant]: ...


@dataclass(frozen=True)
class _Entry:
    info: ProbeInfo
    fn: ProbeFn


_REGISTRY: dict[str, _Entry] = {}
_loaded = False


def register_probe(
    name: str,
    *,
    family: str,
    relation: Relation,
    description: str,
    params: Mapping[str, Sequence[ParamValue]] | None = None,
    modes: frozenset[Mode] = ALL_MODES,
    graded: bool = False,
    dose_param: str | None = None,
    share: float = 1.0,
    derived_share: float | None = None,
) -> Callable[[ProbeFn], ProbeFn]:
    """Decorator registering a probe function under ``name``.

    Args:
        name: Unique probe name, conventionally ``family.what``; no spaces, ``(`` or ``>``.
        family: Bias family.
        relation: :attr:`Relation.INVARIANT` or :attr:`Relation.CONTROL`.
        description: One line for ``judgeprobe probes list``.
        params: Parameter grid of the default suite, smallest value first.
        modes: Judging modes the probe applies to.
        graded: Whether the parameter is a dose (implied by ``dose_param``).
        dose_param: The parameter that is the dose; it must be in ``params``.
        share: Share of grade units the default suite applies the probe to (0 < share <= 1); pairwise
            and score units always get it.
        derived_share: Share of units derived from grade cases the default suite applies the probe to,
            on top of ``share`` (default :data:`judgeprobe.probes.derived.DERIVED_SHARE`).
    """
    if relation is Relation.BASE:
        raise ValueError(f"probe {name!r}: relation must be invariant or control, not base")
    if not name or any(ch in name for ch in " ()>,=") or name == "base":
        raise ValueError(f"probe name {name!r} must be non-empty without spaces, '(', ')', '>', ',' or '='")
    grid = MappingProxyType({key: tuple(values) for key, values in (params or {}).items()})
    for key, values in grid.items():
        if not values:
            raise ValueError(f"probe {name!r}: parameter {key!r} has an empty grid")
    if not 0 < share <= 1:
        raise ValueError(f"probe {name!r}: share must be in (0, 1], got {share!r}")
    derived = DERIVED_SHARE if derived_share is None else derived_share
    if not 0 < derived <= 1:
        raise ValueError(f"probe {name!r}: derived_share must be in (0, 1], got {derived_share!r}")
    if dose_param is not None and dose_param not in grid:
        raise ValueError(
            f"probe {name!r}: dose parameter {dose_param!r} is not among its parameters {sorted(grid)}"
        )
    info = ProbeInfo(
        name=name,
        family=family,
        relation=relation,
        params=grid,
        description=description,
        modes=modes,
        graded=graded or dose_param is not None,
        dose_param=dose_param,
        share=share,
        derived_share=derived,
    )

    def decorate(fn: ProbeFn) -> ProbeFn:
        if name in _REGISTRY and _REGISTRY[name].fn is not fn:
            raise ValueError(f"probe {name!r} is registered twice")
        _REGISTRY[name] = _Entry(info, fn)
        return fn

    return decorate


ENTRY_POINT_GROUP = "judgeprobe.probes"
"""Entry-point group of third-party probe modules: importing one registers its probes."""


def _ensure_loaded() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        importlib.import_module(_FAMILY_MODULES)
        for entry in entry_points(group=ENTRY_POINT_GROUP):
            try:
                entry.load()
            except Exception as exc:  # a broken plugin is named, and does not hide the shipped probes
                message = f"probe plugin {entry.name!r} ({entry.value}) failed to load: {exc}"
                warnings.warn(message, stacklevel=2)


def list_probes() -> list[ProbeInfo]:
    """Every registered probe: families in :data:`FAMILY_ORDER` (others after), then registration order."""
    _ensure_loaded()
    rank = {family: i for i, family in enumerate(FAMILY_ORDER)}
    infos = [entry.info for entry in _REGISTRY.values()]
    return sorted(infos, key=lambda info: rank.get(info.family, len(rank)))


def list_families() -> list[str]:
    """Family names in registration order."""
    return list(dict.fromkeys(info.family for info in list_probes()))


def get_probe(name: str) -> ProbeInfo:
    """The registered probe ``name``; :class:`~judgeprobe.probes.errors.UnknownProbe` with a suggestion
    otherwise."""
    _ensure_loaded()
    entry = _REGISTRY.get(name)
    if entry is None:
        raise UnknownProbe(unknown_message(name, "probe"))
    return entry.info


def unknown_message(name: str, what: str) -> str:
    """Message for an unknown probe or family: the closest name and the known families."""
    names = list(_REGISTRY)
    families = list_families()
    close = difflib.get_close_matches(name, [*families, *names], n=1, cutoff=0.5)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return (
        f"unknown {what} {name!r}{hint} Known families: {', '.join(families)} "
        "(run 'judgeprobe probes list' for probe names)"
    )


def grid_points(info: ProbeInfo) -> list[dict[str, ParamValue]]:
    """Every combination of the probe's parameter grid (one empty mapping when it has no parameters)."""
    keys = sorted(info.params)
    return [
        dict(zip(keys, combo, strict=True)) for combo in itertools.product(*(info.params[k] for k in keys))
    ]


def check_params(info: ProbeInfo, params: Params) -> None:
    """Raise :class:`~judgeprobe.probes.errors.ProbeError` unless ``params`` names exactly the probe's
    parameters."""
    from judgeprobe.probes.errors import ProbeError

    missing = sorted(set(info.params) - set(params))
    extra = sorted(set(params) - set(info.params))
    if missing or extra:
        expected = (
            ", ".join(f"{k} (e.g. {info.params[k][0]!r})" for k in sorted(info.params)) or "no parameters"
        )
        raise ProbeError(
            f"probe {info.name!r} got parameters {sorted(params)}; expected {expected}"
            + (f"; missing {missing}" if missing else "")
            + (f"; unknown {extra}" if extra else "")
        )


@functools.lru_cache(maxsize=8192)
def _prepared(step: Step) -> tuple[ProbeInfo, ProbeFn, Params, str]:
    """Registry lookups and parameter mapping of a step, done once per distinct step."""
    info = get_probe(step.probe)
    return info, _REGISTRY[step.probe].fn, MappingProxyType(dict(step.params)), step.name


def apply_step(case: AnyCase, variant: Variant, step: Step, *, seed: int = 0) -> list[Variant]:
    """Apply one step to one variant: the probe's new variants, or ``[]`` where it does not apply."""
    info, fn, params, step_name = _prepared(step)
    if variant.mode not in info.modes:
        return []
    ctx = ProbeContext(
        case=case, info=info, step=step, rng_key=f"{seed}\x00{step_name}\x00{variant.id}", seed=seed
    )
    return fn(variant, ctx, params)
