"""Runner benchmarks (nox ``bench``): throughput against a slow server, harness cost per draw, warm reruns,
peak memory. Prints one figure per line; exits 1 if a target is missed (``--no-check`` only reports).

1. Fake OpenAI server (a separate process) with 100 ms latency, 32 connections, 2,000 draws: wall time
   against the ideal N·L/C (target <= 1.15x).
2. In-process mock judge (``mock:yes``: real template rendering and reply parsing, no I/O): the harness's
   cost per draw (render, store, parse), the median over repeated runs of wall time / draws
   (target < 0.5 ms), with process CPU time per draw beside it (steadier on a busy machine).
3. A warm rerun of a finished run makes zero judge calls.
4. Peak RSS of a 100,000-draw run with the mock judge, measured in a child process (target < 500 MB).

Usage: ``python benchmarks/bench_runner.py [--quick] [--only server,mock,warm,memory] [--no-check]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from judgeprobe.cases.models import Mode  # noqa: E402
from judgeprobe.harness.core.request import JudgeRequest  # noqa: E402
from judgeprobe.harness.core.verdict import Verdict  # noqa: E402
from judgeprobe.harness.judges.base import Judge  # noqa: E402
from judgeprobe.harness.judges.registry import load_judge  # noqa: E402
from judgeprobe.harness.run.runner import RunOptions, run  # noqa: E402
from judgeprobe.harness.store import RunStore  # noqa: E402
from judgeprobe.probes.variant import Relation, Slot, Variant  # noqa: E402


def variants(n: int) -> list[Variant]:
    """``n`` grade variants with realistic text sizes (no placebo draws: one draw each)."""
    return [
        Variant(
            case_id=f"case-{i}",
            unit_id="r",
            mode=Mode.GRADE,
            question=f"Compute the value of {i} + {i} and give it as a plain integer. " * 3,
            reference=str(2 * i),
            answer_kind="number",
            choices=None,
            slots=(Slot("r", f"Adding the two numbers gives {2 * i}. " * 8 + f"Answer: {2 * i}"),),
            chain=(),
            seed=0,
            relation=Relation.INVARIANT,
            label="correct",
        )
        for i in range(n)
    ]


class Counting(Judge):
    """Wraps a judge and counts calls."""

    def __init__(self, inner: Judge) -> None:
        self.inner = inner
        self.name = inner.name
        self.config_hash = inner.config_hash
        self.calls = 0

    async def judge(self, request: JudgeRequest) -> Verdict:
        self.calls += 1
        return await self.inner.judge(request)


def _proc_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by process ``pid`` (Linux ``/proc``; 0.0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bench_server(draws: int, latency: float, concurrency: int) -> tuple[float, float, float, float]:
    """Wall time, its ratio to the ideal N·L/C, and client and server CPU ms per draw."""
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "harness" / "fakeserver.py"), "--latency", str(latency)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        base_url = server.stdout.readline().strip()
        with urllib.request.urlopen(base_url.rsplit("/v1", 1)[0] + "/health") as reply:
            assert reply.read() == b"ok"
        with tempfile.TemporaryDirectory() as tmp, RunStore(Path(tmp) / "store.sqlite") as store:
            judge = load_judge(f"openai:bench@{base_url}")
            work = variants(draws)
            options = RunOptions(concurrency=concurrency)
            cpu_started, server_started = _cpu(), _proc_cpu(server.pid)
            started = time.perf_counter()
            stats = run(judge, work, store, options=options, show_progress=False)
            wall = time.perf_counter() - started
            client_cpu, server_cpu = _cpu() - cpu_started, _proc_cpu(server.pid) - server_started
        assert stats.judged == draws, stats
    finally:
        server.terminate()
        server.wait(timeout=10)
    ideal = draws * latency / concurrency
    return wall, wall / ideal, client_cpu / draws * 1000, server_cpu / draws * 1000


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def bench_mock(draws: int, repeats: int, concurrency: int) -> tuple[list[float], list[float], Path]:
    """Wall and CPU milliseconds per draw of ``repeats`` fresh runs; returns the last run's folder too."""
    wall: list[float] = []
    cpu: list[float] = []
    work = variants(draws)
    folder = Path(tempfile.mkdtemp(prefix="bench-mock-"))
    for index in range(repeats):
        with RunStore(folder / f"run{index}" / "store.sqlite") as store:
            started, cpu_started = time.perf_counter(), _cpu()
            options = RunOptions(concurrency=concurrency)
            run(load_judge("mock:yes"), work, store, options=options, show_progress=False)
            wall.append((time.perf_counter() - started) / draws * 1000)
            cpu.append((_cpu() - cpu_started) / draws * 1000)
    return wall, cpu, folder / f"run{repeats - 1}"


