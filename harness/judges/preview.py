"""What a judge would send for one request, without sending it (``judgeprobe judges render``).

:func:`preview` asks the judge itself to build the request, through the same code a live call uses, so the
output can be diffed against production: for a model API the URL, headers (every credential shown as
``***``; the key is never read) and JSON body of each call (two for a pair judged in both orders); for a
``command`` or ``python`` judge the JSON object it receives; for any judge with a template the rendered
messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from judgeprobe.harness.core.request import JudgeRequest
from judgeprobe.harness.judges.base import Judge
from judgeprobe.harness.judges.configured_template import PromptingJudge
from judgeprobe.harness.judges.contract import request_payload
from judgeprobe.harness.judges.http import HttpJudge
from judgeprobe.harness.judges.llm import LLMJudge
from judgeprobe.harness.judges.templating import ChatMessage, prompt_text

__all__ = ["Preview", "PreviewCall", "preview"]


@dataclass(frozen=True, slots=True)
class PreviewCall:
    """One call of the judge."""

    messages: tuple[ChatMessage, ...]
    """The rendered messages (empty for a judge without a prompt)."""
    url: str | None = None
    """Where a model API call is POSTed (``None`` for other backends)."""
    headers: dict[str, str] = field(default_factory=dict)
    """Headers of a model API call, credentials masked."""
    body: dict[str, Any] | None = None
    """The JSON body of a model API call, or the JSON object a ``command``/``python`` judge receives."""
    order: str = "original"
    """``original``, or ``swapped`` for the second order of a pair judged both ways."""


@dataclass(frozen=True, slots=True)
class Preview:
    """Everything one draw of a request would send."""

    judge: str
    """The judge's display name."""
    config_hash: str
    """Its configuration hash."""
    calls: tuple[PreviewCall, ...]
    """The calls, in order (none when the judge does not support the request's mode)."""
    note: str | None = None
    """Why nothing or only part is shown (skipped mode, a judge without a prompt)."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "judge": self.judge,
            "config_hash": self.config_hash,
            "note": self.note,
            "calls": [
                {
                    "order": call.order,
                    "messages": [m.to_dict() for m in call.messages],
                    "url": call.url,
                    "headers": call.headers,
                    "body": call.body,
                }
                for call in self.calls
            ],
        }


def preview(judge: Judge, request: JudgeRequest) -> Preview:
    """What ``judge`` would send for one draw of ``request`` (see the module docstring)."""
    if not judge.supports(request.mode):
        note = f"judge {judge.name} does not judge {request.mode} requests; such draws are skipped"
        return Preview(judge.name, judge.config_hash, (), note)
    if isinstance(judge, HttpJudge):
        calls = tuple(
            PreviewCall(call.messages, call.url, call.headers, call.body, "swapped" if index else "original")
            for index, call in enumerate(judge.http_calls(request))
        )
        return Preview(judge.name, judge.config_hash, calls)
    if isinstance(judge, LLMJudge):
        calls = tuple(
            PreviewCall(judge.render_messages(shown), order="swapped" if index else "original")
            for index, shown in enumerate(judge.presentations(request))
        )
        return Preview(judge.name, judge.config_hash, calls, "a scripted judge: nothing leaves the process")
    if isinstance(judge, PromptingJudge):
        payload = request_payload(request)
        messages = judge.prompting.messages(request)
        if messages is not None:
            payload["prompt"] = prompt_text(messages)
            payload["messages"] = [m.to_dict() for m in messages]
        missing = None if messages is not None else "no template: the judge receives no prompt"
        return Preview(judge.name, judge.config_hash, (PreviewCall(messages or (), body=payload),), missing)
    note = f"judge {judge.name} renders no prompt; it reads the request itself"
    return Preview(judge.name, judge.config_hash, (PreviewCall((), body=request_payload(request)),), note)
