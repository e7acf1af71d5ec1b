"""Scale benchmark (nox ``bench``): a run of about 100,000 draws on one machine, then its warm rerun.

``judgeprobe run`` over the full shipped library with ``--repeats 2`` (every probe: 107,388 draws with the
library of December 2026, the targets' 100,000; ``--repeats 3`` makes 161,082)
against the fake OpenAI-compatible judge on loopback (``tests/harness/fakeserver.py``, no added latency,
reporting token usage with some prompt tokens cached, priced by a ``[judge.price]`` table). Each step runs
in a child process of its own, so its peak memory is its own. Prints one figure per line:

1. **run**: wall time, draws, calls per second, the harness's CPU per draw (the judgeprobe process: plan,
   runner, store, analysis and reports; the server's CPU apart), peak RSS (target < 500 MB), store bytes
   per draw.
2. **analysis and reports**: ``judgeprobe report`` on the finished run folder (the run's tail: read the
   draws, summarise, write every report), minus the start-up of a bare ``import``; target < 20 s, checked
   on the median of ``--tail-times`` timings (3: one slow timing on a shared machine is the machine's).
3. **warm rerun**: the same ``judgeprobe run`` again (zero calls), minus start-up; target < 3 s.

Figures are wall times on whatever machine runs it; the load average is printed beside them (on a shared
machine, wall times measure the queue for a core as much as the work). Exits 1 if a target is missed
(``--no-check`` only reports).

Usage: ``python benchmarks/bench_scale.py [--repeats 2] [--concurrency 32] [--tail-times 3] [--keep DIR]
[--no-check]``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

TARGET_PEAK_MB = 500.0
TARGET_TAIL_S = 20.0
TARGET_WARM_S = 3.0

CHILD = textwrap.dedent(
    """
    import json, resource, sys, time
    started = time.perf_counter()
    from judgeprobe.harness.cli.main import main
    imported = time.perf_counter()
    code = 0
    try:
        main(sys.argv[2:])
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    usage = resource.getrusage(resource.RUSAGE_SELF)
    figures = {
        "import_s": imported - started, "work_s": time.perf_counter() - imported, "code": code,
        "cpu_s": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024,
    }
    with open(sys.argv[1], "w") as out:
        json.dump(figures, out)
    """
)


def child(args: list[str], scratch: Path) -> dict[str, float]:
    """Run ``judgeprobe ARGS`` in a child process; its own wall, CPU and peak-memory figures."""
    figures = scratch / "figures.json"
    subprocess.run(
        [sys.executable, "-c", CHILD, str(figures), *args],
        check=True,
        stdout=subprocess.DEVNULL,
        cwd=scratch,
    )
    data: dict[str, float] = json.loads(figures.read_text())
    if data["code"] != 0:
        raise SystemExit(f"judgeprobe {' '.join(args)} exited {data['code']}")
    return data


def start_server() -> tuple[subprocess.Popen[str], str]:
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "harness" / "fakeserver.py"), "--cached-tokens", "256"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None
    base_url = server.stdout.readline().strip()
    with urllib.request.urlopen(base_url.rsplit("/v1", 1)[0] + "/health") as reply:
        assert reply.read() == b"ok"
    return server, base_url


def startup(scratch: Path) -> float:
    """Seconds to start the interpreter and import the command line (``judgeprobe --version``)."""
    return child(["--version"], scratch)["import_s"]


def load() -> str:
    return "load " + "/".join(f"{x:.1f}" for x in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    """Run the scale benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeats", type=int, default=2, help="draws per variant (2: about 107,000 draws)")
    parser.add_argument("--concurrency", type=int, default=32, help="judge calls in flight")
    parser.add_argument(
        "--tail-times", type=int, default=3, help="times the analysis and reports are timed (median checked)"
    )
    parser.add_argument("--keep", type=Path, default=None, help="keep the run folder here")
    parser.add_argument("--no-check", action="store_true", help="report figures without failing on targets")
    args = parser.parse_args(argv)
    scratch = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    folder = args.keep or scratch / "run"
    missed: list[str] = []
    server, base_url = start_server()
    try:
        judge = scratch / "judge.toml"
        judge.write_text(
            f'[judge]\nbackend = "openai"\nmodel = "bench"\nbase_url = "{base_url}"\n\n'
            "[judge.price]\ninput = 2.5\ncached_input = 1.25\noutput = 10.0\n",
            encoding="utf-8",
        )
        command = ["run", "--judge", str(judge), "--repeats", str(args.repeats), "--concurrency",
                   str(args.concurrency), "--out", str(folder), "--no-progress",
                   "--fail-on", "never"]  # fmt: skip
        base = startup(scratch)
        print(f"start-up (interpreter and command-line imports): {base:.2f} s; {load()}", flush=True)
        started = time.perf_counter()
        first = child(command, scratch)
        wall = time.perf_counter() - started
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
        draws = int(summary["run"]["draws"]["draws"])
        calls = int(summary["run"]["usage"]["calls"])
        store = sum(p.stat().st_size for p in folder.glob("store.sqlite*"))
        print(
            f"run: {draws:,} draws ({calls:,} judge calls) in {wall:.1f} s = {calls / first['work_s']:.0f} "
            f"calls/s; harness CPU {first['cpu_s'] / draws * 1000:.2f} ms per draw; peak RSS "
            f"{first['peak_mb']:.0f} MB; store {store / draws:,.0f} bytes per draw ({store / 2**20:.0f} MB); "
            f"cost {summary['run']['usage']['cost']:.2f} USD; {load()}",
            flush=True,
        )
        if first["peak_mb"] >= TARGET_PEAK_MB:
            missed.append(f"run peak RSS {first['peak_mb']:.0f} MB >= {TARGET_PEAK_MB:.0f} MB")
        tails = []
        for attempt in range(1, max(1, args.tail_times) + 1):
            tail = child(["report", str(folder), "--quiet"], scratch)
            tails.append(tail)
            print(
                f"analysis and reports (judgeprobe report, {attempt} of {args.tail_times}): "
                f"{tail['work_s']:.1f} s wall, {tail['cpu_s']:.1f} s CPU, peak RSS {tail['peak_mb']:.0f} MB; "
                f"{load()}",
                flush=True,
            )
        middle = statistics.median(t["work_s"] for t in tails)
        if len(tails) > 1:
            print(f"analysis and reports: median {middle:.1f} s wall of {len(tails)}", flush=True)
        if middle >= TARGET_TAIL_S:
            missed.append(f"analysis and reports {middle:.1f} s (median) >= {TARGET_TAIL_S:.0f} s")
        warm = child(command, scratch)
        print(
            f"warm rerun: {warm['work_s']:.2f} s beyond start-up ({warm['cpu_s']:.1f} s CPU in all), "
            f"peak RSS {warm['peak_mb']:.0f} MB; {load()}",
            flush=True,
        )
        if warm["work_s"] >= TARGET_WARM_S:
            missed.append(f"warm rerun {warm['work_s']:.2f} s >= {TARGET_WARM_S:.0f} s beyond start-up")
    finally:
        server.terminate()
        server.wait(timeout=10)
        if args.keep is None:
            shutil.rmtree(scratch, ignore_errors=True)
    for line in missed:
        print(f"TARGET MISSED: {line}")
    return 1 if missed and not args.no_check else 0


if __name__ == "__main__":
    sys.exit(main())
