"""Write every registered report format of a run into its output folder."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.report.formats import SHIPPED_FORMATS, ReportInput, report_formats
from judgeprobe.harness.report.jsonl import write_results_jsonl
from judgeprobe.harness.stats.schema import Summary
from judgeprobe.harness.store.frame import TextLookup, resolve_texts
from judgeprobe.probes.variant import Variant

__all__ = ["REPORT_FILES", "write_reports"]

REPORT_FILES: tuple[str, ...] = ("results.jsonl", "summary.json", "report.md", "report.html", "junit.xml")
"""The files the shipped formats write, in order (registered formats add theirs after these)."""


def write_reports(
    run_dir: str | Path,
    *,
    summary: Summary,
    frame: pd.DataFrame,
    variants: Mapping[str, Variant] | Iterable[Variant] = (),
    texts: TextLookup | None = None,
) -> list[Path]:
    """Write every registered report format (:func:`judgeprobe.harness.report.formats.report_formats`).

    Args:
        run_dir: The run's output folder (created if missing).
        summary: The run's summary (:func:`judgeprobe.harness.stats.build_summary`).
        frame: The run's per-draw DataFrame.
        variants: The run's variants (by id, or any iterable), for the before/after texts of flipped cases.
        texts: Given when the frame's ``prompt`` column holds digests (read with
            ``RunStore.run_frame(run, prompts=False)``): ``results.jsonl`` looks the texts up a block at a
            time, and the column is filled in (in place) before any format that is not shipped is written,
            so every format that reads the frame finds the prompts.

    Returns:
        The paths written, in registration order (:data:`REPORT_FILES` first).

    Raises:
        ConfigError: A third-party format failed (the shipped files are written before it).
    """
    folder = Path(run_dir)
    folder.mkdir(parents=True, exist_ok=True)
    by_id = dict(variants) if isinstance(variants, Mapping) else {v.id: v for v in variants}
    run = ReportInput(summary=summary, frame=frame, variants=by_id)
    paths: list[Path] = []
    for fmt in report_formats():
        path = folder / fmt.filename
        try:
            if texts is not None and fmt.origin == "shipped" and fmt.name == "results":
                write_results_jsonl(path, frame, texts=texts)
            else:
                if texts is not None and fmt.origin != "shipped":  # it may read the prompts
                    resolve_texts(frame, texts, ("prompt",))
                    texts = None
                fmt.write(path, run)
        except Exception as exc:
            if fmt.name in SHIPPED_FORMATS:
                raise
            raise ConfigError(
                f"report format {fmt.name!r} ({fmt.origin}) failed writing {path}: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        paths.append(path)
    return paths
