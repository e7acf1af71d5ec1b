"""Inline SVG plots for the HTML report, drawn by hand (no plotting library, no script, no network).

Every function returns one ``<svg class="plot">`` element as a string; all text is escaped. Every plot has a
legend (``<g class="legend">``) saying what each mark and colour means, and every mark carries its figures
as ``data-*`` attributes (``data-events``, ``data-n``, …), so a test can check that a plot shows exactly the
numbers of ``summary.json`` and of the tables beside it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from html import escape

from judgeprobe.harness.stats.schema import DoseCurve, GridCell, InvariantResult

__all__ = ["dose_chart", "family_bars", "forest_plot", "grid_chart"]

_VERDICT_COLOUR = {"biased": "#c0392b", "clean": "#2e7d32", "inconclusive": "#b7950b"}
_FONT = 'font-family="system-ui, sans-serif" font-size="12"'


def _svg(width: int, height: int, title: str, body: list[str], *, kind: str) -> str:
    label = escape(title)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="plot plot-{kind}" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" aria-label="{label}" {_FONT}>'
        f"<title>{label}</title>" + "".join(body) + "</svg>"
    )


def _ticks(lo: float, hi: float) -> list[float]:
    """Round tick values (multiples of 1, 2, 2.5 or 5 points) covering ``lo..hi`` with at most 7 ticks."""
    for step in (0.01, 0.02, 0.025, 0.05, 0.1, 0.2, 0.25, 0.5):
        if (hi - lo) / step <= 6:
            break
    first = math.ceil(lo / step - 1e-9)
    last = math.floor(hi / step + 1e-9)
    return [round(k * step, 6) for k in range(first, last + 1)]


_LEFT_OUT_FILL = "url(#jp-left-out)"
_LEFT_OUT_PATTERN = (
    '<defs><pattern id="jp-left-out" width="4" height="4" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(45)"><rect width="4" height="4" fill="#f2f2f2"/>'
    '<line x1="0" y1="0" x2="0" y2="4" stroke="#999" stroke-width="1.5"/></pattern></defs>'
)


def _legend(x: float, y: float, items: Sequence[tuple[str, str]]) -> list[str]:
    """A legend row at (x, y): each item is (swatch SVG drawn at the origin, label)."""
    out = [f'<g class="legend" transform="translate({x:.1f},{y:.1f})">']
    offset = 0.0
    for swatch, label in items:
        out.append(
            f'<g transform="translate({offset:.1f},0)">{swatch}'
            f'<text x="18" y="10" fill="#444">{escape(label)}</text></g>'
        )
        offset += 26 + 6.5 * len(label)
    out.append("</g>")
    return out


def _box(fill: str, *, stroke: str = "none") -> str:
    return f'<rect x="0" y="1" width="12" height="10" fill="{fill}" stroke="{stroke}"/>'


def _axis(x0: float, x1: float, y: float, lo: float, hi: float, *, signed: bool) -> list[str]:
    out = [f'<line x1="{x0:.1f}" y1="{y:.1f}" x2="{x1:.1f}" y2="{y:.1f}" stroke="#888"/>']
    for value in _ticks(lo, hi):
        x = x0 + (x1 - x0) * (value - lo) / (hi - lo)
        text = f"{100 * value:+.0f}" if signed else f"{100 * value:.0f}%"
        out.append(f'<line x1="{x:.1f}" y1="{y:.1f}" x2="{x:.1f}" y2="{y + 4:.1f}" stroke="#888"/>')
        out.append(
            f'<text x="{x:.1f}" y="{y + 16:.1f}" text-anchor="middle" fill="#444">{escape(text)}</text>'
        )
    return out


def family_bars(results: Sequence[InvariantResult]) -> str:
    """Flip rate and placebo rate per family, each with its 95 % interval as a whisker."""
    left, right, row = 150, 620, 40
    top = 24
    height = top + row * max(1, len(results)) + 62
    hi = min(1.0, max([0.1] + [max(r.flips.ci[1], r.placebo.ci[1]) for r in results]))
    hi = min(1.0, (int(hi * 10) + 1) / 10) if hi < 1.0 else 1.0

    def x(v: float) -> float:
        return left + (right - left) * min(v, hi) / hi

    body = [
        f'<text x="{left}" y="14" fill="#222">flip rate (dark) and placebo rate (light), 95% intervals</text>'
    ]
    for i, r in enumerate(results):
        y = top + i * row
        body.append(
            f'<text x="{left - 8}" y="{y + 20}" text-anchor="end" fill="#222">{escape(r.family)}</text>'
        )
        for j, (rate, colour) in enumerate(((r.flips, _VERDICT_COLOUR[r.verdict]), (r.placebo, "#9e9e9e"))):
            yy = y + 4 + j * 15
            value = rate.rate or 0.0
            name = "flip" if j == 0 else "placebo"
            tip = f"{r.family} {name} rate {100 * value:.1f}% ({rate.events}/{rate.n})"
            body.append(
                f'<rect class="bar" x="{left}" y="{yy}" width="{x(value) - left:.1f}" height="12" '
                f'fill="{colour}" data-family="{escape(r.family)}" data-series="{name}" '
                f'data-events="{rate.events}" data-n="{rate.n}">'
                f"<title>{escape(tip)}</title></rect>"
            )
            lo_x, hi_x = x(rate.ci[0]), x(rate.ci[1])
            body.append(
                f'<line class="whisker" x1="{lo_x:.1f}" y1="{yy + 6}" x2="{hi_x:.1f}" y2="{yy + 6}" '
                'stroke="#222"/>'
                f'<line x1="{lo_x:.1f}" y1="{yy + 2}" x2="{lo_x:.1f}" y2="{yy + 10}" stroke="#222"/>'
                f'<line x1="{hi_x:.1f}" y1="{yy + 2}" x2="{hi_x:.1f}" y2="{yy + 10}" stroke="#222"/>'
            )
    body += _axis(left, right, top + row * max(1, len(results)) + 4, 0.0, hi, signed=False)
    body += _legend(
        20,
        height - 18,
        [
            (_box(_VERDICT_COLOUR["biased"]), "flips: biased"),
            (_box(_VERDICT_COLOUR["inconclusive"]), "inconclusive"),
            (_box(_VERDICT_COLOUR["clean"]), "clean"),
            (_box("#9e9e9e"), "placebo"),
            ('<line x1="0" y1="6" x2="12" y2="6" stroke="#222"/>', "95% interval"),
        ],
    )
    return _svg(660, height, "Flip rate by family with 95% intervals", body, kind="families")


def forest_plot(results: Sequence[InvariantResult], *, threshold: float) -> str:
    """Excess over placebo with its 95 % interval, per family and probe, against 0 and the threshold."""
    left, right, row, top = 230, 620, 22, 24
    results = [r for r in results if r.pairs]  # an untested probe has no interval worth drawing
    lo = min([-0.1] + [r.excess_ci[0] for r in results])
    hi = max([threshold + 0.05] + [r.excess_ci[1] for r in results])
    lo, hi = max(-1.0, lo), min(1.0, hi)

    def x(v: float) -> float:
        return left + (right - left) * (max(lo, min(hi, v)) - lo) / (hi - lo)

    height = top + row * max(1, len(results)) + 62
    bottom = top + row * max(1, len(results))
    body = [
        f'<text x="{left}" y="14" fill="#222">excess over placebo (points), 95% interval; '
        "dashed: threshold</text>",
        f'<line x1="{x(0):.1f}" y1="{top - 4}" x2="{x(0):.1f}" y2="{bottom}" stroke="#555"/>',
        f'<line class="threshold" x1="{x(threshold):.1f}" y1="{top - 4}" x2="{x(threshold):.1f}" '
        f'y2="{bottom}" stroke="#c0392b" stroke-dasharray="4 3"/>',
    ]
    for i, r in enumerate(results):
        y = top + i * row + row / 2
        name = r.family if r.level == "family" else f"  {r.probe}"
        weight = "bold" if r.level == "family" else "normal"
        colour = _VERDICT_COLOUR[r.verdict]
        body.append(
            f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end" font-weight="{weight}" fill="#222">'
            f"{escape(name)}</text>"
        )
        body.append(
            f'<line class="whisker" x1="{x(r.excess_ci[0]):.1f}" y1="{y:.1f}" x2="{x(r.excess_ci[1]):.1f}" '
            f'y2="{y:.1f}" stroke="{colour}" stroke-width="2"/>'
        )
        if r.excess is not None:
            tip = f"{name.strip()}: {r.verdict}, excess {100 * r.excess:+.1f} pts"
            body.append(
                f'<circle class="point" cx="{x(r.excess):.1f}" cy="{y:.1f}" r="4" fill="{colour}" '
                f'data-name="{escape(name.strip())}" data-level="{r.level}" data-excess="{r.excess:.6f}" '
                f'data-verdict="{r.verdict}"><title>{escape(tip)}</title></circle>'
            )
    body += _axis(left, right, bottom + 4, lo, hi, signed=True)
    dot = '<circle cx="6" cy="6" r="4" fill="{}"/>'
    body += _legend(
        20,
        height - 18,
        [
            (dot.format(_VERDICT_COLOUR["biased"]), "biased"),
            (dot.format(_VERDICT_COLOUR["inconclusive"]), "inconclusive"),
            (dot.format(_VERDICT_COLOUR["clean"]), "clean"),
            ('<line x1="0" y1="6" x2="12" y2="6" stroke="#c0392b" stroke-dasharray="4 3"/>', "threshold"),
            ('<line x1="6" y1="0" x2="6" y2="12" stroke="#555"/>', "no excess"),
        ],
    )
    return _svg(660, height, "Excess flip rate over placebo", body, kind="forest")


def dose_chart(curve: DoseCurve) -> str:
    """Flip rate by dose (doses evenly spaced, labelled), with 95 % intervals and the placebo level dashed."""
    left, right, top, bottom = 50, 400, 24, 180
    legend_y = bottom + 34
    points = curve.points
    count = max(1, len(points) - 1)

    def x(i: int) -> float:
        return left + (right - left) * (i / count if len(points) > 1 else 0.5)

    def y(v: float) -> float:
        return bottom - (bottom - top) * v

    body = [f'<text x="{left}" y="14" fill="#222">{escape(curve.probe)}: flip rate by dose</text>']
    for v in (0.0, 0.5, 1.0):
        body.append(
            f'<line x1="{left}" y1="{y(v):.1f}" x2="{right}" y2="{y(v):.1f}" stroke="#ddd"/>'
            f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end" fill="#444">{100 * v:.0f}%</text>'
        )
    path = " ".join(f"{x(i):.1f},{y(p.flips.rate or 0.0):.1f}" for i, p in enumerate(points))
    body.append(
        f'<polyline class="dose-line" points="{path}" fill="none" stroke="#1f5fa8" stroke-width="2"/>'
    )
    placebo = [p.placebo_rate for p in points if p.placebo_rate is not None]
    if placebo:
        level = sum(placebo) / len(placebo)
        body.append(
            f'<line x1="{left}" y1="{y(level):.1f}" x2="{right}" y2="{y(level):.1f}" stroke="#9e9e9e" '
            'stroke-dasharray="4 3"/>'
        )
    for i, p in enumerate(points):
        rate = p.flips.rate or 0.0
        tip = f"dose {p.dose:g}: {100 * rate:.1f}% ({p.flips.events}/{p.flips.n})"
        body.append(
            f'<line class="whisker" x1="{x(i):.1f}" y1="{y(p.flips.ci[0]):.1f}" x2="{x(i):.1f}" '
            f'y2="{y(p.flips.ci[1]):.1f}" stroke="#1f5fa8"/>'
            f'<circle class="point" cx="{x(i):.1f}" cy="{y(rate):.1f}" r="4" fill="#1f5fa8" '
            f'data-dose="{p.dose:g}" data-events="{p.flips.events}" data-n="{p.flips.n}">'
            f"<title>{escape(tip)}</title></circle>"
            f'<text x="{x(i):.1f}" y="{bottom + 16}" text-anchor="middle" fill="#444">{p.dose:g}</text>'
        )
    body += _legend(
        10,
        legend_y,
        [
            ('<circle cx="6" cy="6" r="4" fill="#1f5fa8"/>', "flip rate, 95% interval"),
            ('<line x1="0" y1="6" x2="12" y2="6" stroke="#9e9e9e" stroke-dasharray="4 3"/>', "mean placebo"),
        ],
    )
    body.append(f'<text x="{right}" y="{bottom + 28}" text-anchor="end" fill="#444">dose</text>')
    return _svg(420, legend_y + 18, f"Dose curve of {curve.probe}", body, kind="dose")


def _natural(text: str) -> list[object]:
    """Sort key that orders ``case-2`` before ``case-10``."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def grid_chart(cells: Sequence[GridCell]) -> str:
    """Case × family grid: red shade = share of flipped draws, purple shade = share of missed controls, over
    the draws the tables count; controls left out (the unperturbed verdict was already wrong) are shown
    apart — hatched when a cell has nothing else, a grey corner mark otherwise — and never as misses."""
    columns = sorted({(c.family, c.relation) for c in cells}, key=lambda k: (k[1] != "invariant", k[0]))
    cases = sorted({c.case_id for c in cells}, key=_natural)
    index = {(c.case_id, c.family, c.relation): c for c in cells}
    labels = [f if r == "invariant" else f"{f} (control)" for f, r in columns]
    longest = max((len(label) for label in labels), default=8)
    left, size = 180, 16
    top = 20 + int(longest * 6.5 * 0.87)  # labels are rotated 60 degrees up
    width = max(560, left + size * max(1, len(columns)) + int(longest * 6.5 * 0.5) + 20)
    height = top + size * max(1, len(cases)) + 60
    body: list[str] = [_LEFT_OUT_PATTERN]
    for j, (family, relation) in enumerate(columns):
        cx = left + j * size + size / 2
        label = family if relation == "invariant" else f"{family} (control)"
        body.append(
            f'<text transform="translate({cx + 4:.1f},{top - 6}) rotate(-60)" fill="#222">'
            f"{escape(label)}</text>"
        )
    for i, case_id in enumerate(cases):
        y = top + i * size
        body.append(
            f'<text x="{left - 6}" y="{y + 12}" text-anchor="end" fill="#222">{escape(case_id)}</text>'
        )
        for j, (family, relation) in enumerate(columns):
            cell = index.get((case_id, family, relation))
            name = family if relation == "invariant" else f"{family} (control)"
            events, n, left_out = (cell.events, cell.n, cell.left_out) if cell is not None else (0, 0, 0)
            if n == 0 and left_out:
                fill = _LEFT_OUT_FILL
                tip = f"{case_id} / {name}: {left_out} draws left out (the unperturbed verdict was wrong)"
            elif n == 0:
                fill, tip = "#f2f2f2", f"{case_id} / {name}: not tested"
            else:
                hue = "192,57,43" if relation == "invariant" else "123,31,162"
                fill = f"rgba({hue},{0.08 + 0.92 * events / n:.2f})"
                what = "flipped" if relation == "invariant" else "missed"
                tip = f"{case_id} / {name}: {what} {events}/{n}"
                if left_out:
                    tip += f", {left_out} left out (the unperturbed verdict was wrong)"
            x0 = left + j * size
            body.append(
                f'<rect class="cell" x="{x0}" y="{y}" width="{size - 1}" height="{size - 1}" fill="{fill}" '
                f'data-case="{escape(case_id)}" data-family="{escape(family)}" data-relation="{relation}" '
                f'data-events="{events}" data-n="{n}" data-left-out="{left_out}">'
                f"<title>{escape(tip)}</title></rect>"
            )
            if n and left_out:
                body.append(
                    f'<path class="left-out-mark" d="M{x0 + size - 7} {y} h6 v6 z" fill="#777">'
                    f"<title>{escape(tip)}</title></path>"
                )
    ramp = [(f"rgba(192,57,43,{a})", a) for a in (0.08, 0.54, 1.0)]
    body += _legend(
        10,
        height - 44,
        [
            *((_box(fill), f"{100 * (a - 0.08) / 0.92:.0f}% flipped") for fill, a in ramp),
            (_box("rgba(123,31,162,1.0)"), "100% of controls missed"),
        ],
    )
    body += _legend(
        10,
        height - 24,
        [
            (_box("#f2f2f2"), "not tested"),
            (_box(_LEFT_OUT_FILL), "controls left out"),
            ('<rect x="0" y="1" width="12" height="10" fill="#fff" stroke="#ccc"/>'
             '<path d="M6 1 h6 v6 z" fill="#777"/>', "some left out"),
        ],
    )  # fmt: skip
    return _svg(width, height, "Case by family grid", body, kind="grid")
