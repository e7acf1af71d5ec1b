"""Multiple-choice answer form: a bare letter (``A``) against a letter with its choice text (``A. 1``).

Per team: accuracy of each form with Wilson intervals, the difference with Newcombe's hybrid-score interval
for independent proportions (method 10 of Newcombe 1998, built from the harness's Wilson intervals) and
Fisher's exact test (computed here from log-binomials: the harness has no unpaired test, and importing
``scipy.stats`` for one p-value costs seconds). Because the model chooses the form, the comparison is
repeated *within questions*: for each question answered in both forms (by any teams), the difference of
the two forms' accuracy on it; the sign test on those differences (exact McNemar on questions where text
did better vs worse) says whether the difference survives holding the question fixed.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from judgeprobe.cases.answers.normalize import normalize
from judgeprobe.cases.models import AnswerKind
from judgeprobe.harness.audit.rows import JudgedRow
from judgeprobe.harness.audit.second_opinion import Opinion
from judgeprobe.harness.stats.exact import mcnemar
from judgeprobe.harness.stats.intervals import Interval, cluster_bootstrap_difference, wilson

__all__ = ["FORMS", "answer_form", "fisher_exact", "form_by_team", "is_multiple_choice", "within_questions"]

FORMS = ("letter_only", "letter_and_text", "other")
"""The answer forms: ``A``; ``A. 1`` / ``A: MATSUO`` / ``(A) 1``; anything else (text only, hedged, none)."""

_LETTER_ONLY = re.compile(r"^\s*(?:\(([A-Za-z])\)|\[([A-Za-z])\]|([A-Za-z]))\s*[.:)]?\s*$")
_LETTER_TEXT = re.compile(r"^\s*(?:\(([A-Za-z])\)|\[([A-Za-z])\]|([A-Za-z])\s*[.:)\-–])\s*\S")


_LEAD = re.compile(r"^(?:(?:the\s+)?(?:correct\s+)?(?:option|choice|letter)\s*:?\s*)(?=\(?[A-Za-z]\b)", re.I)
"""``Option``/``Choice``/``Letter`` before the letter (``Option A``): no part of the answer's form."""


def answer_form(answer: str | None) -> str:
    """``letter_only``, ``letter_and_text`` or ``other``, read after the grader's normalisation (an
    ``Answer:`` prefix, ``$…$``, ``\\boxed{}``, ``\\text{}``, markdown emphasis and fullwidth letters are
    no part of the form: ``Answer: A`` and ``\\boxed{A}`` are a letter only)."""
    text = normalize(answer or "", kind=None).strip().strip("*$`").strip()
    text = _LEAD.sub("", text)
    if _LETTER_ONLY.match(text):
        return "letter_only"
    if _LETTER_TEXT.match(text):
        return "letter_and_text"
    return "other"


def is_multiple_choice(row: JudgedRow, opinion: Opinion) -> bool:
    """A multiple-choice row: the benchmark says so, or the reference is one letter of the choices."""
    return opinion.kind is AnswerKind.MULTIPLE_CHOICE


def _newcombe_independent(x1: int, n1: int, x2: int, n2: int) -> Interval:
    if not n1 or not n2:
        return Interval(-1.0, 1.0)
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = wilson(x1, n1).as_list()
    l2, u2 = wilson(x2, n2).as_list()
    d = p1 - p2
    return Interval(
        max(-1.0, d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)),
        min(1.0, d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)),
    )


def _log_choose(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def fisher_exact(x1: int, n1: int, x2: int, n2: int) -> float | None:
    """Two-sided Fisher exact p-value, ``x1`` of ``n1`` against ``x2`` of ``n2`` (``None``: a group is empty).

    Conditional on the margins, the first group's count is hypergeometric; the p-value sums the probabilities
    of every table no more likely than the observed one (with a relative tolerance of 1e-7 for ties, as
    common implementations use).
    """
    if not n1 or not n2:
        return None
    total, successes = n1 + n2, x1 + x2
    low, high = max(0, successes - n2), min(successes, n1)
    base = _log_choose(total, successes)

    def log_p(k: int) -> float:
        return _log_choose(n1, k) + _log_choose(n2, successes - k) - base

    observed = log_p(x1)
    p = math.fsum(math.exp(lp) for k in range(low, high + 1) if (lp := log_p(k)) <= observed + 1e-7)
    return min(1.0, p)


def _cell(n: int, correct: int) -> dict[str, Any]:
    return {
        "n": n,
        "correct": correct,
        "accuracy": correct / n if n else None,
        "ci": wilson(correct, n).as_list(),
    }


def form_by_team(rows: Sequence[JudgedRow], opinions: Sequence[Opinion]) -> dict[str, dict[str, Any]]:
    """Team -> {form: {n, correct, accuracy, ci}, difference, difference_ci, p_fisher}."""
    counts: dict[str, dict[str, list[int]]] = defaultdict(lambda: {form: [0, 0] for form in FORMS})
    for row, opinion in zip(rows, opinions, strict=True):
        if is_multiple_choice(row, opinion):
            cell = counts[row.team][
                answer_form(row.extracted if row.extracted is not None else opinion.answer)
            ]
            cell[0] += 1
            cell[1] += row.correct
    out: dict[str, dict[str, Any]] = {}
    for team in sorted(counts):
        c = counts[team]
        (n_lo, x_lo), (n_lt, x_lt) = c["letter_only"], c["letter_and_text"]
        entry: dict[str, Any] = {form: _cell(*c[form]) for form in FORMS}
        both = n_lo and n_lt
        entry["difference"] = x_lt / n_lt - x_lo / n_lo if both else None
        entry["difference_ci"] = _newcombe_independent(x_lt, n_lt, x_lo, n_lo).as_list()
        entry["p_fisher"] = fisher_exact(x_lt, n_lt, x_lo, n_lo)
        out[team] = entry
    return out


def within_questions(rows: Sequence[JudgedRow], opinions: Sequence[Opinion]) -> dict[str, Any]:
    """The form difference holding the question fixed (pooled over teams and phases)."""
    per_question: dict[str, dict[str, list[int]]] = defaultdict(lambda: {form: [0, 0] for form in FORMS})
    for row, opinion in zip(rows, opinions, strict=True):
        if is_multiple_choice(row, opinion):
            form = answer_form(row.extracted if row.extracted is not None else opinion.answer)
            cell = per_question[row.id][form]
            cell[0] += 1
            cell[1] += row.correct
    text_acc: list[float] = []
    letter_acc: list[float] = []
    for qid in sorted(per_question):
        (n_lo, x_lo), (n_lt, x_lt) = per_question[qid]["letter_only"], per_question[qid]["letter_and_text"]
        if n_lo and n_lt:
            text_acc.append(x_lt / n_lt)
            letter_acc.append(x_lo / n_lo)
    better = sum(1 for t, lo in zip(text_acc, letter_acc, strict=True) if t > lo)
    worse = sum(1 for t, lo in zip(text_acc, letter_acc, strict=True) if t < lo)
    test = mcnemar(better, worse)
    n = len(text_acc)
    mean = (sum(text_acc) - sum(letter_acc)) / n if n else None
    interval, _ = cluster_bootstrap_difference(text_acc, letter_acc, [1.0] * n, seed=0)
    return {
        "questions": n,
        "mean_difference": mean,
        "mean_difference_ci": interval.as_list(),
        "text_better": better,
        "text_worse": worse,
        "ties": n - better - worse,
        "p_sign_test": test.p_exact if n else None,
    }
