"""``judgeprobe gate``: run (or load) a probe suite for a judge and gate it on thresholds and a baseline.

Settings come from ``judgeprobe.toml`` or ``[tool.judgeprobe]`` in ``pyproject.toml`` (found in the current
folder or a parent, or named with ``--config``); options on the command line override them.

Exit status: 0 the gate passed, 1 it failed (the output names each failed rule and the cases behind it),
2 a usage, configuration, case-file or harness error (a judge that keeps failing the same blocking way — a
refused key, an unknown model, no server — included). ``gate-junit.xml`` in the run folder (or ``--junit
PATH``) has one test case per rule and family and fails exactly the rules the gate failed.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from judgeprobe.harness.cli.logs import verbose_option
from judgeprobe.harness.cli.options import FiniteFloatRange, SelectionFlags, selection_options

__all__ = ["gate"]


class GateUsageError(click.ClickException):
    """A configuration, case-file or harness error: exit status 2."""

    exit_code = 2


def _family_limits(values: tuple[str, ...]) -> dict[str, float] | None:
    limits: dict[str, float] = {}
    for value in values:
        family, eq, rate = value.partition("=")
        try:
            limits[family.strip()] = float(rate)
        except ValueError:
            eq = ""
        if not eq or not family.strip():
            raise click.BadParameter(
                f"expected FAMILY=RATE such as position=0.02, got {value!r}", param_hint="--max-flip-rate-for"
            )
    return limits or None


_SHARE = FiniteFloatRange(min=0, max=1)


@click.command("gate")
@click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Settings file (judgeprobe.toml or pyproject.toml); default: found from the current folder.",
)
@click.option(
    "--judge",
    "judge_spec",
    default=None,
    help="Judge spec or .toml file (settings: run.judge; default builtin:reference). replay:RUN_DIR gates "
    "recorded answers without calling a judge.",
)
@click.option(
    "--run-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Gate an existing run folder (its latest run, or --run KEY) instead of running the suite.",
)
@click.option(
    "--run",
    "run_key",
    default=None,
    metavar="KEY",
    help="With --run-dir: the run to gate (see 'judgeprobe runs').",
)
@selection_options(from_settings=True)
@click.option("--repeats", type=click.IntRange(min=1), default=None, help="Draws per variant.")
@click.option("--concurrency", type=click.IntRange(min=1), default=None, help="Judge calls in flight.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Run folder (reused: finished draws are not requested again).",
)
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Baseline file (JSON lines).",
)
@click.option("--no-baseline", is_flag=True, help="Ignore the baseline named in the settings.")
@click.option(
    "--update-baseline", is_flag=True, help="Write the baseline from this run (prunes stale entries)."
)
@click.option("--max-flip-rate", type=_SHARE, default=None, help="Limit on a family's excess flip rate.")
@click.option(
    "--max-flip-rate-for",
    "family_limits",
    multiple=True,
    metavar="FAMILY=RATE",
    help="Limit for one family (repeatable), e.g. position=0.02.",
)
@click.option("--max-control-miss", type=_SHARE, default=None, help="Limit on a control family's miss rate.")
@click.option("--min-accuracy", type=_SHARE, default=None, help="Minimum agreement with the labels.")
@click.option("--max-unscored", type=_SHARE, default=None, help="Limit on the share of unscored draws.")
@click.option("--max-errors", type=_SHARE, default=None, help="Limit on the share of errored draws.")
@click.option(
    "--noise-tolerance",
    type=_SHARE,
    default=None,
    help="A (case, probe) rate rise up to this much over the baseline is not a regression.",
)
@click.option(
    "--require-significance/--no-require-significance",
    default=None,
    help="Fail a family only when the statistics call it biased.",
)
@click.option(
    "--markdown",
    "markdown_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the markdown summary here (it is also appended to $GITHUB_STEP_SUMMARY when set).",
)
@click.option(
    "--junit",
    "junit_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the gate's JUnit XML here (one test case per rule and family, failing where the gate "
    "failed) [default: gate-junit.xml in the run folder].",
)
@click.option("--no-progress", is_flag=True, help="No progress bar (or progress lines outside a terminal).")
@verbose_option
def gate(
    config_path: Path | None,
    judge_spec: str | None,
    run_dir: Path | None,
    run_key: str | None,
    selection: SelectionFlags,
    repeats: int | None,
    concurrency: int | None,
    out_dir: Path | None,
    baseline: Path | None,
    no_baseline: bool,
    update_baseline: bool,
    max_flip_rate: float | None,
    family_limits: tuple[str, ...],
    max_control_miss: float | None,
    min_accuracy: float | None,
    max_unscored: float | None,
    max_errors: float | None,
    noise_tolerance: float | None,
    require_significance: bool | None,
    markdown_path: Path | None,
    junit_path: Path | None,
    no_progress: bool,
) -> None:
    """Gate a judge: run the probe suite, check the thresholds and the baseline, exit 0 (pass) or 1 (fail).

    Exit status 2 on a usage, configuration, case-file or harness error.
    """
    from judgeprobe.cases.errors import CaseError
    from judgeprobe.harness.core.errors import HarnessError
    from judgeprobe.probes.errors import ProbeError

    try:
        _gate(locals())
    except (CaseError, HarnessError, ProbeError, OSError) as exc:
        raise GateUsageError(str(exc)) from None
    except (click.ClickException, click.exceptions.Exit, SystemExit):
        raise
    except Exception as exc:  # an unexpected crash must not read as "the gate failed" (exit 1)
        import traceback

        traceback.print_exc()
        raise GateUsageError(f"internal error: {type(exc).__name__}: {exc}") from None


def _gate(opts: dict[str, Any]) -> None:
    from judgeprobe.harness.cli.main import console as make_console
    from judgeprobe.harness.gate.junit import GATE_JUNIT, render_gate_junit
    from judgeprobe.harness.gate.markdown import append_step_summary, render_gate_markdown
    from judgeprobe.harness.gate.settings import load_settings, with_overrides

    settings = load_settings(opts["config_path"])
    run_over = {
        "judge": opts["judge_spec"],
        "repeats": opts["repeats"],
        "concurrency": opts["concurrency"],
        "baseline": opts["baseline"],
        "out": opts["out_dir"],
    }
    gate_over = {
        "max_excess_flip_rate": opts["max_flip_rate"],
        "max_excess_flip_rate_by_family": _family_limits(opts["family_limits"]),
        "max_control_miss_rate": opts["max_control_miss"],
        "min_accuracy": opts["min_accuracy"],
        "max_unscored_share": opts["max_unscored"],
        "max_error_share": opts["max_errors"],
        "noise_tolerance": opts["noise_tolerance"],
        "require_significance": opts["require_significance"],
    }
    settings = with_overrides(settings, run=run_over, gate=gate_over)
    baseline = None if opts["no_baseline"] else settings.run.baseline
    if opts["update_baseline"] and baseline is None:
        raise click.UsageError(
            "--update-baseline needs a baseline file: --baseline PATH or run.baseline in settings"
        )
    console = make_console()
    if opts["run_key"] is not None and opts["run_dir"] is None:
        raise click.UsageError("--run picks a run of a recorded folder: give --run-dir too")
    if opts["run_dir"] is not None:
        result, run_dir = _gate_recorded(
            opts["run_dir"], opts["run_key"], settings, baseline, opts["update_baseline"]
        )
    else:
        selection = opts["selection"].over(settings.run.selection())
        result, run_dir = _gate_live(
            settings, selection, baseline, opts["update_baseline"], not opts["no_progress"], console
        )
    from judgeprobe.harness.gate.terminal import print_result

    print_result(console, result, run_dir=run_dir)
    junit = opts["junit_path"] or run_dir / GATE_JUNIT
    junit.parent.mkdir(parents=True, exist_ok=True)
    junit.write_text(render_gate_junit(result), encoding="utf-8")
    text = render_gate_markdown(result, run_dir=_shown(run_dir))
    if opts["markdown_path"] is not None:
        opts["markdown_path"].parent.mkdir(parents=True, exist_ok=True)
        opts["markdown_path"].write_text(text, encoding="utf-8")
    append_step_summary(text)
    sys.exit(0 if result.passed else 1)


def _shown(path: Path) -> Path:
    """``path`` relative to the current folder when it lies below it (shorter logs)."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def _stats_settings(settings: Any) -> Any:
    """The statistics' settings: the reliability limits of the settings file, the flip limit as threshold."""
    from judgeprobe.harness.gate.settings import analysis_settings

    return analysis_settings(settings, threshold=settings.gate.max_excess_flip_rate)


