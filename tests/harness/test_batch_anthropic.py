"""Batch export/import in the Anthropic Message Batches layout: request lines ``{custom_id, params}``, result
lines ``{custom_id, result: {type: succeeded | errored | canceled | expired, …}}``; a batch engine stand-in
against the loopback server's ``/v1/messages``, recorded result lines, and lines of the wrong API refused."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fakeserver import FakeOpenAIServer

from judgeprobe.cases.models import GradeCase, GradeResponse, PairwiseCase, PairwiseResponse
from judgeprobe.harness.cli.main import cli
from judgeprobe.harness.judges.registry import load_judge
from judgeprobe.harness.run.runner import RunOptions, run
from judgeprobe.harness.store import RunStore, store_path
from judgeprobe.probes.units import base_variants
from judgeprobe.probes.variant import Variant

ENGINE = textwrap.dedent(
    """
    # A stand-in for the Message Batches API: POST every request's params to /v1/messages and write one
    # result line per request. argv[4] is a JSON object {custom_id: "errored" | "canceled" | "expired"}.
    import json, sys, urllib.request
    requests, results, root, fates = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
    with open(requests, encoding="utf-8") as src, open(results, "w", encoding="utf-8") as out:
        for line in src:
            item = json.loads(line)
            fate = fates.get(item["custom_id"])
            if fate == "errored":
                why = "messages: text content blocks must be non-empty"
                error = {"type": "invalid_request_error", "message": why}
                result = {"type": "errored",
                          "error": {"type": "error", "error": error, "request_id": "req_1"}}
            elif fate in ("canceled", "expired"):
                result = {"type": fate}
            else:
                req = urllib.request.Request(root + "/v1/messages", data=json.dumps(item["params"]).encode(),
                                             headers={"Content-Type": "application/json"}, method="POST")
                with urllib.request.urlopen(req) as reply:
                    result = {"type": "succeeded", "message": json.loads(reply.read())}
            out.write(json.dumps({"custom_id": item["custom_id"], "result": result}) + "\\n")
    """
)


def _variants() -> list[Variant]:
    grade = GradeCase(
        id="half", question="Probability of exactly one head in two fair coin tosses?", reference="1/2",
        answer_kind="number", source="hand-written",
        responses=(
            GradeResponse(id="same", text="1/2", label="correct", why="it is the reference"),
            GradeResponse(id="quarter", text="1/4", label="incorrect", why="two heads"),
        ),
    )  # fmt: skip
    pair = PairwiseCase(
        id="pair", question="Explain recursion.", source="hand-written",
        responses=(
            PairwiseResponse(id="good", text="A function calling itself on a smaller input.", label="better",
                             why="correct and short"),
            PairwiseResponse(id="bad", text="A loop.", label="worse", why="wrong"),
        ),
    )  # fmt: skip
    return [*base_variants(grade), *base_variants(pair)]


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JP_BATCH_ANTHROPIC", "sk-ant-batch-SECRET")


def _setup(tmp_path: Path, server: FakeOpenAIServer, *, both_orders: bool = False) -> tuple[Path, Path, Path]:
    toml = tmp_path / "judge.toml"
    toml.write_text(
        f'[judge]\nbackend = "anthropic"\nmodel = "claude-judge"\nbase_url = "{server.root_url}"\n'
        f'api_key_env = "JP_BATCH_ANTHROPIC"\ntemperature = 0.0\n'
        + ("both_orders = true\n" if both_orders else ""),
        encoding="utf-8",
    )
    run_dir = tmp_path / "run"
    with RunStore(store_path(run_dir)) as store:
        store.put_variants(_variants())
    requests = tmp_path / "requests.jsonl"
    exported = CliRunner().invoke(
        cli, ["batch", "export", "--judge", str(toml), "--out", str(run_dir), str(requests)]
    )
    assert exported.exit_code == 0, exported.output
    assert "in the anthropic batch layout" in exported.output
    return toml, run_dir, requests


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _engine(tmp_path: Path, requests: Path, results: Path, root: str, fates: dict[str, str]) -> None:
    script = tmp_path / "engine.py"
    script.write_text(ENGINE, encoding="utf-8")
    command = [sys.executable, str(script), str(requests), str(results), root, json.dumps(fates)]
    subprocess.run(command, check=True)


def test_export_in_the_message_batches_layout_and_import_every_result_type(tmp_path: Path) -> None:
    with FakeOpenAIServer() as server:
        toml, run_dir, requests = _setup(tmp_path, server)
        lines = _lines(requests)
        assert len(lines) == 6 and server.calls == 0  # 3 base variants x (1 draw + 1 placebo draw)
        assert all(set(line) == {"custom_id", "params"} for line in lines)  # no url/method/body: not OpenAI's
        params = lines[0]["params"]
        assert (params["model"], params["max_tokens"], params["temperature"]) == ("claude-judge", 1024, 0.0)
        assert params["messages"][0]["role"] == "user" and "response_format" not in params
        assert "sk-ant-batch-SECRET" not in requests.read_text(encoding="utf-8")
        ids = [line["custom_id"] for line in lines]
        fates = {ids[1]: "errored", ids[2]: "canceled", ids[3]: "expired"}
        results = tmp_path / "results.jsonl"
        _engine(tmp_path, requests, results, server.root_url, fates)
        assert server.calls == 3
        imported = CliRunner().invoke(cli, ["batch", "import", str(run_dir), str(results)])
        assert imported.exit_code == 0, imported.output
        assert "imported 6 results into 6 draws: 3 judged, 0 unscored, 3 errors" in imported.output
        with RunStore(store_path(run_dir)) as store:
            by_key = {r.cache_key: r for r in store.iter_records()}
        kinds = [by_key[i].verdict.error_kind for i in ids[1:4]]
        assert kinds == ["client", "server", "timeout"]
        assert "invalid_request_error: messages: text content blocks" in (by_key[ids[1]].verdict.reason or "")
        assert "canceled" in (by_key[ids[2]].verdict.reason or "")
        assert "expired" in (by_key[ids[3]].verdict.reason or "")
        # the failed requests are asked again by the next export; the answered ones are not
        again = CliRunner().invoke(
            cli, ["batch", "export", "--judge", str(toml), "--out", str(run_dir), str(requests)]
        )
        assert "wrote 3 requests" in again.output
        assert sorted(line["custom_id"] for line in _lines(requests)) == sorted(fates)
        # and the verdicts equal a live run's
        with RunStore(tmp_path / "live" / "store.sqlite") as live:
            run(load_judge(str(toml)), _variants(), live, options=RunOptions(), show_progress=False)
            live_outcomes = {r.cache_key: r.verdict.outcome for r in live.iter_records()}
    for key, record in by_key.items():
        if record.verdict.status == "judged":
            assert record.verdict.outcome == live_outcomes[key]


RECORDED_MESSAGE = {
    "id": "msg_01BatchRecorded",
    "type": "message",
    "role": "assistant",
    "model": "claude-judge",
    "content": [
        {
            "type": "text",
            "text": "extracted_final_answer: 1/2\n\nreasoning: 1/2 is the correct answer.\n\ncorrect: yes\n\n"
            "confidence: 100",
        }
    ],
    "stop_reason": "end_turn",
    "stop_sequence": None,
    "usage": {
        "input_tokens": 380,
        "output_tokens": 41,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 256,
    },
}


def test_recorded_result_lines(tmp_path: Path) -> None:
    with FakeOpenAIServer() as server:
        _, run_dir, requests = _setup(tmp_path, server)
    ids = [line["custom_id"] for line in _lines(requests)]
    cut = {
        **RECORDED_MESSAGE,
        "stop_reason": "max_tokens",
        "content": [{"type": "text", "text": "extracted_fi"}],
    }
    overloaded = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
    recorded = [
        {"custom_id": ids[0], "result": {"type": "succeeded", "message": RECORDED_MESSAGE}},
        {"custom_id": ids[1], "result": {"type": "succeeded", "message": cut}},
        {"custom_id": ids[2], "result": {"type": "errored", "error": overloaded}},
        {"custom_id": ids[3], "result": {"type": "expired"}},
        {"custom_id": ids[4], "result": {"type": "canceled"}},
        {"custom_id": ids[5], "result": {"type": "vanished"}},
        {"custom_id": "not-ours", "result": {"type": "expired"}},
    ]
    results = tmp_path / "recorded.jsonl"
    results.write_text("".join(json.dumps(line) + "\n" for line in recorded), encoding="utf-8")
    imported = CliRunner().invoke(cli, ["batch", "import", str(run_dir), str(results)])
    assert imported.exit_code == 1  # two lines could not be used
    assert "imported 7 results into 5 draws: 1 judged, 1 unscored, 3 errors" in imported.output
    assert "line 6: result type 'vanished' is not succeeded, errored, canceled or expired" in imported.output
    assert "line 7: custom_id 'not-ours' matches no planned draw" in imported.output
    with RunStore(store_path(run_dir)) as store:
        verdict = store.lookup(ids[0])
        cut_verdict = store.lookup(ids[1])
        by_key = {r.cache_key: r for r in store.iter_records()}
    assert verdict is not None and verdict.outcome == "correct" and verdict.meta["batch"] is True
    assert verdict.usage.input_tokens == 636 and verdict.usage.cached_input_tokens == 256
    assert cut_verdict is not None and cut_verdict.meta["truncated"] is True
    assert by_key[ids[2]].verdict.error_kind == "server" and "overloaded_error" in (
        by_key[ids[2]].verdict.reason or ""
    )


def test_lines_of_the_other_api_are_refused_not_counted_as_errors(tmp_path: Path) -> None:
    with FakeOpenAIServer() as server:
        _, run_dir, requests = _setup(tmp_path, server)
        ids = [line["custom_id"] for line in _lines(requests)]
        openai_line = {
            "custom_id": ids[0],
            "response": {"status_code": 200, "body": {"choices": []}},
            "error": None,
        }
        wrong = tmp_path / "openai_results.jsonl"
        wrong.write_text(json.dumps(openai_line) + "\n", encoding="utf-8")
        refused = CliRunner().invoke(cli, ["batch", "import", str(run_dir), str(wrong)])
        assert refused.exit_code == 1 and "0 errors" in refused.output
        assert "line 1: an OpenAI batch result, but judge" in refused.output
        # the reverse: Anthropic result lines fed to an OpenAI-compatible judge (the reported bug)
        spec = f"openai:fake@{server.base_url}"
        run2 = tmp_path / "run2"
        with RunStore(store_path(run2)) as store:
            store.put_variants(_variants())
        out = tmp_path / "openai_requests.jsonl"
        CliRunner().invoke(cli, ["batch", "export", "--judge", spec, "--out", str(run2), str(out)])
        openai_ids = [line["custom_id"] for line in _lines(out)]
        anthropic_lines = tmp_path / "anthropic_results.jsonl"
        anthropic_lines.write_text(
            "".join(
                json.dumps({"custom_id": i, "result": {"type": "succeeded", "message": RECORDED_MESSAGE}})
                + "\n"
                for i in openai_ids
            ),
            encoding="utf-8",
        )
        result = CliRunner().invoke(cli, ["batch", "import", str(run2), str(anthropic_lines)])
    assert result.exit_code == 1
    assert "0 judged, 0 unscored, 0 errors" in result.output
    assert "an Anthropic Message Batches result, but judge openai:fake@" in result.output


def test_both_orders_export_two_lines_per_pair_and_import_them_together(tmp_path: Path) -> None:
    with FakeOpenAIServer() as server:  # the fake judge always prefers slot A
        _, run_dir, requests = _setup(tmp_path, server, both_orders=True)
        lines = _lines(requests)
        swapped = [line["custom_id"] for line in lines if line["custom_id"].endswith("-swapped")]
        assert len(lines) == 8 and len(swapped) == 2  # 4 grade lines, 2 pair draws x 2 orders
        results = tmp_path / "results.jsonl"
        _engine(tmp_path, requests, results, server.root_url, {})
        # a result file missing one order of a pair: that draw is not imported
        kept = [line for line in results.read_text(encoding="utf-8").splitlines() if swapped[0] not in line]
        partial = tmp_path / "partial.jsonl"
        partial.write_text("\n".join(kept) + "\n", encoding="utf-8")
        missing = CliRunner().invoke(cli, ["batch", "import", str(run_dir), str(partial)])
        assert missing.exit_code == 1 and f"no result for {swapped[0]!r}" in missing.output
        imported = CliRunner().invoke(cli, ["batch", "import", str(run_dir), str(results)])
        assert imported.exit_code == 0, imported.output
        with RunStore(store_path(run_dir)) as store:
            pair_outcomes = {r.verdict.outcome for r in store.iter_records() if r.case_id == "pair"}
    assert pair_outcomes == {"tie"}  # slot A in both orders: a disagreement, counted as a tie
