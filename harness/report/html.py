"""``report.html``: one self-contained page (inline CSS and SVG; no script, no network, nothing fetched).

Every string that came from a case, a probe or a judge is escaped with :func:`html.escape`. Each flipped or
missed variant is a ``<details>`` element that opens to the request before and after the probe, their diff,
the judge's extracted answer and its raw reply.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from html import escape

from judgeprobe.harness.report.audit import FlipAudit, iter_audits
from judgeprobe.harness.report.fmt import ci, pct, pts, q_text, rate_text
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
from judgeprobe.harness.report.svg import dose_chart, family_bars, forest_plot, grid_chart
from judgeprobe.harness.stats.schema import InvariantResult, Summary
from judgeprobe.probes.variant import Variant

__all__ = ["html_pieces", "render_html"]

_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
"""Content security policy: nothing may be fetched and no script may run."""

_CSS = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#222}
p{line-height:1.4}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}
th,td{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.biased{color:#c0392b;font-weight:bold}.clean{color:#2e7d32}.inconclusive{color:#8a6d00}
.warn{background:#fff8e1;border-left:4px solid #f0b400;padding:.4rem .8rem;margin:.3rem 0}
details{border:1px solid #ddd;border-radius:4px;margin:.3rem 0;padding:.3rem .6rem}
summary{cursor:pointer}pre{background:#f7f7f7;padding:.5rem;overflow-x:auto;white-space:pre-wrap}
pre.diff span{display:block}.add{color:#1b5e20;background:#e8f5e9}.del{color:#b71c1c;background:#ffebee}
.plots{display:flex;flex-wrap:wrap;gap:1rem}.muted{color:#666;font-size:.9rem}
.verdict{border-radius:4px;padding:.2rem 1rem;margin:1rem 0}.verdict h2{border:none;margin-top:.5rem}
.verdict.reliable{background:#e8f5e9;border-left:6px solid #2e7d32}
.verdict.unreliable{background:#ffebee;border-left:6px solid #c0392b}
.check-fail{color:#b71c1c;font-weight:bold}.check-not_measured{color:#666}
"""


def _td(value: object, *, num: bool = False, cls: str = "") -> str:
    classes = " ".join(c for c in ("num" if num else "", cls) if c)
    attr = f' class="{classes}"' if classes else ""
    return f"<td{attr}>{escape(str(value))}</td>"


