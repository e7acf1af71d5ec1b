"""The gate's JUnit report agrees with its exit code: one test case per rule and family, a failure exactly
where the gate failed, written to ``gate-junit.xml`` in the run folder (or ``--junit PATH``)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from judgeprobe.harness.cli.main import cli


def gate(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, ["gate", *map(str, args)], catch_exceptions=False)


@pytest.fixture
def selection(example_cases: Path, tmp_path: Path) -> list[str]:
    return ["--cases", str(example_cases), "--no-builtin-cases", "--probes", "position,length",
            "--no-progress", "--out", str(tmp_path / "run")]  # fmt: skip


def cases(path: Path) -> tuple[ET.Element, dict[tuple[str, str], ET.Element]]:
    root = ET.parse(path).getroot()
    return root, {(c.get("classname", ""), c.get("name", "")): c for c in root.findall("testcase")}


def failed(found: dict[tuple[str, str], ET.Element]) -> set[tuple[str, str]]:
    return {key for key, case in found.items() if case.find("failure") is not None}


def test_a_passing_gate_writes_a_junit_with_no_failure(selection: list[str], tmp_path: Path) -> None:
    result = gate("--judge", "python:gate_judges:fair", *selection)
    assert result.exit_code == 0, result.output
    root, found = cases(tmp_path / "run" / "gate-junit.xml")
    assert root.get("failures") == "0" and int(root.get("tests", "0")) == len(found)
    expected = {
        ("judgeprobe.gate.excess-flip-rate", "position"), ("judgeprobe.gate.excess-flip-rate", "length"),
        ("judgeprobe.gate.control-miss-rate", "position"), ("judgeprobe.gate", "accuracy"),
        ("judgeprobe.gate", "error-share"), ("judgeprobe.gate", "unscored-share"),
        ("judgeprobe.gate", "no-draws"), ("judgeprobe.gate", "baseline-missing"),
    }  # fmt: skip
    assert expected <= set(found)
    assert found["judgeprobe.gate", "accuracy"].find("skipped") is not None  # no min_accuracy set
    assert found["judgeprobe.gate", "baseline-missing"].find("skipped") is not None  # no baseline used


def test_a_failing_gate_fails_exactly_its_rules_in_the_junit(selection: list[str], tmp_path: Path) -> None:
    junit = tmp_path / "reports" / "gate.xml"
    result = gate("--judge", "python:gate_judges:first", *selection, "--min-accuracy", "0.75",
                  "--junit", junit)  # fmt: skip
    assert result.exit_code == 1, result.output
    assert "FAILED: excess-flip-rate (position), accuracy" in result.output
    root, found = cases(junit)
    assert failed(found) == {
        ("judgeprobe.gate.excess-flip-rate", "position"),
        ("judgeprobe.gate", "accuracy"),
    }
    assert root.get("failures") == "2"
    failure = found["judgeprobe.gate.excess-flip-rate", "position"].find("failure")
    assert failure is not None and "excess flip rate 50.0%" in failure.get("message", "")
    assert "support-password-length/pair position.swap" in (failure.text or "")
    assert not (tmp_path / "run" / "gate-junit.xml").exists()  # --junit writes there instead


def test_baseline_rules_have_one_case_per_family(selection: list[str], tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.jsonl"
    fair = ["--judge", "python:gate_judges:fair", *selection, "--baseline", baseline]
    missing = gate(*fair)
    assert missing.exit_code == 1
    _, found = cases(tmp_path / "run" / "gate-junit.xml")
    assert failed(found) == {("judgeprobe.gate", "baseline-missing")}
    assert gate(*fair, "--update-baseline").exit_code == 0
    regressed = gate("--judge", "python:gate_judges:first", *selection, "--baseline", baseline,
                     "--max-flip-rate", "1")  # fmt: skip
    assert regressed.exit_code == 1
    root, found = cases(tmp_path / "run" / "gate-junit.xml")
    assert failed(found) == {("judgeprobe.gate.baseline-regression", "position")}
    assert ("judgeprobe.gate.baseline-regression", "length") in found
    assert root.get("failures") == "1"
