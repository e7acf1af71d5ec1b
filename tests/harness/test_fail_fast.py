"""Fail fast, say why: a judge that fails the same blocking way call after call (a refused key, an unknown
model, no server at the URL, requests refused as invalid) stops the run after a few calls, with the server's
reason, what to check, and exit status 2; the error reasons reach the terminal, summary.json, report.md and
report.html. End to end against a loopback server (``fakeserver``) or a port nobody listens on."""

from __future__ import annotations

import html
import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from fakeserver import FakeOpenAIServer, Faults

from judgeprobe.harness.cli.main import cli

KEY_ENV = "JUDGEPROBE_FAIL_FAST_KEY"
SECRET = "sk-fail-fast-0123456789abcdef"
SELECTION = ("--tag", "hle-seed", "--probes", "none")  # 3 cases, 38 draws


@pytest.fixture
def keyed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, SECRET)


def judge_file(folder: Path, base_url: str, *, model: str = "gpt-test") -> Path:
    path = folder / "judge.toml"
    path.write_text(
        f'backend = "openai"\nmodel = "{model}"\nbase_url = "{base_url}"\napi_key_env = "{KEY_ENV}"\n',
        encoding="utf-8",
    )
    return path


def run_cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["run", "--no-progress", *args], catch_exceptions=False)
    return result.exit_code, result.output


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as started:
        yield started


def _reports(out: Path) -> dict[str, str]:
    return {
        name: (out / name).read_text(encoding="utf-8")
        for name in ("summary.json", "report.md", "report.html")
    }


@pytest.mark.parametrize(
    ("status", "message", "what", "hint"),
    [
        (401, None, "authentication refused", "check the API key"),
        (403, "Project does not have access to model gpt-test", "authentication refused", "api_key_env"),
        (404, "The model `gpt-test` does not exist", "unknown model or URL", "check the judge's model name"),
        (
            400,
            "Unsupported parameter: 'temperature'",
            "request refused as invalid",
            "check the judge's params",
        ),
        (422, "Input should be a valid list", "request refused as invalid", "check the judge's params"),
    ],
)
def test_a_refusing_server_stops_the_run_with_its_reason_and_exit_2(
    tmp_path: Path,
    server: FakeOpenAIServer,
    keyed: None,
    status: int,
    message: str | None,
    what: str,
    hint: str,
) -> None:
    server.set_faults(Faults(always_status=status, error_message=message))
    out = tmp_path / "out"
    code, text = run_cli("--judge", str(judge_file(tmp_path, server.base_url)), *SELECTION, "--out", str(out))
    assert code == 2, text
    reason = f"HTTP {status}: {message or 'Incorrect API key provided'}"
    assert "stopped after 5 judge calls in a row failed" in text and what in text and hint in text
    assert reason in text
    assert SECRET not in text
    reports = _reports(out)
    summary = json.loads(reports["summary.json"])
    # the limit, plus the calls already in flight (--concurrency 8), far from the 38 draws planned; a 400/422
    # costs two requests per call (structured output refused, then asked in plain text)
    assert summary["run"]["draws"]["error"] < 5 + 8 and server.calls < 38
    top = summary["error_reasons"][0]
    assert (top["status"], top["kind"]) == ("error", "client") and top["count"] >= 5
    assert top["first_message"].startswith(reason)
    assert summary["judge_verdict"]["verdict"] == "unreliable"
    assert "## Why draws failed" in reports["report.md"] and reason in reports["report.md"]
    assert 'id="errors"' in reports["report.html"] and html.escape(reason) in reports["report.html"]
    assert all(SECRET not in body for body in reports.values())
    assert SECRET not in (out / "results.jsonl").read_text(encoding="utf-8")


def test_a_closed_port_stops_after_a_few_attempts_not_five_per_draw(tmp_path: Path, keyed: None) -> None:
    port = closed_port()
    out = tmp_path / "out"
    code, text = run_cli("--judge", str(judge_file(tmp_path, f"http://127.0.0.1:{port}/v1")), *SELECTION,
                         "--out", str(out))  # fmt: skip
    assert code == 2, text
    assert "no server answers" in text and f"cannot connect to 127.0.0.1:{port}" in text
    assert "check that the judge's server is running" in text
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["run"]["draws"]["error"] <= 8  # the draws in flight when the watcher tripped, not 38
    assert summary["error_reasons"][0]["kind"] == "connection"


def test_with_the_watcher_off_every_draw_errors_and_the_unreliable_judge_exits_1(
    tmp_path: Path, server: FakeOpenAIServer, keyed: None
) -> None:
    server.set_faults(Faults(always_status=401))
    out = tmp_path / "out"
    code, text = run_cli("--judge", str(judge_file(tmp_path, server.base_url)), *SELECTION, "--out", str(out),
                         "--max-failures-in-a-row", "0")  # fmt: skip
    assert code == 1, text
    assert server.calls == 38  # one attempt per draw: a 401 is not retried
    assert "Judge: UNRELIABLE" in text and "draws errored 100.0% (38/38)" in text
    assert "Why draws failed" in text and "HTTP 401: Incorrect API key provided" in text
    assert SECRET not in text


def test_failures_that_do_not_repeat_in_a_row_do_not_stop_the_run(
    tmp_path: Path, server: FakeOpenAIServer, keyed: None
) -> None:
    # four refusals, then a server that answers: the row is broken before the limit
    server.set_faults(Faults(status_sequence=[401, 401, 401, 401]))
    out = tmp_path / "out"
    code, text = run_cli("--judge", str(judge_file(tmp_path, server.base_url)), *SELECTION, "--out", str(out),
                         "--concurrency", "1")  # fmt: skip
    assert code in (0, 1), text  # the fake judge's verdicts decide reliability; the run was not stopped
    assert "stopped after" not in text
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["run"]["draws"]["draws"] == 38 and summary["run"]["draws"]["error"] == 4


def test_gate_stops_the_same_way_with_exit_2(tmp_path: Path, keyed: None) -> None:
    judge = judge_file(tmp_path, f"http://127.0.0.1:{closed_port()}/v1")
    args = ["gate", "--judge", str(judge), *SELECTION, "--no-progress", "--out", str(tmp_path / "gate")]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 2, result.output  # a configuration error, never "the gate failed" (1)
    assert "no server answers" in result.output and "stopped after 5 judge calls in a row" in result.output
