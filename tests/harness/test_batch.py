"""Batch export/import round trip through a local script standing in for a batch engine."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

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
    # A stand-in for a batch engine (OpenAI Batch API, vLLM run_batch): POST every request line's body to
    # the server and write one OpenAI batch output line per request. Failure lines for ids listed in argv[4].
    import json, sys, urllib.request, urllib.error
    requests, results, base, failing = sys.argv[1], sys.argv[2], sys.argv[3], set(sys.argv[4].split(","))
    root = base.rsplit("/v1", 1)[0]
    with open(requests, encoding="utf-8") as src, open(results, "w", encoding="utf-8") as out:
        for line in src:
            item = json.loads(line)
            if item["custom_id"] in failing:
                response = {"status_code": 500, "body": {"error": {"message": "engine overloaded"}}}
            else:
                req = urllib.request.Request(root + item["url"], data=json.dumps(item["body"]).encode(),
                                             headers={"Content-Type": "application/json"}, method="POST")
                with urllib.request.urlopen(req) as reply:
                    response = {"status_code": reply.status, "body": json.loads(reply.read())}
            out.write(json.dumps({"id": "b-" + item["custom_id"][:6], "custom_id": item["custom_id"],
                                  "response": response, "error": None}) + "\\n")
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


def _engine(tmp_path: Path, requests: Path, results: Path, base_url: str, failing: str = "") -> None:
    script = tmp_path / "engine.py"
    script.write_text(ENGINE)
    subprocess.run([sys.executable, str(script), str(requests), str(results), base_url, failing], check=True)


def test_export_run_engine_import_matches_a_live_run(tmp_path: Path) -> None:
    variants = _variants()
    with FakeOpenAIServer() as server:
        spec = f"openai:fake-judge@{server.base_url}"
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
        lines = [json.loads(line) for line in requests.read_text().splitlines()]
        assert len(lines) == 12  # 3 base variants x (2 draws + 2 placebo draws)
        assert "wrote 12 requests" in exported.output
        assert server.calls == 0
        first = lines[0]
        assert first["method"] == "POST" and first["url"] == "/v1/chat/completions"
        assert first["body"]["model"] == "fake-judge" and first["body"]["messages"][0]["role"] == "user"
        assert len({line["custom_id"] for line in lines}) == 12

        _engine(tmp_path, requests, results, server.base_url)
        assert server.calls == 12
        imported = cli_runner.invoke(cli, ["batch", "import", str(run_dir), str(results)])
        assert imported.exit_code == 0, imported.output
        assert "imported 12 results into 12 draws: 12 judged" in imported.output

        # The same judge run live on the same variants gives the same verdicts, and finds nothing to do
        # in the batch run's store.
        with RunStore(tmp_path / "live" / "store.sqlite") as live:
            run(load_judge(spec), variants, live, options=RunOptions(repeats=2), show_progress=False)
            live_outcomes = {(r.variant_id, r.draw): r.verdict.outcome for r in live.iter_records()}
        with RunStore(store_path(run_dir)) as store:
            batch_outcomes = {(r.variant_id, r.draw): r.verdict.outcome for r in store.iter_records()}
            assert batch_outcomes == live_outcomes
            assert set(batch_outcomes.values()) == {"correct", "incorrect", "good"}
            before = server.calls
            stats = run(load_judge(spec), variants, store, options=RunOptions(repeats=2), show_progress=False)
            assert server.calls == before and stats.cache_hits == 12
        again = cli_runner.invoke(
            cli, ["batch", "export", "--judge", spec, "--out", str(run_dir), str(requests)]
        )
        assert "wrote 0 requests" in again.output and "12 already answered" in again.output


def test_failed_lines_are_errors_that_the_next_export_asks_again(tmp_path: Path) -> None:
    variants = _variants()[:1]
    with FakeOpenAIServer() as server:
        spec = f"openai:fake-judge@{server.base_url}"
        run_dir = tmp_path / "run"
        with RunStore(store_path(run_dir)) as store:
            store.put_variants(variants)
        requests, results = tmp_path / "requests.jsonl", tmp_path / "results.jsonl"
        cli_runner = CliRunner()
        cli_runner.invoke(cli, ["batch", "export", "--judge", spec, "--out", str(run_dir), str(requests)])
        ids = [json.loads(line)["custom_id"] for line in requests.read_text().splitlines()]
        assert len(ids) == 2  # one draw and one placebo draw
        _engine(tmp_path, requests, results, server.base_url, failing=ids[0])
        imported = cli_runner.invoke(cli, ["batch", "import", str(run_dir), str(results)])
        assert "1 judged, 0 unscored, 1 errors" in imported.output
        with RunStore(store_path(run_dir)) as store:
            errors = [r for r in store.iter_records() if r.verdict.status == "error"]
            assert [(r.cache_key, r.verdict.error_kind) for r in errors] == [(ids[0], "server")]
            assert "engine overloaded" in (errors[0].verdict.reason or "")
        again = cli_runner.invoke(
            cli, ["batch", "export", "--judge", spec, "--out", str(run_dir), str(requests)]
        )
        assert "wrote 1 requests" in again.output
        assert [json.loads(line)["custom_id"] for line in requests.read_text().splitlines()] == [ids[0]]


def test_import_reports_lines_it_cannot_use(tmp_path: Path) -> None:
    with FakeOpenAIServer() as server:
        spec = f"openai:fake-judge@{server.base_url}"
        run_dir = tmp_path / "run"
        with RunStore(store_path(run_dir)) as store:
            store.put_variants(_variants()[:1])
        results = tmp_path / "results.jsonl"
        results.write_text('{"custom_id": "nope", "response": {"status_code": 200, "body": {}}}\nnot json\n')
        outcome = CliRunner().invoke(cli, ["batch", "import", "--judge", spec, str(run_dir), str(results)])
        assert outcome.exit_code == 1
        assert "line 1: custom_id 'nope' matches no planned draw" in outcome.output
        assert "line 2: not JSON" in outcome.output


def test_batch_needs_an_http_backend_and_a_store(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    with RunStore(store_path(run_dir)) as store:
        store.put_variants(_variants()[:1])
    out = tmp_path / "r.jsonl"
    outcome = CliRunner().invoke(
        cli, ["batch", "export", "--judge", "mock:yes", "--out", str(run_dir), str(out)]
    )
    assert outcome.exit_code == 1 and "needs an HTTP model backend" in outcome.output
    missing = CliRunner().invoke(
        cli, ["batch", "export", "--judge", "mock:yes", "--out", str(tmp_path / "x"), str(out)]
    )
    assert missing.exit_code == 2 and "has no run store" in missing.output


def test_user_flow_plan_export_engine_import_then_run_makes_no_calls(tmp_path: Path) -> None:
    with FakeOpenAIServer() as server:
        spec = f"openai:fake-judge@{server.base_url}"
        run_dir, requests, results = tmp_path / "run", tmp_path / "requests.jsonl", tmp_path / "results.jsonl"
        runner = CliRunner()
        selection = ["--case", "hle-tc0-notation", "--probes", "formatting", "--out", str(run_dir)]
        planned = runner.invoke(cli, ["run", "--judge", spec, "--plan-only", *selection])
        assert planned.exit_code == 0, planned.output
        assert "no judge was called" in planned.output and server.calls == 0
        exported = runner.invoke(
            cli, ["batch", "export", "--judge", spec, "--out", str(run_dir), str(requests)]
        )
        assert exported.exit_code == 0, exported.output
        n = len(requests.read_text().splitlines())
        assert n > 10 and server.calls == 0
        _engine(tmp_path, requests, results, server.base_url)
        assert server.calls == n
        imported = runner.invoke(cli, ["batch", "import", str(run_dir), str(results)])
        assert imported.exit_code == 0, imported.output
        # the fake judge is unreliable on this case (accuracy below the limit): exit 0 all the same
        finished = runner.invoke(
            cli, ["run", "--judge", spec, "--no-progress", "--fail-on", "never", *selection]
        )
        assert finished.exit_code == 0, finished.output
        assert server.calls == n  # every draw came from the imported results
        assert "(0 judge calls," in finished.output
        assert (run_dir / "report.html").is_file()
