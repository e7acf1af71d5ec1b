"""Inline SVG plots for ``audit.html``, in the conventions of the run report's plots
(:mod:`judgeprobe.harness.report.svg`): one ``<svg class="plot plot-KIND" role="img">`` per plot, a
``<title>``, every text escaped, no script.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

__all__ = ["PALETTE", "accuracy_bars", "error_stack", "mc_bars", "part_score_bars"]

PALETTE = ("#1f5fa8", "#c0392b", "#2e7d32", "#b7950b", "#7b1fa2", "#00838f", "#6d4c41", "#9e9e9e",
           "#ef6c00", "#37474f", "#ad1457", "#558b2f")  # fmt: skip
"""Colours of the series (error types, answer forms), in order; the last types reuse them."""
_FONT = 'font-family="system-ui, sans-serif" font-size="12"'


def _svg(width: int, height: int, title: str, body: list[str], *, kind: str) -> str:
    label = escape(title)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="plot plot-{kind}" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" aria-label="{label}" {_FONT}>'
        f"<title>{label}</title>" + "".join(body) + "</svg>"
    )


def _pct_axis(x0: float, x1: float, y: float) -> list[str]:
    out = [f'<line x1="{x0:.1f}" y1="{y:.1f}" x2="{x1:.1f}" y2="{y:.1f}" stroke="#888"/>']
    for step in range(0, 11, 2):
        x = x0 + (x1 - x0) * step / 10
        out.append(
            f'<line x1="{x:.1f}" y1="{y:.1f}" x2="{x:.1f}" y2="{y + 4:.1f}" stroke="#888"/>'
            f'<text x="{x:.1f}" y="{y + 16:.1f}" text-anchor="middle" fill="#444">{step * 10}%</text>'
        )
    return out


def _whisker(x0: float, x1: float, y: float) -> str:
    return (
        f'<line class="whisker" x1="{x0:.1f}" y1="{y:.1f}" x2="{x1:.1f}" y2="{y:.1f}" stroke="#222"/>'
        f'<line x1="{x0:.1f}" y1="{y - 4:.1f}" x2="{x0:.1f}" y2="{y + 4:.1f}" stroke="#222"/>'
        f'<line x1="{x1:.1f}" y1="{y - 4:.1f}" x2="{x1:.1f}" y2="{y + 4:.1f}" stroke="#222"/>'
    )


def accuracy_bars(teams: Mapping[str, Mapping[str, Any]]) -> str:
    """Accuracy per team and phase (missing items count as wrong), with 95 % Wilson intervals."""
    rows = [(f"{team} · phase {phase}" if phase else team, block)
            for team, entry in teams.items() for phase, block in entry["phases"].items()]  # fmt: skip
    left, right, row, top = 170, 620, 24, 24
    bottom = top + row * max(1, len(rows))

    def x(v: float) -> float:
        return left + (right - left) * max(0.0, min(1.0, v))

    body = [
        f'<text x="{left}" y="14" fill="#222">accuracy (missing items count as wrong), 95% intervals</text>'
    ]
    for i, (name, block) in enumerate(rows):
        y = top + i * row
        value = block["accuracy"] or 0.0
        tip = f"{name}: {100 * value:.1f}% ({block['judged_correct']}/{block['items']})"
        body.append(
            f'<text x="{left - 8}" y="{y + 15}" text-anchor="end" fill="#222">{escape(name)}</text>'
            f'<rect class="bar" x="{left}" y="{y + 4}" width="{x(value) - left:.1f}" height="14" '
            'fill="#1f5fa8">'
            f"<title>{escape(tip)}</title></rect>"
            + _whisker(x(block["accuracy_ci"][0]), x(block["accuracy_ci"][1]), y + 11)
        )
    body += _pct_axis(left, right, bottom + 4)
    return _svg(660, bottom + 28, "Accuracy by team with 95% intervals", body, kind="accuracy")


def error_stack(entries: Sequence[Mapping[str, Any]], labels: Mapping[str, str], *, share: bool) -> str:
    """Stacked bars of error types per team and phase: counts, or shares of the team's wrong answers."""
    types = list(labels)
    left, right, row, top = 170, 560, 26, 24
    bottom = top + row * max(1, len(entries))
    most = max([1] + [e["incorrect"] for e in entries])

    def width(value: float) -> float:
        return (right - left) * (value if share else value / most)

    what = "share of wrong answers" if share else "wrong answers"
    body = [f'<text x="{left}" y="14" fill="#222">error types per team ({what})</text>']
    for i, entry in enumerate(entries):
        y = top + i * row
        name = f"{entry['team']} · phase {entry['phase']}" if entry["phase"] else entry["team"]
        body.append(f'<text x="{left - 8}" y="{y + 15}" text-anchor="end" fill="#222">{escape(name)}</text>')
        x = float(left)
        for j, type_id in enumerate(types):
            cell = entry["types"][type_id]
            w = width(cell["share"] if share else cell["count"])
            if w <= 0:
                continue
            tip = f"{name} / {labels[type_id]}: {cell['count']} ({100 * cell['share']:.1f}%)"
            body.append(
                f'<rect class="segment" x="{x:.1f}" y="{y + 4}" width="{w:.1f}" height="16" '
                f'fill="{PALETTE[j % len(PALETTE)]}"><title>{escape(tip)}</title></rect>'
            )
            x += w
    if share:
        body += _pct_axis(left, right, bottom + 4)
    legend_y = bottom + (30 if share else 10)
    for j, type_id in enumerate(types):
        y = legend_y + j * 16
        body.append(
            f'<rect x="{left}" y="{y}" width="10" height="10" fill="{PALETTE[j % len(PALETTE)]}"/>'
            f'<text x="{left + 16}" y="{y + 9}" fill="#222">{escape(labels[type_id])}</text>'
        )
    kind = "error-shares" if share else "error-counts"
    return _svg(660, legend_y + 16 * len(types) + 6, f"Error types per team ({what})", body, kind=kind)


