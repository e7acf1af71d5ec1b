"""The shipped report formats, registered in the order they are written: ``results.jsonl``,
``summary.json``, ``report.md``, ``report.html``, ``junit.xml``."""

from __future__ import annotations

import codecs
from pathlib import Path

from judgeprobe.harness.report.formats import ReportInput, register_report
from judgeprobe.harness.report.html import html_pieces
from judgeprobe.harness.report.jsonl import write_results_jsonl
from judgeprobe.harness.report.junit import render_junit
from judgeprobe.harness.report.markdown import render_markdown

__all__ = ["write_html", "write_junit", "write_markdown", "write_results", "write_summary"]

_PIECE = 1 << 20
"""Bytes of ``summary.json`` turned into text at a time."""


@register_report(
    "results", filename="results.jsonl", description="every draw, one JSON object per line", origin="shipped"
)
def write_results(path: Path, run: ReportInput) -> None:
    """``results.jsonl``."""
    write_results_jsonl(path, run.frame)


@register_report(
    "summary",
    filename="summary.json",
    description="the statistics (docs/summary-schema.md)",
    origin="shipped",
)
def write_summary(path: Path, run: ReportInput) -> None:
    """``summary.json``."""
    data = run.summary.__pydantic_serializer__.to_json(run.summary, indent=2)  # model_dump_json's bytes
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("w", encoding="utf-8") as out:  # as text, so line ends are the platform's, as before
        for start in range(0, len(data), _PIECE):  # a summary can be 10 MB: a piece of text at a time
            out.write(decoder.decode(data[start : start + _PIECE]))
        out.write(decoder.decode(b"", final=True) + "\n")


@register_report("markdown", filename="report.md", description="the report as markdown", origin="shipped")
def write_markdown(path: Path, run: ReportInput) -> None:
    """``report.md``."""
    path.write_text(render_markdown(run.summary, variants=run.variants), encoding="utf-8")


@register_report(
    "html", filename="report.html", description="the report as one self-contained page", origin="shipped"
)
def write_html(path: Path, run: ReportInput) -> None:
    """``report.html``."""
    with path.open("w", encoding="utf-8") as out:
        out.writelines(html_pieces(run.summary, variants=run.variants))


@register_report(
    "junit", filename="junit.xml", description="one test case per probe, family and control", origin="shipped"
)
def write_junit(path: Path, run: ReportInput) -> None:
    """``junit.xml``."""
    path.write_text(render_junit(run.summary), encoding="utf-8")
