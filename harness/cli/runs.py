"""``judgeprobe runs [FOLDER]``: the runs recorded in a run folder, or in every run folder below a parent.

One row per run: its key, judge, selection, repeats, draws by status (read from the store, so current after
a batch import) and when it was last made. The latest run of each folder — the one ``judgeprobe report
FOLDER`` rebuilds — is marked ``*``; ``judgeprobe report FOLDER --run KEY`` rebuilds another.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

__all__ = ["runs"]


def _folders(root: Path) -> list[Path]:
    """``root`` itself when it holds a store, else the run folders one or two levels below it."""
    from judgeprobe.harness.store import store_path

    if store_path(root).is_file():
        return [root]
    found = [*root.glob("*/store.sqlite"), *root.glob("*/*/store.sqlite")]
    return sorted({path.parent for path in found})


def _selection_text(data: Any) -> str:
    from judgeprobe.harness.core.errors import ConfigError
    from judgeprobe.harness.run.selection import Selection

    if data is None:
        return "every stored variant (recorded before runs were kept)"
    try:
        return Selection.from_json(data).describe()
    except (ConfigError, TypeError):
        return json.dumps(data, sort_keys=True)


def _rows(folder: Path) -> list[dict[str, Any]]:
    from judgeprobe.harness.store import RunStore, store_path

    with RunStore(store_path(folder), read_only=True) as store:
        recorded = store.runs()
        counts = [store.run_counts(run) for run in recorded]
    return [
        {
            "folder": str(folder),
            "key": run.key,
            "latest": index == len(recorded) - 1,
            "judge": run.judge,
            "judge_hash": run.judge_hash,
            "selection": run.selection,
            "options": dict(run.options),
            "variants": run.variants,
            "planned": run.planned,
            "draws": dict(count),
            "created_at": run.created_at or None,
            "updated_at": run.updated_at or None,
        }
        for index, (run, count) in enumerate(zip(recorded, counts, strict=True))
    ]


@click.command("runs")
@click.argument(
    "folder", required=False, type=click.Path(file_okay=False, path_type=Path), default=Path("judgeprobe-out")
)
@click.option("--json", "as_json", is_flag=True, help="Print the runs as JSON (one list) instead of a table.")
def runs(folder: Path, as_json: bool) -> None:
    """List the runs recorded in FOLDER (a run folder, or a parent of run folders; default judgeprobe-out)."""
    from rich.table import Table

    from judgeprobe.harness.cli.main import UsageProblem
    from judgeprobe.harness.cli.main import console as make_console
    from judgeprobe.harness.core.errors import StoreError

    if not folder.is_dir():
        raise UsageProblem(f"{folder} is not a folder; pass a run folder or a folder of run folders")
    folders = _folders(folder)
    if not folders:
        raise UsageProblem(f"no run folder (with a store.sqlite) in or below {folder}")
    rows: list[dict[str, Any]] = []
    for run_dir in folders:
        try:
            rows.extend(_rows(run_dir))
        except StoreError as exc:
            click.echo(f"skipped {run_dir}: {exc}", err=True)
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    table = Table(
        title=f"Runs in {folder} (* = the folder's latest run, the one 'judgeprobe report' rebuilds)"
    )
    for column in ("folder", "run", "judge", "selection", "repeats", "draws", "judged", "unscored", "errors",
                   "skipped", "updated (UTC)"):  # fmt: skip
        right = column in ("repeats", "draws", "judged", "unscored", "errors", "skipped")
        wraps = column in ("folder", "judge", "selection")
        table.add_column(column, justify="right" if right else "left", overflow="fold", no_wrap=not wraps)
    for row in rows:
        draws = row["draws"]
        done = sum(draws.values())
        planned = f"/{row['planned']}" if row["planned"] is not None else ""
        table.add_row(
            _shown(Path(row["folder"]), folder),
            row["key"] + (" *" if row["latest"] else ""),
            row["judge"],
            _selection_text(row["selection"]),
            str(row["options"].get("repeats", "–")),
            f"{done}{planned}",
            str(draws["judged"]),
            str(draws["unscored"]),
            str(draws["error"]),
            str(draws["skipped"]),
            (row["updated_at"] or "–").replace("T", " ")[:16],
        )
    make_console().print(table)


def _shown(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root)) if path != root else str(path)
    except ValueError:
        return str(path)
