"""Variants: a case response after a chain of probe steps.

A :class:`Variant` is what a judge is asked about. It carries everything a judge request needs (question,
reference, choices, responses in presentation order, presentation attributes) and everything the statistics
need (case, unit, chain, relation, label). Its ``id`` is a stable hash of its content and chain, so results,
caches and baselines line up across runs and machines.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from judgeprobe.cases.answers.rules import ReferenceRules
from judgeprobe.cases.models import AnswerKind, Author, Mode

__all__ = ["Relation", "Slot", "Step", "Variant", "chain_name", "params_key"]

ParamValue = str | int | float | bool | None


class Relation(StrEnum):
    """What a variant's verdict must do relative to the unperturbed one."""

    BASE = "base"
    """The unperturbed response itself (no probe steps); its draws give the base verdict and the placebo."""
    INVARIANT = "invariant"
    """Meaning preserved: the label stays, a changed verdict is a flip."""
    CONTROL = "control"
    """Meaning broken on purpose: the label changes, an unchanged verdict is a miss."""


@dataclass(frozen=True, slots=True)
class Step:
    """One probe application: the probe's registered name and its parameters."""

    probe: str
    """Registered probe name, e.g. ``formatting.boxed``."""
    params: tuple[tuple[str, ParamValue], ...] = ()
    """Parameters as sorted ``(name, value)`` pairs (hashable, canonical)."""

    @classmethod
    def of(cls, probe: str, **params: ParamValue) -> Step:
        """Build a step with canonical (sorted) parameters."""
        return cls(probe, params_key(params))

    @property
    def name(self) -> str:
        """Readable form: ``probe`` or ``probe(k=v,…)``; parsed back by ``probes.chain.parse_chain``."""
        if not self.params:
            return self.probe
        inner = ",".join(f"{k}={json.dumps(v)}" for k, v in self.params)
        return f"{self.probe}({inner})"


def params_key(params: Mapping[str, ParamValue]) -> tuple[tuple[str, ParamValue], ...]:
    """Canonical, hashable form of a parameter mapping."""
    return tuple(sorted(params.items()))


def chain_name(chain: tuple[Step, ...]) -> str:
    """Readable name of a chain: step names joined by `` > `` (``base`` for the empty chain)."""
    return " > ".join(step.name for step in chain) if chain else "base"


@dataclass(frozen=True, slots=True)
class Slot:
    """One response as presented to the judge."""

    response_id: str
    """Identity of the response (the case's response id); pairwise verdicts are mapped back to it."""
    text: str
    """Text shown to the judge."""
    author: Author | None = None
    """Who wrote the response, where the case says (for self-preference statistics). Never sent to the
    judge and not part of the variant id; probes that rewrite a text do not carry it over."""


@dataclass(frozen=True, slots=True)
class Variant:
    """A perturbed (or base) request with the relation it must satisfy and the label it carries."""

    case_id: str
    """The case this variant came from."""
    unit_id: str
    """The statistical unit within the case: the response id for grade/score, ``pair`` for pairwise."""
    mode: Mode
    """Judging mode of the case."""
    question: str
    """Question text as shown to the judge."""
    reference: str | None
    """Reference answer as shown to the judge (``None`` where the mode has none)."""
    answer_kind: AnswerKind | None
    """Answer kind of the case (grade mode), for reference graders; a kind's name is accepted and checked
    against the answer-kind table on construction."""
    choices: tuple[tuple[str, str], ...] | None
    """Multiple-choice options in display order, ``(letter, text)``."""
    slots: tuple[Slot, ...]
    """Responses in presentation order (one for grade/score, two for pairwise)."""
    chain: tuple[Step, ...]
    """Probe steps applied, in order (empty for the base variant)."""
    seed: int
    """Seed the probes drew from."""
    relation: Relation
    """What the verdict must do relative to the base verdict."""
    label: str
    """Label the variant now carries: grade ``correct``/``incorrect``; pairwise the preferred response id or
    ``tie``; score ``low-high`` (made and read by :class:`~judgeprobe.probes.labels.ScoreLabel`)."""
    family: str = "base"
    """Family of the last (deciding) probe step, ``base`` for the unperturbed variant."""
    presentation: tuple[tuple[str, str], ...] = ()
    """Presentation attributes templates honour, e.g. ``(("field_order", "reference_first"),)``."""
    dose: float | None = None
    """Graded probes: the dose (padding words, repetitions), for dose-response curves."""
    final_answer: str | None = None
    """The final answer the variant's response states, where the probe knows it (for extraction checks)."""
    rules: ReferenceRules | None = None
    """What the case states about its reference (tolerance, aliases, multiple-choice conflicts) for the
    graders; ``None`` when it states nothing (empty rules are stored as ``None``)."""
    id: str = field(default="", compare=False)
    """Stable content hash (16 hex digits) of everything above except ``id``; filled in on construction."""

    def __post_init__(self) -> None:
        if self.answer_kind is not None and not isinstance(self.answer_kind, AnswerKind):
            object.__setattr__(self, "answer_kind", AnswerKind(self.answer_kind))
        if self.rules is not None and self.rules.empty:
            object.__setattr__(self, "rules", None)
        if not self.id:
            object.__setattr__(self, "id", self.content_hash())

    def content_hash(self) -> str:
        """Hash of the variant's content and chain, independent of process, machine and dict order.

        Each field is fed to SHA-256 as a length-prefixed UTF-8 string (``None`` and ``""`` differ), with
        structured fields in their ``repr`` (tuples of str/int/float/bool/None, whose ``repr`` is the same
        on every CPython). Cheaper than canonical JSON: texts are not escaped.
        """
        digest = hashlib.sha256()
        parts: list[str | None] = [
            self.case_id,
            self.unit_id,
            str(self.mode),
            self.question,
            self.reference,
            self.answer_kind,
            repr(self.choices),
            str(len(self.slots)),
        ]
        for slot in self.slots:
            parts.append(slot.response_id)
            parts.append(slot.text)
        parts.extend(
            (
                repr([(step.probe, step.params) for step in self.chain]),
                str(self.seed),
                str(self.relation),
                self.label,
                repr(self.presentation),
            )
        )
        if self.rules is not None:  # only when set, so variants of cases without rules keep their ids
            parts.append(self.rules.key())
        for part in parts:
            data = b"\x00" if part is None else b"\x01" + part.encode()
            digest.update(len(data).to_bytes(8, "big"))
            digest.update(data)
        return digest.hexdigest()[:16]

    @property
    def chain_name(self) -> str:
        """Readable name of the chain."""
        return chain_name(self.chain)

    @property
    def probe(self) -> str:
        """Name of the last probe step (``base`` for the unperturbed variant)."""
        return self.chain[-1].probe if self.chain else "base"

    def presentation_value(self, key: str, default: str) -> str:
        """Look up one presentation attribute."""
        return dict(self.presentation).get(key, default)
