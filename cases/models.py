"""The case schema: typed models for the three modes.

A case file is YAML with a top-level ``cases:`` list; each item validates into one of
:class:`GradeCase`, :class:`PairwiseCase` or :class:`ScoreCase`, chosen by its ``mode`` field.
Models are frozen: a loaded case is a value.
"""

from __future__ import annotations

import datetime
import re
from enum import StrEnum
from typing import Annotated, Literal, TypeAlias

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from judgeprobe.cases.answers.kinds.registry import AnswerKind, known_kinds
from judgeprobe.cases.answers.rules import ChoiceConflict, ReferenceRules
from judgeprobe.cases.answers.tolerance import TOLERANCE_JSON_SCHEMA, Tolerance

__all__ = [
    "ID_PATTERN",
    "AnswerKind",
    "AnyCase",
    "Author",
    "Case",
    "CaseBase",
    "GradeCase",
    "GradeLabel",
    "GradeResponse",
    "Mode",
    "PairwiseCase",
    "PairwiseLabel",
    "PairwiseResponse",
    "Provenance",
    "ProvenanceKind",
    "Review",
    "ScoreCase",
    "ScoreResponse",
]

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
"""Case and response ids: short kebab-case (lower-case letters, digits, single hyphens)."""

_ID_RE = re.compile(ID_PATTERN)


class Mode(StrEnum):
    """How a judge is asked about a case."""

    GRADE = "grade"
    """Reference-graded: is this response correct given the reference? (HLE style)"""
    PAIRWISE = "pairwise"
    """Which of two responses is better? (MT-Bench style)"""
    SCORE = "score"
    """Rate one response from 1 to 10."""


class ProvenanceKind(StrEnum):
    """Where a case came from, in one word (the ``kind`` of :class:`Provenance`)."""

    BENCHMARK = "benchmark"
    """An item of a published benchmark (``dataset`` names it, ``item_id`` the item)."""
    PAPER = "paper"
    """An example from a paper or an article (``dataset`` names it)."""
    HAND_WRITTEN = "hand-written"
    """Written by a maintainer for the library."""
    MINED = "mined"
    """Mined from a judge's verdicts by ``judgeprobe audit --mine`` (with ``file``, ``team``, ``judge``,
    ``date``)."""


class Review(StrEnum):
    """Whether a person has adjudicated a case's labels."""

    REVIEWED = "reviewed"
    """The labels are adjudicated (every hand-written case is)."""
    UNREVIEWED = "unreviewed"
    """The labels are provisional (a mined case); ``judgeprobe cases lint`` lists such cases until someone
    checks the labels and sets ``review: reviewed``."""