def mc_bars(by_team: Mapping[str, Mapping[str, Any]]) -> str:
    """Multiple-choice accuracy per team: bare letter against letter with choice text, 95 % intervals."""
    forms = (
        ("letter_only", "letter only (A)", PALETTE[7]),
        ("letter_and_text", "letter + text (A. 1)", PALETTE[0]),
    )
    left, right, row, top = 170, 620, 40, 24
    bottom = top + row * max(1, len(by_team))

    def x(v: float) -> float:
        return left + (right - left) * max(0.0, min(1.0, v))

    body = [
        f'<text x="{left}" y="14" fill="#222">multiple-choice accuracy by answer form, 95% intervals</text>'
    ]
    for i, (team, entry) in enumerate(by_team.items()):
        y = top + i * row
        body.append(f'<text x="{left - 8}" y="{y + 20}" text-anchor="end" fill="#222">{escape(team)}</text>')
        for j, (form, name, colour) in enumerate(forms):
            cell = entry[form]
            yy = y + 4 + j * 15
            value = cell["accuracy"] or 0.0
            tip = f"{team} {name}: {100 * value:.1f}% ({cell['correct']}/{cell['n']})"
            body.append(
                f'<rect class="bar" x="{left}" y="{yy}" width="{x(value) - left:.1f}" height="12" '
                f'fill="{colour}">'
                f"<title>{escape(tip)}</title></rect>" + _whisker(x(cell["ci"][0]), x(cell["ci"][1]), yy + 6)
            )
    body += _pct_axis(left, right, bottom + 4)
    for j, (_, name, colour) in enumerate(forms):
        body.append(
            f'<rect x="{left + j * 180}" y="{bottom + 26}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{left + 16 + j * 180}" y="{bottom + 35}" fill="#222">{escape(name)}</text>'
        )
    return _svg(660, bottom + 44, "Multiple-choice accuracy by answer form", body, kind="mc")


def part_score_bars(parts: Mapping[str, Mapping[str, Mapping[str, Any]]], labels: Mapping[str, str]) -> str:
    """Mean partial score per error type, one bar per team (types without scores are left out)."""
    teams = list(parts)
    types = [t for t in labels if any(parts[team][t]["n"] for team in teams)]
    left, right, top = 230, 620, 24
    group = 8 + 12 * max(1, len(teams))
    bottom = top + group * max(1, len(types))

    def x(v: float) -> float:
        return left + (right - left) * max(0.0, min(1.0, v))

    body = [f'<text x="{left}" y="14" fill="#222">mean partial score of wrong answers, by error type</text>']
    for i, type_id in enumerate(types):
        y = top + i * group
        body.append(
            f'<text x="{left - 8}" y="{y + 12}" text-anchor="end" fill="#222">'
            f"{escape(labels[type_id])}</text>"
        )
        for j, team in enumerate(teams):
            cell = parts[team][type_id]
            if not cell["n"]:
                continue
            tip = f"{team} / {labels[type_id]}: mean {cell['mean']:.3f} (n={cell['n']})"
            body.append(
                f'<rect class="bar" x="{left}" y="{y + j * 12}" width="{x(cell["mean"]) - left:.1f}" '
                'height="10" '
                f'fill="{PALETTE[j % len(PALETTE)]}"><title>{escape(tip)}</title></rect>'
            )
    body += _pct_axis(left, right, bottom + 4)
    for j, team in enumerate(teams):
        body.append(
            f'<rect x="{left + j * 120}" y="{bottom + 26}" width="10" height="10" '
            f'fill="{PALETTE[j % len(PALETTE)]}"/>'
            f'<text x="{left + 16 + j * 120}" y="{bottom + 35}" fill="#222">{escape(team)}</text>'
        )
    return _svg(660, bottom + 44, "Mean partial score by error type and team", body, kind="part-scores")
