"""The library lints itself: rules a loaded case must meet beyond the schema.

The schema (:mod:`judgeprobe.cases.models`) decides whether a case *can* be read; these rules decide whether
it is *useful*: a grade case needs a right and a wrong response, something a probe may rewrite without
changing the answer (an invariant target) and something that must change the verdict (a control); descriptions
stay short so reports stay readable; each answer kind adds the rules of its row in the answer-kind table
(multiple choice: single capital letters as keys, the reference among them); a case whose labels are not yet
adjudicated (``review: unreviewed``, such as a case mined by ``judgeprobe audit --mine``) is listed with a
warning. :func:`lint_library` with ``require_coverage=True`` also checks that the shipped library is big and
varied enough.

Issues print like loader errors, ``FILE:LINE: FIELD: message``, where FIELD is the case id and the field path:
``cases[tc0-notation].responses[1].why``.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from judgeprobe.cases.loader import AnyCase, FieldPath, Library, format_path
from judgeprobe.cases.models import GradeCase, Mode, PairwiseCase, Review, ScoreCase

__all__ = [
    "MAX_NOTE_CHARS",
    "MAX_WHY_CHARS",
    "MIN_CASES",
    "MIN_PAIRWISE",
    "MIN_SCORE",
    "MIN_TRICK_KINDS",
    "SEED_CASES",
    "LintIssue",
    "Severity",
    "lint_case",
    "lint_library",
]

MAX_WHY_CHARS = 200
"""A response's ``why`` is one line of at most this many characters."""
MAX_NOTE_CHARS = 400
"""``note`` and ``doubt_reason`` are at most this many characters."""
MIN_CASES = 83
"""The shipped library has at least this many cases."""
MIN_TRICK_KINDS = 12
"""...over at least this many kinds of trickiness (distinct first tags)..."""
MIN_PAIRWISE = 10
"""...with at least this many pairwise cases..."""
MIN_SCORE = 5
"""...and at least this many score cases."""
SEED_CASES: dict[str, bool] = {
    "669402b41dcb3d5a1ef9e951": True,
    "66e942c180435ab1cb1ef049": False,
    "66f378a504165ae3e4f46de9": False,
}
"""The HLE questions the project starts from: HLE id -> whether the reference is doubted."""

_TAG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")


class Severity(StrEnum):
    """How bad a lint issue is."""

    ERROR = "error"
    """The case breaks a library rule; ``judgeprobe cases lint`` fails."""
    WARNING = "warning"
    """Probably a slip; reported, but the lint still passes."""


@dataclass(frozen=True)
class LintIssue:
    """One problem with a case (or with the library as a whole)."""

    file: Path | None
    """The case file, when the case came from one."""
    line: int | None
    """Line of the offending field, or of the nearest enclosing one."""
    case_id: str | None
    """The case concerned; ``None`` for library-wide issues."""
    field: str | None
    """Where in the case, such as ``cases[tc0-notation].responses[1].why``; ``library`` for coverage."""
    message: str
    """What is wrong and how to fix it."""
    severity: Severity = Severity.ERROR
    """Whether the issue fails the lint."""

    def __str__(self) -> str:
        where = str(self.file) if self.file is not None else ("<memory>" if self.case_id else "<library>")
        if self.line is not None:
            where += f":{self.line}"
        what = f"{self.field}: " if self.field else ""
        tail = " (warning)" if self.severity is Severity.WARNING else ""
        return f"{where}: {what}{self.message}{tail}"


_Found = tuple[FieldPath, str, Severity]


def _error(path: FieldPath, message: str) -> _Found:
    return path, message, Severity.ERROR


def _common(case: AnyCase) -> Iterator[_Found]:
    if not case.source.strip():
        yield _error(("source",), "every case needs a source: 'HLE <id>', a paper, or 'hand-written'")
    if not case.tags:
        yield _error(("tags",), "add tags; the first names the kind of trickiness, such as [notation]")
    for index, tag in enumerate(case.tags):
        if not _TAG.match(tag):
            yield _error(("tags", index), f"tags are lower-case words joined by '-' or '_', got {tag!r}")
    if case.reference_doubt and not (case.doubt_reason or "").strip():
        yield _error(("doubt_reason",), "reference_doubt is true; say why in doubt_reason")
    for name in ("note", "doubt_reason"):
        text = getattr(case, name)
        if text is not None and len(text) > MAX_NOTE_CHARS:
            yield _error((name,), f"is {len(text)} characters; keep it under {MAX_NOTE_CHARS}")
    if case.review is Review.UNREVIEWED:
        yield (
            ("review",),
            "unreviewed: the labels are provisional; adjudicate them, then set review: reviewed",
            Severity.WARNING,
        )
    for index, response in enumerate(case.responses):
        why = response.why.strip()
        if "\n" in why:
            yield _error(("responses", index, "why"), "why must be one line; move detail to the case's note")
        elif len(why) > MAX_WHY_CHARS:
            yield _error(
                ("responses", index, "why"), f"is {len(why)} characters; keep it under {MAX_WHY_CHARS}"
            )


