"""Readable outside a terminal, and ``-v``: piped output is one line per table row (no table folded to 80
columns), and verbose logging shows judge calls, retries and HTTP requests with secrets redacted. Real
processes, so standard output and standard error are pipes as in CI."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fakeserver import FakeOpenAIServer, Faults

from judgeprobe.probes.base import list_probes


def judgeprobe(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "judgeprobe.harness.cli", *args],
        capture_output=True, text=True, timeout=600, check=False, env={**os.environ, **(env or {})},
    )  # fmt: skip


def test_probes_list_piped_is_one_line_per_probe() -> None:
    proc = judgeprobe("probes", "list")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    probes = list_probes()
    assert len(lines) <= len(probes) + 5  # a title, the header and its rules; was 1,030 lines at 80 columns
    for info in probes:
        row = next(line for line in lines if line.startswith(f"│ {info.name} "))
        assert info.description in row  # never folded onto a second line


def test_cases_list_piped_is_one_line_per_case() -> None:
    proc = judgeprobe("cases", "list", "--tag", "hle-seed")
    assert proc.returncode == 0, proc.stderr
    rows = [line for line in proc.stdout.splitlines() if line.startswith("│ hle-")]
    assert len(rows) == 3


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(faults=Faults(status_sequence=[503])) as started:
        yield started


@pytest.mark.slow
def test_verbose_logs_calls_retries_and_requests_with_the_key_redacted(
    tmp_path: Path, server: FakeOpenAIServer
) -> None:
    secret = "sk-verbose-0123456789abcdef"
    judge = tmp_path / "judge.toml"
    judge.write_text(
        f'backend = "openai"\nmodel = "m"\nbase_url = "{server.base_url}"\napi_key_env = "JP_VERBOSE_KEY"\n',
        encoding="utf-8",
    )
    args = ("run", "--judge", str(judge), "--case", "hle-tc0-notation", "--probes", "none", "--no-progress",
            "--concurrency", "1", "--out", str(tmp_path / "out"))  # fmt: skip
    proc = judgeprobe("-v", *args, env={"JP_VERBOSE_KEY": secret})
    assert proc.returncode in (0, 1), proc.stderr
    log = proc.stderr
    assert "INFO judgeprobe.run: call " in log and "attempt 1: error server: HTTP 503" in log
    assert "retry " in log and "after attempt 1 (error server: HTTP 503" in log
    assert "attempt 2: judged" in log
    assert "POST " not in log  # HTTP requests only with -vv
    assert secret not in log and secret not in proc.stdout

    proc = judgeprobe(*args, "-vv", "--out", str(tmp_path / "again"), env={"JP_VERBOSE_KEY": secret})
    assert proc.returncode in (0, 1), proc.stderr
    assert f"DEBUG judgeprobe.http: POST {server.base_url}/chat/completions -> HTTP 200" in proc.stderr
    assert secret not in proc.stderr

    quiet = judgeprobe(*args, "--out", str(tmp_path / "quiet"), env={"JP_VERBOSE_KEY": secret})
    assert "judgeprobe.run" not in quiet.stderr  # nothing is logged without -v
