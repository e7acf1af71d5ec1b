"""Flip statistics: which probes flip a judge's verdict beyond its own noise."""

from judgeprobe.harness.stats.schema import SCHEMA_VERSION, Settings, Summary
from judgeprobe.harness.stats.summary import DEFAULT_SETTINGS, build_summary

__all__ = ["DEFAULT_SETTINGS", "SCHEMA_VERSION", "Settings", "Summary", "build_summary"]
