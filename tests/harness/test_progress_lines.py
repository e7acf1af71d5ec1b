"""Progress everywhere: outside a terminal a run writes plain progress lines (done/total, rate, ETA, cache
hits, errors, retries) to stderr, so CI logs show life. The cadence is tested with a fake clock, never by
waiting."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

from judgeprobe.harness.run.line_progress import LineProgress, duration, progress_sink
from judgeprobe.harness.run.options import RunStats

LINE = re.compile(
    r"judging: (\d+)/(\d+) draws \((\d+)%\) · [\d.]+ draws/s · (ETA \S+|took \S+) · cache \d+ · "
    r"unscored \d+ · errors \d+ · retries \d+"
)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_line_per_five_percent_no_closer_than_the_gap_and_a_heartbeat_in_silence() -> None:
    out, clock = io.StringIO(), Clock()
    sink = LineProgress(out, every_s=30.0, every_share=0.05, min_gap_s=2.0, clock=clock)
    sink.start(200)
    stats = RunStats(planned=200)
    for done in range(1, 201):  # one draw every 0.5 s: a 5 % step (10 draws) takes 5 s
        clock.now += 0.5
        stats.done = done
        sink.update(stats)
    lines = out.getvalue().splitlines()
    assert lines[0] == "judging: 200 draws planned"
    steps = [int(LINE.match(line).group(1)) for line in lines[1:]]  # type: ignore[union-attr]
    assert steps == list(range(10, 201, 10))  # every 5 %
    first = LINE.match(lines[1])
    assert first is not None and first.group(4) == "ETA 1m35s"  # 190 draws left at 2 draws/s
    assert lines[-1].endswith("retries 0") and "took 1m40s" in lines[-1]

    burst = io.StringIO()
    fast = LineProgress(burst, min_gap_s=2.0, clock=clock)
    fast.start(1000)
    for done in range(1, 1001):  # a resume answered from the store: all at once
        stats.done, stats.cache_hits = done, done
        fast.update(stats)
    fast.finish(stats)
    assert len(burst.getvalue().splitlines()) == 2  # the plan and the final line, not twenty

    quiet = io.StringIO()
    slow = LineProgress(quiet, every_s=30.0, clock=clock)
    slow.start(1000)
    stats = RunStats(planned=1000, done=1, retries=7, errors=1)
    for _ in range(4):  # a judge in backoff: no draw ends for two minutes
        clock.now += 30.0
        slow.update(stats)
    heartbeats = quiet.getvalue().splitlines()[1:]
    assert len(heartbeats) == 4 and all("1/1000 draws" in h and "retries 7" in h for h in heartbeats)


def test_finish_writes_the_last_count_once_and_says_when_cut_short() -> None:
    out, clock = io.StringIO(), Clock()
    sink = LineProgress(out, clock=clock)
    sink.start(10)
    stats = RunStats(planned=10, done=10)
    clock.now += 5
    sink.update(stats)
    sink.finish(stats)
    assert len(out.getvalue().splitlines()) == 2
    stats = RunStats(planned=10, done=4, interrupted=True)
    sink.finish(stats)
    assert out.getvalue().splitlines()[-1].endswith("· interrupted")


def test_the_terminal_bar_shows_count_rate_eta_cache_hits_errors_and_retries() -> None:
    from rich.console import Console

    from judgeprobe.harness.run.progress import RichProgress

    screen = io.StringIO()
    bar = RichProgress(console=Console(file=screen, force_terminal=True, width=200, color_system=None))
    bar.start(100)
    stats = RunStats(planned=100, done=40, cache_hits=12, errors=3, retries=5, unscored=1, elapsed_s=4.0)
    bar.update(stats)
    bar.finish(stats)
    text = screen.getvalue()
    for part in ("40/100", "cache 12", "errors 3", "retries 5", "unscored 1", "draws/s", "ETA"):
        assert part in text, part


def test_durations_and_the_sink_chosen_for_a_pipe() -> None:
    assert [duration(s) for s in (0, 42, 75, 3599, 4000)] == ["0s", "42s", "1m15s", "59m59s", "1h06m"]
    assert isinstance(progress_sink(stream=io.StringIO()), LineProgress)
    assert progress_sink(False) is None


def test_a_run_whose_stderr_is_a_pipe_prints_progress_lines(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "judgeprobe.harness.cli", "run", "--case", "hle-tc0-notation",
         "--probes", "none", "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.splitlines()
    planned = re.search(r"^judging: (\d+) draws planned$", proc.stderr, re.M)
    assert planned is not None, proc.stderr
    final = LINE.match(lines[-1])
    assert final is not None, lines[-1]
    assert final.group(1) == final.group(2) == planned.group(1) and final.group(3) == "100"
    assert final.group(4).startswith("took ")
    assert "judging" not in proc.stdout  # progress goes to stderr; stdout keeps the report


def test_a_line_shows_the_tokens_and_cost_of_the_calls_so_far() -> None:
    out, clock = io.StringIO(), Clock()
    sink = LineProgress(out, clock=clock)
    sink.start(10)
    stats = RunStats(planned=10, done=4, calls_with_usage=4, input_tokens=12_000, output_tokens=800)
    clock.now += 2.0
    assert sink.line(stats).endswith("retries 0 · 12.8k tokens")
    stats.cached_input_tokens, stats.cost, stats.currency = 4_000, 0.0421, "USD"
    assert sink.line(stats).endswith("retries 0 · 12.8k tokens (4.0k cached) · $0.0421")
    stats.calls_with_usage = 0  # a judge that reports no usage: nothing is shown, never a cost of zero
    assert sink.line(stats).endswith("retries 0")
