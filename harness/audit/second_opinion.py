"""The second opinion: the project's own safe grader, re-grading every judged answer against its reference.

This module is the audit's **only** route to a grader. :func:`grade` is one small adapter over the built-in
reference judge (``builtin:reference``; ``builtin:exact`` under the strict policy), so the audit adds no
grader of its own and follows every improvement of the shared one. It also infers the answer kind from the
reference (:func:`infer_kind`) and reads multiple-choice options out of a question (:func:`parse_choices`).

:class:`SecondOpinion` grades each distinct ``(reference, answer, kind, choices, policy)`` once.
"""

from __future__ import annotations

import multiprocessing
import os
import re
from collections.abc import Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from judgeprobe.cases.answers import Decision, Judgement, parse_answer
from judgeprobe.cases.answers import grade as grade_answer
from judgeprobe.cases.answers.complexity import canonical_class
from judgeprobe.cases.answers.groups import canonical_group
from judgeprobe.cases.answers.kinds import Route
from judgeprobe.cases.models import AnswerKind

__all__ = [
    "PARALLEL_MIN",
    "POLICIES",
    "Choices",
    "Key",
    "Opinion",
    "Pending",
    "Policy",
    "SecondOpinion",
    "grade",
    "grader_name",
    "infer_kind",
    "parse_choices",
]

Policy = Literal["semantic", "strict"]
"""``semantic``: an equivalent form is right (``Z^5`` for ``Z+Z+Z+Z+Z``); ``strict``: the reference's own
notation must be kept (normalised string match under the answer kind)."""
POLICIES: tuple[Policy, ...] = ("semantic", "strict")
Choices = tuple[tuple[str, str], ...]
"""Multiple-choice options as ``(letter, text)`` pairs."""

_ROUTES: dict[Policy, Route | None] = {"semantic": None, "strict": Route.EXACT}
"""The grading route of each policy (``None``: the answer kind's own route)."""
_GRADER_NAMES: dict[Policy, str] = {"semantic": "builtin:reference", "strict": "builtin:exact"}
_CHOICES_HEAD = re.compile(r"answer\s+choices?\s*:?", re.IGNORECASE)
_CHOICE_LINE = re.compile(r"^\s*\(?([A-Z])[.):]\s*(.+?)\s*$")
_INLINE_CHOICE = re.compile(r"(?:^|\s)\(?([A-Z])[.)]\s+")
_LETTER = re.compile(r"^\s*\(?([A-Za-z])\)?\s*[.:)]?\s*$")
_BOOLEAN = {"yes", "no", "true", "false"}
_CLASS_NAMES = re.compile(
    r"^(?:CO)?(?:AC|TC|NC|SC|ACC|P|NP|PP|BPP|BQP|ZPP|RP|PH|PSPACE|EXP|NEXP|EXPSPACE|L|NL|SL|MA|AM|IP|QMA|"
    r"MIP|APX|FPT|XP|W|PPAD|PLS|#P|SIGMA\d+P|PI\d+P|DELTA\d+P|SHARPP|UP|FP|NC|RE|R)(?:\d+|I)?$"
)
_SINGLE_LETTER_CLASSES = {"P", "L", "R", "W"}
_GROUP_CHARS = re.compile(r"^[\sZℤCS_{}\d^⊕×+\\,()xXmathbboplustime]+$")


def grader_name(policy: Policy) -> str:
    """The judge spec of the grader a policy uses."""
    return _GRADER_NAMES[policy]


@lru_cache(maxsize=8192)
def parse_choices(question: str | None) -> Choices | None:
    """Options listed in a question after ``Answer Choices:`` (one per line, or inline ``A. 1 B. 2``)."""
    if not question:
        return None
    head = _CHOICES_HEAD.search(question)
    if head is None:
        return None
    tail = question[head.end() :]
    found: list[tuple[str, str]] = []
    for line in tail.splitlines():
        match = _CHOICE_LINE.match(line)
        if match and match[1] == chr(ord("A") + len(found)):
            found.append((match[1], match[2]))
        elif found and line.strip():
            break
    if len(found) >= 2:
        return tuple(found)
    marks = [m for m in _INLINE_CHOICE.finditer(tail)]
    inline: list[tuple[str, str]] = []
    for index, mark in enumerate(marks):
        if mark[1] != chr(ord("A") + len(inline)):
            break
        end = marks[index + 1].start() if index + 1 < len(marks) else len(tail)
        inline.append((mark[1], tail[mark.end() : end].strip()))
    return tuple(inline) if len(inline) >= 2 else None


