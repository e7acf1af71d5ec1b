"""Judge backends registered by name, and judge configuration from a spec string or a TOML file.

A backend is a factory ``(JudgeConfig) -> Judge`` registered with :func:`register_backend`. Shipped
backends live in modules that are imported only when their backend is first asked for, so an optional
dependency is needed only by those who use it. Third-party backends arrive through the entry-point group
``judgeprobe.judges`` (each entry point names a module or a factory; importing it registers the backend).

Spec strings (one line, for the command line)::

    builtin:reference            built-in reference grader (also exact, math, mc)
    openai:MODEL@BASE_URL        OpenAI-compatible chat completions
    anthropic:MODEL              Anthropic Messages API
    command:PROGRAM ARG...       a program speaking the JSON contract on stdin/stdout (no shell)
    python:MODULE:FUNCTION       a Python callable, sync or async
    replay:RUN_DIR               answers recorded in a previous run's store
    mock:SCRIPT                  the scripted mock (tests)

A TOML file (``judge.toml``) holds the same fields as :class:`JudgeConfig`. A relative ``template`` path,
and a relative file named in a ``command`` target, are found next to the TOML file.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import json
import os
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from judgeprobe.cases.models import Mode
from judgeprobe.harness.core.cost import Price
from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.core.secrets import looks_secret, redact_url
from judgeprobe.harness.judges.base import Judge
from judgeprobe.harness.judges.reply_format import ReplyFormat

__all__ = [
    "BackendInfo",
    "JudgeConfig",
    "NameMaker",
    "SpecParser",
    "available_backends",
    "backend_info",
    "load_judge",
    "parse_spec",
    "register_backend",
    "target_name",
    "target_spec",
]

ENTRY_POINT_GROUP = "judgeprobe.judges"

BackendFactory = Callable[["JudgeConfig"], Judge]
SpecParser = Callable[[str], dict[str, Any]]
"""Turns what follows ``BACKEND:`` in a one-line spec into :class:`JudgeConfig` fields."""
NameMaker = Callable[["JudgeConfig"], str]
"""A configuration's short display name."""


def target_spec(rest: str) -> dict[str, Any]:
    """The default spec parser: everything after ``BACKEND:`` is the backend's ``target``."""
    return {"target": rest}


def target_name(config: JudgeConfig) -> str:
    """The default display name: ``backend:target`` (or the backend alone)."""
    return f"{config.backend}:{config.target}" if config.target else config.backend


_SHIPPED: dict[str, str] = {
    "builtin": "judgeprobe.harness.judges.builtin",
    "openai": "judgeprobe.harness.judges.openai",
    "anthropic": "judgeprobe.harness.judges.anthropic",
    "command": "judgeprobe.harness.judges.command",
    "python": "judgeprobe.harness.judges.python",
    "replay": "judgeprobe.harness.judges.replay",
    "mock": "judgeprobe.harness.judges.mock",
}
"""Backend name -> module that registers it (imported lazily)."""


@dataclass(frozen=True, slots=True)
class BackendInfo:
    """A registered backend."""

    name: str
    """Name used in specs and TOML ``backend``."""
    factory: BackendFactory
    """Builds a configured judge."""
    description: str
    """One line for ``judgeprobe judges list``."""
    origin: str
    """``shipped`` or the distribution/entry point that provided it."""
    parse_spec: SpecParser = target_spec
    """Reads the backend's part of a one-line spec."""
    display_name: NameMaker = target_name
    """Names a configuration of this backend."""


_REGISTRY: dict[str, BackendInfo] = {}


def register_backend(
    name: str,
    *,
    description: str,
    origin: str = "shipped",
    spec: SpecParser = target_spec,
    display_name: NameMaker = target_name,
) -> Callable[[BackendFactory], BackendFactory]:
    """Decorator registering a backend factory under ``name``.

    Args:
        name: The name used in specs (``name:…``) and in TOML ``backend = "name"``.
        description: One line for ``judgeprobe judges list``.
        origin: Who provided it (set for entry points).
        spec: Reads what follows ``name:`` in a one-line spec (default: all of it is the ``target``).
        display_name: Names a configuration in reports (default: ``name:target``).
    """

    def decorate(factory: BackendFactory) -> BackendFactory:
        _REGISTRY[name] = BackendInfo(
            name=name,
            factory=factory,
            description=description,
            origin=origin,
            parse_spec=spec,
            display_name=display_name,
        )
        return factory

    return decorate


