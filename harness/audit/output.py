"""Write every output of an audit into its folder: audit.json, disagreements.jsonl, CSV tables, audit.md and
audit.html."""

from __future__ import annotations

from pathlib import Path

from judgeprobe.harness.audit.analysis import Audit
from judgeprobe.harness.audit.document import build_sections
from judgeprobe.harness.audit.render import render_html, render_markdown
from judgeprobe.harness.audit.tables import write_tables

__all__ = ["write_outputs"]


def write_outputs(audit: Audit, out: Path) -> list[Path]:
    """Write the outputs into ``out`` (created if missing); return the paths written."""
    paths = write_tables(audit, out)
    sections = build_sections(audit.report)
    md, html = out / "audit.md", out / "audit.html"
    md.write_text(render_markdown(sections), encoding="utf-8")
    html.write_text(render_html(sections), encoding="utf-8")
    return [*paths, md, html]
