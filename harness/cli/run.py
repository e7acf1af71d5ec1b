"""``judgeprobe run``: the probe suite against a judge, with a verdict on the judge and the biases it shows on
screen, and reports on disk.

With no arguments it runs every probe over the shipped library against the embedded default judge
(``builtin:reference``): offline, no keys. Settings come from ``judgeprobe.toml`` or ``[tool.judgeprobe]`` in
``pyproject.toml`` (found in the current folder or a parent, or named with ``--config``), as for ``gate``:
``[run]`` says what to run and ``[reliability]`` when the judge is unreliable; options override them.
Rerunning the same command resumes from the run folder's store; when nothing changed since its reports were
written, it reads them back. ``--adaptive`` draws in rounds and stops drawing each test once it is settled;
``--shard i/N`` runs one part of the plan (``judgeprobe merge`` joins the parts; ``docs/decisions.md``).

Exit status (see ``docs/decisions.md``):

- **0** the run finished and the judge is reliable (biased families are findings, printed and failed in
  ``junit.xml``, but the run did its job; ``--fail-on biased`` makes them exit 1 too);
- **1** the run finished and the judge is unreliable (``--fail-on never``: 0);
- **2** a usage, configuration or case-file error, or the judge kept failing the same blocking way (a refused
  key, an unknown model, no server, invalid requests) and the run stopped early;
- **130** interrupted (finished draws are kept; rerun to resume).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from judgeprobe.harness.cli.logs import verbose_option
from judgeprobe.harness.cli.main import UsageProblem
from judgeprobe.harness.cli.main import console as make_console
from judgeprobe.harness.cli.options import FiniteFloatRange, SelectionFlags, selection_options
from judgeprobe.harness.core.errors import HarnessError

if TYPE_CHECKING:
    from judgeprobe.harness.run.options import RunStats
    from judgeprobe.harness.stats.schema import Summary
    from judgeprobe.probes.variant import Variant

__all__ = ["exit_for_verdict", "run"]

_SHARE = FiniteFloatRange(min=0, max=1)


@click.command("run")
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
    help="Judge spec (builtin:reference, openai:MODEL@URL, command:…, python:mod:fn, replay:DIR) or a .toml "
    "file [default: run.judge of the settings, else builtin:reference].",
)
@selection_options(from_settings=True)
@click.option(
    "--repeats",
    default=None,
    type=click.IntRange(min=1),
    help="Draws per variant; the unperturbed responses get as many placebo draws again. With --adaptive: "
    "the most draws per variant [default: 1; with --adaptive: 8].",
)
@click.option(
    "--adaptive/--fixed",
    default=None,
    help="Draw in rounds: once per variant, then again only where a test is still undecided and more draws "
    "can decide it, until settled or a budget runs out (--fixed: every draw of --repeats) [default: "
    "run.adaptive of the settings, else fixed].",
)
@click.option(
    "--max-calls",
    default=None,
    type=click.IntRange(min=1),
    help="With --adaptive: the most draws (judge calls on an empty store) the run may make.",
)
@click.option(
    "--max-cost",
    default=None,
    type=click.FloatRange(min=0, min_open=True),
    help="Stop starting calls once they cost this much (needs [judge.price] in the judge file).",
)
@click.option(
    "--shard",
    "shard_text",
    default=None,
    metavar="I/N",
    help="Run part I of N of the plan (cases split by their order; 'judgeprobe merge' joins the parts).",
)
@click.option("--concurrency", default=None, type=click.IntRange(min=1), help="Judge calls in flight [8].")
@click.option(
    "--rpm", default=None, type=FiniteFloatRange(min=0, min_open=True), help="Requests-per-minute limit."
)
@click.option(
    "--tpm",
    default=None,
    type=FiniteFloatRange(min=0, min_open=True),
    help="Tokens-per-minute limit (prompt and reply), beside --rpm.",
)
@click.option(
    "--timeout", "timeout_s", default=None, type=FiniteFloatRange(min=0, min_open=True),
    help="Seconds per attempt [60].",
)  # fmt: skip
@click.option("--max-retries", default=None, type=click.IntRange(min=0), help="Retries per draw [4].")
@click.option(
    "--max-failures-in-a-row",
    "failure_limit",
    default=None,
    type=click.IntRange(min=0),
    help="Stop after this many judge calls in a row failed in a way no retry fixes (refused key, unknown "
    "model, no server, invalid request); 0 never stops [5].",
)
@click.option(
    "--threshold",
    default=None,
    type=FiniteFloatRange(min=0, max=1, min_open=True),
    help="Practical threshold: an excess flip rate at or above it counts as bias [0.05].",
)
@click.option(
    "--max-control-miss", type=_SHARE, default=None, help="Unreliable above this control miss rate."
)
@click.option("--min-accuracy", type=_SHARE, default=None, help="Unreliable below this accuracy.")
@click.option("--max-errors", type=_SHARE, default=None, help="Unreliable above this share of errored draws.")
@click.option(
    "--max-unscored", type=_SHARE, default=None, help="Unreliable above this share of unscored draws."
)
@click.option(
    "--fail-on",
    type=click.Choice(["unreliable", "biased", "never"]),
    default=None,
    help="Exit 1 when the judge is unreliable [default], also when a family is biased, or never.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Run folder (default: run.out of the settings, else judgeprobe-out/<judge>-<run key>; the key "
    "digests the judge, the selection and --repeats).",
)
@click.option(
    "--dry-run", is_flag=True, help="Print the counts of the plan (variants per family); call no judge."
)
@click.option(
    "--list",
    "list_to",
    is_flag=False,
    flag_value="-",
    default=None,
    metavar="[PATH]",
    help="With --dry-run: also list every variant (id, case/unit, relation, label, chain), on stdout or "
    "into PATH.",
)
@click.option(
    "--plan-only",
    is_flag=True,
    help="Write the variants into the run folder's store and stop (then 'judgeprobe batch export').",
)
@click.option("--no-progress", is_flag=True, help="No progress bar (or progress lines outside a terminal).")
@click.option(
    "--top", default=5, show_default=True, type=click.IntRange(min=0), help="Flipped cases shown in full."
)
@verbose_option
def run(**opts: Any) -> None:
    """Run the probe suite against a judge: is the judge reliable at all, and which biases flip its verdicts.

    Exit status: 0 finished and the judge is reliable; 1 the judge is unreliable (or, with --fail-on biased,
    a family is biased); 2 a usage, configuration or case-file error, or the judge kept failing (a refused
    key, an unknown model, no server) and the run stopped; 130 interrupted (finished draws are kept; rerun
    to resume).
    """
    from judgeprobe.cases.errors import CaseError
    from judgeprobe.probes.errors import ProbeError

    try:
        _run(opts)
    except (CaseError, HarnessError, ProbeError) as exc:
        raise UsageProblem(str(exc)) from None


def _settings(opts: dict[str, Any]) -> Any:
    from judgeprobe.harness.gate.settings import load_settings, with_overrides

    settings = load_settings(opts["config_path"])
    if settings.source is not None:
        source = settings.source.resolve()
        shown = (
            source.relative_to(Path.cwd().resolve())
            if source.is_relative_to(Path.cwd().resolve())
            else source
        )
        click.echo(f"settings: {shown}", err=True)
    run_over = {
        "judge": opts["judge_spec"],
        "repeats": opts["repeats"],
        "concurrency": opts["concurrency"],
        "rpm": opts["rpm"],
        "timeout": opts["timeout_s"],
        "max_retries": opts["max_retries"],
        "max_failures_in_a_row": opts["failure_limit"],
        "fail_on": opts["fail_on"],
        "out": opts["out_dir"],
        "adaptive": opts["adaptive"],
        "max_calls": opts["max_calls"],
        "max_cost": opts["max_cost"],
        "tpm": opts["tpm"],
        "shard": opts["shard_text"],
    }
    reliability = {
        "max_control_miss_rate": opts["max_control_miss"],
        "min_accuracy": opts["min_accuracy"],
        "max_error_share": opts["max_errors"],
        "max_unscored_share": opts["max_unscored"],
    }
    return with_overrides(settings, run=run_over, reliability=reliability)


def _scale(cfg: Any, *, repeats_given: bool, max_calls_given: bool) -> tuple[int, Any, Any]:
    """The repeats, the adaptive options (``None``: a fixed run) and the shard (``None``: the whole plan)
    the run settings ask for (the settings file's ``[run]`` with the options over it); a
    :class:`UsageProblem` when they do not go together.

    ``repeats_given``: ``--repeats`` was given (an adaptive run without it, whose ``run.repeats`` is below
    2, gets the rule's default most draws). ``max_calls_given``: ``--max-calls`` was given (the settings'
    ``run.max_calls`` applies to adaptive runs only)."""
    from judgeprobe.harness.run.shard import Shard
    from judgeprobe.harness.session.adaptive import AdaptiveOptions
    from judgeprobe.harness.stats.sequential import SequentialDesign

    adaptive, repeats = bool(cfg.adaptive), int(cfg.repeats)
    if max_calls_given and not adaptive:
        raise UsageProblem("--max-calls needs --adaptive (a fixed run makes every draw of --repeats)")
    if adaptive and not repeats_given and repeats < 2:
        repeats = SequentialDesign().max_draws
    if adaptive and repeats < 2:
        raise UsageProblem(
            f"--adaptive needs --repeats 2 or more (the most draws per variant), got --repeats {repeats}"
        )
    shard = None if cfg.shard is None else Shard.parse(cfg.shard)
    if shard is not None and adaptive:
        raise UsageProblem(
            "--shard and --adaptive do not mix: an adaptive run decides what to draw from every test's draws "
            "so far; run it on one machine, or shard a fixed run"
        )
    rounds = None
    if adaptive:
        design = SequentialDesign(max_draws=repeats)
        rounds = AdaptiveOptions(design, max_calls=cfg.max_calls, max_cost=cfg.max_cost)
    return repeats, rounds, shard


def _run(opts: dict[str, Any]) -> None:
    from judgeprobe.harness.gate.settings import analysis_settings
    from judgeprobe.harness.run.line_progress import progress_sink
    from judgeprobe.harness.run.runner import RunOptions
    from judgeprobe.harness.run.selection import run_key
    from judgeprobe.harness.session import default_out_dir, plan_suite, run_suite, save_plan
    from judgeprobe.harness.session.fresh import reuse_run

    settings = _settings(opts)
    cfg = settings.run
    flags: SelectionFlags = opts["selection"]
    selection = flags.over(cfg.selection())
    judge_spec = cfg.judge or "builtin:reference"
    console = make_console()
    if opts["list_to"] is not None and not opts["dry_run"]:
        raise click.UsageError("--list goes with --dry-run")
    repeats, rounds, shard = _scale(
        cfg, repeats_given=opts["repeats"] is not None, max_calls_given=opts["max_calls"] is not None
    )
    analysis = analysis_settings(settings, threshold=opts["threshold"])
    from judgeprobe.cases.models import Mode
    from judgeprobe.harness.judges.registry import load_judge

    judge = load_judge(judge_spec)  # its modes decide which units are derived from grade cases
    if not (opts["dry_run"] or opts["plan_only"]):
        identity = None if rounds is None else rounds.identity(analysis)
        part = None if shard is None else str(shard)
        folder = cfg.out or default_out_dir(judge, selection, repeats=repeats, adaptive=identity, shard=part)
        key = run_key(judge.config_hash, selection, repeats=repeats, adaptive=identity, shard=part)
        reused = reuse_run(folder, key, settings=analysis, top=opts["top"])
        if reused is not None:
            console.print(
                "Up to date: every draw of this run is in the store and its reports were made from them with "
                "this judgeprobe and these settings ('judgeprobe report' rebuilds them)."
            )
            _finish(
                _Done(reused.summary, reused.variants, reused.stats, reused.run.key, folder, reused.paths),
                console, fail_on=cfg.fail_on, top=opts["top"],
            )  # fmt: skip
            return
    recorded = getattr(judge, "derived_modes", None)  # a replay derives what its recording holds
    judge_modes = recorded() if callable(recorded) else [mode for mode in Mode if judge.supports(mode)]
    plan = plan_suite(selection, judge_modes=judge_modes)
    if not plan.cases:
        raise click.UsageError("no case matches the selection; see 'judgeprobe cases list'")
    if opts["dry_run"]:
        _dry_run(plan, console, repeats=repeats, list_to=opts["list_to"])
        return
    if opts["plan_only"]:
        folder = save_plan(plan, judge=judge, out=cfg.out, repeats=repeats)
        console.print(
            f"{len(plan.variants)} variants written to {folder}/; no judge was called. Next: "
            f"judgeprobe batch export --judge {judge_spec} --out {folder} requests.jsonl"
        )
        return
    options = RunOptions(
        concurrency=cfg.concurrency, rpm=cfg.rpm, timeout_s=cfg.timeout, max_retries=cfg.max_retries,
        repeats=repeats, max_failures_in_a_row=cfg.max_failures_in_a_row, tpm=cfg.tpm,
        max_cost=None if rounds is not None else cfg.max_cost,
    )  # fmt: skip
    result = run_suite(
        plan, judge=judge, out=cfg.out, options=options, settings=analysis, show_progress=False,
        progress=progress_sink(not opts["no_progress"]), adaptive=rounds, shard=shard,
        prompts=False,  # the command keeps no frame: the prompts go to results.jsonl only
    )  # fmt: skip
    done = _Done(
        result.summary, result.variants_by_id, result.stats, result.run.key, result.run_dir, result.paths
    )
    _finish(done, console, fail_on=cfg.fail_on, top=opts["top"])


def _dry_run(plan: Any, console: Any, *, repeats: int, list_to: str | None) -> None:
    from judgeprobe.harness.report.plan_view import render_plan, variant_lines

    if list_to == "-":
        for line in variant_lines(plan):
            click.echo(line)
    elif list_to is not None:
        path = Path(list_to)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(line + "\n" for line in variant_lines(plan)), encoding="utf-8")
        click.echo(f"wrote {len(plan.variants)} variant lines to {path}", err=True)
    render_plan(plan, console, repeats=repeats)


@dataclass(frozen=True)
class _Done:
    """What a run (or a rerun that found its reports up to date) ended with."""

    summary: Summary | None
    variants: Mapping[str, Variant]
    stats: RunStats
    key: str
    folder: Path
    paths: Sequence[Path]


def _finish(result: _Done, console: Any, *, fail_on: str, top: int) -> None:
    """Print the summary and what the runner did, then exit with the status the verdict calls for."""
    from judgeprobe.harness.report.terminal import render_summary
    from judgeprobe.harness.run.progress import spent

    summary = result.summary
    if summary is not None:
        render_summary(summary, console, variants=result.variants, top=top)
    stats = result.stats
    console.print(
        f"{stats.done} of {stats.planned} draws ended ({stats.new_calls} judge calls, "
        f"{stats.cache_hits} from the store): {stats.judged} judged, {stats.unscored} unscored, "
        f"{stats.errors} errors, {stats.skipped} skipped."
    )
    usage = spent(stats)
    if usage is not None:
        console.print(f"This invocation's calls used {usage}.")
    sequential = summary.run.sequential if summary is not None else None
    if sequential is not None:
        console.print(
            f"Adaptive: {sequential.rounds} rounds, {sequential.draws} draws; stopped: {sequential.stopped}."
        )
    if stats.budget_stop:
        console.print(f"[yellow]Stopped: {stats.budget_stop}; rerun with a larger budget to carry on.[/]")
    if result.paths:
        console.print(
            f"Reports of run {result.key} in {result.folder}/: " + ", ".join(p.name for p in result.paths)
        )
    if stats.stopped:
        raise UsageProblem(stats.stopped)
    if stats.interrupted:
        console.print("[yellow]Interrupted: finished draws are kept; rerun the same command to resume.[/]")
        sys.exit(130)
    exit_for_verdict(summary, console, fail_on=fail_on)


def exit_for_verdict(summary: Summary | None, console: Any, *, fail_on: str) -> None:
    """Exit 1 when the judge is unreliable (or, with ``fail_on="biased"``, a family is biased), saying why;
    return otherwise (``fail_on="never"`` always returns). ``run`` and ``merge`` end with it."""
    verdict = summary.judge_verdict if summary is not None else None
    unreliable = verdict is None or verdict.verdict == "unreliable"
    biased = summary is not None and any(f.verdict == "biased" for f in summary.families)
    if fail_on != "never" and unreliable:
        console.print(f"Exit status 1: the judge is unreliable (--fail-on {fail_on}).", highlight=False)
        sys.exit(1)
    if fail_on == "biased" and biased:
        console.print("Exit status 1: a family is biased (--fail-on biased).", highlight=False)
        sys.exit(1)
