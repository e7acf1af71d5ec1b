"""``judgeprobe generate``: answers from a python or command generator, graded by the reference grader,
written as a case folder with authors; a second model extends it; a judge run on it reports
self-preference."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import yaml
from click.testing import CliRunner

from judgeprobe.cases.loader import load_file, load_library
from judgeprobe.cases.models import Author, GradeCase
from judgeprobe.harness.cli.main import cli
from judgeprobe.harness.run.generate import GENERATED_FILE, default_family, generate_cases, response_id

CASES = ["num-scientific-product", "hle-mc-letter-text", "hle-tc0-notation", "mc-lowercase-planet"]


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def _selection() -> list[str]:
    return [word for case in CASES for word in ("--case", case)]


def test_default_family_and_neutral_ids() -> None:
    assert default_family("gpt-4o-mini") == "gpt"
    assert default_family("meta-llama/Llama-3-8B") == "llama"
    assert default_family("claude-3-5-sonnet") == "claude"
    assert response_id("gpt-4o") == response_id("gpt-4o") != response_id("gpt-4o-mini")
    assert "gpt" not in response_id("gpt-4o")


def test_python_generator_writes_graded_answers_with_authors(tmp_path: Path) -> None:
    code, text = invoke("generate", "--model", "python:generators:strong", "--family", "alpha",
                        "--model-name", "alpha-1", "--out", str(tmp_path), *_selection())  # fmt: skip
    assert code == 0, text
    assert "4 questions asked" in text and "4 correct, 0 incorrect" in text
    cases = {c.id: c for c in load_file(tmp_path / GENERATED_FILE)}
    library = load_library()
    assert set(cases) == set(CASES)
    for case_id, case in cases.items():
        assert isinstance(case, GradeCase)
        original = library.by_id(case_id)
        assert case.reference == original.reference and case.question == original.question
        generated = [r for r in case.responses if r.author is not None]
        assert [r.id for r in case.responses[: len(original.responses)]] == [r.id for r in original.responses]
        (answer,) = generated
        assert answer.author == Author(model="alpha-1", family="alpha") and answer.label == "correct"
        assert answer.id == response_id("alpha-1") and "builtin:reference" in answer.why
        assert answer.text.endswith(f"Answer: {original.reference}")


def test_a_second_model_extends_the_folder_and_a_rerun_asks_nothing_new(tmp_path: Path) -> None:
    assert invoke("generate", "--model", "python:generators:strong", "--family", "alpha", "--model-name",
                  "alpha-1", "--out", str(tmp_path), *_selection())[0] == 0  # fmt: skip
    script = tmp_path / "gen.py"
    script.write_text(
        "import json, sys\n"
        "request = json.loads(sys.stdin.read())\n"
        "assert 'Answer: <your final answer>' in request['prompt']\n"
        "print(json.dumps({'reply': 'I think the answer is Answer: 424242'}))\n",
        encoding="utf-8",
    )
    spec = "command:" + shlex.join([sys.executable, str(script)])
    code, text = invoke("generate", "--model", spec, "--family", "beta", "--model-name", "beta-2",
                        "--out", str(tmp_path), *_selection())  # fmt: skip
    assert code == 0, text
    assert "4 questions asked" in text and "0 correct, 4 incorrect" in text
    again = invoke("generate", "--model", spec, "--family", "beta", "--model-name", "beta-2",
                   "--out", str(tmp_path), *_selection())[1]  # fmt: skip
    assert "0 questions asked, 4 answered before" in again
    for case in load_file(tmp_path / GENERATED_FILE):
        families = [r.author.family for r in case.responses if r.author is not None]
        assert families == ["alpha", "beta"]
        beta = next(r for r in case.responses if r.author is not None and r.author.family == "beta")
        assert beta.label == "incorrect"


def test_failed_replies_are_listed_and_retried(tmp_path: Path) -> None:
    library = load_library()
    cases = [library.by_id(c) for c in CASES]
    done = generate_cases(cases, generator="python:generators:broken", out=tmp_path,  # type: ignore[arg-type]
                          author=Author(model="x-1", family="x"))  # fmt: skip
    assert done.asked == 4 and sorted(done.failed) == sorted(CASES) and done.correct == done.incorrect == 0
    assert all(r.author is None for c in load_file(done.path) for r in c.responses)
    retry = generate_cases(cases, generator="python:generators:strong", out=tmp_path,  # type: ignore[arg-type]
                           author=Author(model="x-1", family="x"))  # fmt: skip
    assert retry.asked == 4 and retry.correct == 4


def test_bad_generator_spec_is_a_usage_error(tmp_path: Path) -> None:
    code, text = invoke(
        "generate", "--model", "python:no_such_module:f", "--out", str(tmp_path), "--case", CASES[0]
    )
    assert code == 2 and "no_such_module" in text
    code, text = invoke("generate", "--model", "python:generators:strong", "--case", "no-such-case")
    assert code == 2 and "no-such-case" in text


def test_a_judge_run_on_generated_cases_reports_self_preference(tmp_path: Path) -> None:
    """Two families answer; a judge whose name contains one family's name gets a self-preference row."""
    folder = tmp_path / "cases"
    selection = [
        w
        for c in ("hle-mc-letter-text", "mc-lowercase-planet", "mc-parenthesised-prime")
        for w in ("--case", c)
    ]
    for gen, family in (("strong", "alpha"), ("weak", "beta")):
        code, text = invoke("generate", "--model", f"python:generators:{gen}", "--family", family,
                            "--model-name", f"{family}-1", "--out", str(folder), *selection)  # fmt: skip
        assert code == 0, text
    data = yaml.safe_load((folder / GENERATED_FILE).read_text(encoding="utf-8"))
    assert all(any("author" in r for r in case["responses"]) for case in data["cases"])
    out = tmp_path / "run"
    code, text = invoke("run", "--no-builtin-cases", "--cases", str(folder), "--judge", "builtin:reference",
                        "--probes", "none", "--out", str(out), "--no-progress")  # fmt: skip
    assert code == 0, text
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    rows = {(r["mode"], r["family"]) for r in summary["self_preference"]}
    assert rows == {("grade", "alpha"), ("grade", "beta")}
    assert all(r["verdict"] is None for r in summary["self_preference"])  # builtin:reference is no family
    assert "Self-preference" in (out / "report.md").read_text(encoding="utf-8")


def test_an_openai_compatible_model_answers_over_http(tmp_path: Path) -> None:
    """The generator is a model behind a real HTTP server on loopback; its completion is the answer."""
    from fakeserver import FakeOpenAIServer

    library = load_library()
    references = {c.question: c.reference for c in library if isinstance(c, GradeCase)}

    def reply(body: dict[str, object]) -> str:
        prompt = str(body["messages"][0]["content"])  # type: ignore[index]
        question = next(q for q in references if q in prompt)
        assert "[draft answer to improve]" not in prompt  # the empty response never shows
        return f"Short working.\nAnswer: {references[question]}"

    with FakeOpenAIServer(reply=reply) as server:
        code, text = invoke("generate", "--model", f"openai:fake-model-1@{server.base_url}", "--out",
                            str(tmp_path), *_selection())  # fmt: skip
        assert code == 0, text
        assert server.calls == len(CASES)
    assert "fake-model-1 (family fake)" in text and "4 correct" in text
    for case in load_file(tmp_path / GENERATED_FILE):
        (answer,) = [r for r in case.responses if r.author is not None]
        assert answer.author == Author(model="fake-model-1", family="fake") and answer.label == "correct"
