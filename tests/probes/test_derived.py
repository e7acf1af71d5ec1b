"""Pairwise and score units derived from the grade library: labels, both orders, shares, determinism."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from judgeprobe.cases.loader import Library
from judgeprobe.cases.models import GradeCase, Mode
from judgeprobe.harness.run.plan import derived_modes, plan_suite
from judgeprobe.harness.run.selection import Selection
from judgeprobe.probes.base import get_probe
from judgeprobe.probes.derived import (
    CORRECT_RANGE,
    INCORRECT_RANGE,
    derive_units,
    derived_counts,
    derived_question,
    is_derived_unit,
)
from judgeprobe.probes.suite import generate_suite, unit_chosen
from judgeprobe.probes.variant import Relation, Variant


@pytest.fixture(scope="module")
def pairwise_suite(library: Library) -> list[Variant]:
    """The default suite of the pairwise units derived from the whole shipped library."""
    return generate_suite([], derive=[Mode.PAIRWISE], derive_from=library)


def _labels(case: GradeCase) -> dict[str, str]:
    out = {r.id: r.label for r in case.responses}
    out.update({f"non-equivalent-{n}": "incorrect" for n in range(1, len(case.non_equivalents) + 1)})
    return out


def test_the_shipped_library_gives_over_a_thousand_pairs(library: Library) -> None:
    counts = derived_counts(library)
    assert counts[Mode.PAIRWISE] >= 1000
    assert counts[Mode.SCORE] == sum(len(c.responses) for c in library if isinstance(c, GradeCase))


def test_pair_labels_follow_the_grade_labels(library: Library) -> None:
    ties = better = 0
    for case in library:
        if not isinstance(case, GradeCase):
            continue
        labels = _labels(case)
        for unit in derive_units(case, [Mode.PAIRWISE]):
            base = unit.base
            assert base.mode is Mode.PAIRWISE and base.case_id == case.id and is_derived_unit(base.unit_id)
            ids = [slot.response_id for slot in base.slots]
            assert base.unit_id == "pair:" + ":".join(sorted(ids, key=list(labels).index))
            grades = [labels[i] for i in ids]
            assert "correct" in grades, "two incorrect responses say nothing about which is better"
            if grades == ["correct", "correct"]:
                assert base.label == "tie"
                ties += 1
            else:
                assert base.label == ids[grades.index("correct")]
                better += 1
            assert unit.case.preferred == base.label and unit.case.id == case.id
            assert base.reference == case.reference and base.question == derived_question(case)
    assert ties > 100 and better > 900


def test_non_equivalents_stand_in_as_incorrect_answers(library: Library) -> None:
    case = library.by_id("hle-mc-letter-text")
    assert isinstance(case, GradeCase)
    units = {u.base.unit_id: u.base for u in derive_units(case, [Mode.PAIRWISE])}
    assert "pair:letter:wrong-letter" in units  # a response pair
    assert "pair:letter:non-equivalent-4" in units  # "B. 2" is not a response text
    for n in (1, 2, 3):  # "B", "A. 2" and "A or B" are responses already
        assert not any(uid.endswith(f":non-equivalent-{n}") for uid in units)
    texts = {slot.response_id: slot.text for slot in units["pair:letter:non-equivalent-4"].slots}
    assert texts == {"letter": "A", "non-equivalent-4": "B. 2"}
    assert "Options:\nA. 1\nB. 2" in units["pair:letter:wrong-letter"].question


def test_first_slot_is_balanced_between_better_and_worse(pairwise_suite: list[Variant]) -> None:
    bases = [v for v in pairwise_suite if v.relation is Relation.BASE and v.label != "tie"]
    first = sum(v.slots[0].response_id == v.label for v in bases)
    assert 0.4 < first / len(bases) < 0.6


def test_every_derived_pair_is_judged_in_both_orders(pairwise_suite: list[Variant]) -> None:
    bases = {v.unit_id + v.case_id: v for v in pairwise_suite if v.relation is Relation.BASE}
    swaps = {v.unit_id + v.case_id: v for v in pairwise_suite if v.probe == "position.swap"}
    assert swaps.keys() == bases.keys()
    for key, swap in swaps.items():
        assert swap.slots == bases[key].slots[::-1] and swap.label == bases[key].label


def test_other_probes_take_a_tenth_of_the_derived_pairs(pairwise_suite: list[Variant]) -> None:
    pairs = sum(1 for v in pairwise_suite if v.relation is Relation.BASE)
    units = Counter(v.probe for v in {(v.case_id, v.unit_id, v.probe): v for v in pairwise_suite}.values())
    for probe in ("authority.cite", "bandwagon.crowd", "identity.model_name", "length.pad"):
        assert 0.07 * pairs < units[probe] < 0.13 * pairs, probe
    control = get_probe("authority.cite_control")
    chosen = sum(
        unit_chosen(control, v.case_id, v.unit_id, mode=v.mode)
        for v in pairwise_suite
        if v.relation is Relation.BASE
    )
    assert 0.015 * pairs < chosen < 0.055 * pairs  # a third of a tenth


def test_score_units_expect_correct_above_incorrect(library: Library) -> None:
    case = library.by_id("hle-tc0-notation")
    assert isinstance(case, GradeCase)
    units = derive_units(case, [Mode.SCORE])
    assert [u.base.unit_id for u in units] == [f"score:{r.id}" for r in case.responses]
    for unit, response in zip(units, case.responses, strict=True):
        low, high = CORRECT_RANGE if response.label == "correct" else INCORRECT_RANGE
        assert unit.base.label == f"{low}-{high}" and unit.base.mode is Mode.SCORE
    assert CORRECT_RANGE[0] > INCORRECT_RANGE[1]


def test_score_controls_degrade_correct_answers_to_incorrect_ones(library: Library) -> None:
    cases = [c for c in library if isinstance(c, GradeCase)][:20]
    suite = generate_suite([], derive=[Mode.SCORE], derive_from=cases)
    bases = {(v.case_id, v.unit_id): v for v in suite if v.relation is Relation.BASE}
    correct = "{}-{}".format(*CORRECT_RANGE)
    controls = [
        v for v in suite if v.relation is Relation.CONTROL and bases[v.case_id, v.unit_id].label == correct
    ]
    assert len(controls) > 10
    for variant in controls:
        high = int(variant.label.split("-")[1])
        assert high < CORRECT_RANGE[0], variant.chain_name


def test_plan_derives_for_the_selected_or_judged_modes() -> None:
    assert derived_modes(["pairwise"], None) == {Mode.PAIRWISE}
    assert derived_modes([], None) == frozenset()
    assert derived_modes([], [Mode.GRADE]) == frozenset()  # builtin:reference: no derived units
    assert derived_modes([], list(Mode)) == {Mode.PAIRWISE, Mode.SCORE}
    assert derived_modes(["grade"], list(Mode)) == frozenset()  # an explicit selection wins
    plan = plan_suite(Selection(modes=("pairwise",), probes="position", case_ids=("hle-mc-letter-text",)))
    assert plan.derived == (Mode.PAIRWISE,)
    assert [c.id for c in plan.cases] == ["hle-mc-letter-text"]
    units = plan.derived_units()[Mode.PAIRWISE]
    assert units == len(derive_units(plan.cases[0], [Mode.PAIRWISE]))  # type: ignore[arg-type]
    assert sum(v.probe == "position.swap" for v in plan.variants) == units
    grade_only = plan_suite(
        Selection(probes="position", case_ids=("hle-mc-letter-text",)), judge_modes=[Mode.GRADE]
    )
    assert grade_only.derived == () and all(not is_derived_unit(v.unit_id) for v in grade_only.variants)
    base_only = plan_suite(
        Selection(modes=("pairwise", "score"), probes="none", case_ids=("hle-mc-letter-text",))
    )
    assert sum(is_derived_unit(v.unit_id) for v in base_only.variants) == units + 6


def test_derived_ids_do_not_depend_on_the_process(library: Library) -> None:
    cases = ["hle-mc-letter-text", "hle-tc0-notation"]
    script = (
        "import sys\n"
        "from judgeprobe.cases.loader import load_library\n"
        "from judgeprobe.cases.models import Mode\n"
        "from judgeprobe.probes.suite import generate_suite\n"
        "lib = load_library()\n"
        "cases = [lib.by_id(i) for i in sys.argv[1].split(',')]\n"
        "print('\\n'.join(v.id for v in generate_suite([], derive=list(Mode), derive_from=cases)))\n"
    )
    here = [
        v.id for v in generate_suite([], derive=list(Mode), derive_from=[library.by_id(i) for i in cases])
    ]
    assert len(here) > 50
    for hash_seed in ("2", "7"):
        done = subprocess.run(
            [sys.executable, "-c", script, ",".join(cases)],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
        )
        assert done.stdout.split() == here


def test_dry_run_and_probe_list_count_the_derived_units() -> None:
    from click.testing import CliRunner

    from judgeprobe.harness.cli.main import cli

    runner = CliRunner()
    args = [
        "run",
        "--dry-run",
        "--list",
        "-",
        "--mode",
        "pairwise",
        "--probes",
        "position",
        "--case",
        "hle-mc-letter-text",
    ]
    dry = runner.invoke(cli, args, env={"COLUMNS": "200"})
    assert dry.exit_code == 0, dry.output
    case = plan_suite(Selection(modes=("pairwise",), case_ids=("hle-mc-letter-text",))).cases[0]
    units = len(derive_units(case, [Mode.PAIRWISE]))  # type: ignore[arg-type]
    assert f"Derived from the selected grade cases: {units} pairwise pairs, each judged in both orders" in (
        dry.output
    )
    lines = [line.split() for line in dry.output.splitlines() if "/pair:" in line]
    assert sum(line[-1] == "base" for line in lines) == units
    assert sum(line[-1] == "position.swap" for line in lines) == units  # every pair in both orders
    builtin = runner.invoke(
        cli, ["run", "--dry-run", "--list", "-", "--probes", "position", "--case", "hle-mc-letter-text"]
    )
    assert "pair:" not in builtin.output and "Derived" not in builtin.output  # builtin:reference grades only
    listed = runner.invoke(cli, ["probes", "list"], env={"COLUMNS": "250"})
    counts = derived_counts(plan_suite(Selection(probes="none")).cases)
    assert f"{counts[Mode.PAIRWISE]} pairs judged in both orders" in listed.output
    assert "position.swap takes every one" in listed.output


def test_a_replayed_run_derives_what_its_recording_holds(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from judgeprobe.harness.cli.main import cli

    runner = CliRunner()
    common = ["--case", "hle-mc-letter-text", "--probes", "position", "--no-progress"]
    recorded = tmp_path / "recorded"
    first = runner.invoke(cli, ["run", "--judge", "builtin:reference", "--out", str(recorded), *common])
    assert first.exit_code == 0, first.output
    dry = runner.invoke(cli, ["run", "--judge", f"replay:{recorded}", "--dry-run", "--list", "-", *common])
    assert dry.exit_code == 0, dry.output
    assert "/pair:" not in dry.output  # builtin:reference recorded no derived pairs, so none are asked for
    explicit = runner.invoke(
        cli,
        ["run", "--judge", f"replay:{recorded}", "--dry-run", "--list", "-", "--mode", "pairwise", *common],
    )
    assert "/pair:" in explicit.output  # an explicit --mode still derives