class JudgeConfig(BaseModel):
    """A judge configuration: what a spec string or a TOML file says. Its hash identifies the judge."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    backend: str = Field(min_length=1)
    """Registered backend name (``openai``, ``builtin``, ``command``, …)."""
    target: str = ""
    """Backend-specific target: the grader name for ``builtin``, the program for ``command``,
    ``module:function`` for ``python``, the run folder for ``replay``, the script for ``mock``."""
    model: str | None = None
    """Model name sent to a model API."""
    base_url: str | None = None
    """Base URL of a model API (e.g. ``http://127.0.0.1:8000/v1``)."""
    template: str | None = None
    """Prompt template: a shipped template name or a path to a user file (LLM backends)."""
    template_text: str | None = None
    """The template's resolved text; filled in on load and included in the hash."""
    temperature: float | None = None
    """Sampling temperature (``None``: the server default)."""
    max_tokens: int | None = Field(default=None, gt=0)
    """Maximum tokens of the judge's reply."""
    api_key_env: str | None = None
    """Name of the environment variable holding the API key (the key itself is never stored)."""
    headers: dict[str, str] = Field(default_factory=dict)
    """Extra HTTP headers (must not contain secrets; use ``api_key_env``)."""
    timeout_s: float = Field(default=60.0, gt=0)
    """Per-attempt timeout in seconds."""
    params: dict[str, Any] = Field(default_factory=dict)
    """Extra backend parameters (sent as-is to model APIs, e.g. ``top_p``, ``seed``)."""
    secret_params: list[str] = Field(default_factory=list)
    """Names of ``params`` whose values are secrets (besides those whose name looks secret, such as
    ``api_key`` or ``token``): never shown, and redacted from everything written. Not hashed (it changes
    nothing the judge does)."""
    reply: ReplyFormat | None = None
    """How to read the replies of a production prompt (``[judge.reply]``: a preset such as ``inspect``, or a
    pattern and the meaning of its values; see ``judgeprobe.harness.judges.reply_format``). ``None``: the
    built-in contract of the mode."""
    price: Price | None = None
    """Prices per million tokens (``[judge.price]``), for the cost in progress and reports and for
    ``--max-cost``. Not hashed: a new price is the same judge (see ``judgeprobe.harness.core.cost``)."""
    # Fields below are hashed only when set (see content_hash), so configurations written before they
    # existed keep their hash and their recorded verdicts.
    mode: Mode | None = None
    """The mode the template asks about (``grade``, ``pairwise``, ``score``); needed when the template's
    fields leave doubt (one response could be graded or rated). Without a template: judge only this mode."""
    template_syntax: Literal["auto", "format", "mustache"] | None = None
    """How the template writes its fields: ``format`` (``{question}``), ``mustache`` (``{{question}}``);
    unset or ``auto``: detected."""
    harden: bool | None = None
    """Wrap inserted texts in ``<<<BEGIN …>>>`` blocks and neutralise look-alike delimiters. Unset: off for
    a user's template (inserted verbatim, as production does), on for the shipped templates."""
    structured_output: Literal["auto", "on", "off"] | None = None
    """JSON-schema structured output (OpenAI-compatible servers): ``on`` always (a refusal is an error),
    ``auto`` try and fall back to text, ``off`` never. Unset: ``auto`` for the shipped templates, ``off`` for
    a user's template."""
    both_orders: bool | None = None
    """Pairwise: judge every pair in both orders and count a disagreement as a tie (MT-Bench)."""
    seed: int | None = None
    """Sampling seed sent to the model API (OpenAI-compatible servers)."""
    max_completion_tokens: int | None = Field(default=None, gt=0)
    """Reasoning models' limit on reply tokens, hidden reasoning included (OpenAI-compatible servers)."""
    reasoning_effort: str | None = None
    """Reasoning models' effort (``minimal``, ``low``, ``medium``, ``high``), sent as-is."""
    logprobs: bool | None = None
    """Ask for log-probabilities of the reply tokens; grade verdicts then carry ``meta["p_yes"]``."""
    top_logprobs: int | None = Field(default=None, ge=0, le=20)
    """Alternatives per token with ``logprobs`` (default 5 when ``logprobs`` is on)."""
    _base_dir: Path | None = PrivateAttr(default=None)
    # The folder of the TOML file the configuration was read from (``None`` for a spec string). Relative
    # files named in a ``command`` target are looked up there. Not a field: it is not hashed, so the same
    # judge has the same hash wherever the repository is checked out.

    @property
    def base_dir(self) -> Path | None:
        """The folder of the TOML file this configuration was read from (``None`` for a spec string)."""
        return self._base_dir

    @model_validator(mode="after")
    def _known_secret_params(self) -> JudgeConfig:
        unknown = sorted(set(self.secret_params) - set(self.params))
        if unknown:
            raise ValueError(
                f"secret_params names {', '.join(map(repr, unknown))}, which params does not set; "
                f"list only names of params (params has {', '.join(map(repr, self.params)) or 'none'})"
            )
        return self

    def content_hash(self) -> str:
        """Stable hash over every field that changes what the judge does (template text included)."""
        data = self.model_dump(mode="json")
        data.pop("template", None)  # the resolved text is what matters, not where it came from
        data.pop("secret_params", None)  # marks what to hide; the judge does the same either way
        data.pop("price", None)  # what calls cost does not change what the judge says
        for name in _HASHED_WHEN_SET:
            if data.get(name) is None:
                data.pop(name, None)
        blob = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def is_secret_param(self, name: str) -> bool:
        """Whether the value of ``params[name]`` is a secret (marked, or named like one)."""
        return name in self.secret_params or looks_secret(name)

    def secret_values(self) -> dict[str, str]:
        """Every secret value of this configuration, by where it comes from: the API key variable's value
        (read from the environment now), the header values, and the secret params' values."""
        found: dict[str, str] = {}
        if self.api_key_env and os.environ.get(self.api_key_env, "").strip():
            found[self.api_key_env] = os.environ[self.api_key_env].strip()
        for name, value in self.headers.items():
            found[f"header {name}"] = value
        for name, value in self.params.items():
            if self.is_secret_param(name) and isinstance(value, str | int | float):
                found[f"param {name}"] = str(value)
        return found

    def without_secrets(self) -> tuple[dict[str, Any], bool]:
        """The configuration as it may be stored: header values, secret params and credential-looking
        URL parts replaced by ``…``; and whether anything was replaced (then it cannot be rebuilt from it)."""
        data = self.model_dump(mode="json")
        data["headers"] = {name: "…" for name in self.headers}
        data["params"] = {k: "…" if self.is_secret_param(k) else v for k, v in data["params"].items()}
        if self.base_url:
            data["base_url"] = redact_url(self.base_url)
        hidden = bool(self.headers) or data["params"] != self.params or data["base_url"] != self.base_url
        return data, hidden

    def shown(self) -> dict[str, Any]:
        """The configuration as it may be printed: :meth:`without_secrets`, without the template text."""
        data = self.without_secrets()[0]
        data.pop("template_text", None)
        return data

    def display_name(self) -> str:
        """Short readable name, as the backend names its configurations."""
        try:
            info = backend_info(self.backend)
        except ConfigError:
            return target_name(self)
        return info.display_name(self)


_HASHED_WHEN_SET = (
    "mode",
    "template_syntax",
    "harden",
    "structured_output",
    "both_orders",
    "seed",
    "max_completion_tokens",
    "reasoning_effort",
    "logprobs",
    "top_logprobs",
    "reply",
)
"""Fields added after the first release: left out of the hash while unset, so old hashes stay valid."""


def parse_spec(spec: str) -> JudgeConfig:
    """Turn a one-line spec (see module docstring) into a configuration."""
    spec = spec.strip()
    backend, sep, rest = spec.partition(":")
    if not sep or not backend:
        raise ConfigError(
            f"judge spec {spec!r} has no backend; expected BACKEND:TARGET such as 'builtin:reference', "
            "'openai:MODEL@URL' or 'python:module:function', or a path to a .toml file"
        )
    info = backend_info(backend)
    shown = _shown_spec(spec)
    try:
        fields = info.parse_spec(rest)
    except ConfigError as exc:
        raise ConfigError(f"judge spec {shown!r}: {exc}") from None
    try:
        return JudgeConfig(backend=backend, **fields)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors(include_url=False)
        )
        raise ConfigError(f"judge spec {shown!r}: {problems}") from None


