"""Deterministic pairwise judges for the gate tests, used through the ``python`` backend
(``python:gate_judges:NAME``; this folder is on ``sys.path`` while its tests run)."""

from __future__ import annotations

from judgeprobe.harness.core.request import JudgeRequest


def _states(request: JudgeRequest) -> list[bool]:
    reference = (request.reference or "").casefold()
    return [bool(reference) and reference in text.casefold() for text in request.responses]


def fair(request: JudgeRequest) -> str:
    """The response that states the reference wins; otherwise a tie."""
    a, b = _states(request)
    return "A" if a and not b else "B" if b and not a else "tie"


def first(request: JudgeRequest) -> str:
    """``fair``, but a tie goes to the first slot (a position bias)."""
    verdict = fair(request)
    return "A" if verdict == "tie" else verdict


def always_a(request: JudgeRequest) -> str:
    """Always the first slot (position bias, and every control missed)."""
    return "A"


def garbage(request: JudgeRequest) -> dict[str, str]:
    """A reply that is no verdict (unscored)."""
    return {"reply": "I would rather not say."}


def crash(request: JudgeRequest) -> str:
    """Always fails (an error verdict)."""
    raise RuntimeError("judge is down")
