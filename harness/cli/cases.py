"""``judgeprobe cases``: lint, list, show the case library, and print its JSON Schema for editors.

Exit codes: 0 fine, 1 problems found (lint) or the library cannot be loaded, 2 usage error (including an
unknown case id).
"""

from __future__ import annotations

import difflib
import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
from pydantic import TypeAdapter
from rich.console import Console
from rich.table import Table
from rich.text import Text

from judgeprobe.cases.lint import Severity, lint_library
from judgeprobe.cases.loader import AnyCase, Library, load_library_report
from judgeprobe.cases.models import AnswerKind, Case, GradeCase, Mode

__all__ = ["case_file_schema", "cases"]

_CASES_OPTION = click.option(
    "--cases",
    "case_dirs",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="Extra folder (searched recursively for *.yaml) or file of cases; repeatable.",
)
_NO_BUILTIN_OPTION = click.option(
    "--no-builtin", is_flag=True, help="Leave out the shipped library; use only the --cases folders."
)
_MODES = [str(mode) for mode in Mode]


def _console() -> Console:
    from judgeprobe.harness.cli.main import console

    return console()


def _load(case_dirs: Sequence[Path], *, no_builtin: bool) -> Library:
    """Load the library or exit 1 after printing every problem (to stderr)."""
    if no_builtin and not case_dirs:
        raise click.UsageError("--no-builtin needs at least one --cases folder")
    library, errors = load_library_report(case_dirs, include_builtin=not no_builtin)
    if library is None:
        for error in errors:
            click.echo(str(error), err=True)
        click.echo(f"the case library has {len(errors)} problem(s); fix them first", err=True)
        raise SystemExit(1)
    return library


def _quote(text: str) -> str:
    """Show a surface form exactly, in double quotes (no escaping: backslashes are part of the form)."""
    return '"' + text.replace("\n", "\u23ce") + '"'


def _trick(case: AnyCase) -> str:
    return case.tags[0] if case.tags else "(untagged)"


def _kind(case: AnyCase) -> str:
    return str(case.answer_kind) if isinstance(case, GradeCase) else "-"


@click.group("cases")
def cases() -> None:
    """Inspect and lint the case library."""


@cases.command("lint")
@_CASES_OPTION
@_NO_BUILTIN_OPTION
def lint(case_dirs: tuple[Path, ...], no_builtin: bool) -> None:
    """Check every case file; print each problem as FILE:LINE: FIELD: message.

    Linting the shipped library also checks its coverage (number of cases, trick kinds, modes, seed
    cases). Exits 1 when any error is found; warnings are printed but do not fail.
    """
    if no_builtin and not case_dirs:
        raise click.UsageError("--no-builtin needs at least one --cases folder to lint")
    library, errors = load_library_report(case_dirs, include_builtin=not no_builtin)
    lines = [str(error) for error in errors]
    failed = len(errors)
    warnings = 0
    if library is not None:
        for issue in lint_library(library, require_coverage=not no_builtin):
            lines.append(str(issue))
            if issue.severity is Severity.ERROR:
                failed += 1
            else:
                warnings += 1
    for line in lines:
        click.echo(line)
    console = _console()
    if library is not None:
        console.print(_summary(library))
        kinds = Counter(_kind(case) for case in library if isinstance(case, GradeCase))
        console.print("answer kinds: " + ", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items())))
    verdict = f"{failed} error(s), {warnings} warning(s)"
    if failed:
        console.print(f"[bold red]lint failed:[/] {verdict}")
        raise SystemExit(1)
    console.print(f"[bold green]lint passed:[/] {verdict}")


def _summary(library: Library) -> Table:
    counts = Counter((_trick(case), str(case.mode)) for case in library)
    tricks = sorted({trick for trick, _ in counts})
    table = Table(title=f"{len(library)} cases over {len(tricks)} trick kinds")
    table.add_column("trick kind (first tag)", no_wrap=True)
    for mode in _MODES:
        table.add_column(mode, justify="right")
    table.add_column("total", justify="right")
    for trick in tricks:
        row = [counts[trick, mode] for mode in _MODES]
        table.add_row(trick, *(str(n) for n in row), str(sum(row)))
    totals = [sum(counts[trick, mode] for trick in tricks) for mode in _MODES]
    table.add_row("all", *(str(n) for n in totals), str(len(library)), style="bold")
    return table


@cases.command("list")
@click.option("--tag", "tags", multiple=True, help="Keep cases carrying this tag; repeatable (any matches).")
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice([str(kind) for kind in AnswerKind]),
    help="Keep grade cases of this answer kind; repeatable.",
)
@click.option("--trick", "tricks", multiple=True, help="Keep cases whose first tag (trick kind) is this.")
@click.option("--mode", "modes", multiple=True, type=click.Choice(_MODES), help="Keep cases of this mode.")
@_CASES_OPTION
@_NO_BUILTIN_OPTION
def list_cases(
    tags: tuple[str, ...],
    kinds: tuple[str, ...],
    tricks: tuple[str, ...],
    modes: tuple[str, ...],
    case_dirs: tuple[Path, ...],
    no_builtin: bool,
) -> None:
    """List cases as a table: id, mode, answer kind, tags, number of responses, source."""
    library = _load(case_dirs, no_builtin=no_builtin).select(
        tags=tags, kinds=kinds, tricks=tricks, modes=modes
    )
    table = Table(title=f"{len(library)} case(s)")
    table.add_column("id", no_wrap=True)
    table.add_column("mode", min_width=8, no_wrap=True)
    table.add_column("kind", overflow="fold")
    table.add_column("tags")
    table.add_column("#", justify="right")
    table.add_column("source", overflow="fold", max_width=28)
    for case in library:
        table.add_row(
            case.id, str(case.mode), _kind(case), ", ".join(case.tags), str(len(case.responses)), case.source
        )
    _console().print(table)