_URL_IN_SPEC = re.compile(r"[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE)


def _shown_spec(spec: str) -> str:
    """The spec as an error message may repeat it: any URL in it without user name, password or query
    values."""
    return _URL_IN_SPEC.sub(lambda found: redact_url(found.group(0)), spec)


def load_config(spec_or_path: str) -> JudgeConfig:
    """A configuration from a spec string or a ``.toml`` file path."""
    if spec_or_path.endswith(".toml"):
        path = Path(spec_or_path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"judge configuration file {path} does not exist") from None
        except UnicodeDecodeError as exc:
            raise ConfigError(
                f"{path}: not UTF-8 text (byte {exc.object[exc.start]:#04x} at offset {exc.start}); "
                "save the file as UTF-8"
            ) from None
        except OSError as exc:
            raise ConfigError(
                f"judge configuration file {path} cannot be read: {exc.strerror or exc}"
            ) from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: invalid TOML: {exc}") from None
        data = data.get("judge", data)
        if not isinstance(data, dict):
            raise ConfigError(
                f"{path}: 'judge' must be a table of settings ([judge] with backend = ...), "
                f"got {type(data).__name__}"
            )
        try:
            config = JudgeConfig(**data)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}"
                for err in exc.errors(include_url=False)
            )
            raise ConfigError(f"{path}: invalid judge configuration: {problems}") from None
        if config.template and not Path(config.template).is_absolute():
            candidate = path.parent / config.template
            if candidate.exists():
                config = config.model_copy(update={"template": str(candidate)})
        config._base_dir = path.absolute().parent
        return config
    return parse_spec(spec_or_path)


