"""The Selection value: one frozen, normalised description of what a run covers, from every entry point."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from judgeprobe.harness.cli.main import cli
from judgeprobe.harness.cli.options import SelectionFlags
from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.gate.settings import RunSettings
from judgeprobe.harness.run.plan import plan_suite
from judgeprobe.harness.run.selection import Selection, run_key


def test_spellings_of_one_selection_are_equal_and_share_a_digest(tmp_path: Path) -> None:
    a = Selection(case_dirs=(tmp_path,), tags=("b", "a", "a"), probes=" position , length,", seed=2)
    b = Selection(case_dirs=[str(tmp_path), tmp_path], tags=["a", "b"], probes="length,position", seed=2)  # type: ignore[arg-type]
    assert a == b and a.digest() == b.digest()
    assert a.tags == ("a", "b") and a.probes == "length,position" and a.case_dirs == (tmp_path,)
    assert Selection(probes="position,all").probes == "all" == Selection(probes="").probes
    assert Selection(seed=1).digest() != Selection().digest()
    assert Selection.from_json(a.to_json()) == Selection(case_dirs=(tmp_path.resolve(),), tags=("a", "b"),
                                                         probes="length,position", seed=2)  # fmt: skip


def test_the_run_key_is_the_judge_prefix_and_a_digest_of_selection_and_repeats() -> None:
    key = run_key("a241e984deadbeef", Selection(), repeats=1)
    assert re.fullmatch(r"a241e984-[0-9a-f]{8}", key)
    assert key == run_key("a241e984deadbeef", Selection(probes="all"), repeats=1)
    assert key != run_key("a241e984deadbeef", Selection(), repeats=2)
    assert key != run_key("a241e984deadbeef", Selection(case_ids=("x",)), repeats=1)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"tags": "hle-seed"}, "must be a list of strings"),
        ({"seed": True}, "whole number"),
        ({"seed": "3"}, "whole number"),
        ({"case_dirs": "cases"}, "list of folders"),
        ({"probes": ["position"]}, "comma-separated string"),
    ],
)
def test_bad_values_are_refused_with_the_field(values: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Selection(**values)  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="unknown selection key"):
        Selection.from_json({"probez": "all"})


def test_command_line_flags_lay_over_the_settings_selection() -> None:
    settings = RunSettings(tags=("hle-seed",), probes="position", seed=4, kinds=("number",))
    base = settings.selection()
    assert base == Selection(tags=("hle-seed",), probes="position", seed=4, kinds=("number",))
    assert SelectionFlags().over(base) == base
    laid = SelectionFlags(probes="length", seed=0, no_builtin_cases=True, tricks=("x",)).over(base)
    assert (laid.probes, laid.seed, laid.builtin_cases, laid.tricks) == ("length", 0, False, ("x",))
    assert laid.tags == ("hle-seed",) and laid.kinds == ("number",)


def test_plan_suite_honours_every_filter() -> None:
    plan = plan_suite(Selection(tricks=("multiple-choice",), probes="none", seed=5))
    assert plan.cases and all(case.tags[0] == "multiple-choice" for case in plan.cases)
    assert plan.seed == 5 and plan.selection.tricks == ("multiple-choice",)
    assert {v.relation for v in plan.variants} == {"base"}


def test_run_passes_one_selection_from_its_options() -> None:
    result = CliRunner().invoke(
        cli,
        ["run", "--trick", "multiple-choice", "--probes", "position", "--seed", "3", "--dry-run", "--list"],
    )
    assert result.exit_code == 0, result.output
    assert "seed 3)" in result.output
    assert "hle-mc-letter-text/" in result.output and "hle-tc0-notation/" not in result.output