@lru_cache(maxsize=65536)
def infer_kind(reference: str, answer_type: str | None = None, choices: Choices | None = None) -> AnswerKind:
    """The answer kind a reference is, for grading.

    In order: multiple choice (``answer_type`` says so, or the reference is one letter of the question's
    choices); boolean; set (``{…}``); interval or tuple (brackets); number; complexity class (``TC^0``,
    ``NP``); group notation (``Z+Z+Z+Z+Z``); expression (parses through the safe parser); text.
    """
    ref = reference.strip()
    letter = _LETTER.match(ref)
    if (answer_type or "").strip().lower() in ("multiplechoice", "multiple_choice", "mc"):
        return AnswerKind.MULTIPLE_CHOICE
    if letter and choices and letter[1].upper() in {c for c, _ in choices}:
        return AnswerKind.MULTIPLE_CHOICE
    if ref.lower().rstrip(".") in _BOOLEAN:
        return AnswerKind.BOOLEAN
    if len(ref) > 200:
        return AnswerKind.TEXT
    if (ref.startswith("{") and ref.endswith("}")) or ref.startswith("\\{"):
        return AnswerKind.SET
    if ref[:1] in "([" and ref[-1:] in ")]" and "," in ref:
        mixed = ref[0] + ref[-1] in ("[)", "(]") or re.search(r"oo|∞|infty|inf", ref)
        return AnswerKind.INTERVAL if mixed else AnswerKind.TUPLE
    number = parse_answer(ref, kind=AnswerKind.NUMBER)
    if not number.undecided and not getattr(number.value, "free_symbols", True):
        return AnswerKind.NUMBER
    compact = canonical_class(ref)
    if _CLASS_NAMES.match(compact) and (compact not in _SINGLE_LETTER_CLASSES or "$" in ref or "\\" in ref):
        return AnswerKind.COMPLEXITY_CLASS
    if _GROUP_CHARS.match(ref) and re.search(r"Z|ℤ|C_", ref) and canonical_group(ref):
        return AnswerKind.GROUP
    expression = parse_answer(ref, kind=AnswerKind.EXPRESSION)
    if not expression.undecided and len(ref.split()) <= 12:
        return AnswerKind.EXPRESSION
    return AnswerKind.TEXT


def grade(
    reference: str,
    response_text: str,
    *,
    kind: AnswerKind,
    choices: Choices | None = None,
    policy: Policy = "semantic",
    question: str = "",
) -> Judgement:
    """Grade one answer (or a whole response: its final answer is extracted) against the reference.

    The project's one grading function (:func:`judgeprobe.cases.answers.grade`, also behind
    ``builtin:reference``), on the kind's own route under the semantic policy and the exact route under the
    strict one. Returns a :class:`~judgeprobe.cases.answers.Judgement`: equivalent, different, or undecided
    with the grader's reason. Never raises for bad input.
    """
    return grade_answer(
        reference,
        response_text,
        kind=kind,
        choices=choices if kind is AnswerKind.MULTIPLE_CHOICE else None,
        route=_ROUTES[policy],
        question=question,
    )


@dataclass(frozen=True, slots=True)
class Opinion:
    """The grader's verdict on one judged answer."""

    kind: AnswerKind
    """The answer kind inferred from the reference."""
    answer: str
    """What was graded: the judge's extracted answer, else the response."""
    judgement: Judgement
    """Equivalent / different / undecided, with the reason."""

    @property
    def outcome(self) -> str:
        """``correct``, ``incorrect`` or ``undecided``."""
        decision = self.judgement.decision
        if decision is Decision.UNDECIDED:
            return "undecided"
        return "correct" if decision is Decision.EQUIVALENT else "incorrect"


Key = tuple[str, str, AnswerKind, Choices | None, str]
"""What one grading depends on: reference, graded answer, answer kind, choices (multiple choice only), and
the question (a yes/no answer is read against it, and it may ask for a form such as "factor")."""

PARALLEL_MIN = 2000
"""Below this many distinct inputs to grade, grading stays in this process (a worker pool's start-up, about
a second per worker for sympy, would cost more than it saves)."""


