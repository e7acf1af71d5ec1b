"""``junit.xml``: one test case per invariant probe and family (biased ones fail), and one per control.

CI systems show failures with their message: the message carries the figures (excess with its interval,
q-value, flip and placebo rates), so a failed build says what flipped and how sure the statistics are.
Controls never fail here (thresholds on miss rates belong to ``judgeprobe gate``); their miss rate is in
the test's output.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from judgeprobe.harness.report.fmt import ci, pct, pts, q_text, rate_text
from judgeprobe.harness.stats.schema import InvariantResult, Summary

__all__ = ["render_junit"]


def _figures(r: InvariantResult) -> str:
    return (
        f"{r.verdict}: excess {pts(r.excess)} pts {ci(r.excess_ci, signed=True)}, q={q_text(r.q)}, "
        f"flip rate {rate_text(r.flips)}, placebo {rate_text(r.placebo)}, "
        f"{r.pairs} pairs over {r.cases} cases"
    )


def render_junit(summary: Summary) -> str:
    """The JUnit XML document."""
    suite = ET.Element("testsuite", name="judgeprobe")
    failures = 0
    tests = 0
    for r in (*summary.families, *summary.probes):
        tests += 1
        name = r.family if r.level == "family" else str(r.probe)
        case = ET.SubElement(suite, "testcase", classname=f"judgeprobe.{r.level}.{r.family}", name=name)
        if r.verdict == "biased":
            failures += 1
            failure = ET.SubElement(case, "failure", message=_figures(r), type="biased")
            failure.text = r.note
        out = ET.SubElement(case, "system-out")
        out.text = f"{_figures(r)}. {r.note}"
    for c in summary.controls:
        tests += 1
        name = c.family if c.level == "family" else str(c.probe)
        case = ET.SubElement(suite, "testcase", classname=f"judgeprobe.control.{c.family}", name=name)
        out = ET.SubElement(case, "system-out")
        out.text = f"miss rate {rate_text(c.misses)}; agrees with new label {pct(c.label_agreement.rate)}"
    suite.set("tests", str(tests))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", "0")
    ET.indent(suite)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suite, encoding="unicode") + "\n"
