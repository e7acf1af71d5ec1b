"""Batch import of the output of vLLM's offline OpenAI-batch runner
(``python -m vllm.entrypoints.openai.run_batch``).

vLLM writes one ``BatchRequestOutput`` per request line, in input order: ``{"id": "vllm-…", "custom_id",
"response": {"status_code", "request_id": "vllm-batch-…", "body": <ChatCompletionResponse> | null},
"error": null | <ErrorResponse> | "message"}``. The lines below are built in that layout (field for field as
``vllm/entrypoints/openai/run_batch.py`` and its ``ChatCompletionResponse`` serialise them), with the reply
texts a judge would give (the fake server's reply function), and cover the three shapes a run writes: a
chat completion, an error response of the serving layer (status and ``error`` object, no body), and a
request vLLM could not run at all (status 400, the error as a plain string). The worked example is in
``docs/servers.md``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from fakeserver import FakeOpenAIServer, fake_judge_reply

from judgeprobe.cases.models import GradeCase, GradeResponse
from judgeprobe.harness.cli.main import cli
from judgeprobe.harness.judges.registry import load_judge
from judgeprobe.harness.run.runner import RunOptions, run
from judgeprobe.harness.store import RunStore, store_path
from judgeprobe.probes.units import base_variants
from judgeprobe.probes.variant import Variant

TOO_LONG = (
    "This model's maximum context length is 4096 tokens. However, you requested 5120 tokens (4096 in the "
    "messages, 1024 in the completion). Please reduce the length of the messages or completion."
)
NOT_RUN = "Request must not be sent in stream mode"


def _variants() -> list[Variant]:
    case = GradeCase(
        id="half", question="Probability of exactly one head in two fair coin tosses?", reference="1/2",
        answer_kind="number", source="hand-written",
        responses=(
            GradeResponse(id="same", text="1/2", label="correct", why="it is the reference"),
            GradeResponse(id="quarter", text="1/4", label="incorrect", why="two heads"),
            GradeResponse(id="decimal", text="0.5", label="correct", why="the same number"),
        ),
    )  # fmt: skip
    return list(base_variants(case))


def _completion(number: int, body: dict[str, Any]) -> dict[str, Any]:
    """A ``ChatCompletionResponse`` as vLLM serialises it."""
    content = fake_judge_reply(body)
    prompt_tokens = sum(len(str(m.get("content", ""))) for m in body["messages"]) // 4
    completion_tokens = max(1, len(content) // 4)
    return {
        "id": f"chatcmpl-{number:032x}",
        "object": "chat.completion",
        "created": 1764680000 + number,
        "model": body["model"],
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": None,
                            "annotations": None, "audio": None, "function_call": None, "tool_calls": [],
                            "reasoning_content": None},
                "logprobs": None,
                "finish_reason": "stop",
                "stop_reason": None,
            }
        ],
        "service_tier": None,
        "system_fingerprint": None,
        "usage": {"prompt_tokens": prompt_tokens, "total_tokens": prompt_tokens + completion_tokens,
                  "completion_tokens": completion_tokens, "prompt_tokens_details": None},
        "prompt_logprobs": None,
        "kv_transfer_params": None,
    }  # fmt: skip


def _vllm_output(requests: Path, out: Path) -> dict[str, int]:
    """Write vLLM's output file for ``requests``: line 0 an error response, line 1 a request vLLM could not
    run, every other line a completion. Returns the prompt tokens of each completed ``custom_id``."""
    tokens: dict[str, int] = {}
    with out.open("w", encoding="utf-8") as sink:
        for number, text in enumerate(requests.read_text(encoding="utf-8").splitlines()):
            item = json.loads(text)
            request_id = f"vllm-batch-{number:032x}"
            if number == 0:
                error: Any = {
                    "error": {"message": TOO_LONG, "type": "BadRequestError", "param": None, "code": 400}
                }
                response: dict[str, Any] = {"status_code": 400, "request_id": request_id, "body": None}
            elif number == 1:
                error = NOT_RUN
                response = {"status_code": 400, "request_id": request_id, "body": None}
            else:
                error = None
                body = _completion(number, item["body"])
                tokens[item["custom_id"]] = body["usage"]["prompt_tokens"]
                response = {"status_code": 200, "request_id": request_id, "body": body}
            line = {"id": f"vllm-{number:032x}", "custom_id": item["custom_id"], "response": response,
                    "error": error}  # fmt: skip
            sink.write(json.dumps(line, separators=(",", ":")) + "\n")
    return tokens


def test_vllm_run_batch_output_imports_as_a_live_run_would_record_it(tmp_path: Path) -> None:
    variants = _variants()
    with FakeOpenAIServer() as server:  # only for the live run it is compared with; the batch calls nothing
        spec = f"openai:Qwen/Qwen2.5-7B-Instruct@{server.base_url}"
        run_dir = tmp_path / "run"
        with RunStore(store_path(run_dir)) as store:
            store.put_variants(variants)
            store.set_meta("repeats", 2)
        requests, results = tmp_path / "requests.jsonl", tmp_path / "results.jsonl"
        cli_runner = CliRunner()
        exported = cli_runner.invoke(
            cli, ["batch", "export", "--judge", spec, "--out", str(run_dir), str(requests)]
        )
        assert exported.exit_code == 0, exported.output
        lines = [json.loads(line) for line in requests.read_text(encoding="utf-8").splitlines()]
        assert len(lines) == 12  # 3 base variants x (2 draws + 2 placebo draws)
        for line in lines:  # what vLLM's BatchRequestInput accepts for the chat endpoint
            assert set(line) == {"custom_id", "method", "url", "body"}
            assert line["method"] == "POST" and line["url"] == "/v1/chat/completions"
            assert line["body"]["model"] == "Qwen/Qwen2.5-7B-Instruct" and line["body"]["messages"]
            assert not line["body"].get("stream")
        tokens = _vllm_output(requests, results)

        imported = cli_runner.invoke(cli, ["batch", "import", str(run_dir), str(results)])
        assert imported.exit_code == 0, imported.output
        assert "imported 12 results into 12 draws: 10 judged, 0 unscored, 2 errors" in imported.output
        assert server.calls == 0
        with RunStore(store_path(run_dir)) as store:
            records = {r.cache_key: r for r in store.iter_records()}
        first, second = lines[0]["custom_id"], lines[1]["custom_id"]
        assert records[first].verdict.error_kind == "client" and TOO_LONG[:40] in (
            records[first].verdict.reason or ""
        )
        assert records[second].verdict.status == "error" and NOT_RUN in (records[second].verdict.reason or "")
        for key, prompt_tokens in tokens.items():
            assert records[key].verdict.status == "judged"
            assert records[key].verdict.input_tokens == prompt_tokens  # vLLM's usage is kept per draw

        # the same judge run live on the same variants records the same verdicts for the completed draws
        with RunStore(tmp_path / "live" / "store.sqlite") as live:
            run(load_judge(spec), variants, live, options=RunOptions(repeats=2), show_progress=False)
            live_outcomes = {r.cache_key: r.verdict.outcome for r in live.iter_records()}
        assert {key: records[key].verdict.outcome for key in tokens} == {
            key: live_outcomes[key] for key in tokens
        }
        assert {records[key].verdict.outcome for key in tokens} == {"correct", "incorrect"}

        # the next export asks vLLM again for exactly the two failed requests
        again = cli_runner.invoke(
            cli, ["batch", "export", "--judge", spec, "--out", str(run_dir), str(requests)]
        )
        assert "wrote 2 requests" in again.output, again.output
        asked = [json.loads(line)["custom_id"] for line in requests.read_text(encoding="utf-8").splitlines()]
        assert sorted(asked) == sorted([first, second])


PUBLISHED_V04 = (
    '{"id":"vllm-383d1c59835645aeb2e07d004d62a826","custom_id":"request-1","response":{"id":"cmpl-61c020e54b96'
    '4d5a98fa7527bfcdd378","object":"chat.completion","created":1715633336,"model":"meta-llama/Meta-Llama-3-8B-'
    'Instruct","choices":[{"index":0,"message":{"role":"assistant","content":"Hello! It\'s great to meet '
    'you!"},"logprobs":null,"finish_reason":"stop","stop_reason":null}],"usage":{"prompt_tokens":25,"total_tokens":56,'
    '"completion_tokens":31}},"error":null}'
)
"""An output line of vLLM's ``run_batch`` as its documentation printed it in May 2024 (vLLM 0.4, the
``openai_batch`` example, reply shortened): the chat completion is the ``response`` itself, with no status
code and no ``body``."""


def test_the_older_vllm_layout_without_status_and_body_imports_too(tmp_path: Path) -> None:
    variants = _variants()
    spec = "openai:meta-llama/Meta-Llama-3-8B-Instruct@http://127.0.0.1:9/v1"  # nothing is called
    run_dir = tmp_path / "run"
    with RunStore(store_path(run_dir)) as store:
        store.put_variants(variants)
        store.set_meta("repeats", 1)
    requests, results = tmp_path / "requests.jsonl", tmp_path / "results.jsonl"
    cli_runner = CliRunner()
    exported = cli_runner.invoke(
        cli, ["batch", "export", "--judge", spec, "--out", str(run_dir), str(requests)]
    )
    assert exported.exit_code == 0, exported.output
    template = json.loads(PUBLISHED_V04)
    with results.open("w", encoding="utf-8") as sink:
        for number, text in enumerate(requests.read_text(encoding="utf-8").splitlines()):
            item = json.loads(text)
            line = json.loads(PUBLISHED_V04)  # the published line, field for field: only id and reply differ
            line["custom_id"] = item["custom_id"]
            line["response"]["choices"][0]["message"]["content"] = fake_judge_reply(item["body"])
            assert (
                set(line["response"]) == set(template["response"]) and "status_code" not in line["response"]
            )
            if number == 0:  # a completion that also carries an error is an error, never a verdict
                line["error"] = {"message": "engine died mid-batch", "code": "internal"}
            sink.write(json.dumps(line, separators=(",", ":")) + "\n")
    imported = cli_runner.invoke(cli, ["batch", "import", str(run_dir), str(results)])
    assert imported.exit_code == 0, imported.output
    assert "imported 6 results into 6 draws: 5 judged, 0 unscored, 1 errors" in imported.output, (
        imported.output
    )
    with RunStore(store_path(run_dir)) as store:
        records = list(store.iter_records())
    judged = [r for r in records if r.verdict.status == "judged"]
    assert {r.verdict.input_tokens for r in judged} == {25}  # the published line's usage, kept per draw
    assert {r.verdict.outcome for r in judged} == {"correct", "incorrect"}
    (failed,) = [r for r in records if r.verdict.status == "error"]
    assert "engine died mid-batch" in (failed.verdict.reason or "")