def _grade(case: GradeCase) -> Iterator[_Found]:
    labels = Counter(response.label for response in case.responses)
    for label in ("correct", "incorrect"):
        if not labels[label]:
            yield _error(("responses",), f"a grade case needs at least one {label!r} response; add one")
    reference = case.reference.strip()
    rewritten = [r for r in case.responses if r.label == "correct" and r.text.strip() != reference]
    if not case.equivalents and not rewritten:
        yield _error(
            ("equivalents",),
            "no invariant target: list equivalents, or add a correct response worded unlike the reference",
        )
    if not case.non_equivalents and not labels["incorrect"]:
        yield _error(("non_equivalents",), "no control: list non_equivalents, or add an incorrect response")
    for path, message in case.answer_kind.spec.lint(reference, case.choices):
        yield _error(path, message)
    both = set(case.equivalents) & set(case.non_equivalents)
    for text in sorted(both):
        yield _error(("non_equivalents",), f"{text!r} is listed both as equivalent and as non-equivalent")
    if reference in {e.strip() for e in case.equivalents}:
        yield ("equivalents",), "the reference itself is listed as an equivalent", Severity.WARNING
    yield from _grade_contradictions(case, reference)


def _grade_contradictions(case: GradeCase, reference: str) -> Iterator[_Found]:
    same = {reference, *(e.strip() for e in case.equivalents)}
    broken = {n.strip() for n in case.non_equivalents}
    seen: dict[str, tuple[int, str]] = {}
    for index, response in enumerate(case.responses):
        text, where = response.text.strip(), ("responses", index, "label")
        if response.label == "correct" and text in broken:
            yield _error(where, f"labelled correct but its text {text!r} is listed in non_equivalents")
        if response.label == "incorrect" and text in same:
            yield _error(where, f"labelled incorrect but its text {text!r} is the reference or an equivalent")
        if response.text in seen:
            first, label = seen[response.text]
            if label != response.label:
                yield _error(where, f"same text as responses[{first}] but labelled {response.label!r}")
            else:
                yield ("responses", index, "text"), f"same text as responses[{first}]", Severity.WARNING
        seen.setdefault(response.text, (index, response.label))


def _pairwise(case: PairwiseCase) -> Iterator[_Found]:
    labels = sorted(response.label for response in case.responses)
    if labels not in (["better", "worse"], ["tie", "tie"]):
        yield _error(
            ("responses",), f"label one response 'better' and one 'worse', or both 'tie'; got {labels}"
        )
    first, second = case.responses
    if first.text.strip() == second.text.strip() and labels != ["tie", "tie"]:
        yield _error(("responses",), "both responses have the same text; the labels should both be 'tie'")


def _score(case: ScoreCase) -> Iterator[_Found]:
    for index, response in enumerate(case.responses):
        low, high = response.label
        if not 1 <= low <= high <= 10:
            yield _error(
                ("responses", index, "label"), f"expected [low, high] within 1..10, got {[low, high]}"
            )


def lint_case(case: AnyCase, library: Library | None = None) -> list[LintIssue]:
    """Every rule issue of one case; ``library`` supplies its file and lines when it has them."""
    found = list(_common(case))
    if isinstance(case, GradeCase):
        found += _grade(case)
    elif isinstance(case, PairwiseCase):
        found += _pairwise(case)
    else:
        found += _score(case)
    issues = []
    for path, message, severity in found:
        file, line = library.line_of(case.id, path) if library is not None else (None, None)
        where = f"cases[{case.id}].{format_path(path)}"
        issues.append(LintIssue(file, line, case.id, where, message, severity))
    return issues


def _coverage(library: Library) -> Iterator[str]:
    modes = Counter(str(case.mode) for case in library)
    tricks = {case.tags[0] for case in library if case.tags}
    if len(library) < MIN_CASES:
        yield f"the library has {len(library)} cases; it needs at least {MIN_CASES}"
    if len(tricks) < MIN_TRICK_KINDS:
        yield f"the library covers {len(tricks)} trick kinds (first tags); it needs {MIN_TRICK_KINDS}"
    for mode, least in ((Mode.PAIRWISE, MIN_PAIRWISE), (Mode.SCORE, MIN_SCORE)):
        if modes[str(mode)] < least:
            yield f"the library has {modes[str(mode)]} {mode} cases; it needs at least {least}"
    for hle_id, doubted in SEED_CASES.items():
        seeds = [case for case in library if hle_id in case.source]
        if not seeds:
            yield f"no case has source 'HLE {hle_id}' (one of the HLE questions the project starts from)"
        elif doubted and not any(case.reference_doubt for case in seeds):
            yield f"the seed case HLE {hle_id} must be marked reference_doubt with its reason"


def lint_library(library: Library, *, require_coverage: bool = False) -> list[LintIssue]:
    """Lint every case, and with ``require_coverage`` the size and variety of the library as a whole.

    Args:
        library: the loaded library (unique ids are already guaranteed by the loader).
        require_coverage: also require the counts of the shipped library (:data:`MIN_CASES` and friends,
            and the seed cases :data:`SEED_CASES`).

    Returns:
        The issues, case by case in load order, library-wide ones last.
    """
    issues = [issue for case in library for issue in lint_case(case, library)]
    if require_coverage:
        folders = {str(path.parent) for path, _ in library.files.values()}
        where = Path(os.path.commonpath(sorted(folders))) if folders else None
        issues += [LintIssue(where, None, None, "library", message) for message in _coverage(library)]
    return issues
