"""The harness: judges, templates, runner, store, statistics, reports, gate, CLI (design §5–§8).

The names below are the public surface; submodules (``harness.stats``, ``harness.report``, ``harness.gate``)
have their own. Heavy parts (pandas, the runner, the statistics) are imported on first use of their names,
so ``judgeprobe cases list`` does not pay for them.
"""

from __future__ import annotations

import importlib
import typing as _typing

from harness.errors import BackendUnavailable, ConfigError, HarnessError, ReplayMissing, StoreError
from harness.judges.base import ErrorKind, Judge, JudgeRequest, Status, Verdict
from harness.judges.registry import JudgeConfig, load_judge, register_backend
from harness.records import DrawRecord

if _typing.TYPE_CHECKING:
    from harness.frame import load_run
    from harness.runner import RunOptions, RunStats, run, run_async
    from harness.session import SuitePlan, SuiteRun, plan_suite, run_suite
    from harness.store import RunStore

_LAZY: dict[str, str] = {
    "load_run": "harness.frame",
    "RunOptions": "harness.runner",
    "RunStats": "harness.runner",
    "run": "harness.runner",
    "run_async": "harness.runner",
    "SuitePlan": "harness.session",
    "SuiteRun": "harness.session",
    "plan_suite": "harness.session",
    "run_suite": "harness.session",
    "RunStore": "harness.store",
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
    "ReplayMissing",
    "RunOptions",
    "RunStats",
    "RunStore",
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
]
