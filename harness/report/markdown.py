"""``report.md``: the summary as GitHub-flavoured Markdown (tables, then the flipped cases with diffs)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from judgeprobe.harness.report.audit import audits
from judgeprobe.harness.report.fmt import ci, pct, pts, q_text, rate_text, rewrites_line
from judgeprobe.harness.report.pairwise import (
    POSITION_HEADER,
    POSITION_TITLE,
    SELF_HEADER,
    SELF_INTRO,
    SELF_TITLE,
    position_intro,
    position_rows,
    self_preference_rows,
)
from judgeprobe.harness.stats.schema import InvariantResult, Summary
from judgeprobe.probes.variant import Variant

__all__ = ["render_markdown"]

_TICKS = re.compile(r"`+")


_HTML = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
"""Judge replies and case texts reach the report: in a table cell they are text, never markup."""


def _cell(text: object) -> str:
    return str(text).translate(_HTML).replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def _code(text: object) -> str:
    """``text`` as an inline code span that no backtick inside it can close (CommonMark: the span's
    backtick run is longer than any run inside; a space pads a text that starts or ends with one)."""
    value = str(text).replace("\r", " ").replace("\n", " ")
    ticks = "`" * (max([0, *(len(m) for m in _TICKS.findall(value))]) + 1)
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{ticks}{pad}{value}{pad}{ticks}"


def _fence(lines: Sequence[str]) -> str:
    """A code fence longer than any run of backticks inside the block, so texts cannot close it."""
    runs = [len(m) for line in lines for m in _TICKS.findall(line)]
    return "`" * max([3, *(n + 1 for n in runs)])


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return [*out, ""]


def _invariants(rows: Sequence[InvariantResult], *, by_probe: bool) -> list[str]:
    header = ["probe" if by_probe else "family", "verdict", "units", "pairs", "flip rate", "placebo rate",
              "excess [95% CI]", "p", "q", "MDE", "note"]  # fmt: skip
    body = [
        [
            (str(r.probe) if by_probe else r.family) + (" ⚠" if r.few_clusters else ""),
            f"**{r.verdict}**",
            r.units,
            r.pairs,
            rate_text(r.flips),
            rate_text(r.placebo),
            f"{pts(r.excess)} {ci(r.excess_ci, signed=True)}" if r.pairs else "no pairs",
            q_text(r.p),
            q_text(r.q),
            pct(r.mde),
            r.note,
        ]
        for r in rows
    ]
    return _table(header, body)


_MARK = {"fail": "❌", "pass": "✅", "not_measured": "–"}


def _verdict(summary: Summary) -> list[str]:
    verdict = summary.judge_verdict
    if verdict is None:
        return []
    lines = [f"## Judge: **{verdict.verdict.upper()}**", ""]
    lines += [f"- {_MARK[c.status]} {c.message}" for c in verdict.checks]
    return [*lines, ""]


def render_markdown(summary: Summary, *, variants: Mapping[str, Variant] | None = None, top: int = 20) -> str:
    """The Markdown report."""
    run, s = summary.run, summary.settings
    d = run.draws
    thr = f"{100 * s.threshold:.0f}"
    lines = [
        f"# judgeprobe report: {run.judge or 'unknown judge'}",
        "",
        f"Run `{run.run_id}` · judge hash `{run.judge_hash}` · {run.cases} cases, {run.units} units, "
        f"{run.variants} variants · {d.draws} draws (repeats {run.repeats}): {d.judged} judged, {d.unscored} "
        f"unscored, {d.error} errors, {d.skipped} skipped. Grading policy: {run.policy}.",
        "",
        f"Verdicts: **biased** = q < {s.alpha}, excess over placebo ≥ {thr} points and its 95% "
        f"interval above 0; **clean** = the interval's upper bound is below {thr} points; "
        f"**inconclusive** otherwise. Intervals are clustered by case. BH scope: {summary.bh_scope}. "
        f"⚠ = fewer than {s.min_clusters} cases.",
        "",
    ]
    lines += _verdict(summary)
    if summary.rewrites is not None:
        r = summary.rewrites
        lines += [rewrites_line(r.unverified, r.left_out_by_policy, run.policy), ""]
    if summary.warnings:
        lines += ["## Warnings", ""] + [f"- {_cell(w)}" for w in summary.warnings] + [""]
    if summary.error_reasons:
        lines += ["## Why draws failed", ""]
        lines += _table(
            ["status", "kind", "draws", "distinct messages", "first message", "first draw"],
            [
                [r.status, r.kind, r.count, r.messages, r.first_message, r.first_draw]
                for r in summary.error_reasons
            ],
        )
    if summary.families:
        lines += ["## Families", "", *_invariants(summary.families, by_probe=False)]
    if summary.probes:
        lines += ["## Probes", "", *_invariants(summary.probes, by_probe=True)]
    if summary.position is not None:
        lines += [f"## {POSITION_TITLE}", "", position_intro(summary.position), ""]
        lines += _table(POSITION_HEADER, position_rows(summary))
    if summary.self_preference:
        lines += [f"## {SELF_TITLE}", "", SELF_INTRO, "", *_table(SELF_HEADER, self_preference_rows(summary))]
    if summary.controls:
        lines += [
            "## Controls",
            "",
            "A miss: the meaning was broken on purpose and the verdict did not change. Only units whose "
            "unperturbed verdict was right count; the others are left out.",
            "",
        ]
        lines += _table(
            ["family", "probe", "miss rate (n) [95% CI]", "agrees with new label", "left out"],
            [
                [
                    c.family,
                    c.probe or "(all)",
                    rate_text(c.misses),
                    rate_text(c.label_agreement),
                    str(c.excluded),
                ]
                for c in summary.controls
            ],
        )
    if summary.doses:
        lines += ["## Dose curves", ""]
        for curve in summary.doses:
            lines += [f"**{curve.probe}**", ""]
            lines += _table(
                ["dose", "flip rate (n) [95% CI]", "placebo"],
                [[f"{p.dose:g}", rate_text(p.flips), pct(p.placebo_rate)] for p in curve.points],
            )
    if summary.accuracy:
        lines += ["## Accuracy against labels", "", "Disputed-reference cases are listed apart; undecided "
                  "(unscored) draws are counted apart, not in the agreement.", ""]  # fmt: skip
        lines += _table(
            ["stage", "answer kind", "reference disputed", "agreement (n) [95% CI]", "undecided"],
            [[a.stage, a.answer_kind, "yes" if a.reference_doubt else "no", rate_text(a.agreement),
              str(a.undecided)] for a in summary.accuracy],
        )  # fmt: skip
    if summary.disagreements:
        lines += [
            f"## Disagreements with the labels ({len(summary.disagreements)} unperturbed responses)",
            "",
            "The judge's modal verdict on the unperturbed response differs from the adjudicated label. "
            "Where the reference is disputed, the judge may be right.",
            "",
        ]
        lines += _table(
            ["case", "response", "answer kind", "label", "judge said", "extracted", "reference disputed"],
            [
                [d.case_id, d.unit_id, d.answer_kind, d.label, d.outcome, d.extracted_answer or "–",
                 "yes" if d.reference_doubt else "no"]
                for d in summary.disagreements
            ],
        )  # fmt: skip
    if summary.hle:
        lines += ["## HLE-style metrics (grade mode)", ""]
        lines += _table(
            ["stage", "accuracy (judged)", "accuracy (all)", "RMS calibration error", "calibrated items"],
            [
                [h.stage, rate_text(h.accuracy), rate_text(h.accuracy_all),
                 pct(h.calibration.rms) if h.calibration else "–", h.calibration.n if h.calibration else 0]
                for h in summary.hle
            ],
        )  # fmt: skip
    lines += ["## Flip classes", ""]
    lines += _table(["class", "draws"], [[k, v] for k, v in summary.flip_classes.items()])
    if variants is not None and summary.flipped:
        lines += [
            f"## Flipped cases (most telling {min(top, len(summary.flipped))} of {len(summary.flipped)})",
            "",
        ]
        for audit in audits(summary, variants, limit=top):
            item = audit.item
            verb = "flipped" if item.relation == "invariant" else "missed"
            lines += [
                f"### {_cell(item.case_id)} / {_cell(item.unit_id)}: {_code(item.chain)}",
                "",
                f"{verb} {item.events}/{item.n} draws (placebo {item.placebo_events}); base verdict "
                f"{_code(item.base_outcome)} → {_code(', '.join(item.outcomes))}; extracted "
                f"{_code(item.extracted_answer)}, stated {_code(item.final_answer)}; "
                f"class {item.flip_class or '–'}" + ("; reference disputed" if item.reference_doubt else ""),
                "",
                _fence(audit.diff) + "diff",
                *audit.diff,
                _fence(audit.diff),
                "",
            ]
    return "\n".join(lines).rstrip() + "\n"
