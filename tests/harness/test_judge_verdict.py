"""A verdict on the judge as a whole: a judge that says "correct" to everything is named unreliable first, its
junit.xml fails, and ``run`` exits 1 (``--fail-on never``: 0), while the probe verdicts alone would have
called it clean. End to end against a loopback model server, plus the checks' arithmetic on small inputs."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fakeserver import FakeOpenAIServer, fake_judge_reply

from judgeprobe.harness.cli.main import cli

SELECTION = ("--tag", "hle-seed", "--mode", "grade", "--probes", "formatting")


def yes_sayer(body: dict[str, Any]) -> str:
    """The fake judge's reply with every grade verdict turned into "correct"."""
    reply = fake_judge_reply(body)
    try:
        data = json.loads(reply)
    except ValueError:
        return reply.replace("correct: no", "correct: yes")
    if isinstance(data, dict) and "correct" in data:
        data["correct"] = "yes"
    return json.dumps(data)


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(reply=yes_sayer) as started:
        yield started


def run_cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["run", "--no-progress", *args], catch_exceptions=False)
    return result.exit_code, result.output


def test_a_yes_sayer_is_named_unreliable_first_fails_junit_and_exits_1(
    tmp_path: Path, server: FakeOpenAIServer
) -> None:
    out = tmp_path / "out"
    code, text = run_cli("--judge", f"openai:yes@{server.base_url}", *SELECTION, "--out", str(out))
    assert code == 1, text
    lines = text.splitlines()
    assert lines[1].startswith("Judge: UNRELIABLE — failed: controls missed"), lines[:3]
    assert "✗ controls missed 100.0%" in text
    assert text.index("Judge: UNRELIABLE") < text.index("Families")  # the verdict is shown first
    assert "Exit status 1: the judge is unreliable" in text.splitlines()[-1]

    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    verdict = summary["judge_verdict"]
    assert verdict["verdict"] == "unreliable"
    controls = next(c for c in verdict["checks"] if c["name"] == "controls")
    assert (
        controls["status"] == "fail" and controls["measure"]["rate"] == 1.0 and controls["measure"]["n"] > 0
    )

    root = ET.parse(out / "junit.xml").getroot()
    judge_cases = {
        c.get("name"): c for c in root.findall("testcase") if c.get("classname") == "judgeprobe.judge"
    }
    assert judge_cases["controls"].find("failure") is not None
    assert "controls missed 100.0%" in judge_cases["controls"].find("failure").get("message", "")  # type: ignore[union-attr]
    assert int(root.get("failures", "0")) >= 1
    families = [  # one test case per control family (the probes' cases follow, some with nothing to count)
        c for c in root.findall("testcase")
        if c.get("classname", "").startswith("judgeprobe.control.") and c.get("classname", "").endswith(
            "." + str(c.get("name"))
        )
    ]  # fmt: skip
    assert families and all(c.find("failure") is not None for c in families)

    md = (out / "report.md").read_text(encoding="utf-8")
    assert md.index("## Judge: **UNRELIABLE**") < md.index("## Families")
    page = (out / "report.html").read_text(encoding="utf-8")
    assert page.index('class="verdict unreliable"') < page.index('id="families"')

    code, text = run_cli("--judge", f"openai:yes@{server.base_url}", *SELECTION, "--out", str(out),
                         "--fail-on", "never")  # fmt: skip
    assert code == 0, text  # the same findings, printed, but the caller asked not to fail on them
    assert "Judge: UNRELIABLE" in text


def test_an_honest_judge_is_reliable_and_exits_0(tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, text = run_cli("--judge", "builtin:reference", *SELECTION, "--out", str(out))
    assert code == 0, text
    assert text.splitlines()[1] == "Judge: RELIABLE — every check holds"
    root = ET.parse(out / "junit.xml").getroot()
    judge_cases = [c for c in root.findall("testcase") if c.get("classname") == "judgeprobe.judge"]
    assert [c.get("name") for c in judge_cases] == ["controls", "accuracy", "errors", "unscored", "judged"]
    assert all(c.find("failure") is None for c in judge_cases)


def test_limits_come_from_the_options_and_the_settings_file(tmp_path: Path) -> None:
    # cases the shipped grader gets partly wrong (a date past midnight, a hedge read as an answer, a total
    # with tax): about 76% against the labels
    cases = (
        "date-train-past-midnight",
        "hedged-cube-edges",
        "num-total-with-tax",
        "hedged-capital-mention-not-hedge",
    )
    booleans = (
        *(a for c in cases for a in ("--case", c)),
        "--probes",
        "none",
        "--out",
        str(tmp_path / "out"),
    )
    code, text = run_cli(*booleans)
    assert code == 0, text  # above the default limit of 60%
    code, text = run_cli(*booleans, "--min-accuracy", "0.9")
    assert code == 1, text
    assert "✗ accuracy against the labels" in text and "below the limit 90.0%" in text
    (tmp_path / "judgeprobe.toml").write_text("[reliability]\nmin_accuracy = 0.9\n", encoding="utf-8")
    code, text = run_cli("--config", str(tmp_path / "judgeprobe.toml"), *booleans)
    assert code == 1 and "below the limit 90.0%" in text
    code, text = run_cli("--config", str(tmp_path / "judgeprobe.toml"), *booleans, "--min-accuracy", "0.5")
    assert code == 0, text  # the option overrides the file
