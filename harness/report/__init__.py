"""Reports of a run: terminal summary, results.jsonl, summary.json, report.md, report.html, junit.xml."""

from judgeprobe.harness.report.writer import REPORT_FILES, write_reports

__all__ = ["REPORT_FILES", "write_reports"]
