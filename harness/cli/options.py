"""Command-line options shared by the commands that select cases and probes (``run``, ``gate``, ``diff``).

:func:`selection_options` adds the options and hands the command one value instead of nine keywords: a
:class:`~judgeprobe.harness.run.selection.Selection` for ``run``, or, for the commands that fall back to a
settings file, the :class:`SelectionFlags` given on the command line, which
:meth:`SelectionFlags.over` lays over the settings file's selection.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from judgeprobe.harness.run.selection import Selection

__all__ = ["FiniteFloatRange", "SelectionFlags", "selection_options"]

F = TypeVar("F", bound=Callable[..., Any])


class FiniteFloatRange(click.FloatRange):
    """A float range that also refuses ``nan`` and ``inf`` (which every comparison with a bound lets pass)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        return float(number)


@dataclass(frozen=True)
class SelectionFlags:
    """The selection options as given on the command line (empty or ``None``: not given)."""

    case_dirs: tuple[Path, ...] = ()
    """``--cases`` folders."""
    no_builtin_cases: bool | None = None
    """``--no-builtin-cases``."""
    case_ids: tuple[str, ...] = ()
    """``--case`` ids."""
    tags: tuple[str, ...] = ()
    """``--tag`` values."""
    kinds: tuple[str, ...] = ()
    """``--kind`` values."""
    tricks: tuple[str, ...] = ()
    """``--trick`` values."""
    modes: tuple[str, ...] = ()
    """``--mode`` values."""
    probes: str | None = None
    """``--probes``."""
    seed: int | None = None
    """``--seed``."""
    policy: str | None = None
    """``--policy``."""

    def over(self, base: Selection) -> Selection:
        """``base`` (e.g. the settings file's selection) with every option given here replacing its value."""
        changes: dict[str, Any] = {
            name: getattr(self, name)
            for name in (
                "case_dirs",
                "case_ids",
                "tags",
                "kinds",
                "tricks",
                "modes",
                "probes",
                "seed",
                "policy",
            )
            if getattr(self, name) not in ((), None)
        }
        if self.no_builtin_cases:
            changes["builtin_cases"] = False
        return base.with_changes(**changes)


_FLAG_NAMES = (
    "case_dirs", "no_builtin_cases", "case_ids", "tags", "kinds", "tricks", "modes", "probe_selector", "seed",
    "policy",
)  # fmt: skip


def selection_options(*, from_settings: bool) -> Callable[[F], F]:
    """Add ``--cases``, ``--no-builtin-cases``, ``--case``, ``--tag``, ``--kind``, ``--trick``, ``--mode``,
    ``--probes``, ``--seed`` and ``--policy``, and pass the command one keyword ``selection`` instead.

    Args:
        from_settings: The command falls back to a settings file for what is not given (``gate``,
            ``diff``): ``selection`` is the :class:`SelectionFlags` given. Otherwise (``run``) it is the
            :class:`~judgeprobe.harness.run.selection.Selection` the options make, defaults included.
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
            "--trick",
            "tricks",
            multiple=True,
            help="Only cases of this trick kind, a case's first tag (repeatable).",
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
        click.option(
            "--seed",
            type=int,
            default=None if from_settings else 0,
            show_default=not from_settings,
            help="Seed of the probes' random draws.",
        ),
        click.option(
            "--policy",
            type=click.Choice(["semantic", "strict"]),
            default=None if from_settings else "semantic",
            show_default=not from_settings,
            help="Grading policy of the labels: semantic (equivalent answers are right) or strict (the "
            "reference's notation must be kept). Part of the run's identity.",
        ),
    ]

    def decorate(command: F) -> F:
        @functools.wraps(command)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            given = {name: kwargs.pop(name) for name in _FLAG_NAMES}
            flags = SelectionFlags(
                case_dirs=tuple(given["case_dirs"]),
                no_builtin_cases=given["no_builtin_cases"],
                case_ids=tuple(given["case_ids"]),
                tags=tuple(given["tags"]),
                kinds=tuple(given["kinds"]),
                tricks=tuple(given["tricks"]),
                modes=tuple(given["modes"]),
                probes=given["probe_selector"],
                seed=given["seed"],
                policy=given["policy"],
            )
            kwargs["selection"] = flags if from_settings else flags.over(Selection())
            return command(*args, **kwargs)

        decorated: Any = wrapper
        for option in reversed(options):
            decorated = option(decorated)
        return decorated  # type: ignore[no-any-return]

    return decorate
