"""Adding an extension, as docs/architecture.md counts it: each example here lives in this one test file.

* a **judge backend**: a factory registered with ``register_backend`` (its own spec syntax and display name);
  shipped backends add one line to the registry's ``_SHIPPED`` table, third-party ones an entry point in the
  ``judgeprobe.judges`` group;
* a **probe family**: probe functions registered with ``register_probe`` (an invariant and its paired
  control); shipped families add one import line to ``probes/families/__init__.py``, third-party ones an entry
  point in the ``judgeprobe.probes`` group.

Each example is then used end to end through ``judgeprobe run`` without touching any other module. The
registries are restored after each test so the examples do not leak into other tests.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import judgeprobe.harness.judges.registry as judge_registry
import judgeprobe.probes.base as probe_registry
from judgeprobe.cases.loader import load_library
from judgeprobe.cases.models import Mode
from judgeprobe.harness.cli.main import cli
from judgeprobe.harness.core.request import JudgeRequest
from judgeprobe.harness.core.verdict import Verdict
from judgeprobe.harness.judges.base import Judge
from judgeprobe.harness.judges.registry import JudgeConfig, load_judge, register_backend
from judgeprobe.probes.base import Params, ProbeContext, register_probe
from judgeprobe.probes.families.common import broken
from judgeprobe.probes.selector import select_probes
from judgeprobe.probes.variant import Relation, Slot, Variant


@pytest.fixture
def restore_registries() -> Iterator[None]:
    """Registries as they were before the test (the examples register into module-level tables)."""
    probe_registry.list_probes()  # make sure the shipped probes are in before taking the snapshot
    probes, backends = dict(probe_registry._REGISTRY), dict(judge_registry._REGISTRY)
    try:
        yield
    finally:
        probe_registry._REGISTRY.clear()
        probe_registry._REGISTRY.update(probes)
        probe_registry._prepared.cache_clear()
        judge_registry._REGISTRY.clear()
        judge_registry._REGISTRY.update(backends)


# --- a judge backend ------------------------------------------------------------------------------------


class KeywordJudge(Judge):
    """Grades a response correct when it contains the keyword given in the spec (``keyword:WORD``)."""

    def __init__(self, config: JudgeConfig) -> None:
        self.word = str(config.params["word"])

    def supports(self, mode: Mode) -> bool:
        return mode is Mode.GRADE

    async def judge(self, request: JudgeRequest) -> Verdict:
        found = self.word.lower() in request.responses[0].lower()
        return Verdict.judged("correct" if found else "incorrect")


def _register_keyword_backend() -> None:
    register_backend(
        "keyword",
        description="example: correct when the response contains a word",
        spec=lambda rest: {"params": {"word": rest}},
        display_name=lambda config: f"keyword[{config.params['word']}]",
    )(KeywordJudge)


def test_a_backend_in_one_module_parses_its_own_spec_and_runs(
    restore_registries: None, tmp_path: Path
) -> None:
    _register_keyword_backend()
    judge = load_judge("keyword:TC")
    assert isinstance(judge, KeywordJudge) and judge.name == "keyword[TC]" and judge.config_hash
    assert load_judge("keyword:AC").config_hash != judge.config_hash
    result = CliRunner().invoke(
        cli,
        [
            "run",
            "--judge",
            "keyword:TC",
            "--case",
            "hle-tc0-notation",
            "--probes",
            "none",
            "--out",
            str(tmp_path),
            "--no-progress",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in (tmp_path / "results.jsonl").read_text().splitlines()]
    assert rows and {row["judge"] for row in rows} == {"keyword[TC]"}
    assert {row["status"] for row in rows} == {"judged"}
    case = load_library().by_id("hle-tc0-notation")
    expected = {r.id: ("correct" if "tc" in r.text.lower() else "incorrect") for r in case.responses}
    assert {row["unit_id"]: row["outcome"] for row in rows} == expected  # the backend's own verdicts
    assert set(expected.values()) == {"correct", "incorrect"}


# --- a probe family -----------------------------------------------------------------------------------


def _register_shouting_family() -> None:
    def shout(variant: Variant, ctx: ProbeContext, params: Params) -> list[Variant]:
        slots = tuple(Slot(s.response_id, s.text.upper()) for s in variant.slots)
        return [ctx.derive(variant, slots=slots)]

    def shout_control(variant: Variant, ctx: ProbeContext, params: Params) -> list[Variant]:
        wrong = broken(ctx.case, variant)
        if wrong is None:
            return []
        slots = tuple(Slot(s.response_id, s.text.upper()) for s in wrong.slots)
        return [ctx.derive(wrong, slots=slots)]

    register_probe(
        "shouting.upper",
        family="shouting",
        relation=Relation.INVARIANT,
        description="example: the response in capitals",
        modes=frozenset({Mode.GRADE}),
    )(shout)
    register_probe(
        "shouting.upper_control",
        family="shouting",
        relation=Relation.CONTROL,
        description="example: a wrong answer in capitals",
        modes=frozenset({Mode.GRADE}),
    )(shout_control)


def test_a_probe_family_in_one_module_is_selected_run_and_reported(
    restore_registries: None, tmp_path: Path
) -> None:
    _register_shouting_family()
    assert [info.name for info in select_probes("shouting")] == ["shouting.upper", "shouting.upper_control"]
    result = CliRunner().invoke(
        cli,
        [
            "run",
            "--case",
            "hle-tc0-notation",
            "--probes",
            "shouting",
            "--out",
            str(tmp_path),
            "--no-progress",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert "shouting" in result.output
    summary = json.loads((tmp_path / "summary.json").read_text())
    families = {row["family"] for row in summary["families"]}
    assert "shouting" in families
    rows = [json.loads(line) for line in (tmp_path / "results.jsonl").read_text().splitlines()]
    probes = {row["probe"] for row in rows}
    assert {"shouting.upper", "shouting.upper_control"} <= probes
    controls = [row for row in rows if row["relation"] == "control"]
    base_label = {row["unit_id"]: row["label"] for row in rows if row["relation"] == "base"}
    assert controls and all(row["label"] != base_label[row["unit_id"]] for row in controls)
