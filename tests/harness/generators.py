"""Stand-in answer generators for ``judgeprobe generate`` tests (loaded as ``python:generators:<name>``).

Each reads the rendered answer prompt and replies ``{"reply": …}``, as the generator contract asks. They know
the shipped library's references by question, so their answers are right or wrong on purpose.
"""

from __future__ import annotations

import functools
from typing import Any

from judgeprobe.cases.loader import load_library
from judgeprobe.cases.models import GradeCase


@functools.lru_cache(maxsize=1)
def _references() -> dict[str, str]:
    return {case.question: case.reference for case in load_library() if isinstance(case, GradeCase)}


def strong(request: dict[str, Any], prompt: str) -> dict[str, str]:
    """Answers with the reference, in full sentences."""
    assert request["question"] in prompt and "Answer: <your final answer>" in prompt  # the answer template
    reference = _references().get(request["question"], "?")
    return {"reply": f"Let me work through it carefully.\nAnswer: {reference}"}


def weak(request: dict[str, Any], prompt: str) -> dict[str, str]:
    """Right on every other question (by the question's length), a fixed wrong answer otherwise."""
    if len(request["question"]) % 2:
        return {"reply": f"Answer: {_references().get(request['question'], '?')}"}
    return {"reply": "Answer: 424242"}


def broken(request: dict[str, Any], prompt: str) -> dict[str, str]:
    """Never replies usably."""
    return {"status": "error", "error_kind": "server", "reason": "model unavailable"}
