"""The ``python`` backend: a Python callable as a judge.

Spec ``python:MODULE:FUNCTION`` (``FUNCTION`` may be dotted, e.g. ``Grader.grade`` on a class attribute). The
callable takes the :class:`~judgeprobe.harness.core.request.JudgeRequest` — or, if its first parameter is
annotated as a ``dict``/``Mapping``, the request's JSON form (see ``docs/judge-contract.md``) — and returns a
:class:`~judgeprobe.harness.core.verdict.Verdict`, a contract dict, a bool (grade: correct or not) or an
outcome string (``correct``/``incorrect``, ``A``/``B``/``tie`` or a response id, a score). It may be
``async def``; a plain function runs in a worker thread so that it cannot stall the event loop. Any exception
it raises becomes an error verdict of kind ``crash``.

**Prompt.** When the configuration names a ``template`` (TOML ``template = "prompt.txt"``), each request is
rendered through :mod:`judgeprobe.harness.judges.templating` and the callable receives the prompt in one of
two ways: the dict form of the request carries it in an extra ``"prompt"`` field (as the ``command`` backend's
stdin does), and a callable with a parameter named ``prompt`` (or ``**kwargs``) gets it as the keyword
argument ``prompt=``. A callable that can take it neither way is refused when the judge is loaded. The
template text is part of the configuration hash, so editing the prompt makes a new judge; requests of other
modes than the template's are skipped; the rendered prompt is recorded in ``Verdict.prompt``. Without a
template no prompt is passed (no ``"prompt"`` field, no ``prompt=`` argument) and the hash is unchanged.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import time
import typing
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.core.request import JudgeRequest
from judgeprobe.harness.core.verdict import ErrorKind, Status, Verdict
from judgeprobe.harness.judges.base import Judge
from judgeprobe.harness.judges.configured_template import ConfiguredTemplate, PromptingJudge
from judgeprobe.harness.judges.contract import request_payload, verdict_from_answer
from judgeprobe.harness.judges.registry import JudgeConfig, register_backend
from judgeprobe.harness.judges.templating import ChatMessage

__all__ = ["PythonJudge"]


def _resolve(target: str) -> Callable[..., Any]:
    module_name, sep, attr = target.rpartition(":")
    if not sep or not module_name or not attr:
        raise ConfigError(f"python judge {target!r} is not MODULE:FUNCTION, e.g. python:my_judges:grade")
    try:
        obj: Any = importlib.import_module(module_name)
    except ImportError as exc:
        raise ConfigError(f"python judge: cannot import module {module_name!r}: {exc}") from None
    for part in attr.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise ConfigError(f"python judge: module {module_name!r} has no attribute {attr!r}") from None
    if not callable(obj):
        raise ConfigError(f"python judge: {target!r} is {type(obj).__name__}, not a callable")
    return typing.cast(Callable[..., Any], obj)


def _wants_dict(fn: Callable[..., Any]) -> bool:
    """Whether the first parameter is annotated as a mapping (then the request goes in as a dict)."""
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return False
    if not params:
        raise ConfigError(
            f"python judge {getattr(fn, '__qualname__', fn)!r} takes no argument; it needs the request"
        )
    annotation = params[0].annotation
    try:
        hints = typing.get_type_hints(fn)
        annotation = hints.get(params[0].name, annotation)
    except Exception:  # noqa: S110 - unresolvable hints: fall back to the raw annotation
        pass
    if isinstance(annotation, str):
        return annotation.split("[")[0].strip() in ("dict", "Dict", "Mapping", "typing.Mapping")
    origin = typing.get_origin(annotation) or annotation
    return isinstance(origin, type) and issubclass(origin, Mapping)


def _takes_prompt(fn: Callable[..., Any]) -> bool:
    """Whether ``fn`` accepts a keyword argument ``prompt`` (a parameter of that name, or ``**kwargs``)."""
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return False
    for param in params:
        if param.kind is inspect.Parameter.VAR_KEYWORD:
            return True
        if param.name == "prompt" and param.kind in (
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
            inspect.Parameter.KEYWORD_ONLY,
        ):
            return True
    return False


class PythonJudge(PromptingJudge):
    """A judge that calls a Python function."""

    def __init__(self, config: JudgeConfig) -> None:
        """Import the callable now, so a wrong name fails before the run starts."""
        self.fn = _resolve(config.target)
        self.as_dict = _wants_dict(self.fn)
        self.is_async = inspect.iscoroutinefunction(self.fn)
        self.prompting = ConfiguredTemplate.resolve(config)
        self.prompt_keyword = self.prompting.template is not None and _takes_prompt(self.fn)
        if self.prompting.template is not None and not (self.as_dict or self.prompt_keyword):
            raise ConfigError(
                f"python judge {config.target!r} has a template but cannot receive the prompt: give it "
                "a 'prompt' parameter, or annotate its first parameter as a dict to get the request's "
                "JSON form with a 'prompt' field"
            )
        self.config = self.prompting.config
        self.config_hash = self.config.content_hash()
        self.name = self.config.display_name()

    def __repr__(self) -> str:
        return f"PythonJudge(target={self.config.target!r})"

    async def _call(
        self, request: JudgeRequest, prompt: str | None, messages: tuple[ChatMessage, ...] | None
    ) -> Verdict:
        argument: Any = request_payload(request) if self.as_dict else request
        if prompt is not None and messages is not None and self.as_dict:
            argument["prompt"] = prompt
            argument["messages"] = [m.to_dict() for m in messages]
        kwargs: dict[str, Any] = {"prompt": prompt} if prompt is not None and self.prompt_keyword else {}
        started = time.perf_counter()
        try:
            if self.is_async:
                result = await self.fn(argument, **kwargs)
            else:
                result = await asyncio.to_thread(self.fn, argument, **kwargs)
                if inspect.isawaitable(result):
                    result = await result
        except Exception as exc:  # a crashing judge is a verdict, not a crash of the run
            return Verdict.error(
                ErrorKind.CRASH, f"{type(exc).__name__}: {exc}", latency_s=time.perf_counter() - started
            )
        latency = time.perf_counter() - started
        verdict = verdict_from_answer(
            result,
            request,
            raw=None if isinstance(result, Verdict) else repr(result),
            reply=self.config.reply,
        )
        if verdict.status is Status.JUDGED and verdict.latency_s is None:
            return replace(verdict, latency_s=latency)
        return verdict


@register_backend("python", description="a Python callable module:function, sync or async")
def _factory(config: JudgeConfig) -> Judge:
    return PythonJudge(config)
