"""Chat-message template files: a judge prompt kept as a list of messages (system, user, …) in YAML, JSON or
TOML.

Accepted shapes (the suffix picks the reader: ``.yaml``/``.yml``, ``.json``, ``.toml``)::

    # YAML                                  # TOML
    mode: grade          # optional          mode = "grade"
    syntax: format       # optional          syntax = "format"
    messages:                               [[messages]]
      - role: system                        role = "system"
        content: You grade answers.         content = "You grade answers."
      - role: user                          [[messages]]
        content: |                          role = "user"
          [question]: {question}            content = '''
          ...                               [question]: {question} ...'''

JSON takes the same object, or a bare list of messages. Roles are ``system``, ``developer``, ``user`` and
``assistant``; at least one message is ``user``. Each ``content`` is a template in the file's ``syntax``
(``format`` for ``{name}`` fields, ``mustache`` for ``{{name}}``; detected when not given). YAML is read with
``yaml.safe_load`` only.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from typing import Any

import yaml

from judgeprobe.cases.models import Mode
from judgeprobe.harness.core.errors import ConfigError

__all__ = ["CHAT_SUFFIXES", "ROLES", "ChatSpec", "read_chat_file"]

CHAT_SUFFIXES = (".yaml", ".yml", ".json", ".toml")
"""File suffixes read as chat-message templates."""

ROLES = ("system", "developer", "user", "assistant")
"""Message roles a chat-message template may use."""

_KEYS = ("messages", "mode", "syntax")


@dataclass(frozen=True, slots=True)
class ChatSpec:
    """What a chat-message file declares."""

    messages: tuple[tuple[str, str], ...]
    """``(role, content template)`` in order."""
    mode: Mode | None
    """The declared mode, if any."""
    syntax: str | None
    """The declared syntax of the contents (``format`` or ``mustache``), if any."""


def _load(text: str, suffix: str, source: str) -> Any:
    try:
        if suffix == ".json":
            return json.loads(text)
        if suffix == ".toml":
            return tomllib.loads(text)
        return yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        kind = {".json": "JSON", ".toml": "TOML"}.get(suffix, "YAML")
        raise ConfigError(f"template {source}: not valid {kind}: {exc}") from None


def read_chat_file(text: str, suffix: str, source: str) -> ChatSpec:
    """Read a chat-message template file's text (``suffix`` picks the format).

    Raises:
        ConfigError: The file is not valid in its format, or a key, role or content is wrong (the message
            names ``source`` and the item, e.g. ``messages[1].role``).
    """
    data = _load(text, suffix.lower(), source)
    if isinstance(data, list):
        data = {"messages": data}
    if not isinstance(data, dict):
        raise ConfigError(f"template {source}: expected a table with 'messages', got {type(data).__name__}")
    unknown = sorted(set(data) - set(_KEYS))
    if unknown:
        raise ConfigError(f"template {source}: unknown key {unknown[0]!r}; keys are {', '.join(_KEYS)}")
    items = data.get("messages")
    if not isinstance(items, list) or not items:
        raise ConfigError(f"template {source}: 'messages' must be a non-empty list of {{role, content}}")
    messages: list[tuple[str, str]] = []
    for index, item in enumerate(items):
        where = f"template {source}: messages[{index}]"
        if not isinstance(item, dict) or set(item) != {"role", "content"}:
            got = sorted(item) if isinstance(item, dict) else type(item).__name__
            raise ConfigError(f"{where}: expected exactly the keys role and content, got {got}")
        role, content = item["role"], item["content"]
        if role not in ROLES:
            raise ConfigError(f"{where}.role: {role!r} is not one of {', '.join(ROLES)}")
        if not isinstance(content, str):
            raise ConfigError(f"{where}.content: expected text, got {type(content).__name__}")
        messages.append((role, content))
    if not any(role == "user" for role, _ in messages):
        raise ConfigError(f"template {source}: no message has role 'user'")
    mode = data.get("mode")
    if mode is not None and mode not in {str(m) for m in Mode}:
        raise ConfigError(f"template {source}: mode {mode!r} is not one of {', '.join(str(m) for m in Mode)}")
    syntax = data.get("syntax")
    if syntax is not None and syntax not in ("format", "mustache"):
        raise ConfigError(f"template {source}: syntax {syntax!r} is not 'format' or 'mustache'")
    return ChatSpec(tuple(messages), Mode(mode) if mode is not None else None, syntax)