def bench_warm(run_dir: Path, draws: int) -> tuple[int, float]:
    """Judge calls and wall time of a rerun over a finished run."""
    judge = Counting(load_judge("mock:yes"))
    with RunStore(run_dir / "store.sqlite") as store:
        started = time.perf_counter()
        stats = run(judge, variants(draws), store, options=RunOptions(), show_progress=False)
        wall = time.perf_counter() - started
    assert stats.cache_hits == draws, stats
    return judge.calls, wall


MEMORY_CHILD = textwrap.dedent(
    """
    import resource, sys, tempfile, time
    from pathlib import Path
    sys.path.insert(0, sys.argv[2])
    from benchmarks.bench_runner import variants
    from judgeprobe.harness.judges.registry import load_judge
    from judgeprobe.harness.run.runner import RunOptions, run
    from judgeprobe.harness.store import RunStore
    draws = int(sys.argv[1])
    with tempfile.TemporaryDirectory() as tmp, RunStore(Path(tmp) / "store.sqlite") as store:
        started = time.perf_counter()
        stats = run(load_judge("mock:yes"), variants(draws), store, options=RunOptions(), show_progress=False)
        wall = time.perf_counter() - started
        size = sum(p.stat().st_size for p in Path(tmp).iterdir())
    assert stats.judged == draws
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, wall, size / 2**20)
    """
)


def bench_memory(draws: int) -> tuple[float, float, float]:
    """Peak RSS (MB), wall time (s) and store size (MB) of a ``draws``-draw run in a child process."""
    out = subprocess.run(
        [sys.executable, "-c", MEMORY_CHILD, str(draws), str(ROOT)],
        check=True,
        capture_output=True,
        text=True,
    )
    peak, wall, size = (float(x) for x in out.stdout.split())
    return peak, wall, size


def main(argv: list[str] | None = None) -> int:
    """Run the selected benchmarks and print their figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="smaller sizes (a smoke test of the benchmark)")
    parser.add_argument("--only", default="server,mock,warm,memory", help="comma-separated subset")
    parser.add_argument("--no-check", action="store_true", help="report figures without failing on targets")
    args = parser.parse_args(argv)
    only = set(args.only.split(","))
    quick = args.quick
    missed: list[str] = []

    if "server" in only:
        draws = 400 if quick else 2000
        wall, ratio, client_ms, server_ms = bench_server(draws, latency=0.1, concurrency=32)
        print(
            f"server: {draws} draws, 100 ms latency, 32 connections: {wall:.2f} s = {ratio:.3f} x ideal "
            f"N*L/C (CPU per draw: client {client_ms:.2f} ms, server {server_ms:.2f} ms; "
            f"load {os.getloadavg()[0]:.1f})"
        )
        if ratio > 1.15:
            missed.append(f"server ratio {ratio:.3f} > 1.15")
    run_dir: Path | None = None
    mock_draws = 1000 if quick else 5000
    if "mock" in only or "warm" in only:
        for concurrency in (8, 32) if "mock" in only else (8,):
            walls, cpu, run_dir = bench_mock(mock_draws, 3 if quick else 5, concurrency)
            median = statistics.median(walls)
            shown = ", ".join(f"{w:.3f}" for w in walls)
            print(
                f"mock: {mock_draws} draws, concurrency {concurrency}: median {median:.3f} ms/draw wall "
                f"({shown}); median {statistics.median(cpu):.3f} ms/draw CPU; load {os.getloadavg()[0]:.1f}"
            )
            if concurrency == 8 and median >= 0.5:
                missed.append(f"mock per-draw {median:.3f} ms >= 0.5 ms")
    if "warm" in only and run_dir is not None:
        calls, wall = bench_warm(run_dir, mock_draws)
        print(f"warm rerun: {mock_draws} draws, {calls} judge calls, {wall:.2f} s")
        if calls:
            missed.append(f"warm rerun made {calls} calls")
    if "memory" in only:
        draws = 20_000 if quick else 100_000
        peak, wall, size = bench_memory(draws)
        print(f"memory: {draws} draws, peak RSS {peak:.0f} MB, {wall:.1f} s, store {size:.0f} MB")
        if peak >= 500:
            missed.append(f"peak RSS {peak:.0f} MB >= 500 MB")
    for line in missed:
        print(f"TARGET MISSED: {line}")
    return 1 if missed and not args.no_check else 0


if __name__ == "__main__":
    sys.exit(main())