def _grade_key(job: tuple[Key, Policy]) -> Judgement:
    (reference, answer, kind, choices, question), policy = job
    return grade(reference, answer, kind=kind, choices=choices, policy=policy, question=question)


def _grade_chunk(keys: list[Key], policy: Policy) -> list[Judgement]:
    return [_grade_key((key, policy)) for key in keys]


@dataclass
class Pending:
    """A grading batch in progress (see :meth:`SecondOpinion.start`)."""

    missing: list[Key]
    """The inputs being graded, in order."""
    pool: ProcessPoolExecutor | None = None
    """The worker pool, when the batch went to one."""
    futures: list[Future[list[Judgement]]] = field(default_factory=list)
    """One future per chunk of ``missing``, in order."""


def _available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


@dataclass
class SecondOpinion:
    """Grades answers under one policy, each distinct input once, on several processes when there are many."""

    policy: Policy = "semantic"
    """The grading policy."""
    workers: int | None = None
    """Grading processes for large batches (``None``: the available CPUs, at most 4; ``1``: this process)."""
    calls: int = 0
    """Distinct inputs graded so far (cache misses)."""
    parallel: bool = False
    """Whether a batch was graded by a worker pool."""
    _cache: dict[Key, Judgement] = field(default_factory=dict)
    _opinions: dict[Key, Opinion] = field(default_factory=dict)

    @property
    def grader(self) -> str:
        """The grader's judge spec."""
        return grader_name(self.policy)

    @staticmethod
    def key(
        reference: str, *, extracted: str | None, response: str, answer_type: str | None, question: str | None
    ) -> Key:
        """The grading input of one row: its extracted answer if any, else the response's final answer."""
        choices = parse_choices(question)
        kind = infer_kind(reference, answer_type, choices)
        answer = extracted if extracted is not None else response
        return (
            reference,
            answer,
            kind,
            choices if kind is AnswerKind.MULTIPLE_CHOICE else None,
            question or "",
        )

    def grade_all(self, keys: Iterable[Key]) -> None:
        """Grade every input not yet graded (in parallel when there are at least :data:`PARALLEL_MIN`)."""
        self.finish(self.start(keys))

    def start(self, keys: Iterable[Key]) -> Pending:
        """Start grading every input not yet graded; a large batch goes to a worker pool at once, so the
        caller can do other work meanwhile. Hand the result to :meth:`finish`."""
        missing = list(dict.fromkeys(k for k in keys if k not in self._cache))
        workers = self.workers if self.workers is not None else min(4, _available_cpus())
        if len(missing) < PARALLEL_MIN or workers < 2:
            return Pending(missing)
        chunk = max(16, len(missing) // (workers * 8))
        try:
            pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
        except OSError:  # no processes to be had: grade here instead
            return Pending(missing)
        futures = [
            pool.submit(_grade_chunk, missing[i : i + chunk], self.policy)
            for i in range(0, len(missing), chunk)
        ]
        return Pending(missing, pool, futures)

    def finish(self, pending: Pending) -> None:
        """Wait for a batch begun by :meth:`start` and keep its verdicts (graded here if the pool failed)."""
        missing = pending.missing
        judged: list[Judgement] | None = None
        if pending.pool is not None:
            try:
                judged = [j for future in pending.futures for j in future.result()]
                self.parallel = True
            except (OSError, BrokenProcessPool):  # a worker died: grade here instead
                judged = None
            finally:
                pending.pool.shutdown(wait=True, cancel_futures=True)
        if judged is None:
            judged = [_grade_key((k, self.policy)) for k in missing]
        self.calls += len(missing)
        self._cache.update(zip(missing, judged, strict=True))

    def opinion_of(self, key: Key) -> Opinion:
        """The opinion on one grading input (graded now if it was not yet); one shared object per input."""
        found = self._opinions.get(key)
        if found is None:
            if key not in self._cache:
                self.grade_all([key])
            found = self._opinions[key] = Opinion(key[2], key[1], self._cache[key])
        return found

    def opinion(
        self,
        reference: str,
        *,
        extracted: str | None,
        response: str,
        answer_type: str | None,
        question: str | None,
    ) -> Opinion:
        """The grader's opinion of one row (extracted answer if any, else the response's final answer)."""
        key = self.key(
            reference, extracted=extracted, response=response, answer_type=answer_type, question=question
        )
        return self.opinion_of(key)
