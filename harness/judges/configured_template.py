"""The optional prompt template of a ``command`` or ``python`` judge.

Judges of these two backends decide for themselves what to do with a request; they need no prompt. A
configuration that names a ``template`` (TOML ``template = "prompt.txt"``, found next to the TOML file)
gives them one anyway: the template is loaded once, its text is written into
``JudgeConfig.template_text`` before the configuration is hashed (so editing the prompt makes a new judge,
exactly as for the model backends in :mod:`judgeprobe.harness.judges.llm`), and each request is rendered
through
:mod:`judgeprobe.harness.judges.templating` for the judge to read. A template asks about one mode; requests
of other modes
are skipped. Without a template nothing changes: no prompt, and the hash is what it always was.
"""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass, replace

from judgeprobe.cases.models import Mode
from judgeprobe.harness.core.request import JudgeRequest
from judgeprobe.harness.core.verdict import Verdict
from judgeprobe.harness.judges.base import Judge
from judgeprobe.harness.judges.registry import JudgeConfig
from judgeprobe.harness.judges.templating import Template

__all__ = ["ConfiguredTemplate", "PromptingJudge"]


@dataclass(frozen=True, slots=True)
class ConfiguredTemplate:
    """A judge configuration with its template (if any) resolved and its text in the hash."""

    config: JudgeConfig
    """The configuration, with ``template_text`` filled in when a template is configured."""
    template: Template | None
    """The loaded template, or ``None`` when the configuration names none."""

    @classmethod
    def resolve(cls, config: JudgeConfig) -> ConfiguredTemplate:
        """Load the configured template (a shipped name or a file path) and put its text in the configuration.

        Raises:
            ConfigError: The template cannot be found, read or parsed (the message says which).
        """
        if not config.template:
            return cls(config=config, template=None)
        template = Template.load(config.template)
        return cls(config=config.model_copy(update={"template_text": template.text}), template=template)

    def supports(self, mode: Mode) -> bool:
        """Every mode without a template; with one, only the template's mode."""
        return self.template is None or self.template.mode is mode

    def render(self, request: JudgeRequest) -> str | None:
        """The rendered prompt for ``request`` (``None`` without a template)."""
        return None if self.template is None else self.template.render(request)

    def skipped(self, request: JudgeRequest, name: str) -> Verdict:
        """The verdict for a request whose mode the template does not ask about."""
        mode = self.template.mode if self.template is not None else request.mode
        return Verdict.skipped(f"judge {name} has a template for {mode} only, not {request.mode}")


class PromptingJudge(Judge):
    """Base of judges that may render a configured template before calling out (``command``, ``python``).

    Subclasses set ``prompting`` in their constructor and implement :meth:`_call`; requests of a mode the
    template does not cover are skipped without a call, and the rendered prompt is kept on the verdict.
    """

    prompting: ConfiguredTemplate

    def supports(self, mode: Mode) -> bool:
        """Every mode, or only the configured template's mode."""
        return self.prompting.supports(mode)

    async def judge(self, request: JudgeRequest) -> Verdict:
        """Render the prompt (if a template is configured), call once, keep the prompt on the verdict."""
        if not self.supports(request.mode):
            return self.prompting.skipped(request, self.name)
        prompt = self.prompting.render(request)
        verdict = await self._call(request, prompt)
        return verdict if prompt is None else replace(verdict, prompt=prompt)

    @abstractmethod
    async def _call(self, request: JudgeRequest, prompt: str | None) -> Verdict:
        """One call of the judge on ``request`` (with the rendered prompt, or ``None`` without a template)."""
