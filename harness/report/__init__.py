"""Reports of a run: terminal summary, and the registered report formats (results.jsonl, summary.json,
report.md, report.html, junit.xml, and any a third party registers)."""

from judgeprobe.harness.report.formats import ReportFormat, ReportInput, register_report, report_formats
from judgeprobe.harness.report.writer import REPORT_FILES, write_reports

__all__ = [
    "REPORT_FILES",
    "ReportFormat",
    "ReportInput",
    "register_report",
    "report_formats",
    "write_reports",
]
