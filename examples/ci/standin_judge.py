"""A deterministic STAND-IN for a real judge model, run through judgeprobe's ``command`` backend.

This is not a language model. It exists so the CI example runs offline, for free, and the same every time.
``judge.toml`` names ``prompt.txt`` as the judge's template, so judgeprobe renders that prompt for every
request exactly as it would for a real model and sends it in the request's ``"prompt"`` field (see
``docs/judge-contract.md``). The stand-in reads that rendered prompt the way a (very literal) model would:

1. It takes the question, the correct answer and the two responses out of their ``<<<BEGIN …>>>`` blocks.
2. A response "states the correct answer" when the correct answer appears in it (case, spaces and
   punctuation ignored). If exactly one response does, that one is better.
3. Otherwise the two are equally good, and it answers a tie — unless the prompt's own instructions (the text
   outside the blocks, so a response cannot give them) tell it to prefer the first response, or response A,
   in that situation. Then it picks response A. That is a position bias, and it comes from the prompt text
   alone: the point of the example is that judgeprobe finds it.

It reads one request as JSON on stdin and writes one verdict as JSON on stdout: ``{"outcome": "A" | "B" |
"tie", "reasoning": …}``. A request without a prompt, or a prompt that is not a pairwise comparison, is
answered ``{"status": "unscored", …}``. It uses the standard library only and is started without a shell
(``target = "python standin_judge.py"``; judgeprobe finds the file next to ``judge.toml``).

If the environment variable ``STANDIN_JUDGE_CALLS`` names a file, one line is appended to it per request, so
a test can count the calls (the end-to-end test checks that a replayed gate makes none).
"""

from __future__ import annotations

import json
import os
import re
import sys
import unicodedata
from typing import Any

__all__ = ["answer", "decide"]

_BLOCK = re.compile(r"<<<BEGIN ([A-Z ]+)>>>\n?(.*?)\n?<<<END \1>>>", re.S)
_PREFER_FIRST = re.compile(
    r"\b(?:prefer|choose|pick|favou?r|go with)\b[^.\n]{0,80}?\b(?:first|response a|\[\[a\]\])", re.I
)


def _plain(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[\W_]+", " ", folded).strip()


def decide(prompt: str) -> tuple[str, str]:
    """The verdict on a rendered pairwise prompt: ``(slot, reasoning)``; slot A, B, tie or empty."""
    blocks = {label: body for label, body in _BLOCK.findall(prompt)}
    if "RESPONSE A" not in blocks or "RESPONSE B" not in blocks:
        return "", "This is not a pairwise comparison prompt."
    instructions = _BLOCK.sub(" ", prompt)
    reference = _plain(blocks.get("CORRECT ANSWER", ""))
    states = [
        bool(reference) and f" {reference} " in f" {_plain(blocks[s])} " for s in ("RESPONSE A", "RESPONSE B")
    ]
    if states[0] != states[1]:
        slot = "A" if states[0] else "B"
        return slot, f"Only response {slot} states the correct answer."
    if _PREFER_FIRST.search(instructions):
        return "A", "The responses are equally good; as instructed, the first one is preferred."
    return "tie", "Both responses are equally good."


def answer(request: dict[str, Any]) -> dict[str, Any]:
    """The verdict object (the judge contract's stdout) for one request object."""
    prompt = request.get("prompt")
    if not isinstance(prompt, str):
        return {"status": "unscored", "reason": "no rendered prompt: set template in judge.toml"}
    slot, reasoning = decide(prompt)
    if not slot:
        return {"status": "unscored", "reason": reasoning}
    return {"outcome": slot, "reasoning": reasoning}


def main() -> None:
    """Read one request on stdin, write one verdict on stdout."""
    request = json.loads(sys.stdin.read())
    calls = os.environ.get("STANDIN_JUDGE_CALLS")
    if calls:
        with open(calls, "a", encoding="utf-8") as log:
            log.write("call\n")
    if not isinstance(request, dict):
        print(json.dumps({"status": "unscored", "reason": "the request is not a JSON object"}))
        return
    print(json.dumps(answer(request)))


if __name__ == "__main__":
    main()
