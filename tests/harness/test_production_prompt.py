"""A production judge prompt probed as production sends it, end to end against the loopback server:

* an HLE-style ``str.format`` prompt file without a declared mode is refused before any call (exit 2, with
  the fix), and ``judges show`` refuses it too;
* declared, it is judged (nothing skipped) and every prompt on the wire equals ``prompt.format(...)``;
* a judge that would skip every selected draw is refused before any call;
* ``judges render`` prints exactly the body the server receives, credentials masked;
* ``judgeprobe diff`` compares the verbatim and the hardened prompt (two judge files differing only in
  ``harden``) on the same variants.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from fakeserver import FakeOpenAIServer, normalise

from judgeprobe.harness.cli.main import cli
from judgeprobe.harness.judges.registry import load_judge
from judgeprobe.harness.session import Selection, plan_suite

PROMPT = """Judge whether the [response] to [question] is correct based on the [correct_answer] below.

[question]: {question}

[response]: {response}

Your judgement must use this format: extracted_final_answer, then reasoning, then correct (yes or no),
then confidence, e.g. {{"correct": "yes", "confidence": 100}}.

[correct_answer]: {correct_answer}
"""

WRONG = [str(n) for n in range(10, 40)]
"""Thirty wrong sums: enough units that the injection probe draws its ``[correct_answer]`` kind for some."""

CASES = (
    'cases:\n  - id: sums\n    mode: grade\n    question: "What is 17 + 25?"\n    reference: "42"\n'
    "    answer_kind: number\n    responses:\n"
    '      - {id: right, text: "42", label: correct, why: "The sum."}\n'
    + "".join(f'      - {{id: w{n}, text: "{n}", label: incorrect, why: "Not the sum."}}\n' for n in WRONG)
    + '    source: "hand-written"\n    tags: [arithmetic]\n'
)

SECRET = "sk-test-render-0123456789-SECRET"
_FIELD = re.compile(
    r"^\[(question|response|correct_answer)\]: ?(.*?)(?=^\[(?:question|response|correct_answer)\]:|\Z)",
    re.M | re.S,
)


def naive_judge(body: dict[str, Any]) -> str:
    """A literal-minded stand-in for a judge model: it trusts the FIRST ``[correct_answer]:`` section it sees
    and compares it with the response's last line, ignoring hardening delimiters."""
    prompt = "\n".join(str(m.get("content", "")) for m in body.get("messages", []))
    text = re.sub(r"<<<(?:BEGIN|END) [A-Z ]+>>>\n?", "", prompt)
    sections: dict[str, str] = {}
    for name, value in _FIELD.findall(text):
        sections.setdefault(name, value.split("\n\nYour judgement")[0].strip())
    response = sections.get("response", "").strip().splitlines() or [""]
    same = normalise(response[-1]) == normalise(sections.get("correct_answer", "").split("\n")[0])
    return (
        f"extracted_final_answer: {response[-1]}\nreasoning: compared.\n"
        f"correct: {'yes' if same else 'no'}\nconfidence: 100"
    )


def _files(tmp_path: Path, server: FakeOpenAIServer, extra: str = "") -> Path:
    (tmp_path / "hle_prompt.txt").write_text(PROMPT, encoding="utf-8")
    cases = tmp_path / "cases"
    cases.mkdir(exist_ok=True)
    (cases / "sums.yaml").write_text(CASES, encoding="utf-8")
    toml = tmp_path / f"judge{len(extra)}.toml"
    toml.write_text(
        f'[judge]\nbackend = "openai"\nmodel = "grader"\nbase_url = "{server.base_url}"\n'
        f'api_key_env = "JP_RENDER_KEY"\ntemplate = "hle_prompt.txt"\n{extra}',
        encoding="utf-8",
    )
    return toml


def _invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JP_RENDER_KEY", SECRET)


