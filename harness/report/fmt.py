"""Small text formatters shared by the report renderers (plain strings, no markup)."""

from __future__ import annotations

from judgeprobe.harness.stats.schema import InvariantResult, Rate

__all__ = ["ci", "pct", "pts", "q_text", "rate_text", "rewrites_line", "verdict_mark"]


def pct(value: float | None, digits: int = 1) -> str:
    """``0.123`` -> ``12.3%`` (``–`` for none)."""
    return "–" if value is None else f"{100 * value:.{digits}f}%"


def pts(value: float | None, digits: int = 1) -> str:
    """A difference of proportions in percentage points with its sign: ``+4.2``."""
    return "–" if value is None else f"{100 * value:+.{digits}f}"


def ci(bounds: tuple[float, float], *, signed: bool = False) -> str:
    """An interval: ``[3.1%, 9.8%]`` or, for differences, ``[-1.2, +8.0] pts``."""
    low, high = bounds
    if signed:
        return f"[{pts(low)}, {pts(high)}] pts"
    return f"[{pct(low)}, {pct(high)}]"


def rate_text(rate: Rate) -> str:
    """``12.3% (7/57) [6.1%, 23.4%]``."""
    return f"{pct(rate.rate)} ({rate.events}/{rate.n}) {ci(rate.ci)}"


def q_text(value: float | None) -> str:
    """A q- or p-value in short form."""
    if value is None:
        return "–"
    return "<0.001" if value < 0.001 else f"{value:.3f}"


def verdict_mark(result: InvariantResult) -> str:
    """The verdict in capitals (what a reader scans for)."""
    return result.verdict.upper()


def rewrites_line(unverified: int, by_policy: int, policy: str) -> str:
    """One line on the rewrites the probes left out (the dry run, the terminal summary, ``report.md``)."""
    line = f"{unverified} rewrites rejected as unverified (never emitted as meaning-kept)"
    if by_policy:
        line += f"; {by_policy} verified rewrites left out under the {policy} policy"
    return line + "."
