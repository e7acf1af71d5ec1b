"""The harness: judges, templates, runner, store, statistics, reports, gate, CLI (design §5–§8)."""

from harness.errors import BackendUnavailable, ConfigError, HarnessError, ReplayMissing, StoreError
from harness.judges.base import ErrorKind, Judge, JudgeRequest, Status, Verdict
from harness.records import DrawRecord

__all__ = [
    "BackendUnavailable",
    "ConfigError",
    "DrawRecord",
    "ErrorKind",
    "HarnessError",
    "Judge",
    "JudgeRequest",
    "ReplayMissing",
    "Status",
    "StoreError",
    "Verdict",
]
