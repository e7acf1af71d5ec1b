"""Command-line options shared by the commands that select cases and probes (``run``, ``gate``, ``diff``)."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

__all__ = ["FiniteFloatRange", "selection_options"]

F = TypeVar("F", bound=Callable[..., object])


class FiniteFloatRange(click.FloatRange):
    """A float range that also refuses ``nan`` and ``inf`` (which every comparison with a bound lets pass)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        return float(number)


def selection_options(*, from_settings: bool) -> Callable[[F], F]:
    """Add the selection options: ``--cases``, ``--no-builtin-cases``, ``--case``, ``--tag``, ``--kind``,
    ``--mode`` and ``--probes``.

    Args:
        from_settings: The command falls back to a settings file for what is not given, so unset flags
            default to ``None`` (``gate``, ``diff``); otherwise ``--probes`` defaults to ``all`` and
            ``--no-builtin-cases`` to off (``run``).
    """
    options = [
        click.option(
            "--cases",
            "case_dirs",
            multiple=True,
            type=click.Path(exists=True, file_okay=False, path_type=Path),
            help="Extra case folder (repeatable); read besides the shipped library.",
        ),
        click.option(
            "--no-builtin-cases",
            is_flag=True,
            default=None if from_settings else False,
            help="Do not read the shipped library (only --cases folders).",
        ),
        click.option("--case", "case_ids", multiple=True, help="Only this case id (repeatable)."),
        click.option("--tag", "tags", multiple=True, help="Only cases with this tag (repeatable)."),
        click.option(
            "--kind", "kinds", multiple=True, help="Only grade cases of this answer kind (repeatable)."
        ),
        click.option(
            "--mode",
            "modes",
            multiple=True,
            type=click.Choice(["grade", "pairwise", "score"]),
            help="Only cases of this mode (repeatable).",
        ),
        click.option(
            "--probes",
            "probe_selector",
            default=None if from_settings else "all",
            show_default=not from_settings,
            help="Probe families or names, comma-separated; 'none' judges the unperturbed responses only.",
        ),
    ]

    def decorate(command: F) -> F:
        for option in reversed(options):
            command = option(command)
        return command

    return decorate
