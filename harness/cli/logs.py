"""``-v/--verbose``: log what the harness does with the judge to standard error, secrets redacted.

``-v`` logs every judge call (which draw, which attempt, what came back, how long it took), every retry and
its wait, and why a run stopped; ``-vv`` adds the HTTP requests of model backends (method, URL, status,
sizes; never headers or bodies). The option is accepted both before the command (``judgeprobe -v run``)
and after it (``judgeprobe run -v``). Every line passes through
:func:`~judgeprobe.harness.core.secrets.redact_secrets`, so an API key echoed by a server never reaches the
log.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from judgeprobe.harness.core.secrets import redact_secrets

__all__ = ["RedactingFormatter", "configure_logging", "verbose_option"]

F = TypeVar("F", bound=Callable[..., Any])

_HANDLER_NAME = "judgeprobe-verbose"


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time of the record (test runners swap it)."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


class RedactingFormatter(logging.Formatter):
    """A formatter whose every line has secret-looking environment values replaced by their names."""

    def format(self, record: logging.LogRecord) -> str:
        """The formatted record, redacted."""
        return redact_secrets(super().format(record))


def configure_logging(verbosity: int) -> None:
    """Send the ``judgeprobe`` loggers to standard error: ``1`` at INFO, ``2`` or more at DEBUG (``0``:
    leave logging as it is). Calling it again only raises the level."""
    if verbosity <= 0:
        return
    logger = logging.getLogger("judgeprobe")
    level = logging.INFO if verbosity == 1 else logging.DEBUG
    handler = next((h for h in logger.handlers if h.get_name() == _HANDLER_NAME), None)
    if handler is None:
        handler = _StderrHandler()
        handler.set_name(_HANDLER_NAME)
        handler.setFormatter(
            RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%H:%M:%S")
        )
        logger.addHandler(handler)
    if logger.level == logging.NOTSET or logger.level > level:
        logger.setLevel(level)


def _callback(ctx: click.Context, param: click.Parameter, value: int) -> int:
    configure_logging(value)
    return value


def verbose_option(command: F) -> F:
    """Add ``-v/--verbose`` (repeatable) to a click command or group; it configures logging when parsed."""
    option = click.option(
        "-v",
        "--verbose",
        count=True,
        expose_value=False,
        is_eager=True,
        callback=_callback,
        help="Log judge calls and retries to stderr (-vv: also HTTP requests); secrets are redacted.",
    )
    return option(command)
