"""The shared base of chat-model judges: render the template's messages, make one attempt, read the reply.

A subclass implements :meth:`LLMJudge.complete` (one HTTP call, one scripted reply) and raises
:class:`AttemptFailed` when the attempt produced no reply (the error kinds and which of them the runner
retries are in :mod:`judgeprobe.harness.judges.completion`). Everything else happens here, identically for
every backend: choosing the template for the request's mode, rendering its messages (verbatim, or hardened
when the judge says so), timing, and reading the reply into a verdict through
:mod:`judgeprobe.harness.judges.reading` — which is also how batch results are read.

**Templates and the configuration hash.** A judge configured with ``template`` uses that template for its
mode only (other modes are skipped); without one it uses the shipped template of each mode. The template's
mode is declared or unambiguous, else the judge is refused before any call
(:func:`~judgeprobe.harness.judges.configured_template.resolve_templates`). The text of the template(s) in
use is written into ``JudgeConfig.template_text`` before the configuration is hashed, so editing a prompt
makes a new judge.

**Both orders.** With ``both_orders = true`` a pairwise request is judged twice, the second time with the
responses swapped, and the two verdicts are combined (MT-Bench: disagreement is a tie). The two calls are one
attempt of the draw: if either fails, the runner retries both.
"""

from __future__ import annotations

import time
from abc import abstractmethod

from judgeprobe.cases.models import Mode
from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.core.request import JudgeRequest
from judgeprobe.harness.core.verdict import Verdict
from judgeprobe.harness.judges.base import Judge
from judgeprobe.harness.judges.completion import (
    AttemptFailed,
    Completion,
    kind_for_status,
    read_api_key,
    retryable,
    scrub,
)
from judgeprobe.harness.judges.configured_template import harden_for, resolve_templates
from judgeprobe.harness.judges.reading import Attempt, combine_orders, swapped, verdict_of
from judgeprobe.harness.judges.registry import JudgeConfig
from judgeprobe.harness.judges.templating import ChatMessage, Template, prompt_text

__all__ = ["AttemptFailed", "Completion", "LLMJudge", "kind_for_status", "read_api_key", "retryable", "scrub"]


class LLMJudge(Judge):
    """Base of judges that send rendered messages to a chat model and parse its reply."""

    def __init__(self, config: JudgeConfig) -> None:
        """Resolve the template(s) and their mode, fill ``template_text`` into the configuration and hash it.

        Raises:
            ConfigError: A template cannot be loaded or its mode is ambiguous (before any call).
        """
        templates, text = resolve_templates(config, shipped_default=True)
        self.templates: dict[Mode, Template] = templates
        self.config = config.model_copy(update={"template_text": text})
        self.config_hash = self.config.content_hash()
        self.name = self.config.display_name()
        self._harden = {mode: harden_for(self.config, template) for mode, template in templates.items()}
        self.reply = self.config.reply
        if self.reply is not None:
            if config.template is None:
                raise ConfigError(
                    f"judge {self.name}: [judge.reply] reads a production prompt's replies; it needs that "
                    "prompt as the judge's template (the shipped templates ask for their own reply format)"
                )
            for mode in templates:
                try:
                    self.reply.check_mode(mode)
                except ValueError as exc:
                    raise ConfigError(f"judge {self.name}: [judge.reply]: {exc}") from None

    def preflight(self) -> None:
        """Fail before the first call when the API key variable is configured but not set."""
        read_api_key(self.config.api_key_env)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, config_hash={self.config_hash!r})"

    def supports(self, mode: Mode) -> bool:
        """Whether a template is configured for ``mode``."""
        return mode in self.templates

    def render_messages(self, request: JudgeRequest) -> tuple[ChatMessage, ...]:
        """The messages for ``request`` as presented (its mode must be supported)."""
        return self.templates[request.mode].render_messages(request, harden=self._harden[request.mode])

    def render(self, request: JudgeRequest) -> str:
        """The prompt for ``request`` as recorded with a verdict."""
        return prompt_text(self.render_messages(request))

    def presentations(self, request: JudgeRequest) -> list[JudgeRequest]:
        """The requests one draw sends: ``request``, and its swapped pair when judging both orders."""
        if self.config.both_orders and request.mode is Mode.PAIRWISE and len(request.responses) == 2:
            return [request, swapped(request)]
        return [request]

    @abstractmethod
    async def complete(self, request: JudgeRequest, messages: tuple[ChatMessage, ...]) -> Completion:
        """Make one call with ``messages``; raise :class:`AttemptFailed` when it produces no reply."""

    def _secret(self) -> str | None:
        """The secret to scrub from error text (``None`` when the backend has none)."""
        return None

    def assemble(self, request: JudgeRequest, attempts: list[Attempt]) -> Verdict:
        """The draw's verdict from its calls (one, or two when judging both orders)."""
        verdicts = [verdict_of(attempt, secret=self._secret(), reply=self.reply) for attempt in attempts]
        if len(verdicts) == 1:
            return verdicts[0]
        return combine_orders(verdicts[0], verdicts[1])

    async def judge(self, request: JudgeRequest) -> Verdict:
        """Render, call, read. Judge-side failures come back as verdicts, never raised."""
        if not self.supports(request.mode):
            modes = ", ".join(str(m) for m in self.templates)
            return Verdict.skipped(f"judge {self.name} has a template for {modes} only, not {request.mode}")
        attempts: list[Attempt] = []
        for shown in self.presentations(request):
            messages = self.render_messages(shown)
            started = time.perf_counter()
            try:
                result: Completion | AttemptFailed = await self.complete(shown, messages)
            except AttemptFailed as exc:
                # the draw failed: the second order of a pair is not sent; the runner retries the draw
                return verdict_of(
                    Attempt(shown, messages, exc, time.perf_counter() - started), secret=self._secret()
                )
            attempts.append(Attempt(shown, messages, result, time.perf_counter() - started))
        return self.assemble(request, attempts)
