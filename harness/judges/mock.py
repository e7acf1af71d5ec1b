"""The ``mock`` backend: a scripted chat judge for tests and benchmarks, registered like any other.

It is an :class:`~judgeprobe.harness.judges.llm.LLMJudge`: it renders the real template for every request and
reads its scripted raw reply through the real parsers, so a draw costs what rendering and parsing cost and
nothing else. Spec ``mock:SCRIPT[:key=value...]``. Built-in scripts (each replies in the template's text
contract):

    yes      grade: correct; pairwise: [[A]]; score: 10
    no       grade: incorrect; pairwise: [[B]]; score: 1
    fair     correct iff the response equals the reference after loose normalisation (case, spaces, ``$``,
             a final period); pairwise: the response that equals the reference, else a tie; score: 10 for
             a match, 3 for a mismatch, 5 without a reference
    first    ``fair``, except that pairwise always prefers the first slot (a planted position bias)
    echo     ``fair``, but the reply first quotes the response(s), look-alike fields included — exercises the
             parser's binding to the judge's own last verdict
    flaky    ``fair`` with each verdict flipped with probability ``p`` (default 0.2), drawn from ``seed``
             (default 0) and the request, draw index included: a noisy but unbiased judge

Options: ``p=`` and ``seed=`` (flaky), ``latency=SECONDS`` (sleep before replying, any script).

A path to a JSON file instead of a script name plays a list in order, starting again at the top when the
list runs out. Each item is a raw reply (a string), ``{"reply": "..."}``, or a failed attempt
``{"error": "rate_limit", "reason": "...", "retry_after": 1.5, "status": 429}``. The file's content is
part of the judge's configuration hash.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import random
import re
import unicodedata
from pathlib import Path
from typing import Any

from judgeprobe.cases.models import Mode
from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.core.request import JudgeRequest
from judgeprobe.harness.core.verdict import ErrorKind
from judgeprobe.harness.judges.base import Judge
from judgeprobe.harness.judges.llm import AttemptFailed, Completion, LLMJudge
from judgeprobe.harness.judges.registry import JudgeConfig, register_backend
from judgeprobe.harness.judges.templating import ChatMessage

__all__ = ["SCRIPTS", "MockJudge"]

SCRIPTS = ("yes", "no", "fair", "first", "echo", "flaky")
"""Names of the built-in scripts."""


def _loose(text: str) -> str:
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).casefold()).replace("$", "")
    return text.rstrip(".")


def _grade_reply(correct: bool, extracted: str) -> str:
    answer = " ".join(extracted.split()) or "None"
    return (
        f"extracted_final_answer: {answer}\n\nreasoning: scripted mock verdict.\n\n"
        f"correct: {'yes' if correct else 'no'}\n\nconfidence: 100"
    )


def _fair(request: JudgeRequest) -> tuple[bool, str, int]:
    """The fair verdict: (grade correct?, pairwise slot A/B/C, score)."""
    reference = _loose(request.reference) if request.reference else None
    matches = [reference is not None and _loose(text) == reference for text in request.responses]
    differ = len(matches) >= 2 and matches[0] != matches[1]
    slot = ("A" if matches[0] else "B") if differ else "C"
    score = 5 if reference is None else (10 if matches and matches[0] else 3)
    return bool(matches and matches[0]), slot, score


class MockJudge(LLMJudge):
    """A scripted judge (see the module docstring)."""

    def __init__(self, config: JudgeConfig) -> None:
        """Read the script name and options, or load the reply file."""
        name, *options = config.target.split(":") if config.target else [""]
        self.script = name
        self.calls = 0
        """Attempts made so far."""
        self.replies: list[Any] = []
        settings: dict[str, str] = {}
        for option in options:
            key, eq, value = option.partition("=")
            if not eq or key not in ("p", "seed", "latency"):
                raise ConfigError(f"mock option {option!r} is not p=, seed= or latency=")
            settings[key] = value
        try:
            self.p = float(settings.get("p", "0.2"))
            self.seed = int(settings.get("seed", "0"))
            self.latency = float(settings.get("latency", "0"))
        except ValueError as exc:
            raise ConfigError(f"mock options {config.target!r}: {exc}") from None
        if not 0 <= self.p <= 1 or self.latency < 0:
            raise ConfigError(f"mock options {config.target!r}: p must be in [0, 1] and latency >= 0")
        if name not in SCRIPTS:
            path = Path(name)
            if not path.is_file():
                known = ", ".join(SCRIPTS)
                raise ConfigError(
                    f"mock script {name!r} is neither a built-in script ({known}) nor a JSON file"
                )
            self.replies = _load_replies(path)
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
            config = config.model_copy(update={"params": {**config.params, "script_sha256": digest}})
        super().__init__(config)

    async def complete(self, request: JudgeRequest, messages: tuple[ChatMessage, ...]) -> Completion:
        """The scripted reply for ``request``."""
        self.calls += 1
        if self.latency:
            await asyncio.sleep(self.latency)
        if self.replies:
            item = self.replies[(self.calls - 1) % len(self.replies)]
            if isinstance(item, str):
                return Completion(text=item)
            if "error" in item:
                raise AttemptFailed(
                    ErrorKind(item["error"]),
                    str(item.get("reason", f"scripted {item['error']}")),
                    status=item.get("status"),
                    retry_after=item.get("retry_after"),
                )
            return Completion(text=str(item["reply"]))
        return Completion(text=self._scripted(request))

    def _scripted(self, request: JudgeRequest) -> str:
        if self.script == "yes":
            correct, slot, score = True, "A", 10
        elif self.script == "no":
            correct, slot, score = False, "B", 1
        else:
            correct, slot, score = _fair(request)
        if self.script == "first":
            slot = "A"
        elif self.script == "flaky":
            rng = random.Random(f"{self.seed}:{request.content_key()}")
            if rng.random() < self.p:
                correct, slot, score = not correct, {"A": "B", "B": "A", "C": "A"}[slot], 11 - score
        response = request.responses[0] if request.responses else ""
        if request.mode is Mode.GRADE:
            reply = _grade_reply(correct, response)
        elif request.mode is Mode.PAIRWISE:
            reply = f"Scripted comparison.\n\n[[{slot}]]"
        else:
            reply = f"Scripted assessment.\n\nRating: [[{score}]]"
        if self.script == "echo":
            quoted = "\n\n".join(request.responses)
            reply = f"The response reads:\n{quoted}\n\nMy own verdict follows.\n\n{reply}"
        return reply


def _load_replies(path: Path) -> list[Any]:
    try:
        items = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"mock script {path}: not readable JSON: {exc}") from None
    if not isinstance(items, list) or not items:
        raise ConfigError(f"mock script {path}: expected a non-empty JSON list of replies")
    kinds = {str(kind) for kind in ErrorKind}
    for index, item in enumerate(items):
        if isinstance(item, str):
            continue
        if isinstance(item, dict) and isinstance(item.get("reply"), str):
            continue
        if isinstance(item, dict) and item.get("error") in kinds:
            continue
        raise ConfigError(
            f"mock script {path}: item {index} must be a reply string, {{'reply': ...}} or "
            f"{{'error': KIND}} with KIND one of {', '.join(sorted(kinds))}; got {item!r}"
        )
    return items


@register_backend(
    "mock", description="scripted mock judge for tests (yes, no, fair, first, echo, flaky, a file)"
)
def _factory(config: JudgeConfig) -> Judge:
    return MockJudge(config)
