"""The audit itself: read every file, give every verdict a second opinion, and build the report document.

:func:`run_audit` returns an :class:`Audit`: the rows and their opinions (for mining and re-judging) and
``report``, the JSON-ready document written as ``audit.json`` (schema in ``docs/audit-schema.md``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from judgeprobe.harness.audit.errortypes import (
    classify_rows,
    error_table,
    keyword_table,
    mean_part_scores,
    type_counts,
)
from judgeprobe.harness.audit.mcform import FORMS, form_by_team, within_questions
from judgeprobe.harness.audit.readers import Question, read_questions, read_results
from judgeprobe.harness.audit.rows import AuditInputError, JudgedRow, Unusable
from judgeprobe.harness.audit.second_opinion import Opinion, Policy, SecondOpinion
from judgeprobe.harness.audit.taxonomy import Taxonomy, load_taxonomy
from judgeprobe.harness.audit.teams import pairwise_tests, phase_stats, solves
from judgeprobe.harness.audit.verdicts import (
    Disagreement,
    DisagreementKind,
    agreement_table,
    find_disagreements,
)
from judgeprobe.harness.stats.fdr import benjamini_hochberg

__all__ = ["SCHEMA_VERSION", "Audit", "AuditOptions", "run_audit"]

SCHEMA_VERSION = "1"
"""Version of the ``audit.json`` document."""


@dataclass(frozen=True)
class AuditOptions:
    """What to read and how to analyse it (the command line's options)."""

    fields: Mapping[str, str] = field(default_factory=dict)
    """``--field`` overrides: canonical field -> column name."""
    team_of: Mapping[str, str] = field(default_factory=dict)
    """``--team-of FILE=TEAM``: the team of every row of one file (as the file is given)."""
    questions: Path | None = None
    """``--questions``: the benchmark's question rows."""
    phases: tuple[str, ...] = ()
    """``--phase``: keep only these phases (empty: all)."""
    teams: tuple[str, ...] = ()
    """``--team``: keep only these teams (empty: all)."""
    taxonomy: Path | None = None
    """``--taxonomy``: a replacement error taxonomy (``None``: the shipped one)."""
    policy: Policy = "semantic"
    """Grading policy of the second opinion."""
    judge_name: str | None = None
    """``--judge-name``: the judge that produced the verdicts, when the files do not say."""
    workers: int | None = None
    """``--workers``: grading processes for large files (``None``: the available CPUs, at most 4)."""


@dataclass
class Audit:
    """Everything an audit found."""

    rows: list[JudgedRow]
    """Usable rows analysed (after ``--phase``/``--team``)."""
    opinions: list[Opinion]
    """The grader's opinion of each row, same order."""
    types: list[str | None]
    """Error type of each row judged incorrect, same order."""
    disagreements: list[Disagreement]
    """Rows where judge and grader differ."""
    unusable: list[Unusable]
    """Rows that could not be used, with reasons."""
    taxonomy: Taxonomy
    """The taxonomy used."""
    second_opinion: SecondOpinion
    """The grader (its cache and call count)."""
    report: dict[str, Any]
    """The ``audit.json`` document."""


def _tool_version() -> str:
    try:
        return version("judgeprobe")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "unknown"


def _read_all(
    paths: Sequence[Path], options: AuditOptions, questions: Mapping[str, Question]
) -> tuple[list[JudgedRow], list[Unusable], list[str], list[dict[str, Any]]]:
    rows: list[JudgedRow] = []
    unusable: list[Unusable] = []
    warnings: list[str] = []
    inputs: list[dict[str, Any]] = []
    first_seen: dict[tuple[str, str, str], JudgedRow] = {}
    team_of = _team_of(paths, options.team_of)
    for index, path in enumerate(paths):
        shown = str(path)
        result = read_results(
            path, shown=shown, fields=options.fields, team=team_of.get(index), questions=questions
        )
        kept = 0
        for row in result.rows:
            key = (row.team, row.phase or "", row.id)
            first = first_seen.get(key)
            if first is not None:
                unusable.append(
                    Unusable(
                        row.source, row.line, row.id, row.team, row.phase, "id",
                        f"duplicate row for team {row.team!r}, phase {row.phase or '-'} and this question "
                        f"(first at {first.source}:{first.line}); only the first is used",
                    )
                )  # fmt: skip
                continue
            first_seen[key] = row
            rows.append(row)
            kept += 1
        unusable += result.unusable
        warnings += result.warnings
        inputs.append({"file": shown, "shape": result.shape, "rows": kept, "unusable": len(result.unusable)})
    return rows, unusable, warnings, inputs


def _team_of(paths: Sequence[Path], team_of: Mapping[str, str]) -> dict[int, str]:
    """``--team-of FILE=TEAM`` by the index of the results file it names (as given, or the same file by
    another spelling: ``./r.csv`` for ``r.csv``).

    Raises:
        AuditInputError: a FILE names none of the results files (a typo would silently keep the file's own
            team names).
    """
    out: dict[int, str] = {}
    for name, team in team_of.items():
        matches = [i for i, path in enumerate(paths) if str(path) == name]
        if not matches:
            target = Path(name).resolve()
            matches = [i for i, path in enumerate(paths) if path.resolve() == target]
        if not matches:
            raise AuditInputError(
                name,
                None,
                "--team-of",
                f"names none of the results files ({', '.join(map(str, paths))})",
            )
        for index in matches:
            out[index] = team
    return out


def _unmatched(options: AuditOptions, rows: Sequence[JudgedRow | Unusable]) -> list[str]:
    """Warnings for ``--team`` and ``--phase`` values that no row has."""
    warnings = []
    teams = sorted({r.team for r in rows if r.team is not None})
    phases = sorted({r.phase or "" for r in rows})
    for team in options.teams:
        if team not in teams:
            warnings.append(f"--team {team!r} matches no row; the teams are: {', '.join(teams) or 'none'}")
    for phase in options.phases:
        if phase not in phases:
            shown = ", ".join(repr(p) for p in phases)
            warnings.append(f"--phase {phase!r} matches no row; the phases are: {shown}")
    return warnings


def _wanted(phase: str | None, team: str | None, options: AuditOptions) -> bool:
    if options.phases and (phase or "") not in options.phases:
        return False
    return not (options.teams and team is not None and team not in options.teams)


def run_audit(paths: Sequence[Path], options: AuditOptions | None = None) -> Audit:
    """Audit judged-results files.

    Raises:
        AuditInputError: a file (results, questions or taxonomy) cannot be read.
    """
    options = options or AuditOptions()
    taxonomy = load_taxonomy(options.taxonomy)
    questions = read_questions(options.questions) if options.questions else {}
    all_rows, all_unusable, warnings, inputs = _read_all(paths, options, questions)
    warnings += _unmatched(options, [*all_rows, *all_unusable])
    phase_rows = [r for r in all_rows if _wanted(r.phase, None, options)]
    phase_unusable = [u for u in all_unusable if _wanted(u.phase, None, options)]
    universe: dict[str, list[str]] = {}
    if questions:
        phases = sorted({r.phase or "" for r in phase_rows} | {u.phase or "" for u in phase_unusable})
        universe = {phase: sorted(questions) for phase in phases}
        unknown = sorted({r.id for r in phase_rows} - set(questions))
        if unknown:
            warnings.append(
                f"{len(unknown)} question id(s) of the results are not in {options.questions} "
                f"(first: {unknown[0]}); they count as extra items"
            )
            for phase in universe:
                universe[phase] = sorted(set(universe[phase]) | set(unknown))
    else:
        ids: dict[str, set[str]] = defaultdict(set)
        found: list[JudgedRow | Unusable] = [*phase_rows, *phase_unusable]
        for item in found:
            if item.id:
                ids[item.phase or ""].add(item.id)
        universe = {phase: sorted(found) for phase, found in sorted(ids.items())}
    rows = [r for r in phase_rows if _wanted(r.phase, r.team, options)]
    unusable = [u for u in phase_unusable if _wanted(u.phase, u.team, options)]
    teams_in: dict[str, list[str]] = {phase: [] for phase in universe}
    kept: list[JudgedRow | Unusable] = [*rows, *unusable]
    for item in kept:
        if item.team is not None and item.team not in teams_in.setdefault(item.phase or "", []):
            teams_in[item.phase or ""].append(item.team)
    teams_in = {phase: sorted(teams) for phase, teams in teams_in.items() if teams}
    universe = {phase: ids for phase, ids in universe.items() if phase in teams_in}

    grader = SecondOpinion(options.policy, workers=options.workers)
    keys = [
        grader.key(
            row.reference,
            extracted=row.extracted,
            response=row.response,
            answer_type=row.answer_type,
            question=row.question,
        )
        for row in rows
    ]
    pending = grader.start(keys)  # a large batch grades in worker processes while the rest is computed
    types = classify_rows(rows, taxonomy)
    solved = solves(rows, universe, teams_in)
    teams = phase_stats(rows, universe, teams_in, solved)
    pairwise = pairwise_tests(rows, teams_in)
    keywords = keyword_table(rows)
    grader.finish(pending)
    opinions = [grader.opinion_of(key) for key in keys]
    disagreements = find_disagreements(rows, opinions)
    mc_teams = form_by_team(rows, opinions)
    mc_within = within_questions(rows, opinions)
    parts = mean_part_scores(rows, types, taxonomy)
    types_by_team: dict[str, list[str | None]] = defaultdict(list)
    for row, type_id in zip(rows, types, strict=True):
        types_by_team[row.team].append(type_id)
    for team, entry in teams.items():
        entry["error_types"] = type_counts(types_by_team.get(team, []), taxonomy)
        entry["mean_part_score_by_error_type"] = {
            type_id: cell["mean"] for type_id, cell in parts.get(team, {}).items()
        }
        mc = mc_teams.get(team)
        entry["mc"] = (
            {form: {"n": mc[form]["n"], "correct": mc[form]["correct"]} for form in FORMS}
            if mc
            else {form: {"n": 0, "correct": 0} for form in FORMS}
        )
    family = (
        [p["p_exact"] for p in pairwise]
        + [mc_teams[t]["p_fisher"] for t in mc_teams]
        + [mc_within["p_sign_test"]]
    )
    qs = benjamini_hochberg(family)
    for entry, q in zip(pairwise, qs[: len(pairwise)], strict=True):
        entry["q"] = q
    for team, q in zip(mc_teams, qs[len(pairwise) : len(pairwise) + len(mc_teams)], strict=True):
        mc_teams[team]["q"] = q
    mc_within["q"] = qs[-1]
    judges = sorted({r.judge for r in rows if r.judge}) or (
        [options.judge_name] if options.judge_name else []
    )
    report: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "tool_version": _tool_version(),
        "inputs": inputs,
        "questions_file": str(options.questions) if options.questions else None,
        "filters": {"phases": list(options.phases), "teams": list(options.teams)},
        "judge": judges,
        "grader": {"spec": grader.grader, "policy": options.policy, "distinct_graded": grader.calls},
        "taxonomy": {"name": taxonomy.name, "source": taxonomy.source, "labels": taxonomy.labels},
        "rows": len(rows),
        "unusable": {
            "count": len(unusable),
            "by_field": dict(Counter(u.field or "row" for u in unusable).most_common()),
            "items": [u.as_dict() for u in unusable],
        },
        "warnings": warnings,
        "phases": {
            phase: {"questions": len(universe[phase]), "teams": teams_in[phase]} for phase in universe
        },
        "agreement": agreement_table(rows, opinions),
        "disagreement_counts": {
            str(kind): sum(1 for d in disagreements if d.kind is kind) for kind in DisagreementKind
        },
        "disagreements": [d.as_dict() for d in disagreements],
        "teams": teams,
        "solves": solved,
        "pairwise": pairwise,
        "error_types": {
            "overall": type_counts(types, taxonomy),
            "by_team_phase": error_table(rows, types, taxonomy),
            "mean_part_score": parts,
        },
        "keywords": keywords,
        "mc": {"by_team": mc_teams, "within_questions": mc_within},
        "bh_scope": "one Benjamini-Hochberg family: every pairwise team test, every per-team multiple-choice "
        "form test and the within-question form test of this audit",
    }
    return Audit(rows, opinions, types, disagreements, unusable, taxonomy, grader, report)