def _table(header: Sequence[str], rows: Iterable[str]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _invariants(results: Sequence[InvariantResult], *, by_probe: bool) -> str:
    header = ["probe" if by_probe else "family", "verdict", "units", "pairs", "flip rate", "placebo rate",
              "excess pts [95% CI]", "q", "MDE", "note"]  # fmt: skip
    rows = []
    for r in results:
        name = (str(r.probe) if by_probe else r.family) + (" ⚠" if r.few_clusters else "")
        rows.append(
            "<tr>"
            + _td(name)
            + _td(r.verdict, cls=r.verdict)
            + _td(r.units, num=True)
            + _td(r.pairs, num=True)
            + _td(rate_text(r.flips), num=True)
            + _td(rate_text(r.placebo), num=True)
            + _td(f"{pts(r.excess)} {ci(r.excess_ci, signed=True)}" if r.pairs else "no pairs", num=True)
            + _td(q_text(r.q), num=True)
            + _td(pct(r.mde), num=True)
            + _td(r.note)
            + "</tr>"
        )
    return _table(header, rows)


def _diff_html(lines: Sequence[str]) -> str:
    out = []
    for line in lines:
        cls = "add" if line.startswith("+") else "del" if line.startswith("-") else ""
        attr = f' class="{cls}"' if cls else ""
        out.append(f"<span{attr}>{escape(line) or ' '}</span>")
    return '<pre class="diff">' + "".join(out) + "</pre>"


def _flip_details(audit: FlipAudit) -> str:
    item = audit.item
    verb = "flipped" if item.relation == "invariant" else "missed"
    head = (
        f"{item.case_id} / {item.unit_id} · {item.chain} · {verb} {item.events}/{item.n} "
        f"(placebo {item.placebo_events}) · {item.base_outcome} → {', '.join(item.outcomes)}"
    )
    facts = [
        f"family {item.family}, probe {item.probe}, relation {item.relation}",
        f"judge extracted {item.extracted_answer!r}; response states {item.final_answer!r}",
        f"class: {item.flip_class or '–'}",
    ]
    if item.reference_doubt:
        facts.append("reference disputed: the judge may be right against the reference")
    return (
        f'<details class="flip"><summary>{escape(head)}</summary>'
        + "".join(f'<p class="muted">{escape(f)}</p>' for f in facts)
        + "<h4>Diff (base → variant)</h4>"
        + _diff_html(audit.diff)
        + "<h4>Before</h4><pre>"
        + escape(audit.before)
        + "</pre><h4>After</h4><pre>"
        + escape(audit.after)
        + "</pre><h4>Judge's raw reply</h4><pre>"
        + escape(item.raw_reply or "(none recorded)")
        + "</pre></details>"
    )


_MARK = {"fail": "✗", "pass": "✓", "not_measured": "–"}


def _verdict(summary: Summary) -> list[str]:
    verdict = summary.judge_verdict
    if verdict is None:
        return []
    cls = "reliable" if verdict.verdict == "reliable" else "unreliable"
    items = "".join(
        f'<li class="check-{c.status}">{_MARK[c.status]} {escape(c.message)}</li>' for c in verdict.checks
    )
    return [
        f'<div class="verdict {cls}" id="judge-verdict"><h2>Judge: {escape(verdict.verdict.upper())}</h2>'
        f"<ul>{items}</ul></div>"
    ]


def render_html(summary: Summary, *, variants: Mapping[str, Variant] | None = None) -> str:
    """The self-contained HTML report."""
    return "".join(html_pieces(summary, variants=variants))


def html_pieces(summary: Summary, *, variants: Mapping[str, Variant] | None = None) -> Iterator[str]:
    """:func:`render_html` in pieces, the flipped variants' details one at a time (so a run with thousands
    of flips can be written without holding the whole page)."""
    run, s = summary.run, summary.settings
    d = run.draws
    thr = f"{100 * s.threshold:.0f}"
    parts = [
        f"<h1>judgeprobe report: {escape(run.judge or 'unknown judge')}</h1>",
        f'<p class="muted">run {escape(str(run.run_id))} · judge hash {escape(str(run.judge_hash))} · '
        f"{run.cases} cases, {run.units} units, {run.variants} variants · {d.draws} draws (repeats "
        f"{run.repeats}): {d.judged} judged, {d.unscored} unscored, {d.error} errors, {d.skipped} skipped · "
        f"judgeprobe {escape(summary.tool_version)}, summary schema {escape(summary.schema_version)}</p>",
        f'<p class="muted">biased = q &lt; {s.alpha}, excess over placebo ≥ {thr} points and its '
        f"95% interval above 0; clean = upper bound below {thr} points; inconclusive otherwise. "
        f"Intervals clustered by case. BH scope: {escape(summary.bh_scope)}. "
        f"⚠ = fewer than {s.min_clusters} cases.</p>",
    ]
    parts += _verdict(summary)
    parts += [f'<p class="warn">{escape(w)}</p>' for w in summary.warnings]
    if summary.error_reasons:
        rows = [
            "<tr>" + _td(r.status) + _td(r.kind) + _td(r.count, num=True) + _td(r.messages, num=True)
            + _td(r.first_message) + _td(r.first_draw) + "</tr>"
            for r in summary.error_reasons
        ]  # fmt: skip
        parts += [
            '<h2 id="errors">Why draws failed</h2>',
            _table(["status", "kind", "draws", "distinct messages", "first message", "first draw"], rows),
        ]
    if summary.families:
        parts.append('<h2 id="plots">Flip rate by family</h2><div class="plots">')
        parts.append(family_bars(summary.families))
        parts.append(forest_plot([*summary.families, *summary.probes], threshold=s.threshold))
        parts.append("</div>")
        parts += ['<h2 id="families">Families</h2>', _invariants(summary.families, by_probe=False)]
        parts += ['<h2 id="probes">Probes</h2>', _invariants(summary.probes, by_probe=True)]
    if summary.position is not None:
        rows = ["<tr>" + "".join(_td(cell) for cell in row) + "</tr>" for row in position_rows(summary)]
        parts += [
            f'<h2 id="position">{escape(POSITION_TITLE)}</h2>',
            f"<p>{escape(position_intro(summary.position))}</p>",
            _table(POSITION_HEADER, rows),
        ]
    if summary.self_preference:
        rows = [
            "<tr>" + "".join(_td(cell) for cell in row) + "</tr>" for row in self_preference_rows(summary)
        ]
        parts += [
            f'<h2 id="self-preference">{escape(SELF_TITLE)}</h2>',
            f"<p>{escape(SELF_INTRO)}</p>",
            _table(SELF_HEADER, rows),
        ]
    if summary.controls:
        rows = [
            "<tr>" + _td(c.family) + _td(c.probe or "(all)") + _td(rate_text(c.misses), num=True)
            + _td(rate_text(c.label_agreement), num=True) + _td(str(c.excluded), num=True) + "</tr>"
            for c in summary.controls
        ]  # fmt: skip
        parts += [
            '<h2 id="controls">Controls</h2>',
            "<p>A miss: the meaning was broken on purpose and the verdict did not change. Only units whose "
            "unperturbed verdict was right count; <em>left out</em> counts the others.</p>",
            _table(["family", "probe", "miss rate (n) [95% CI]", "agrees with new label", "left out"], rows),
        ]
    if summary.doses:
        parts.append('<h2 id="doses">Dose curves</h2><div class="plots">')
        parts += [dose_chart(curve) for curve in summary.doses]
        parts.append("</div>")
    if summary.accuracy:
        rows = [
            "<tr>" + _td(a.stage) + _td(a.answer_kind) + _td("yes" if a.reference_doubt else "no")
            + _td(rate_text(a.agreement), num=True) + _td(str(a.undecided), num=True) + "</tr>"
            for a in summary.accuracy
        ]  # fmt: skip
        parts += [
            '<h2 id="accuracy">Accuracy against labels</h2><p>Disputed-reference cases are listed apart; '
            "undecided (unscored) draws are counted apart, not in the agreement.</p>",
            _table(
                ["stage", "answer kind", "reference disputed", "agreement (n) [95% CI]", "undecided"], rows
            ),
        ]
    if summary.hle:
        rows = [
            "<tr>" + _td(h.stage) + _td(rate_text(h.accuracy), num=True)
            + _td(rate_text(h.accuracy_all), num=True)
            + _td(pct(h.calibration.rms) if h.calibration else "–", num=True)
            + _td(h.calibration.n if h.calibration else 0, num=True) + "</tr>"
            for h in summary.hle
        ]  # fmt: skip
        parts += [
            '<h2 id="hle">HLE-style metrics (grade mode)</h2>',
            _table(["stage", "accuracy (judged)", "accuracy (all)", "RMS calibration error", "items"], rows),
        ]
    parts += [
        '<h2 id="classes">Flip classes</h2>',
        _table(
            ["class", "draws"],
            ("<tr>" + _td(k) + _td(v, num=True) + "</tr>" for k, v in summary.flip_classes.items()),
        ),
    ]
    if summary.grid:
        parts += ['<h2 id="grid">Case × family</h2>', grid_chart(summary.grid)]
    if summary.flipped:
        parts.append(f'<h2 id="flips">Flipped and missed variants ({len(summary.flipped)})</h2>')
        if variants is None:
            parts.append("<p>Variant texts were not available to this report.</p>")
    title = escape(f"judgeprobe report: {run.judge or 'unknown judge'}")
    yield (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        f"<title>{title}</title><style>{_CSS}</style></head><body>"
    )
    yield "\n".join(parts)
    if summary.flipped:
        for audit in iter_audits(summary, variants or {}):
            yield "\n" + _flip_details(audit)
    yield "</body></html>\n"
