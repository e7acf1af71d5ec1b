"""The gate's ``junit.xml``: one test case per rule and family, failing exactly where the gate failed.

``judgeprobe gate`` exits 1 when any rule failed; this file has the same failures, one ``<failure>`` per
failed rule, so a CI system that reads it agrees with the exit code. Test cases (``classname``, ``name``):

- ``judgeprobe.gate.excess-flip-rate``, one per invariant family;
- ``judgeprobe.gate.control-miss-rate``, one per control family (skipped when no limit is set);
- ``judgeprobe.gate.baseline-regression``, one per family, when a baseline was compared;
- ``judgeprobe.gate`` ``accuracy`` (skipped without ``min_accuracy``), ``unscored-share``, ``error-share``,
  ``no-draws`` and ``baseline-missing`` (skipped when no baseline is used).

The run's own ``junit.xml`` (written by ``judgeprobe run`` and ``report``) answers another question — is the
judge reliable, which probes is it biased by — so the gate writes ``gate-junit.xml`` beside it.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from judgeprobe.harness.gate.rules import FailedRule, GateResult

__all__ = ["GATE_JUNIT", "render_gate_junit"]

GATE_JUNIT = "gate-junit.xml"
"""File name of the gate's JUnit report in the run folder (``--junit PATH`` writes elsewhere)."""

_RUN_WIDE = ("accuracy", "unscored-share", "error-share", "no-draws", "baseline-missing")


def _planned(result: GateResult) -> list[tuple[str, str | None, str | None]]:
    """(rule, family, why skipped) of every test case, in order."""
    summary, settings = result.summary, result.settings
    invariant = [r.family for r in summary.families] if summary is not None else []
    controls = [c.family for c in summary.controls if c.level == "family"] if summary is not None else []
    cases: list[tuple[str, str | None, str | None]] = [("excess-flip-rate", f, None) for f in invariant]
    no_limit = "no max_control_miss_rate set" if settings.max_control_miss_rate is None else None
    cases += [("control-miss-rate", f, no_limit) for f in controls]
    compared = result.comparison is not None
    if compared:
        cases += [("baseline-regression", f, None) for f in dict.fromkeys([*invariant, *controls])]
    missing = any(f.rule == "baseline-missing" for f in result.failures)
    for rule in _RUN_WIDE:
        skip = None
        if rule == "accuracy" and settings.min_accuracy is None:
            skip = "no min_accuracy set"
        if rule == "baseline-missing" and not (compared or missing or result.update is not None):
            skip = "no baseline used"
        cases.append((rule, None, skip))
    return cases


def render_gate_junit(result: GateResult) -> str:
    """The JUnit XML document of a gate result."""
    suite = ET.Element("testsuite", name="judgeprobe gate")
    failures: dict[tuple[str, str | None], FailedRule] = {(f.rule, f.family): f for f in result.failures}
    planned = _planned(result)
    seen = {(rule, family) for rule, family, _ in planned}
    planned += [(f.rule, f.family, None) for f in result.failures if (f.rule, f.family) not in seen]
    counts = {"tests": 0, "failures": 0, "skipped": 0}
    for rule, family, skip in planned:
        counts["tests"] += 1
        classname = f"judgeprobe.gate.{rule}" if family is not None else "judgeprobe.gate"
        case = ET.SubElement(suite, "testcase", classname=classname, name=family or rule)
        failed = failures.get((rule, family))
        if failed is not None:
            counts["failures"] += 1
            ET.SubElement(case, "failure", message=failed.message, type=rule).text = failed.explain()
        elif skip is not None:
            counts["skipped"] += 1
            ET.SubElement(case, "skipped", message=skip)
        else:
            ET.SubElement(case, "system-out").text = f"{rule}{f' ({family})' if family else ''}: holds"
    for key, value in counts.items():
        suite.set(key, str(value))
    suite.set("errors", "0")
    ET.indent(suite)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suite, encoding="unicode") + "\n"