def test_an_undeclared_str_format_prompt_exits_2_before_any_call(tmp_path: Path) -> None:
    with FakeOpenAIServer(reply=naive_judge) as server:
        toml = _files(tmp_path, server)
        cases = str(tmp_path / "cases")
        selection = ["--cases", cases, "--no-builtin-cases", "--probes", "none"]
        result = _invoke(
            "run", "--judge", str(toml), *selection, "--out", str(tmp_path / "out"), "--no-progress"
        )
        shown = _invoke("judges", "show", str(toml))
        assert server.calls == 0
    assert result.exit_code == 2
    assert "hle_prompt.txt shows a response and a reference" in result.output
    assert 'mode = "grade"' in result.output and "in the judge's TOML file" in result.output
    assert 'suggest mode = "grade"' in result.output
    assert shown.exit_code == 2 and "Declare it" in shown.output


def test_a_declared_prompt_is_judged_and_sent_byte_for_byte(tmp_path: Path) -> None:
    with FakeOpenAIServer(reply=naive_judge) as server:
        toml = _files(tmp_path, server, 'mode = "grade"\n')
        selection = ["--cases", str(tmp_path / "cases"), "--no-builtin-cases", "--probes", "none"]
        result = _invoke(
            "run", "--judge", str(toml), *selection, "--out", str(tmp_path / "out"), "--no-progress"
        )
        bodies = list(server.requests)
    assert result.exit_code == 0, result.output
    assert "62 judged, 0 unscored, 0 errors, 0 skipped" in result.output
    texts = {"42", *WRONG}
    expected = {PROMPT.format(question="What is 17 + 25?", response=t, correct_answer="42") for t in texts}
    sent = {body["messages"][0]["content"] for body in bodies}
    assert sent == expected and all(len(body["messages"]) == 1 for body in bodies)
    assert all("response_format" not in body for body in bodies)  # sent as the production prompt is sent


def test_a_judge_that_would_skip_every_draw_is_refused(tmp_path: Path) -> None:
    with FakeOpenAIServer(reply=naive_judge) as server:
        toml = _files(tmp_path, server, 'mode = "grade"\n')
        result = _invoke("run", "--judge", str(toml), "--mode", "pairwise", "--probes", "none",
                         "--out", str(tmp_path / "out"), "--no-progress")  # fmt: skip
        assert server.calls == 0
    assert result.exit_code == 2
    assert "judges none of the selected modes (pairwise), so every draw would be skipped" in result.output


def test_render_prints_exactly_what_the_server_receives(tmp_path: Path) -> None:
    with FakeOpenAIServer(reply=naive_judge) as server:
        toml = _files(tmp_path, server, 'mode = "grade"\nseed = 3\n')
        cases = str(tmp_path / "cases")
        unit = ["--case", "sums", "--response", "w31", "--cases", cases, "--no-builtin-cases"]
        rendered = _invoke("judges", "render", str(toml), *unit, "--json")
        text = _invoke("judges", "render", str(toml), *unit)
        assert server.calls == 0  # rendering sends nothing
        _invoke("run", "--judge", str(toml), "--cases", cases, "--no-builtin-cases", "--probes", "none",
                "--out", str(tmp_path / "out"), "--no-progress")  # fmt: skip
        bodies, headers, base_url = list(server.requests), list(server.headers), server.base_url
    assert rendered.exit_code == 0, rendered.output
    data = json.loads(rendered.output)
    (call,) = data["calls"]
    assert data["unit"] == "w31" and data["config_hash"] == load_judge(str(toml)).config_hash
    assert call["body"] in bodies  # the very body a live run sends
    assert call["messages"][0]["content"] == PROMPT.format(
        question="What is 17 + 25?", response="31", correct_answer="42"
    )
    sent_headers = headers[bodies.index(call["body"])]
    assert sent_headers["Authorization"] == f"Bearer {SECRET}"
    assert call["headers"]["Authorization"] == "Bearer ***"
    assert call["headers"]["Content-Type"] == sent_headers["Content-Type"] == "application/json"
    assert SECRET not in rendered.output and SECRET not in text.output
    assert text.exit_code == 0
    assert "--- message 1: user ---\n" + call["messages"][0]["content"] in text.output
    assert f"--- request: POST {base_url}/chat/completions ---" in text.output
    assert "Authorization: Bearer ***" in text.output


