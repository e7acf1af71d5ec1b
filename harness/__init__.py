"""The harness: judges, templates, runner, store, statistics, reports, gate, CLI.

The names below are the public surface; submodules (``judgeprobe.harness.stats``,
``judgeprobe.harness.report``, ``judgeprobe.harness.gate``)
have their own. Heavy parts (pandas, the runner, the statistics) are imported on first use of their names,
so ``judgeprobe cases list`` does not pay for them.
"""

from __future__ import annotations

import importlib
import typing as _typing

from judgeprobe.harness.core.errors import (
    BackendUnavailable,
    ConfigError,
    HarnessError,
    JudgeUnusable,
    ReplayMissing,
    StoreError,
)
from judgeprobe.harness.core.records import DrawRecord
from judgeprobe.harness.core.request import JudgeRequest
from judgeprobe.harness.core.verdict import ErrorKind, Status, Verdict
from judgeprobe.harness.judges.base import Judge
from judgeprobe.harness.judges.registry import JudgeConfig, load_judge, register_backend

if _typing.TYPE_CHECKING:
    from judgeprobe.harness.run.runner import RunOptions, RunStats, run, run_async
    from judgeprobe.harness.run.selection import Selection
    from judgeprobe.harness.session import RunResults, SuitePlan, SuiteRun, plan_suite, run_suite, run_tail
    from judgeprobe.harness.store import RunStore
    from judgeprobe.harness.store.frame import load_run

_LAZY: dict[str, str] = {
    "load_run": "judgeprobe.harness.store.frame",
    "RunOptions": "judgeprobe.harness.run.runner",
    "RunStats": "judgeprobe.harness.run.runner",
    "run": "judgeprobe.harness.run.runner",
    "run_async": "judgeprobe.harness.run.runner",
    "Selection": "judgeprobe.harness.run.selection",
    "RunResults": "judgeprobe.harness.session",
    "run_tail": "judgeprobe.harness.session",
    "SuitePlan": "judgeprobe.harness.session",
    "SuiteRun": "judgeprobe.harness.session",
    "plan_suite": "judgeprobe.harness.session",
    "run_suite": "judgeprobe.harness.session",
    "RunStore": "judgeprobe.harness.store",
}


def __getattr__(name: str) -> _typing.Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'harness' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "BackendUnavailable",
    "ConfigError",
    "DrawRecord",
    "ErrorKind",
    "HarnessError",
    "Judge",
    "JudgeConfig",
    "JudgeRequest",
    "JudgeUnusable",
    "ReplayMissing",
    "RunOptions",
    "RunResults",
    "RunStats",
    "RunStore",
    "Selection",
    "Status",
    "StoreError",
    "SuitePlan",
    "SuiteRun",
    "Verdict",
    "load_judge",
    "load_run",
    "plan_suite",
    "register_backend",
    "run",
    "run_async",
    "run_suite",
    "run_tail",
]
