"""Reading a production prompt's own reply format: the ``[judge.reply]`` table of a judge file.

A production judge prompt rarely asks for judgeprobe's reply contract (``correct: yes``, ``[[A]]``,
``Rating: [[N]]``). inspect_ai's model-graded scorer asks for ``GRADE: C`` or ``GRADE: I``; OpenAI's
SimpleQA grader asks for a bare ``A``, ``B`` or ``C``; many in-house prompts ask for a final yes or no.
Sending such a prompt verbatim is only half of probing it: its replies must be read the way production reads
them, or every draw is unscored. A judge file says how::

    [judge.reply]
    preset = "inspect"            # or: "simpleqa", "yes-no"

or, for any other format, a regular expression with one capture group and what each captured value means::

    [judge.reply]
    pattern = 'Final verdict:\\s*(\\w+)'
    [judge.reply.values]
    right = "correct"             # grade: correct / incorrect
    wrong = "incorrect"
    unsure = "unscored"           # a value the judge may give that is no verdict

Pairwise values are ``A``, ``B`` or ``tie``; a score pattern captures a number and ``values`` is left out (the
number must lie within ``scale``, 1 to 10 by default). The rules of the built-in parsers hold here too:

* the **last** match in the reply is the judge's verdict (a reply may quote the format, or the response may
  carry a look-alike, before the judge's own final line);
* a captured value is compared without case and surrounding space or punctuation; a value with no meaning in
  ``values`` is unscored with the value named, never guessed;
* a reply cut at the token limit, an empty reply, and a reply with no match are unscored with the reason.

The table is part of the judge's identity (its configuration hash): reading the same replies another way is
another judge. The pattern comes from the judge file (the user's own configuration), is compiled once when the
file is read, and is only ever *matched* against replies.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from judgeprobe.cases.models import Mode
from judgeprobe.harness.core.request import JudgeRequest
from judgeprobe.harness.core.verdict import Verdict
from judgeprobe.harness.judges.parsing import after_thinking, parse_reply

__all__ = ["PRESETS", "ReplyFormat", "read_reply", "read_with"]

Meaning = Literal["correct", "incorrect", "A", "B", "tie", "unscored"]

PRESETS: dict[str, tuple[str, dict[str, Meaning]]] = {
    # inspect_ai's model_graded_qa / model_graded_fact: "GRADE: C" (correct), "GRADE: I" (incorrect),
    # "GRADE: P" (partial credit, when its partial_credit option is on: no binary verdict)
    "inspect": (r"GRADE\s*:\s*([CPI])\b", {"C": "correct", "I": "incorrect", "P": "unscored"}),
    # OpenAI simple-evals' SimpleQA grader: a bare letter, A CORRECT, B INCORRECT, C NOT_ATTEMPTED (an answer
    # the grader calls not attempted is not accepted as correct)
    "simpleqa": (
        r"(?m)^[\s*_`\"'(\[]*([ABC])[\s*_`\"')\].]*$",
        {"A": "correct", "B": "incorrect", "C": "incorrect"},
    ),
    # a yes or no given as the verdict: starting a line, after a colon ("Answer: yes"), or as the reply's last
    # word; a "no" inside a sentence ("there is no error", "no doubt") is no verdict
    "yes-no": (
        r"(?m)(?:^[ \t>*_`\"'(\[#-]*|:[ \t*_`\"']*|(?<=\s)(?=(?:yes|no)[ \t.!*_`\"')\]]*\Z))"
        r"(yes|no)\b(?![-'’])",
        {"yes": "correct", "no": "incorrect"},
    ),
}
"""Named reply formats: ``preset -> (pattern, values)``."""

_GRADE_MEANINGS = {"correct", "incorrect", "unscored"}
_PAIR_MEANINGS = {"A", "B", "tie", "unscored"}
_EDGES = " \t\r\n.,;:!?*_`'\"()[]{}<>"


def _key(value: str) -> str:
    return value.strip(_EDGES).casefold()


class ReplyFormat(BaseModel):
    """How to read a judge's reply: a preset, or a pattern and the meaning of each captured value."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    preset: Literal["inspect", "simpleqa", "yes-no"] | None = None
    """A named format (``inspect``, ``simpleqa``, ``yes-no``); ``pattern`` and ``values`` then stay unset."""
    pattern: str | None = Field(default=None, min_length=1, max_length=2000)
    """A regular expression with exactly one capture group: the verdict's value (the last match counts)."""
    values: dict[str, Meaning] = Field(default_factory=dict)
    """Captured value (compared without case) -> ``correct``/``incorrect`` (grade), ``A``/``B``/``tie``
    (pairwise) or ``unscored``; left out for a score pattern, which captures the rating itself."""
    ignore_case: bool = True
    """Match the pattern without regard to case."""
    scale: tuple[float, float] = (1.0, 10.0)
    """The lowest and highest rating a score pattern may capture."""

    @model_validator(mode="after")
    def _check(self) -> ReplyFormat:
        if self.preset is not None and (self.pattern is not None or self.values):
            raise ValueError("give either preset, or pattern with values, not both")
        if self.preset is None and self.pattern is None:
            raise ValueError("give preset (inspect, simpleqa, yes-no) or pattern")
        try:
            groups = re.compile(self.effective_pattern()).groups
        except re.error as exc:
            raise ValueError(f"pattern is not a valid regular expression: {exc}") from None
        if groups != 1:
            raise ValueError(f"pattern must have exactly one capture group (the verdict), it has {groups}")
        keys = [_key(value) for value in self.values]
        if "" in keys or len(set(keys)) != len(keys):
            raise ValueError("values must be distinct, non-empty texts (compared without case)")
        if not self.scale[0] < self.scale[1]:
            raise ValueError(f"scale must be [lowest, highest] with lowest < highest, got {list(self.scale)}")
        return self

    def effective_pattern(self) -> str:
        """The pattern in use (the preset's, or the configured one)."""
        return PRESETS[self.preset][0] if self.preset is not None else str(self.pattern)

    def effective_values(self) -> dict[str, Meaning]:
        """Captured value (case-folded) -> meaning."""
        values = PRESETS[self.preset][1] if self.preset is not None else self.values
        return {_key(value): meaning for value, meaning in values.items()}

    def check_mode(self, mode: Mode) -> None:
        """Raise :class:`ValueError` when the values do not fit the judge's mode."""
        meanings = set(self.effective_values().values())
        if mode is Mode.GRADE and not meanings <= _GRADE_MEANINGS:
            raise ValueError(
                f"a grade judge's values mean correct, incorrect or unscored, got {sorted(meanings)}"
            )
        if mode is Mode.PAIRWISE and not meanings <= _PAIR_MEANINGS:
            raise ValueError(f"a pairwise judge's values mean A, B, tie or unscored, got {sorted(meanings)}")
        if mode is Mode.SCORE and meanings - {"unscored"}:
            raise ValueError(
                "a score pattern captures the rating itself: leave values out (or map to unscored)"
            )
        if mode in (Mode.GRADE, Mode.PAIRWISE) and not meanings - {"unscored"}:
            raise ValueError(f"a {mode} judge's values must give at least one verdict")

    def compiled(self) -> re.Pattern[str]:
        """The compiled pattern (``re`` keeps compiled patterns in its own cache)."""
        return re.compile(self.effective_pattern(), re.IGNORECASE if self.ignore_case else 0)


