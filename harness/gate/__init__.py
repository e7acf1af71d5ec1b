"""Gating judge changes in CI: settings, the committed baseline, the rules, the markdown summary and the
gate's JUnit report."""

from judgeprobe.harness.gate.baseline import (
    Baseline,
    BaselineComparison,
    BaselineEntry,
    BaselineError,
    read_baseline,
    write_baseline,
)
from judgeprobe.harness.gate.check import gate_frame, gate_recorded, gate_run
from judgeprobe.harness.gate.junit import GATE_JUNIT, render_gate_junit
from judgeprobe.harness.gate.markdown import append_step_summary, render_gate_markdown
from judgeprobe.harness.gate.rules import FailedRule, GateResult, evaluate
from judgeprobe.harness.gate.settings import (
    GateSettings,
    ProjectSettings,
    ReliabilitySettings,
    RunSettings,
    analysis_settings,
    load_settings,
    with_overrides,
)

__all__ = [
    "GATE_JUNIT",
    "Baseline",
    "BaselineComparison",
    "BaselineEntry",
    "BaselineError",
    "FailedRule",
    "GateResult",
    "GateSettings",
    "ProjectSettings",
    "ReliabilitySettings",
    "RunSettings",
    "analysis_settings",
    "append_step_summary",
    "evaluate",
    "gate_frame",
    "gate_recorded",
    "gate_run",
    "load_settings",
    "read_baseline",
    "render_gate_junit",
    "render_gate_markdown",
    "with_overrides",
    "write_baseline",
]