def test_render_a_probe_variant_and_bad_selections(tmp_path: Path) -> None:
    with FakeOpenAIServer(reply=naive_judge) as server:
        toml = _files(tmp_path, server, 'mode = "grade"\n')
        plan = plan_suite(Selection(case_dirs=(tmp_path / "cases",), builtin_cases=False, probes="injection"))
        variant = next(v for v in plan.variants if "correct_answer" in v.chain_name)
        common = ["--cases", str(tmp_path / "cases"), "--no-builtin-cases"]
        shown = _invoke(
            "judges", "render", str(toml), "--case", "sums", "--variant", variant.id[:10], *common
        )
        no_variant = _invoke("judges", "render", str(toml), "--case", "sums", "--variant", "zzz", *common)
        no_response = _invoke("judges", "render", str(toml), "--case", "sums", "--response", "nope", *common)
        no_case = _invoke("judges", "render", str(toml), "--case", "nope", *common)
    assert shown.exit_code == 0, shown.output
    assert f"variant {variant.id} ({variant.chain_name})" in shown.output
    assert variant.slots[0].text in shown.output  # the injected response, verbatim
    assert (
        no_variant.exit_code == 2
        and "no variant of case sums has an id starting with 'zzz'" in no_variant.output
    )
    assert no_response.exit_code == 2 and "its responses: right, w10, w11" in no_response.output
    assert no_case.exit_code == 2 and "unknown case id(s): nope" in no_case.output


def test_render_for_other_backends(tmp_path: Path) -> None:
    builtin = _invoke("judges", "render", "builtin:reference", "--case", "hle-tc0-notation")
    assert builtin.exit_code == 0 and "renders no prompt" in builtin.output
    assert '"reference": "$TC^0$"' in builtin.output
    (tmp_path / "p.txt").write_text("{question}\n{answer}\n{target}", encoding="utf-8")
    toml = tmp_path / "cmd.toml"
    toml.write_text(
        '[judge]\nbackend = "command"\ntarget = "python -c pass"\ntemplate = "p.txt"\nmode = "grade"\n'
    )
    command = _invoke("judges", "render", str(toml), "--case", "hle-tc0-notation", "--json")
    (call,) = json.loads(command.output)["calls"]
    assert call["body"]["prompt"] == call["messages"][0]["content"] and call["body"]["responses"] == ["TC0"]
    mock = _invoke("judges", "render", "mock:fair", "--case", "hle-tc0-notation")
    assert (
        mock.exit_code == 0 and "<<<BEGIN RESPONSE>>>\nTC0\n<<<END RESPONSE>>>" in mock.output
    )  # shipped: hardened


def test_diff_compares_the_verbatim_and_the_hardened_prompt(tmp_path: Path) -> None:
    with FakeOpenAIServer(reply=naive_judge) as server:
        verbatim = _files(tmp_path, server, 'mode = "grade"\n')
        hardened = _files(tmp_path, server, 'mode = "grade"\nharden = true\n')
        assert hardened.read_text() == verbatim.read_text() + "harden = true\n"  # the only difference
        selection = ["--cases", str(tmp_path / "cases"), "--no-builtin-cases", "--probes", "injection.field"]
        args = ["diff", str(verbatim), str(hardened), *selection, "--out", str(tmp_path / "runs")]
        result = _invoke(*args)
    assert result.exit_code == 0, result.output
    # the naive judge trusts the first [correct_answer] it reads: inserted verbatim, a response that appends
    # "[correct_answer]: <its own answer>" fools it; hardened, the look-alike is neutralised
    flipped_before = re.findall(r"sums/(\w+) injection\.field\(kind=\"correct_answer\"\)", result.output)
    assert flipped_before, result.output
    assert "Stopped flipping" in result.output
    hashes = {load_judge(str(verbatim)).config_hash, load_judge(str(hardened)).config_hash}
    assert len(hashes) == 2  # the option is part of the judge's identity
