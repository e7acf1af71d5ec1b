"""Lossless JSON form of a :class:`~judgeprobe.probes.variant.Variant`, as the run store keeps it."""

from __future__ import annotations

import functools
import json
from typing import Any

from judgeprobe.cases.answers.rules import ReferenceRules
from judgeprobe.cases.models import Author, Mode, Policy
from judgeprobe.probes.variant import Relation, Slot, Step, Variant

__all__ = ["variant_from_json", "variant_to_json"]


def variant_to_json(variant: Variant) -> str:
    """Serialise a variant losslessly (:func:`variant_from_json` rebuilds it with the same id)."""
    data: dict[str, Any] = {
        "id": variant.id,
        "case_id": variant.case_id,
        "unit_id": variant.unit_id,
        "mode": str(variant.mode),
        "question": variant.question,
        "reference": variant.reference,
        "answer_kind": variant.answer_kind,
        "choices": variant.choices,
        "slots": [_slot(s) for s in variant.slots],
        "chain": [[s.probe, s.params] for s in variant.chain],
        "seed": variant.seed,
        "relation": str(variant.relation),
        "label": variant.label,
        "family": variant.family,
        "presentation": variant.presentation,
        "dose": variant.dose,
        "final_answer": variant.final_answer,
    }
    if variant.rules is not None:
        data["rules"] = variant.rules.to_json()
    if variant.policy is not Policy.SEMANTIC:
        data["policy"] = str(variant.policy)  # written only when not the default, like the variant's hash
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _slot(slot: Slot) -> list[Any]:
    """``[id, text]``, with the author's ``{model, family}`` third where known."""
    if slot.author is None:
        return [slot.response_id, slot.text]
    return [slot.response_id, slot.text, slot.author.model_dump()]


def _read_slot(item: list[Any]) -> Slot:
    raw = item[2] if len(item) > 2 else None
    if raw is None:
        author = None
    elif isinstance(raw, dict) and raw.keys() == {"model", "family"} and all(map(_is_str, raw.values())):
        author = _author(raw["model"], raw["family"])  # a run names a few authors thousands of times
    else:
        author = Author.model_validate(raw)
    return Slot(item[0], item[1], author)


def _is_str(value: object) -> bool:
    return type(value) is str


@functools.lru_cache(maxsize=4096)
def _author(model: str, family: str) -> Author:
    """One validated (frozen) author per name pair."""
    return Author.model_validate({"model": model, "family": family})


def _pairs(items: Any) -> tuple[tuple[Any, Any], ...]:
    return tuple((a, b) for a, b in items)


def variant_from_json(text: str) -> Variant:
    """Inverse of :func:`variant_to_json`."""
    data = json.loads(text)
    return Variant(
        case_id=data["case_id"],
        unit_id=data["unit_id"],
        mode=Mode(data["mode"]),
        question=data["question"],
        reference=data["reference"],
        answer_kind=data["answer_kind"],
        choices=_pairs(data["choices"]) if data["choices"] is not None else None,
        slots=tuple(_read_slot(item) for item in data["slots"]),
        chain=tuple(Step(probe, _pairs(params)) for probe, params in data["chain"]),
        seed=data["seed"],
        relation=Relation(data["relation"]),
        label=data["label"],
        family=data["family"],
        presentation=_pairs(data["presentation"]),
        dose=data["dose"],
        final_answer=data["final_answer"],
        rules=ReferenceRules.from_json(data.get("rules")),
        policy=Policy(data.get("policy", Policy.SEMANTIC)),
        id=data["id"],
    )
