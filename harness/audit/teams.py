"""Teams compared: accuracy, calibration, missing items, unique solves, and paired tests on shared questions.

An *item* is a question in a phase. A team takes part in a phase when the phase has any row of it. Its items
are every question of the phase (the ``--questions`` file, else every question any team's row names), and an
item without a usable judged row is *missing* and counts as wrong in ``accuracy`` (as HLE counts unjudged
items); ``accuracy_answered`` divides by the answered items only. The calibration error is the harness's HLE
RMS error (:func:`~judgeprobe.harness.stats.calibration.rms_calibration_error`, last bin counted, any size)
over answered items with a stated confidence.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from itertools import combinations
from typing import Any

from judgeprobe.harness.audit.rows import JudgedRow
from judgeprobe.harness.stats.calibration import rms_calibration_error
from judgeprobe.harness.stats.exact import mcnemar
from judgeprobe.harness.stats.intervals import newcombe_paired, wilson

__all__ = ["pairwise_tests", "phase_stats", "solves"]


def _accuracy_block(rows: Sequence[JudgedRow], items: int, unique: int) -> dict[str, Any]:
    correct = sum(1 for r in rows if r.correct)
    answered = len(rows)
    stated = [r for r in rows if r.confidence is not None]
    calibration = rms_calibration_error([r.confidence / 100.0 for r in stated], [r.correct for r in stated])  # type: ignore[operator]
    return {
        "items": items,
        "answered": answered,
        "missing": items - answered,
        "judged_correct": correct,
        "accuracy": correct / items if items else None,
        "accuracy_ci": wilson(correct, items).as_list(),
        "accuracy_answered": correct / answered if answered else None,
        "accuracy_answered_ci": wilson(correct, answered).as_list(),
        "calibration_error": calibration.rms if calibration else None,
        "calibration_n": calibration.n if calibration else 0,
        "calibration_bins": [
            {"n": b.n, "mean_confidence": b.mean_confidence, "accuracy": b.accuracy} for b in calibration.bins
        ]
        if calibration
        else [],
        "unique_correct": unique,
    }


def solves(
    rows: Sequence[JudgedRow], universe: Mapping[str, Sequence[str]], teams_in: Mapping[str, Sequence[str]]
) -> dict[str, dict[str, Any]]:
    """Per phase: questions solved by all teams of the phase, by none, and by exactly one (which)."""
    solved: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in rows:
        if row.correct:
            solved[row.key].add(row.team)
    out: dict[str, dict[str, Any]] = {}
    for phase, ids in universe.items():
        teams = list(teams_in.get(phase, ()))
        by_one: dict[str, list[str]] = {team: [] for team in teams}
        all_n = none_n = 0
        for qid in ids:
            who = solved.get((phase, qid), set())
            if teams and len(who) == len(teams):
                all_n += 1
            if not who:
                none_n += 1
            if len(who) == 1:
                by_one[next(iter(who))].append(qid)
        out[phase] = {
            "teams": teams,
            "questions": len(ids),
            "solved_by_all": all_n,
            "solved_by_none": none_n,
            "solved_by_exactly_one": sum(len(v) for v in by_one.values()),
            "unique_by_team": {team: len(v) for team, v in by_one.items()},
            "unique_ids": {team: sorted(v) for team, v in by_one.items()},
        }
    return out


def phase_stats(
    rows: Sequence[JudgedRow],
    universe: Mapping[str, Sequence[str]],
    teams_in: Mapping[str, Sequence[str]],
    solved: Mapping[str, Mapping[str, Any]],
) -> dict[str, dict[str, Any]]:
    """Team -> accuracy block over all its phases, with ``phases`` -> phase -> the same block per phase."""
    by: dict[tuple[str, str], list[JudgedRow]] = defaultdict(list)
    for row in rows:
        by[row.team, row.phase or ""].append(row)
    teams = sorted({team for members in teams_in.values() for team in members})
    out: dict[str, dict[str, Any]] = {}
    for team in teams:
        phases: dict[str, dict[str, Any]] = {}
        every: list[JudgedRow] = []
        items = unique = 0
        for phase, members in teams_in.items():
            if team not in members:
                continue
            part = by.get((team, phase), [])
            n_items = len(universe[phase])
            n_unique = int(solved[phase]["unique_by_team"].get(team, 0))
            phases[phase] = _accuracy_block(part, n_items, n_unique)
            every += part
            items += n_items
            unique += n_unique
        entry = _accuracy_block(every, items, unique)
        entry["phases"] = phases
        out[team] = entry
    return out


def pairwise_tests(rows: Sequence[JudgedRow], teams_in: Mapping[str, Sequence[str]]) -> list[dict[str, Any]]:
    """Per phase and pair of teams: shared questions, the 2x2 table, the accuracy difference with Newcombe's
    paired interval, and the exact McNemar p-value (``q`` is filled in later, one BH family per audit).

    The tables come from one teams x questions matrix per phase (answered, right), so many teams stay cheap.
    """
    import numpy as np

    out: list[dict[str, Any]] = []
    by_phase: dict[str, list[JudgedRow]] = defaultdict(list)
    for row in rows:
        by_phase[row.phase or ""].append(row)
    for phase, teams in teams_in.items():
        members = sorted(teams)
        team_index = {team: i for i, team in enumerate(members)}
        part = [r for r in by_phase.get(phase, []) if r.team in team_index]
        question_index = {qid: i for i, qid in enumerate(sorted({r.id for r in part}))}
        answered = np.zeros((len(members), len(question_index)), dtype=np.int64)
        right = np.zeros_like(answered)
        for r in part:
            answered[team_index[r.team], question_index[r.id]] = 1
            right[team_index[r.team], question_index[r.id]] = int(r.correct)
        wrong = answered - right
        both_right, both_answered = right @ right.T, answered @ answered.T
        first_only = right @ wrong.T
        for i, j in combinations(range(len(members)), 2):
            a, b, c = int(both_right[i, j]), int(first_only[i, j]), int(first_only[j, i])
            n = int(both_answered[i, j])
            d = n - a - b - c
            test = mcnemar(b, c)
            out.append(
                {
                    "phase": phase,
                    "first": members[i],
                    "second": members[j],
                    "shared": n,
                    "both": a,
                    "first_only": b,
                    "second_only": c,
                    "neither": d,
                    "difference": (b - c) / n if n else None,
                    "difference_ci": newcombe_paired(a, b, c, d).as_list(),
                    "p_exact": test.p_exact,
                    "q": None,
                }
            )
    return out
