"""The harness's vocabulary, on its ground floor: errors, the judge request, the verdict, the draw record.

Every other part of the harness (store, judges, runner, statistics, reports, gate, CLI) imports these and
nothing here imports them back.
"""

from judgeprobe.harness.core.errors import (
    BackendUnavailable,
    ConfigError,
    HarnessError,
    JudgeUnusable,
    ReplayMissing,
    StoreError,
)
from judgeprobe.harness.core.records import COLUMNS, DrawRecord, record_for
from judgeprobe.harness.core.request import JudgeRequest
from judgeprobe.harness.core.verdict import RETRYABLE, ErrorKind, Status, Verdict, is_retryable

__all__ = [
    "COLUMNS",
    "RETRYABLE",
    "BackendUnavailable",
    "ConfigError",
    "DrawRecord",
    "ErrorKind",
    "HarnessError",
    "JudgeRequest",
    "JudgeUnusable",
    "ReplayMissing",
    "Status",
    "StoreError",
    "Verdict",
    "is_retryable",
    "record_for",
]
