"""``junit.xml``: the judge's own checks first, then one test case per invariant probe and family (biased
ones fail), and one per control (a family or probe missing more controls than the limit fails).

The judge's checks (``judgeprobe.judge``: controls, accuracy, errors, unscored, judged) fail when the judge is
unreliable, so a CI job that reads this file cannot pass a judge that says "yes" to everything or that never
answered; a check with nothing to count is reported as skipped. CI systems show failures with their message:
the message carries the figures (rates with their counts and intervals, excess with its interval, q-value),
so a failed build says what went wrong and how sure the statistics are.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from judgeprobe.harness.report.fmt import ci, pct, pts, q_text, rate_text
from judgeprobe.harness.stats.schema import ControlResult, InvariantResult, Summary

__all__ = ["render_junit"]


def _figures(r: InvariantResult) -> str:
    return (
        f"{r.verdict}: excess {pts(r.excess)} pts {ci(r.excess_ci, signed=True)}, q={q_text(r.q)}, "
        f"flip rate {rate_text(r.flips)}, placebo {rate_text(r.placebo)}, "
        f"{r.pairs} pairs over {r.cases} cases"
    )


def _control_text(c: ControlResult, limit: float) -> str:
    return (
        f"miss rate {rate_text(c.misses)} (limit {pct(limit)}); agrees with new label "
        f"{pct(c.label_agreement.rate)}; {c.excluded} draws left out"
    )


class _Suite:
    def __init__(self) -> None:
        self.element = ET.Element("testsuite", name="judgeprobe")
        self.counts = {"tests": 0, "failures": 0, "skipped": 0}

    def case(self, classname: str, name: str, *, output: str, failure: tuple[str, str, str] | None = None,
             skipped: str | None = None) -> None:  # fmt: skip
        """One test case; ``failure`` is (type, message, text)."""
        self.counts["tests"] += 1
        case = ET.SubElement(self.element, "testcase", classname=classname, name=name)
        if failure is not None:
            self.counts["failures"] += 1
            kind, message, text = failure
            ET.SubElement(case, "failure", message=message, type=kind).text = text
        elif skipped is not None:
            self.counts["skipped"] += 1
            ET.SubElement(case, "skipped", message=skipped)
        ET.SubElement(case, "system-out").text = output

    def render(self) -> str:
        for key, value in self.counts.items():
            self.element.set(key, str(value))
        self.element.set("errors", "0")
        ET.indent(self.element)
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(self.element, encoding="unicode") + "\n"
        )


def render_junit(summary: Summary) -> str:
    """The JUnit XML document."""
    suite = _Suite()
    verdict = summary.judge_verdict
    if verdict is not None:
        for check in verdict.checks:
            failed = check.status == "fail"
            suite.case(
                "judgeprobe.judge",
                check.name,
                output=check.message,
                failure=("unreliable", check.message, verdict.message) if failed else None,
                skipped=check.message if check.status == "not_measured" else None,
            )
    for r in (*summary.families, *summary.probes):
        name = r.family if r.level == "family" else str(r.probe)
        failure = ("biased", _figures(r), r.note) if r.verdict == "biased" else None
        suite.case(
            f"judgeprobe.{r.level}.{r.family}", name, output=f"{_figures(r)}. {r.note}", failure=failure
        )
    limit = summary.settings.max_control_miss_rate
    for c in summary.controls:
        name = c.family if c.level == "family" else str(c.probe)
        text = _control_text(c, limit)
        missed = c.misses.rate is not None and c.misses.rate > limit + 1e-12
        suite.case(
            f"judgeprobe.control.{c.family}",
            name,
            output=text,
            failure=("misses controls", text, "the verdict did not follow a meaning change")
            if missed
            else None,
        )
    return suite.render()
