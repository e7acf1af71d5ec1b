"""Text probes: an invariant rewrite of one response's text, its paired control and a better-side sibling.

:func:`text_probe` registers, from one text transform,

* the invariant ``<name>``: the transform applied to the target response (the only one in grade and score
  mode, the worse one of a pair — see :func:`judgeprobe.probes.families.common.target_index`);
* its paired control ``<name>_control``: the same transform applied to the meaning-broken twin
  (:func:`judgeprobe.probes.families.common.broken`), so the pair differs only in the answer;
* on request, the pairwise invariant ``<name>_better``: the transform applied to the better response
  instead (adding padding or a fake citation to the better answer must not change the preference either).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from judgeprobe.cases.models import Mode
from judgeprobe.probes.base import ALL_MODES, Params, ProbeContext, register_probe
from judgeprobe.probes.families.common import better_index, register_paired_control, target_index
from judgeprobe.probes.variant import ParamValue, Relation, Slot, Variant

__all__ = ["Transform", "text_probe"]

Transform = Callable[[str, Variant, ProbeContext, Params], str | None]
"""A response-text rewrite: ``(text, variant, ctx, params) -> new text`` (``None``: does not apply)."""


def text_probe(
    name: str,
    *,
    family: str,
    description: str,
    params: Mapping[str, Sequence[ParamValue]] | None = None,
    control_params: Mapping[str, Sequence[ParamValue]] | None = None,
    better_params: Mapping[str, Sequence[ParamValue]] | None = None,
    modes: frozenset[Mode] = ALL_MODES,
    control_modes: frozenset[Mode] | None = None,
    dose: str | None = None,
    applies: Callable[[Variant], bool] | None = None,
) -> Callable[[Transform], Transform]:
    """Register an invariant probe that rewrites the target response's text, and its paired control.

    Args:
        name: Probe name; the control is registered as ``<name>_control``, the better-side sibling as
            ``<name>_better``.
        family: Bias family.
        description: One line; the control's says it breaks the answer first.
        params: Grid of the invariant probe.
        control_params: Grid of the control (usually one representative point); ``None``: no control.
        better_params: Grid of a pairwise invariant sibling that rewrites the better response instead of
            the worse one (the preference must stay); ``None``: no sibling.
        modes: Modes the probes apply to.
        control_modes: Modes the control applies to (default: ``modes``).
        dose: Name of the parameter that is the dose (makes the probes graded).
        applies: Which variants the probes apply to (checked on the unbroken variant).
    """

    def decorate(transform: Transform) -> Transform:
        def rewrite(variant: Variant, ctx: ProbeContext, params: Params, index: int) -> list[Variant]:
            slot = variant.slots[index]
            new_text = transform(slot.text, variant, ctx, params)
            if new_text is None or new_text == slot.text:
                return []
            slots = tuple(
                Slot(s.response_id, new_text) if i == index else s for i, s in enumerate(variant.slots)
            )
            amount = params.get(dose) if dose else None
            return [
                ctx.derive(
                    variant, slots=slots, dose=float(amount) if isinstance(amount, int | float) else None
                )
            ]

        def invariant(variant: Variant, ctx: ProbeContext, params: Params) -> list[Variant]:
            return rewrite(variant, ctx, params, target_index(variant))

        def checked(variant: Variant, ctx: ProbeContext, params: Params) -> list[Variant]:
            if applies is not None and not applies(variant):
                return []
            return invariant(variant, ctx, params)

        register_probe(
            name,
            family=family,
            relation=Relation.INVARIANT,
            description=description,
            params=params,
            modes=modes,
            dose_param=dose,
        )(checked)
        if control_params is not None:
            register_paired_control(
                f"{name}_control",
                invariant=invariant,
                family=family,
                params=control_params,
                modes=modes if control_modes is None else control_modes,
                dose_param=dose,
                applies=applies,
                description=f"Control: break the answer, then {description[0].lower()}{description[1:]}",
            )
        if better_params is not None:

            def better(variant: Variant, ctx: ProbeContext, params: Params) -> list[Variant]:
                index = better_index(variant)
                if index is None or (applies is not None and not applies(variant)):
                    return []
                return rewrite(variant, ctx, params, index)

            register_probe(
                f"{name}_better",
                family=family,
                relation=Relation.INVARIANT,
                description=f"{description.rstrip('.')}, in the better response of a pair",
                params=better_params,
                modes=frozenset({Mode.PAIRWISE}),
                dose_param=dose,
            )(better)
        return transform

    return decorate
