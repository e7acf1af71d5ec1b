"""The judge contract: one async method, a request in, a verdict out.

Every backend (built-in reference graders, HTTP model APIs, a command, a Python callable, replay, the
scripted mock) implements :class:`Judge`. Backends are registered by name with :func:`register_backend`;
``judgeprobe.harness.judges.registry`` turns a spec string or TOML file into a configured judge. The request
and verdict types are the harness's vocabulary (``judgeprobe.harness.core``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from judgeprobe.cases.models import Mode
from judgeprobe.harness.core.cost import Price
from judgeprobe.harness.core.request import JudgeRequest
from judgeprobe.harness.core.verdict import Verdict

__all__ = ["Judge"]


class Judge(ABC):
    """A configured judge. Subclasses implement :meth:`judge`; everything else has defaults.

    ``config_hash`` identifies the configuration (backend, model, URL, template text, sampling parameters;
    never a secret). It is part of every cache key and every result, so a changed prompt is a new judge.
    """

    name: str = "judge"
    """Display name, e.g. ``builtin:reference`` or ``openai:gpt-4o-mini@http://127.0.0.1:8000/v1``."""
    config_hash: str = ""
    """Content hash of the configuration (see class docstring)."""
    max_concurrency: int | None = None
    """Upper bound on concurrent calls this backend tolerates (``None``: the runner decides)."""
    source_config: object | None = None
    """The configuration the judge was loaded from (set by ``load_judge``), for its secrets."""
    price: Price | None = None
    """Prices per million tokens, from the judge file's ``[judge.price]`` table (``None``: unknown, so
    costs are not computed; token counts still are)."""

    @abstractmethod
    async def judge(self, request: JudgeRequest) -> Verdict:
        """Judge one draw. Must not raise for judge-side failures: return an unscored or error verdict."""

    async def aclose(self) -> None:  # noqa: B027 - optional hook with a no-op default
        """Release connections or processes; called once by the runner at the end of a run."""

    def preflight(self) -> None:  # noqa: B027 - optional hook with a no-op default
        """Check the configuration once before the first call (e.g. that the API key variable is set).

        Raises:
            judgeprobe.harness.core.errors.ConfigError: The judge cannot work as configured; the run does not
            start.
        """

    def secret_values(self) -> dict[str, str]:
        """Secret values this judge is configured with (label -> value), redacted from everything the run
        writes. Default: what the judge's ``config`` marks secret (its API key variable's value, its header
        values, its secret params); a backend with secrets of its own adds them."""
        config = getattr(self, "config", None) or self.source_config
        values = getattr(config, "secret_values", None)
        return dict(values()) if callable(values) else {}

    def supports(self, mode: Mode) -> bool:
        """Whether this judge handles requests of ``mode`` (others are recorded as skipped)."""
        return True
