"""A run killed with SIGKILL half-way and started again repeats at most ``--concurrency`` judge calls.

The runner lives in a child process; the fake server lives in this process, so its call count survives
the kill. Between the two runs the server counts every call ever made: (calls) - (draws) is exactly the
number of calls whose answers the killed run never committed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from fakeserver import FakeOpenAIServer, Faults

from judgeprobe.harness.store import RunStore

ROOT = Path(__file__).resolve().parents[2]
DRAWS = 240
CONCURRENCY = 8

CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from judgeprobe.cases.models import Mode
    from judgeprobe.harness.judges.registry import load_judge
    from judgeprobe.harness.run.runner import RunOptions, run
    from judgeprobe.harness.store import RunStore
    from judgeprobe.probes.variant import Relation, Slot, Variant

    base_url, out, draws, concurrency = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    variants = [
        Variant(case_id=f"case-{i}", unit_id="r", mode=Mode.GRADE, question=f"What is {i} + {i}?",
                reference=str(2 * i), answer_kind="number", choices=None, slots=(Slot("r", str(2 * i)),),
                chain=(), seed=0, relation=Relation.INVARIANT, label="correct")
        for i in range(draws)
    ]
    with RunStore(out / "store.sqlite") as store:
        stats = run(load_judge("openai:fake@" + base_url), variants, store,
                    options=RunOptions(concurrency=concurrency), show_progress=False)
    print(f"done={stats.done} hits={stats.cache_hits} calls={stats.new_calls}")
    """
)


def _start(script: Path, base_url: str, out: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, str(script), base_url, str(out), str(DRAWS), str(CONCURRENCY)]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


@pytest.mark.slow
def test_sigkill_half_way_then_resume_repeats_at_most_concurrency_calls(tmp_path: Path) -> None:
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    out = tmp_path / "out"
    with FakeOpenAIServer(faults=Faults(latency_s=0.03)) as server:
        child = _start(script, server.base_url, out)
        deadline = time.monotonic() + 120
        while server.calls < DRAWS // 2:
            assert child.poll() is None, child.communicate()
            assert time.monotonic() < deadline, "the child made no progress"
            time.sleep(0.005)
        child.send_signal(signal.SIGKILL)
        child.wait()
        assert child.returncode == -signal.SIGKILL
        with RunStore(out / "store.sqlite") as store:
            kept = store.counts()["judged"]
        assert 0 < kept < DRAWS

        second = _start(script, server.base_url, out)
        stdout, stderr = second.communicate(timeout=120)
        assert second.returncode == 0, stderr
        assert f"done={DRAWS} hits={kept}" in stdout
        repeated = server.calls - DRAWS
        assert 0 <= repeated <= CONCURRENCY, (server.calls, kept)
    with RunStore(out / "store.sqlite") as store:
        assert store.counts() == {"judged": DRAWS, "unscored": 0, "error": 0, "skipped": 0}
        assert len(list(store.iter_records())) == DRAWS


@pytest.mark.slow
def test_ctrl_c_stops_cleanly_keeps_finished_draws_and_the_rerun_resumes(tmp_path: Path) -> None:
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    out = tmp_path / "out"
    with FakeOpenAIServer(faults=Faults(latency_s=0.03)) as server:
        child = _start(script, server.base_url, out)
        deadline = time.monotonic() + 120
        while server.calls < DRAWS // 3:
            assert child.poll() is None, child.communicate()
            assert time.monotonic() < deadline, "the child made no progress"
            time.sleep(0.005)
        child.send_signal(signal.SIGINT)
        stdout, stderr = child.communicate(timeout=60)
        assert child.returncode == 0, stderr  # run() returns the statistics of an interrupted run
        assert "Traceback" not in stderr
        done = int(stdout.split("done=")[1].split()[0])
        assert 0 < done < DRAWS
        assert not (out / "store.sqlite-pending").exists()  # everything finished was committed on the way out
        with RunStore(out / "store.sqlite") as store:
            assert store.counts()["judged"] == done

        second = _start(script, server.base_url, out)
        stdout, _ = second.communicate(timeout=120)
        assert f"done={DRAWS} hits={done}" in stdout
        assert server.calls - DRAWS <= CONCURRENCY  # only the calls cut off in flight were repeated
