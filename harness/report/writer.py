"""Write every report file of a run into its output folder."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from judgeprobe.harness.report.html import render_html
from judgeprobe.harness.report.jsonl import write_results_jsonl
from judgeprobe.harness.report.junit import render_junit
from judgeprobe.harness.report.markdown import render_markdown
from judgeprobe.harness.stats.schema import Summary
from judgeprobe.probes.variant import Variant

__all__ = ["REPORT_FILES", "write_reports"]

REPORT_FILES: tuple[str, ...] = ("results.jsonl", "summary.json", "report.md", "report.html", "junit.xml")
"""The files :func:`write_reports` writes, in order."""


def write_reports(
    run_dir: str | Path,
    *,
    summary: Summary,
    frame: pd.DataFrame,
    variants: Mapping[str, Variant] | Iterable[Variant] = (),
) -> list[Path]:
    """Write ``results.jsonl``, ``summary.json``, ``report.md``, ``report.html`` and ``junit.xml``.

    Args:
        run_dir: The run's output folder (created if missing).
        summary: The run's summary (:func:`judgeprobe.harness.stats.build_summary`).
        frame: The run's per-draw DataFrame (:func:`judgeprobe.harness.store.frame.load_run`).
        variants: The run's variants (by id, or any iterable), for the before/after texts of flipped cases.

    Returns:
        The paths written, in the order of :data:`REPORT_FILES`.
    """
    folder = Path(run_dir)
    folder.mkdir(parents=True, exist_ok=True)
    by_id = dict(variants) if isinstance(variants, Mapping) else {v.id: v for v in variants}
    paths = [write_results_jsonl(folder / "results.jsonl", frame)]
    outputs = {
        "summary.json": summary.model_dump_json(indent=2) + "\n",
        "report.md": render_markdown(summary, variants=by_id),
        "report.html": render_html(summary, variants=by_id),
        "junit.xml": render_junit(summary),
    }
    for name, text in outputs.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