@cases.command("show")
@click.argument("case_id")
@_CASES_OPTION
@_NO_BUILTIN_OPTION
def show(case_id: str, case_dirs: tuple[Path, ...], no_builtin: bool) -> None:
    """Print one case: question, reference, choices, forms, responses with labels, source, doubt."""
    library = _load(case_dirs, no_builtin=no_builtin)
    if case_id not in library:
        close = difflib.get_close_matches(case_id, library.ids, n=3, cutoff=0.5)
        hint = (
            f"; did you mean {', '.join(repr(c) for c in close)}?"
            if close
            else "; see `judgeprobe cases list`"
        )
        click.echo(f"Error: unknown case id {case_id!r}{hint}", err=True)
        raise SystemExit(2)
    case = library.by_id(case_id)
    console = _console()
    file, line = library.files.get(case.id, (None, None))
    where = f"  ({file}:{line})" if file else ""
    console.print(Text.assemble((case.id, "bold"), f"  {case.mode} {_kind(case)}{where}"))
    fields: list[tuple[str, Any]] = [("question", case.question), ("reference", case.reference)]
    if isinstance(case, GradeCase):
        if case.choices:
            fields.append(("choices", "  ".join(f"{k}. {v}" for k, v in case.choices.items())))
        fields += [("equivalents", case.equivalents), ("non_equivalents", case.non_equivalents)]
        if case.tolerance is not None:
            fields.append(("tolerance", case.tolerance))
        if case.aliases:
            fields.append(("aliases", case.aliases))
    fields += [("tags", case.tags), ("source", case.source), ("note", case.note)]
    if case.reference_doubt:
        fields.append(("reference doubt", case.doubt_reason))
    for name, value in fields:
        if value is None or value == ():
            continue
        if name == "tags":
            value = ", ".join(value)
        shown = " | ".join(_quote(v) for v in value) if isinstance(value, tuple) else str(value)
        console.print(Text.assemble((f"{name}: ", "bold"), shown))
    table = Table(title="responses", show_lines=False)
    for column in ("id", "label", "text", "why"):
        table.add_column(column)
    for response in case.responses:
        label = response.label if isinstance(response.label, str) else "{}..{}".format(*response.label)
        table.add_row(Text(response.id), Text(label), Text(_quote(response.text)), Text(response.why))
    console.print(table)


@cases.command("grade-check")
@_CASES_OPTION
@_NO_BUILTIN_OPTION
@click.option(
    "--list-held-out",
    is_flag=True,
    help="Also list the held-out part's disagreements (for auditing; never tune the grader on them).",
)
@click.option(
    "--json",
    "json_out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write every graded response and the table to this JSON file.",
)
@click.option("--no-check", is_flag=True, help="Report only; exit 0 even below the targets.")
def grade_check_command(
    case_dirs: tuple[Path, ...], no_builtin: bool, list_held_out: bool, json_out: Path | None, no_check: bool
) -> None:
    """Grade every response with builtin:reference and report its agreement with the labels.

    Per part of the library (development / held-out, split by a fixed hash of the case id; see
    docs/grading.md) and per answer kind: agreement with its interval, undecided responses (each with the
    grader's reason), false accepts and false rejects. Exits 1 when the development part is below 97 %,
    the held-out part below 90 %, or any labelled-incorrect response is accepted.
    """
    from judgeprobe.harness.cli.grade_check import report_grade_check

    library = _load(case_dirs, no_builtin=no_builtin)
    raise SystemExit(
        report_grade_check(
            library, _console(), list_held_out=list_held_out, json_out=json_out, check=not no_check
        )
    )


def case_file_schema() -> dict[str, Any]:
    """JSON Schema of a case file (a mapping with a top-level ``cases`` list), for editors.

    The schema is a little stricter than the loader: it wants quoted strings where the loader also
    accepts an unquoted number, and it wants ``mode`` where the loader defaults it to ``grade``.
    """
    inner = TypeAdapter(Case).json_schema()
    definitions = inner.pop("$defs", {})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "judgeprobe case file",
        "description": "A YAML file under cases/library/ or a --cases folder: a list of judge test cases.",
        "type": "object",
        "properties": {"cases": {"type": "array", "items": inner, "description": "The cases of this file."}},
        "required": ["cases"],
        "additionalProperties": False,
        "$defs": definitions,
    }


@cases.command("schema")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the schema to this file.")
def schema(out: Path | None) -> None:
    """Print the JSON Schema of a case file (point your editor's YAML plugin at it)."""
    text = json.dumps(case_file_schema(), indent=2, ensure_ascii=False) + "\n"
    if out is None:
        click.echo(text, nl=False)
        return
    out.write_text(text, encoding="utf-8")
    click.echo(f"wrote {out}")