GradeLabel = Literal["correct", "incorrect"]
PairwiseLabel = Literal["better", "worse", "tie"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


class Provenance(_Frozen):
    """Structured provenance of a case, kept beside the free-text ``source``.

    Only ``kind`` is required; the other fields say what is known. A mined case (``kind: mined``) names the
    results file it came from; ``team``, ``judge`` and ``date`` say whose answer, whose verdict and when.
    """

    kind: ProvenanceKind
    """Where the case came from: ``benchmark``, ``paper``, ``hand-written`` or ``mined``."""
    dataset: str | None = None
    """The benchmark, paper or data set, such as ``HLE``."""
    item_id: str | None = None
    """The item's id in that data set (an HLE question id, a row id of a results file)."""
    file: str | None = None
    """Mined cases: the judged-results file the case was mined from (as given on the command line)."""
    team: str | None = None
    """Mined cases: the team or model whose answer was judged."""
    judge: str | None = None
    """Mined cases: the judge whose verdict is disputed (a model name or judge spec)."""
    date: datetime.date | None = None
    """Mined cases: the day the case was mined (ISO ``YYYY-MM-DD``)."""

    @model_validator(mode="after")
    def _mined_needs_file(self) -> Provenance:
        if self.kind is ProvenanceKind.MINED and not self.file:
            raise ValueError("provenance kind 'mined' needs 'file': the results file it was mined from")
        return self


def _check_id(value: str) -> str:
    if not _ID_RE.match(value):
        raise ValueError(f"expected a short kebab-case id such as 'tc0-notation', got {value!r}")
    return value


class Author(_Frozen):
    """Who wrote a response (a model), for self-preference statistics. Never shown to the judge."""

    model: str = Field(min_length=1, max_length=120)
    """The model that wrote the response, as its provider names it (``gpt-4o-2024-08-06``)."""
    family: str = Field(min_length=1, max_length=60)
    """The model family it belongs to (``gpt-4o``, ``claude``, ``llama``): a judge's own family is the one
    whose name its judge name contains."""


class _ResponseBase(_Frozen):
    id: str = Field(min_length=1, max_length=40)
    """Identity of the response within its case (kebab-case); stable across runs."""
    text: str
    """The response as a judge sees it (may be empty: an empty response is a legitimate probe target)."""
    why: str = Field(min_length=1)
    """One line saying why the label is what it is (the adjudication)."""
    author: Author | None = None
    """Who wrote it (``model`` and ``family``), where known: ``judgeprobe generate`` records it; hand-written
    responses leave it out."""

    _v_id = field_validator("id")(_check_id)


class GradeResponse(_ResponseBase):
    """A candidate answer to a reference-graded case."""

    label: GradeLabel
    """Adjudicated verdict: does this response match the reference?"""


class PairwiseResponse(_ResponseBase):
    """One of the two responses of a pairwise case."""

    label: PairwiseLabel
    """``better`` or ``worse`` than the other response, or ``tie`` (both must then be ``tie``)."""


class ScoreResponse(_ResponseBase):
    """A response to be rated 1–10."""

    label: tuple[int, int]
    """Expected score range ``[low, high]`` on the 1–10 scale, inclusive."""

    @field_validator("label")
    @classmethod
    def _range(cls, value: tuple[int, int]) -> tuple[int, int]:
        low, high = value
        if not (1 <= low <= high <= 10):
            raise ValueError(
                f"expected a score range [low, high] with 1 <= low <= high <= 10, got {list(value)}"
            )
        return value


class CaseBase(_Frozen):
    """Fields every case has, whatever its mode."""

    id: str = Field(min_length=1, max_length=60)
    """Unique, short, kebab-case id across the whole library."""
    question: str = Field(min_length=1)
    """The question as the judge sees it."""
    source: str = Field(min_length=1)
    """Provenance: ``HLE <id>``, a paper, or ``hand-written``."""
    provenance: Provenance | None = None
    """Structured provenance (optional; see :class:`Provenance`); ``source`` stays the one-line summary."""
    review: Review = Review.REVIEWED
    """``reviewed`` (default: the labels are adjudicated) or ``unreviewed`` (provisional labels, such as a
    mined case's); ``judgeprobe cases lint`` lists unreviewed cases."""
    tags: tuple[str, ...] = ()
    """Free labels for selection (``judgeprobe cases list --tag``); the first tag conventionally names the
    kind of trickiness."""
    note: str | None = None
    """Anything a maintainer should know about the case."""
    reference_doubt: bool = False
    """True where the reference itself is disputed; such cases are reported apart from judge errors."""
    doubt_reason: str | None = None
    """Why the reference is doubted; required when ``reference_doubt`` is true."""

    _v_id = field_validator("id")(_check_id)

    @model_validator(mode="after")
    def _doubt_needs_reason(self) -> CaseBase:
        if self.reference_doubt and not self.doubt_reason:
            raise ValueError(
                "reference_doubt is true but doubt_reason is missing; say why the reference is doubted"
            )
        return self


class GradeCase(CaseBase):
    """A reference-graded case: each response is judged correct or incorrect against ``reference``."""

    mode: Literal[Mode.GRADE] = Mode.GRADE
    """Always ``grade``."""
    reference: str = Field(min_length=1)
    """The reference (correct) answer, as the benchmark states it."""
    answer_kind: AnswerKind
    """What kind of answer the reference is (a registered kind, see ``judgeprobe.cases.answers.kinds``);
    picks normalisation, equivalence, alternate forms and the grading route."""
    choices: dict[str, str] | None = None
    """Multiple choice only: letter -> choice text, in display order (``{A: '1', B: '2'}``)."""
    tolerance: CaseTolerance = None
    """Kinds that take a tolerance only (``number``, ``decimal``): a relative tolerance (``0.001``), or a
    mapping with ``relative``, ``absolute`` or ``figures`` (significant figures) and the policies
    ``more_figures`` / ``fewer_figures`` (``accept`` or ``reject``); ``None``: the kind's default. Travels
    with every request to the graders."""
    aliases: tuple[str, ...] = ()
    """Other names of the reference that this case accepts, beyond the shared alias tables
    (``judgeprobe.cases.aliases``); unlike ``equivalents``, they travel with every request to the graders."""
    choice_conflict: ChoiceConflict = "incorrect"
    """Multiple choice: the verdict on an answer whose letter and choice text name different choices
    (``incorrect`` or ``undecided``)."""
    equivalents: tuple[str, ...] = ()
    """Other surface forms of the reference that the author asserts mean the same answer."""
    non_equivalents: tuple[str, ...] = ()
    """Minimal meaning-breaking neighbours of the reference (controls)."""
    responses: tuple[GradeResponse, ...] = Field(min_length=1)
    """Candidate responses with adjudicated labels."""

    @model_validator(mode="after")
    def _kind_fits(self) -> GradeCase:
        spec = self.answer_kind.spec
        if spec.choices:
            if not self.choices:
                raise ValueError(f"answer_kind {self.answer_kind} needs choices (letter -> text)")
            if self.reference.strip() not in self.choices:
                raise ValueError(
                    f"reference {self.reference!r} is not one of the choice letters {sorted(self.choices)}"
                )
        elif self.choices is not None:
            raise ValueError(
                f"choices are only allowed for {_kinds_with('choices')}, not answer_kind {self.answer_kind}"
            )
        if self.tolerance is not None and not spec.tolerance:
            raise ValueError(f"tolerance is only allowed for answer_kind {_kinds_with('tolerance')}")
        if self.choice_conflict != "incorrect" and not spec.choices:
            raise ValueError(f"choice_conflict is only allowed for answer_kind {_kinds_with('choices')}")
        _check_aliases(self.aliases, self.reference)
        _unique_response_ids(self.responses)
        return self

    @property
    def rules(self) -> ReferenceRules | None:
        """What the case states about its reference for the graders (``None`` when nothing)."""
        return ReferenceRules.of(
            tolerance=self.tolerance, aliases=self.aliases, choice_conflict=self.choice_conflict
        )


def _check_aliases(aliases: tuple[str, ...], reference: str) -> None:
    seen: set[str] = set()
    for alias in aliases:
        text = alias.strip()
        if not text:
            raise ValueError("aliases must not be empty strings")
        if len(text) > 200:
            raise ValueError(f"alias {text[:40]!r}… is over 200 characters")
        if text == reference.strip():
            raise ValueError(f"alias {text!r} is the reference itself")
        if text in seen:
            raise ValueError(f"alias {text!r} is listed twice")
        seen.add(text)
    if len(aliases) > 30:
        raise ValueError(f"at most 30 aliases, got {len(aliases)}")


def _scalar(value: object, kind: type[int] | type[float]) -> object:
    """Case files give scalars as text (the YAML reader keeps every line); numbers are read here."""
    if isinstance(value, str):
        try:
            return kind(value.strip())
        except ValueError:
            return value
    return value


def _tolerance(value: object) -> Tolerance | None:
    if isinstance(value, dict):
        value = {key: _scalar(item, int if key == "figures" else float) if key in ("relative", "absolute",
                 "figures") else item for key, item in value.items()}  # fmt: skip
    else:
        value = _scalar(value, float)
    try:
        return Tolerance.of(value)
    except TypeError as exc:
        raise ValueError(str(exc)) from None


CaseTolerance = Annotated[
    Tolerance | None,
    BeforeValidator(_tolerance),
    PlainSerializer(lambda t: None if t is None else t.case_value(), return_type=object),
    WithJsonSchema(TOLERANCE_JSON_SCHEMA),
]  # fmt: skip
"""A case's tolerance: a number (relative) or a mapping, read into a
:class:`~judgeprobe.cases.answers.tolerance.Tolerance`."""


def _kinds_with(slot: str) -> str:
    """The kinds whose row sets ``slot`` (``number``; ``multiple_choice``), for error messages."""
    return " or ".join(str(kind) for kind in known_kinds() if getattr(kind.spec, slot))


class PairwiseCase(CaseBase):
    """Two responses to one question; the judge says which is better (or tie)."""

    mode: Literal[Mode.PAIRWISE] = Mode.PAIRWISE
    """Always ``pairwise``."""
    reference: str | None = None
    """Optional reference answer for reference-guided pairwise judging."""
    responses: tuple[PairwiseResponse, PairwiseResponse]
    """Exactly two responses: one ``better`` and one ``worse``, or both ``tie``."""

    @model_validator(mode="after")
    def _labels_fit(self) -> PairwiseCase:
        labels = sorted(r.label for r in self.responses)
        if labels not in (["better", "worse"], ["tie", "tie"]):
            raise ValueError(
                f"pairwise labels must be one 'better' and one 'worse', or both 'tie'; got {labels}"
            )
        _unique_response_ids(self.responses)
        return self

    @property
    def preferred(self) -> str:
        """Id of the better response, or ``tie``."""
        for response in self.responses:
            if response.label == "better":
                return response.id
        return "tie"


class ScoreCase(CaseBase):
    """Responses rated on a 1–10 scale; each carries the range a fair judge should give."""

    mode: Literal[Mode.SCORE] = Mode.SCORE
    """Always ``score``."""
    reference: str | None = None
    """Optional reference answer shown to the judge."""
    responses: tuple[ScoreResponse, ...] = Field(min_length=1)
    """Responses with expected score ranges."""

    @model_validator(mode="after")
    def _ids(self) -> ScoreCase:
        _unique_response_ids(self.responses)
        return self


def _unique_response_ids(responses: tuple[_ResponseBase, ...]) -> None:
    seen: set[str] = set()
    for response in responses:
        if response.id in seen:
            raise ValueError(f"response id {response.id!r} appears twice in this case")
        seen.add(response.id)


AnyCase: TypeAlias = GradeCase | PairwiseCase | ScoreCase
"""A validated case of any mode."""

Case = Annotated[AnyCase, Field(discriminator="mode")]
"""Any case; pydantic picks the model from ``mode``."""
