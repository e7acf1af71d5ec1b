"""Why a verdict flipped, where the judge reports the answer it extracted.

* ``parse_failure``: the variant's draw is unscored (the reply could not be read). Counted here, never as a
  flip.
* ``extraction_error``: the judge extracted something other than the final answer the variant states.
* ``equivalence_error``: the judge extracted the stated final answer, yet its verdict changed: it judged the
  same answer differently against the reference.
* ``unclassified``: the judge reports no extracted answer, the probe does not know the final answer, or the
  two cannot be compared with confidence.

Extracted and stated answers are compared first as normalised text, then with
``judgeprobe.cases.answers.equivalent`` for the case's answer kind (in a grading worker process).
:func:`flip_class` remembers each answer's class (a suite flips the same answer the same way many times
over), and :func:`classify_ahead` classifies a run's flips in the background, on every grading worker at
once, while the other statistics are computed.
"""

from __future__ import annotations

import contextlib
import functools
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Literal

__all__ = [
    "CLASSES",
    "FlipClass",
    "FlipKey",
    "classify_ahead",
    "classify_flip",
    "flip_class",
    "same_answer",
    "start_grading_workers",
]

FlipClass = Literal["extraction_error", "equivalence_error", "parse_failure", "unclassified"]

FlipKey = tuple[str, str | None, str | None, str | None, tuple[tuple[str, str], ...] | None]
"""The arguments of :func:`flip_class`: status, extracted answer, final answer, answer kind and the
multiple-choice options."""

CLASSES: tuple[FlipClass, ...] = ("extraction_error", "equivalence_error", "parse_failure", "unclassified")
"""Every flip class, in report order."""


def _plain(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(folded.replace("$", " ").split()).strip(" .")


def same_answer(
    extracted: str, stated: str, *, kind: str | None, choices: dict[str, str] | None
) -> bool | None:
    """Whether two answers are the same: ``True``, ``False``, or ``None`` when it cannot be decided."""
    if _plain(extracted) == _plain(stated):
        return True
    try:
        from judgeprobe.cases.answers import Decision, equivalent
    except ImportError:
        return None
    try:
        judgement = equivalent(extracted, stated, kind=kind or "text", choices=choices)
    except (ValueError, TypeError):
        return None
    if judgement.decision == Decision.EQUIVALENT:
        return True
    if judgement.decision == Decision.DIFFERENT:
        return False
    return None


def classify_flip(
    *,
    status: str,
    extracted_answer: str | None,
    final_answer: str | None,
    answer_kind: str | None,
    choices: dict[str, str] | None = None,
) -> FlipClass:
    """Class of one flipped (or unscored) variant draw; see the module docstring."""
    if status == "unscored":
        return "parse_failure"
    if not extracted_answer or final_answer is None:
        return "unclassified"
    same = same_answer(extracted_answer, final_answer, kind=answer_kind, choices=choices)
    if same is None:
        return "unclassified"
    return "equivalence_error" if same else "extraction_error"


@functools.lru_cache(maxsize=65536)
def flip_class(
    status: str,
    extracted: str | None,
    final: str | None,
    kind: str | None,
    options: tuple[tuple[str, str], ...] | None,
) -> FlipClass:
    """:func:`classify_flip`, remembered (the options as ``(letter, text)`` pairs, so they can be a key)."""
    return classify_flip(
        status=status, extracted_answer=extracted, final_answer=final, answer_kind=kind,
        choices=dict(options) if options is not None else None,
    )  # fmt: skip


def start_grading_workers() -> None:
    """Start a grading worker in the background (the first one takes a second or two), so that classifying
    a run's flips later need not wait for it. Does nothing when grading runs in the calling process."""
    try:
        from judgeprobe.cases.answers.isolation import grader_pool
    except ImportError:
        return
    pool = grader_pool()
    if pool is not None:
        threading.Thread(target=pool.warm, name="grader-warm-up", daemon=True).start()


def _grading_workers() -> int:
    """Grading worker processes this process may use (0 when grading runs in the calling process)."""
    try:
        from judgeprobe.cases.answers.isolation import grader_pool
    except ImportError:
        return 0
    pool = grader_pool()
    return pool.size if pool is not None else 0


@contextlib.contextmanager
def classify_ahead(keys: Iterable[FlipKey]) -> Iterator[None]:
    """Classify these flips in the background while the body runs, one thread per grading worker (the
    comparisons run in the workers, so the threads only wait on them and the body keeps the calling
    process busy meanwhile), and wait for them at its end: :func:`flip_class` then finds each one
    remembered. The classes are the same as when asked one at a time. Does nothing when grading runs in
    the calling process.

    Raises:
        Exception: What a classification raised (as :func:`flip_class` would have).
    """
    todo = list(dict.fromkeys(keys))
    workers = min(_grading_workers(), len(todo))
    if workers < 1:
        yield
        return
    threads = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="classify")
    futures = [threads.submit(flip_class, *key) for key in todo]
    try:
        yield
    except BaseException:
        threads.shutdown(wait=True, cancel_futures=True)
        raise
    try:
        for future in futures:
            future.result()
    finally:
        threads.shutdown(wait=True, cancel_futures=True)