def _gate_recorded(
    run_dir: Path, run_key: str | None, settings: Any, baseline: Path | None, update: bool
) -> tuple[Any, Path]:
    from judgeprobe.harness.gate.check import gate_recorded
    from judgeprobe.harness.session.tail import run_tail

    results = run_tail(run_dir, run_key, settings=_stats_settings(settings))
    return gate_recorded(results, settings.gate, baseline=baseline, update_baseline=update), run_dir


def _gate_live(
    settings: Any, selection: Any, baseline: Path | None, update: bool, progress: bool, console: Any
) -> tuple[Any, Path]:
    from judgeprobe.cases.loader import load_library
    from judgeprobe.harness.gate.check import gate_run
    from judgeprobe.harness.judges.registry import load_judge
    from judgeprobe.harness.judges.replay import ReplayJudge
    from judgeprobe.harness.run.line_progress import progress_sink
    from judgeprobe.harness.session import plan_suite, run_suite

    run = settings.run
    library = load_library(list(selection.case_dirs), include_builtin=selection.builtin_cases)
    plan = plan_suite(selection, library=library)
    if not plan.cases:
        raise click.UsageError("no case matches the selection; see 'judgeprobe cases list'")
    judge = load_judge(run.judge or "builtin:reference")
    ignored = [name for name in ("adaptive", "shard", "max_calls") if getattr(run, name)]
    if ignored:  # a gate compares every draw of a fixed run with its limits and baseline
        click.echo(
            "gate: " + ", ".join(f"run.{name}" for name in ignored) + " apply to 'judgeprobe run' only; the "
            "gate makes a fixed run of the whole plan",
            err=True,
        )
    suite = run_suite(
        plan,
        judge=judge,
        out=run.out,
        options=run.run_options(),
        settings=_stats_settings(settings),
        show_progress=False,
        progress=progress_sink(progress),
    )
    suite.raise_if_stopped()
    stats = suite.stats
    if isinstance(judge, ReplayJudge):  # counted by the judge: a request without a recording is no answer
        missing = f", {judge.unrecorded} not recorded" if judge.unrecorded else ""
        calls = f"{judge.answered} answered from the recording{missing}, no model called"
    else:
        calls = f"{stats.new_calls} judge calls"
    console.print(
        f"{stats.done} draws of {len(plan.variants)} variants ({calls}, {stats.cache_hits} from the store); "
        f"reports in {_shown(suite.run_dir)}/"
    )
    result = gate_run(
        suite,
        settings.gate,
        baseline=baseline,
        update_baseline=update,
        known_cases=[c.id for c in library.cases],
    )
    return result, suite.run_dir
