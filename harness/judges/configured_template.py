"""The prompt template(s) a judge configuration resolves to, and the optional template of a ``command`` or
``python`` judge.

:func:`resolve_templates` is shared by every judge that renders prompts. It loads the configured
``template`` (a shipped name or a file, in the syntax ``template_syntax`` names or the one detected), settles
its mode (declared by the judge file or the template, or inferred without doubt — otherwise a
:class:`~judgeprobe.harness.core.errors.ConfigError` that says how to declare it, raised before any call),
and returns the text that enters the configuration hash, so editing the prompt makes a new judge. A model
judge without a template uses the shipped template of each mode (or of ``mode`` alone when the judge file
names one).

Judges of the ``command`` and ``python`` backends decide for themselves what to do with a request; they
need no prompt. A configuration that names a ``template`` (TOML ``template = "prompt.txt"``, found next to
the TOML file) gives them one anyway: each request is rendered for the judge to read, and requests of other
modes are skipped. Without a template nothing changes: no prompt, and the hash is what it always was.
"""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass, replace

from judgeprobe.cases.models import Mode
from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.core.request import JudgeRequest
from judgeprobe.harness.core.verdict import Verdict
from judgeprobe.harness.judges.base import Judge
from judgeprobe.harness.judges.registry import JudgeConfig
from judgeprobe.harness.judges.templating import SHIPPED_TEMPLATES, ChatMessage, Template, prompt_text

__all__ = ["ConfiguredTemplate", "PromptingJudge", "harden_for", "resolve_templates"]


def resolve_templates(
    config: JudgeConfig, *, shipped_default: bool
) -> tuple[dict[Mode, Template], str | None]:
    """The templates of ``config`` by mode, and the text that enters its hash.

    Args:
        config: The judge configuration.
        shipped_default: Without a configured template, use the shipped ones (model judges); otherwise
            there is no template (``command`` and ``python`` judges).

    Raises:
        ConfigError: The template cannot be loaded or parsed, its mode is ambiguous or contradicts the
            judge file, or an option needs a template the configuration does not have.
    """
    if config.template:
        template = Template.load(config.template, syntax=config.template_syntax or "auto")
        mode = template.mode_for(config.mode)
        templates = {mode: template}
        text: str | None = template.text
    elif shipped_default:
        if config.template_syntax not in (None, "auto"):
            raise ConfigError("template_syntax is set but the judge names no template file")
        modes = [config.mode] if config.mode is not None else list(SHIPPED_TEMPLATES)
        templates = {mode: Template.for_mode(mode) for mode in modes}
        text = "".join(f"=== {t.name} ===\n{t.text}" for t in templates.values())
    else:
        for option in ("template_syntax", "harden", "mode"):
            if getattr(config, option) is not None:
                raise ConfigError(
                    f"{option} is set but the {config.backend} judge has no template; add template = "
                    '"prompt.txt" (or a shipped name) or remove the option'
                )
        return {}, None
    if config.both_orders and Mode.PAIRWISE not in templates:
        modes_text = ", ".join(str(m) for m in templates)
        raise ConfigError(
            f"both_orders applies to pairwise judging, but this judge's template is {modes_text}"
        )
    return templates, text


def harden_for(config: JudgeConfig, template: Template) -> bool:
    """Whether ``template`` inserts fields hardened: the judge file's ``harden``, else the template's
    default."""
    return template.default_harden if config.harden is None else config.harden


@dataclass(frozen=True, slots=True)
class ConfiguredTemplate:
    """A ``command``/``python`` judge configuration with its template (if any) resolved and in the hash."""

    config: JudgeConfig
    """The configuration, with ``template_text`` filled in when a template is configured."""
    template: Template | None
    """The loaded template, or ``None`` when the configuration names none."""
    mode: Mode | None = None
    """The template's mode (``None`` without a template)."""

    @classmethod
    def resolve(cls, config: JudgeConfig) -> ConfiguredTemplate:
        """Load the configured template and put its text in the configuration.

        Raises:
            ConfigError: See :func:`resolve_templates`; also ``both_orders``, which model judges alone run.
        """
        if config.both_orders:
            raise ConfigError(
                f"both_orders is run by model judges (openai, anthropic, mock); a {config.backend} judge "
                "decides itself how to judge a pair"
            )
        templates, text = resolve_templates(config, shipped_default=False)
        if not templates:
            return cls(config=config, template=None)
        ((mode, template),) = templates.items()
        return cls(config=config.model_copy(update={"template_text": text}), template=template, mode=mode)

    def supports(self, mode: Mode) -> bool:
        """Every mode without a template; with one, only the template's mode."""
        return self.template is None or self.mode is mode

    def messages(self, request: JudgeRequest) -> tuple[ChatMessage, ...] | None:
        """The rendered messages for ``request`` (``None`` without a template)."""
        if self.template is None:
            return None
        return self.template.render_messages(request, harden=harden_for(self.config, self.template))

    def render(self, request: JudgeRequest) -> str | None:
        """The rendered prompt for ``request`` (``None`` without a template)."""
        messages = self.messages(request)
        return None if messages is None else prompt_text(messages)

    def skipped(self, request: JudgeRequest, name: str) -> Verdict:
        """The verdict for a request whose mode the template does not ask about."""
        mode = self.mode if self.mode is not None else request.mode
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
        messages = self.prompting.messages(request)
        prompt = None if messages is None else prompt_text(messages)
        verdict = await self._call(request, prompt, messages)
        return verdict if prompt is None else replace(verdict, prompt=prompt)

    @abstractmethod
    async def _call(
        self, request: JudgeRequest, prompt: str | None, messages: tuple[ChatMessage, ...] | None
    ) -> Verdict:
        """One call of the judge on ``request`` (with the rendered prompt and messages, or ``None``)."""
