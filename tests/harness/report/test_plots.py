"""The plots of report.html agree with summary.json and with the tables beside them: every mark carries its
figures (``data-*``), and those figures are the summary's; the heatmap counts controls as the Controls table
does, with left-out draws apart (never as misses); every plot has a legend.

A real run of the shipped grader over cases where it gets some unperturbed responses wrong, so some controls
are left out."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import Any

import pytest
from click.testing import CliRunner

from judgeprobe.harness.cli.main import cli

pytestmark = pytest.mark.slow  # one real run for the module

SVG = "{http://www.w3.org/2000/svg}"
CASES = (
    "alg-quaternion-q8",
    "hle-tc0-notation",
    "date-train-past-midnight",
    "hedged-cube-edges",
    "num-total-with-tax",
)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], list[ET.Element]]:
    out = tmp_path_factory.mktemp("plots")
    args = ["run", "--no-progress", "--fail-on", "never", "--out", str(out)]
    for case in CASES:
        args += ["--case", case]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    page = (out / "report.html").read_text(encoding="utf-8")
    plots = [ET.fromstring(m) for m in re.findall(r"<svg .*?</svg>", page, re.S)]
    return summary, plots


def _kind(plots: list[ET.Element], kind: str) -> list[ET.Element]:
    return [p for p in plots if f"plot-{kind}" in p.get("class", "").split()]


def _marks(plot: ET.Element, cls: str) -> list[ET.Element]:
    return [e for e in plot.iter() if cls in e.get("class", "").split()]


def test_every_plot_has_a_legend(report: tuple[dict[str, Any], list[ET.Element]]) -> None:
    _, plots = report
    kinds = {k for p in plots for k in p.get("class", "").split() if k.startswith("plot-")}
    assert kinds == {"plot-families", "plot-forest", "plot-dose", "plot-grid"}
    for plot in plots:
        legends = _marks(plot, "legend")
        assert legends, plot.get("aria-label")
        assert all(t.text for legend in legends for t in legend.iter(f"{SVG}text"))


def test_the_heatmap_counts_what_the_tables_count_and_shows_left_out_draws_apart(
    report: tuple[dict[str, Any], list[ET.Element]],
) -> None:
    summary, plots = report
    (grid,) = _kind(plots, "grid")
    cells = _marks(grid, "cell")
    shown = {
        (c.get("data-case"), c.get("data-family"), c.get("data-relation")): (
            int(c.get("data-events", "")), int(c.get("data-n", "")), int(c.get("data-left-out", ""))
        )
        for c in cells
    }  # fmt: skip
    for cell in summary["grid"]:
        key = (cell["case_id"], cell["family"], cell["relation"])
        assert shown[key] == (cell["events"], cell["n"], cell["left_out"]), key
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for (_, family, relation), figures in shown.items():
        for i, value in enumerate(figures):
            totals[family or "", relation or ""][i] += value
    left_out = 0
    for control in (c for c in summary["controls"] if c["level"] == "family"):
        events, n, out = totals[control["family"], "control"]
        assert (events, n) == (control["misses"]["events"], control["misses"]["n"]), control["family"]
        assert out == control["excluded"], control["family"]
        left_out += out
    assert left_out > 0  # the run has left-out controls, and they are not counted as misses
    for family in summary["families"]:
        events, n, _ = totals[family["family"], "invariant"]
        assert (events, n) == (family["flips"]["events"], family["pairs"]), family["family"]
    marked = _marks(grid, "left-out-mark")
    hatched = [c for c in cells if c.get("fill") == "url(#jp-left-out)"]
    with_left_out = [c for c in cells if int(c.get("data-left-out", "0"))]
    assert len(marked) + len(hatched) == len(with_left_out) > 0


def test_the_bars_points_and_dose_curves_are_the_summarys_figures(
    report: tuple[dict[str, Any], list[ET.Element]],
) -> None:
    summary, plots = report
    (bars,) = _kind(plots, "families")
    drawn = {(b.get("data-family"), b.get("data-series")): b for b in _marks(bars, "bar")}
    for family in summary["families"]:
        for series, key in (("flip", "flips"), ("placebo", "placebo")):
            bar = drawn[family["family"], series]
            rate = family[key]
            assert (int(bar.get("data-events", "")), int(bar.get("data-n", ""))) == (
                rate["events"],
                rate["n"],
            )
    assert len(drawn) == 2 * len(summary["families"])

    (forest,) = _kind(plots, "forest")
    points = {(p.get("data-level"), p.get("data-name")): p for p in _marks(forest, "point")}
    for result in (*summary["families"], *summary["probes"]):
        if not result["pairs"] or result["excess"] is None:
            continue
        name = result["family"] if result["level"] == "family" else result["probe"]
        point = points[result["level"], name]
        assert float(point.get("data-excess", "")) == pytest.approx(result["excess"], abs=1e-6)
        assert point.get("data-verdict") == result["verdict"]

    doses = _kind(plots, "dose")
    assert len(doses) == len(summary["doses"]) > 0
    for plot, curve in zip(doses, summary["doses"], strict=True):
        drawn_points = [
            (float(p.get("data-dose", "")), int(p.get("data-events", "")), int(p.get("data-n", "")))
            for p in _marks(plot, "point")
        ]
        expected = [(p["dose"], p["flips"]["events"], p["flips"]["n"]) for p in curve["points"]]
        assert drawn_points == expected, curve["probe"]
