"""``judgeprobe diff OLD NEW``: run two judge configurations on the same variants and report what changed.

``OLD`` and ``NEW`` are judge specs or TOML files (typically the same judge with the old and the new prompt).
The selection (cases, probes, repeats) comes from the settings file's ``[run]`` table and the options, as for
``judgeprobe gate``. With ``--old-run`` and ``--new-run`` no judge is called: two recorded run folders are
compared instead.

Exit status: 0 (whatever changed), 1 with ``--fail-if-worse`` when a family flips significantly more,
2 on a usage, configuration or harness error.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from judgeprobe.harness.cli.logs import verbose_option
from judgeprobe.harness.cli.options import FiniteFloatRange, SelectionFlags, selection_options

__all__ = ["diff"]


class DiffUsageError(click.ClickException):
    """A configuration, case-file or harness error: exit status 2."""

    exit_code = 2


@click.command("diff")
@click.argument("old", required=False)
@click.argument("new", required=False)
@click.option(
    "--old-run",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Recorded run folder of the old judge (instead of OLD); its latest run.",
)
@click.option(
    "--new-run",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Recorded run folder of the new judge (instead of NEW); its latest run.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Settings file for the selection (default: found from the current folder).",
)
@selection_options(from_settings=True)
@click.option("--repeats", type=click.IntRange(min=1), default=None, help="Draws per variant.")
@click.option(
    "--out",
    "out_root",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder holding one run folder per judge (default: judgeprobe-out).",
)
@click.option(
    "--markdown",
    "markdown_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the comparison as markdown (for a pull-request comment).",
)
@click.option(
    "--fail-if-worse",
    is_flag=True,
    help="Exit 1 when a family's flip or miss rate rose with exact p < --alpha.",
)
@click.option(
    "--alpha",
    type=FiniteFloatRange(min=0, max=1, min_open=True),
    default=0.05,
    show_default=True,
    help="Significance level of --fail-if-worse.",
)
@verbose_option
def diff(
    old: str | None,
    new: str | None,
    old_run: Path | None,
    new_run: Path | None,
    config_path: Path | None,
    selection: SelectionFlags,
    repeats: int | None,
    out_root: Path | None,
    markdown_path: Path | None,
    fail_if_worse: bool,
    alpha: float,
) -> None:
    """Compare two judge configurations (OLD and NEW specs or TOML files) on the same variants."""
    from judgeprobe.cases.errors import CaseError
    from judgeprobe.harness.core.errors import HarnessError
    from judgeprobe.probes.errors import ProbeError

    recorded = old_run is not None or new_run is not None
    if recorded and (old_run is None or new_run is None or old or new):
        raise click.UsageError("give either OLD and NEW judges, or both --old-run and --new-run")
    if not recorded and (old is None or new is None):
        raise click.UsageError("give two judges: judgeprobe diff OLD NEW (specs or .toml files)")
    try:
        result = _compare(locals())
    except (CaseError, HarnessError, ProbeError, OSError) as exc:
        raise DiffUsageError(str(exc)) from None
    from judgeprobe.harness.cli.main import console
    from judgeprobe.harness.gate.diff import render_diff_markdown, render_diff_terminal

    render_diff_terminal(result, console())
    if markdown_path is not None:
        markdown_path.parent.mkdir(parents=True, exist_ok=True)
        markdown_path.write_text(render_diff_markdown(result), encoding="utf-8")
    worse = [
        row for row in result.rows if row.relation != "base" and row.only_new > row.only_old and row.p < alpha
    ]
    sys.exit(1 if fail_if_worse and worse else 0)


def _compare(opts: dict[str, Any]) -> Any:
    from judgeprobe.harness.gate.diff import diff_frames
    from judgeprobe.harness.session.tail import run_tail

    if opts["old_run"] is not None:
        old, new = run_tail(opts["old_run"]), run_tail(opts["new_run"])
        sides = [(r.frame, r.run.judge, r.run.judge_hash) for r in (old, new)]
        for side, folder in zip(sides, (opts["old_run"], opts["new_run"]), strict=True):
            if side[0].empty:
                raise click.UsageError(f"{folder}: its latest run has no draws yet")
    else:
        sides = _run_both(opts)
    (old_frame, old_name, old_hash), (new_frame, new_name, new_hash) = sides
    return diff_frames(
        old_frame, new_frame, old_judge=old_name, old_hash=old_hash, new_judge=new_name, new_hash=new_hash
    )


def _run_both(opts: dict[str, Any]) -> list[tuple[Any, str, str]]:
    from judgeprobe.harness.gate.settings import load_settings, with_overrides
    from judgeprobe.harness.judges.registry import load_judge
    from judgeprobe.harness.session import DEFAULT_OUT_ROOT, default_out_dir, plan_suite, run_suite

    settings = with_overrides(load_settings(opts["config_path"]), run={"repeats": opts["repeats"]}).run
    selection = opts["selection"].over(settings.selection())
    plan = plan_suite(selection)
    if not plan.cases:
        raise click.UsageError("no case matches the selection; see 'judgeprobe cases list'")
    out: list[tuple[Any, str, str]] = []
    for spec in (opts["old"], opts["new"]):
        judge = load_judge(spec)
        folder = (opts["out_root"] or DEFAULT_OUT_ROOT) / default_out_dir(
            judge, selection, repeats=settings.repeats
        ).name
        suite = run_suite(
            plan,
            judge=judge,
            out=folder,
            options=settings.run_options(),
            show_progress=False,
            write_reports=False,
        )
        suite.raise_if_stopped()
        out.append((suite.frame, suite.judge_name, suite.judge_hash))
    return out