def _unscored(reason: str, reply: str) -> Verdict:
    return Verdict.unscored(reason, raw_reply=reply)


def read_reply(
    form: ReplyFormat, mode: Mode, reply: str, request: JudgeRequest, *, truncated: bool = False
) -> Verdict:
    """The verdict a reply gives under ``form`` (judged, or unscored with the reason), read in what follows
    the judge's thinking (:func:`~judgeprobe.harness.judges.parsing.after_thinking`)."""
    if not reply.strip():
        return _unscored("empty reply", reply)
    visible, problem = after_thinking(reply, truncated=truncated)
    if problem is not None:
        return _unscored(problem, reply)
    if visible is not reply:
        return replace(read_reply(form, mode, visible, request, truncated=truncated), raw_reply=reply)
    shown = form.preset or f"pattern {form.pattern!r}"
    last: re.Match[str] | None = None
    for last in form.compiled().finditer(reply):  # noqa: B007 - the last match is the judge's own verdict
        pass
    if last is None:
        return _unscored(f"the reply has no verdict in the judge's reply format ({shown})", reply)
    if truncated:
        return _unscored(
            "the reply was cut at the token limit, so its last verdict may not be the judge's final one",
            reply,
        )
    captured = last.group(1) or ""
    reasoning = reply[: last.start()].strip() or None
    values: Mapping[str, Meaning] = form.effective_values()
    meaning = values.get(_key(captured))
    if mode is Mode.SCORE and meaning is None:
        try:
            rating = float(captured.strip(_EDGES))
        except ValueError:
            return _unscored(f"the rating {captured!r} is not a number ({shown})", reply)
        low, high = form.scale
        if not low <= rating <= high:
            return _unscored(f"rating {rating:g} is outside {low:g}–{high:g}", reply)
        text = str(int(rating)) if rating == int(rating) else f"{rating:g}"
        return Verdict.judged(text, score=rating, reasoning=reasoning, raw_reply=reply)
    if meaning is None:
        known = ", ".join(sorted(values))
        return _unscored(f"the reply's verdict {captured!r} is none of the format's values ({known})", reply)
    if meaning == "unscored":
        return _unscored(f"the reply's verdict {captured!r} is no verdict in this format ({shown})", reply)
    if mode is Mode.GRADE:
        return Verdict.judged(meaning, reasoning=reasoning, raw_reply=reply, meta={"reply_value": captured})
    if meaning == "tie":
        return Verdict.judged("tie", reasoning=reasoning, raw_reply=reply, meta={"slot": "tie"})
    if len(request.response_ids) < 2:
        return _unscored("pairwise request carries fewer than two response ids", reply)
    index = 0 if meaning == "A" else 1
    return Verdict.judged(
        request.response_ids[index], reasoning=reasoning, raw_reply=reply, meta={"slot": meaning}
    )


def read_with(
    form: ReplyFormat | None, mode: Mode, reply: str, request: JudgeRequest, *, truncated: bool = False
) -> Verdict:
    """A reply read in the judge's own format (``form``), else by the mode's built-in contract."""
    if form is None:
        return parse_reply(mode, reply, request, truncated=truncated)
    return read_reply(form, mode, reply, request, truncated=truncated)
