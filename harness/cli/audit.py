"""``judgeprobe audit``: audit a judge's verdicts in judged-results files (the source article's analysis).

Exit status: 0 when the audit was written (whatever it found), 2 on a usage error or an unreadable input
file (``FILE:LINE: FIELD: message``), 130 when re-judging was interrupted (finished draws are kept).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from judgeprobe.harness.cli.main import UsageProblem
from judgeprobe.harness.cli.main import console as make_console

__all__ = ["audit"]


def _pairs(values: tuple[str, ...], option: str, example: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in values:
        key, sep, item = value.rpartition("=")
        if not sep or not key.strip() or not item.strip():
            raise click.UsageError(f"expected {option} {example}, got {value!r}")
        out[key.strip()] = item.strip()
    return out


@click.command("audit")
@click.argument("results", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("judgeprobe-audit"),
    show_default=True,
    help="Folder for audit.json, audit.md, audit.html, disagreements.jsonl and the CSV tables.",
)
@click.option(
    "--questions",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The benchmark's question rows (id, question, answer, answer_type, category): fills missing fields.",
)
@click.option("--field", "fields", multiple=True, help="Read a field from another column: NAME=COLUMN.")
@click.option(
    "--team-of", "team_of", multiple=True, help="The team of every row of one file: FILE=TEAM (repeatable)."
)
@click.option("--phase", "phases", multiple=True, help="Only this phase (repeatable).")
@click.option("--team", "teams", multiple=True, help="Only this team (repeatable).")
@click.option(
    "--taxonomy",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Error taxonomy YAML (default: shipped).",
)
@click.option(
    "--policy",
    type=click.Choice(["semantic", "strict"]),
    default="semantic",
    show_default=True,
    help="Second opinion: equivalent forms are right (semantic), or the reference's notation must be kept.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Grading processes for large files (default: the available CPUs, at most 4; 1: no pool).",
)
@click.option(
    "--judge-name", help="Name of the judge that produced the verdicts (when the files do not say)."
)
@click.option(
    "--mine",
    "mine_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Write every disagreement as a regression case (flagged for review) into this folder.",
)
@click.option(
    "--judge", "judge_spec", help="Re-judge with this judge (spec or TOML file) through the runner."
)
@click.option(
    "--rejudge",
    type=click.Choice(["disagreements", "all"]),
    help="What --judge re-judges (default: disagreements).",
)
@click.option("--concurrency", default=8, show_default=True, help="Re-judging: maximum calls in flight.")
@click.option("--rpm", type=float, default=None, help="Re-judging: maximum calls started per minute.")
@click.option(
    "--timeout", "timeout_s", default=60.0, show_default=True, help="Re-judging: seconds per attempt."
)
@click.option("--no-progress", is_flag=True, help="No progress bar while re-judging.")
def audit(
    results: tuple[Path, ...],
    out_dir: Path,
    questions: Path | None,
    fields: tuple[str, ...],
    team_of: tuple[str, ...],
    phases: tuple[str, ...],
    teams: tuple[str, ...],
    taxonomy: Path | None,
    policy: str,
    workers: int | None,
    judge_name: str | None,
    mine_dir: Path | None,
    judge_spec: str | None,
    rejudge: str | None,
    concurrency: int,
    rpm: float | None,
    timeout_s: float,
    no_progress: bool,
) -> None:
    """Audit a judge's verdicts in judged-results files (HLE judged JSON, flat JSONL or CSV).

    Every verdict gets a second opinion from the project's safe grader; disagreements are listed (and mined
    with --mine); wrong answers are classified by a keyword taxonomy and TF-IDF keywords; teams are compared
    with intervals and exact paired tests.
    """
    from judgeprobe.cases.errors import CaseError
    from judgeprobe.harness.audit import AuditOptions, mine_cases, run_audit, write_outputs
    from judgeprobe.harness.audit.fields import parse_field_options
    from judgeprobe.harness.audit.terminal import print_summary
    from judgeprobe.harness.core.errors import HarnessError

    if rejudge and not judge_spec:
        raise click.UsageError("--rejudge needs --judge SPEC (the judge to re-judge with)")
    try:
        field_map = parse_field_options(fields)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    options = AuditOptions(
        fields=field_map,
        team_of=_pairs(team_of, "--team-of", "FILE=TEAM"),
        questions=questions,
        phases=phases,
        teams=teams,
        taxonomy=taxonomy,
        policy="strict" if policy == "strict" else "semantic",
        judge_name=judge_name,
        workers=workers,
    )
    console = make_console()
    interrupted = False
    try:
        result = run_audit(list(results), options)
        if judge_spec:
            from judgeprobe.harness.audit.rejudge import rejudge as run_rejudge
            from judgeprobe.harness.run.runner import RunOptions

            chosen = rejudge or "disagreements"
            pairs = (
                list(zip(result.rows, result.opinions, strict=True))
                if chosen == "all"
                else [(d.row, d.opinion) for d in result.disagreements]
            )
            section = run_rejudge(
                [row for row, _ in pairs],
                [opinion for _, opinion in pairs],
                judge_spec=judge_spec,
                out=out_dir,
                scope=chosen,
                options=RunOptions(concurrency=concurrency, rpm=rpm, timeout_s=timeout_s),
                show_progress=not no_progress and sys.stderr.isatty(),
            )
            result.report["rejudge"] = section
            interrupted = bool(section["interrupted"])
        files = write_outputs(result, out_dir)
        if mine_dir is not None:
            judge = ", ".join(result.report["judge"]) or None
            mined = mine_cases(
                result.disagreements, mine_dir, grader=result.second_opinion.grader, policy=options.policy,
                judge=judge,
            )  # fmt: skip
            files += list(mined.files)
    except (CaseError, HarnessError) as exc:
        raise UsageProblem(str(exc)) from None
    print_summary(console, result.report, files)
    if mine_dir is not None:
        console.print(
            f"mined {mined.added} new case(s) into {mine_dir}/ ({mined.kept} already there, {mined.repeated} "
            "repeated); they are unreviewed: `judgeprobe cases lint --cases DIR --no-builtin` lists them"
        )
    if interrupted:
        console.print("[yellow]Re-judging was interrupted: finished draws are kept; rerun to resume.[/]")
        sys.exit(130)
