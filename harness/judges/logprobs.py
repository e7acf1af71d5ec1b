"""A grade verdict's probability of "yes", read from the log-probabilities of the judge's reply tokens.

Judge calibration studies often ask for it: instead of (or beside) the confidence the judge writes, the
probability the model put on ``yes`` at the verdict. When a judge is configured with ``logprobs = true``
(OpenAI ``logprobs``/``top_logprobs``), :func:`p_yes` finds the token that carries the final verdict word —
the value of the last ``correct:`` field of the text contract, or of ``"correct"`` in a JSON reply — and
returns ``P(yes) / (P(yes) + P(no))`` over that token and its top alternatives (case, spaces and quotes
ignored, so ``" yes"``, ``"Yes"`` and ``'"yes'`` all count as yes). It returns ``None`` when the reply has no
verdict word, the token cannot be located, or neither word is among the alternatives.

Offsets are matched in UTF-8 bytes (OpenAI reports each token's ``bytes``), so a multi-byte character split
across tokens does not shift the position.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from judgeprobe.harness.judges.parsing import after_thinking

__all__ = ["TokenLogprob", "p_yes", "verdict_word_offset"]

_TEXT_VERDICT = re.compile(r"^[ \t>*_#`-]*correct[ \t*_`]*:[ \t*_`\"']*(yes|no)\b", re.M | re.I)
_JSON_VERDICT = re.compile(r"\"correct\"\s*:\s*\"(yes|no)\"", re.I)
_STRIP = " \t\r\n\"'*_`:.,;()[]{}"


@dataclass(frozen=True, slots=True)
class TokenLogprob:
    """One reply token with its log-probability and the most likely alternatives."""

    token: str
    """The token text."""
    logprob: float
    """Natural-log probability of the token."""
    top: tuple[tuple[str, float], ...] = ()
    """Alternatives at this position as ``(token, logprob)``, most likely first (may include the token)."""
    raw: bytes | None = None
    """The token's UTF-8 bytes where the API reports them."""

    @property
    def size(self) -> int:
        """Length of the token in UTF-8 bytes."""
        return len(self.raw) if self.raw is not None else len(self.token.encode("utf-8"))


def verdict_word_offset(reply: str) -> int | None:
    """Character offset of the final verdict word (yes/no) in a grade reply, or ``None``; a word inside the
    judge's thinking (before the last ``</think>``, or in a block never closed) is no verdict."""
    visible, problem = after_thinking(reply)
    if problem is not None:
        return None
    base = len(reply) - len(visible)
    starts = [m.start(1) for pattern in (_TEXT_VERDICT, _JSON_VERDICT) for m in pattern.finditer(visible)]
    return base + max(starts) if starts else None


def _word(token: str) -> str:
    return token.strip(_STRIP).lower()


def p_yes(reply: str, tokens: tuple[TokenLogprob, ...]) -> float | None:
    """``P(yes)`` normalised over yes and no at the verdict token (see the module docstring)."""
    offset = verdict_word_offset(reply)
    if offset is None:
        return None
    target_byte = len(reply[:offset].encode("utf-8"))
    position = 0
    found: TokenLogprob | None = None
    for token in tokens:
        end = position + token.size
        if end > target_byte:
            found = token
            break
        position = end
    if found is None or _word(found.token) not in ("yes", "no"):
        return None
    seen: dict[str, float] = {}
    for text, logprob in ((found.token, found.logprob), *found.top):
        seen.setdefault(text, logprob)
    yes = sum(math.exp(lp) for text, lp in seen.items() if _word(text) == "yes")
    no = sum(math.exp(lp) for text, lp in seen.items() if _word(text) == "no")
    if yes + no <= 0:
        return None
    return yes / (yes + no)
