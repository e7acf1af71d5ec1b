"""``judgeprobe batch export`` / ``judgeprobe batch import``: scale a run out to a batch engine and back."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import click

from judgeprobe.harness.core.errors import HarnessError

__all__ = ["batch"]


@click.group()
def batch() -> None:
    """Export pending requests as batch JSONL (OpenAI or Anthropic layout, after the judge's API) and import
    the results into the run's store."""


@batch.command("export")
@click.option("--judge", "judge_spec", required=True, help="Judge spec or TOML file (an HTTP model backend).")
@click.option(
    "--out", "run_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
    help="The run's output folder (its store holds the variants).",
)  # fmt: skip
@click.option(
    "--repeats", type=click.IntRange(min=1), default=None, help="Draws per variant [default: the run's]."
)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def export_cmd(judge_spec: str, run_dir: Path, repeats: int | None, file: Path) -> None:
    """Write the requests of the run in --out that have no answer yet to FILE (JSONL, one per line): the
    OpenAI batch layout for an openai judge, the Anthropic Message Batches layout for an anthropic judge."""
    from judgeprobe.harness.judges.registry import load_config, load_judge
    from judgeprobe.harness.run.batch import export_requests
    from judgeprobe.harness.store import RunStore, store_path

    try:
        if not store_path(run_dir).is_file():
            raise click.UsageError(f"{run_dir} has no run store; create the variants first (judgeprobe run)")
        config = load_config(judge_spec)
        judge = load_judge(config)
        with RunStore(store_path(run_dir)) as store:
            k = repeats or int(store.get_meta("repeats") or 1)
            with file.open("w", encoding="utf-8") as out:
                result = asyncio.run(export_requests(judge, store, out, repeats=k))
            config_data = getattr(judge, "config", config).model_dump(mode="json")
            exported = {"name": judge.name, "config_hash": judge.config_hash, "config": config_data}
            store.set_meta("batch", exported)
            store.set_meta("repeats", k)
    except HarnessError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"wrote {result.written} requests to {file} in the {result.format} batch layout "
        f"({result.planned} draws planned, {result.finished} already answered, {result.duplicates} "
        f"duplicates, {result.unsupported} unsupported)"
    )


@batch.command("import")
@click.argument("run_dir", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.argument("results", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option(
    "--judge", "judge_spec", default=None, help="Judge spec or TOML [default: the one exported with]."
)
def import_cmd(run_dir: Path, results: Path, judge_spec: str | None) -> None:
    """Read the batch engine's RESULTS (JSONL: OpenAI batch output or Anthropic Message Batches results)
    into RUN_DIR's store."""
    from judgeprobe.harness.judges.registry import JudgeConfig, load_judge
    from judgeprobe.harness.run.batch import import_results
    from judgeprobe.harness.store import RunStore, store_path

    try:
        if not store_path(run_dir).is_file():
            raise click.UsageError(f"{run_dir} has no run store")
        with RunStore(store_path(run_dir)) as store:
            exported = store.get_meta("batch") or {}
            if judge_spec is not None:
                judge = load_judge(judge_spec)
            elif exported.get("config"):
                judge = load_judge(JudgeConfig(**exported["config"]))
            else:
                raise click.UsageError("this run has no batch export on record; pass --judge SPEC")
            if exported.get("config_hash") and exported["config_hash"] != judge.config_hash:
                click.echo(
                    f"warning: judge {judge.name} ({judge.config_hash}) differs from the exported one "
                    f"({exported['config_hash']}); only lines whose ids match this judge are imported",
                    err=True,
                )
            k = int(store.get_meta("repeats") or 1)
            with results.open(encoding="utf-8") as lines:
                result = asyncio.run(import_results(judge, store, lines, repeats=k))
    except HarnessError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"imported {result.lines} results into {result.draws} draws: {result.judged} judged, "
        f"{result.unscored} unscored, {result.errors} errors"
    )
    for problem in result.problems[:20]:
        click.echo(f"  {problem}", err=True)
    if result.problems:
        click.echo(f"{len(result.problems)} result lines could not be used", err=True)
        sys.exit(1)