def _ensure_loaded(name: str) -> None:
    if name in _REGISTRY:
        return
    module = _SHIPPED.get(name)
    if module is not None:
        importlib.import_module(module)
        return
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name == name:
            loaded = ep.load()
            origin = f"entry point {ep.value}"
            known = _REGISTRY.get(name)
            if known is None and callable(loaded):
                _REGISTRY[name] = BackendInfo(name=name, factory=loaded, description=ep.value, origin=origin)
            elif known is not None and known.origin == "shipped":
                # registered by the plugin's own decorator, which does not know where it came from
                _REGISTRY[name] = dataclasses.replace(known, origin=origin)
            return


def backend_info(name: str) -> BackendInfo:
    """The registered backend ``name`` (importing its module if needed)."""
    _ensure_loaded(name)
    try:
        return _REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(set(_SHIPPED) | set(_REGISTRY)))
        raise ConfigError(f"unknown judge backend {name!r}; known backends: {known}") from None


def available_backends() -> list[BackendInfo]:
    """Every backend: shipped, registered, and from entry points (each module imported)."""
    for name in _SHIPPED:
        try:
            _ensure_loaded(name)
        except ImportError:
            continue
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        try:
            _ensure_loaded(ep.name)
        except Exception:  # noqa: S112 - a broken third-party plugin must not hide the others
            continue
    return sorted(_REGISTRY.values(), key=lambda info: info.name)


def load_judge(spec_or_path: str | JudgeConfig) -> Judge:
    """A configured judge from a spec string, a TOML path, or a configuration."""
    config = spec_or_path if isinstance(spec_or_path, JudgeConfig) else load_config(spec_or_path)
    info = backend_info(config.backend)
    judge = info.factory(config)
    judge.source_config = config
    if not judge.config_hash:
        judge.config_hash = config.content_hash()
    if judge.name == "judge":
        judge.name = config.display_name()
    if judge.price is None and config.price is not None:
        judge.price = config.price
    return judge
