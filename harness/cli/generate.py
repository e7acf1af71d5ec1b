"""``judgeprobe generate``: a model answers the library's questions; the answers, graded by a reference
grader, become responses with an author in a case folder (for self-preference statistics).

Exit codes: 0 the file was written (whatever was answered), 2 usage or configuration error.
"""

from __future__ import annotations

from pathlib import Path

import click

from judgeprobe.harness.cli.main import UsageProblem
from judgeprobe.harness.cli.main import console as make_console

__all__ = ["generate"]


@click.command("generate")
@click.option(
    "--model",
    "spec",
    required=True,
    help="Generator: any judge spec or .toml (openai:MODEL@URL, anthropic:MODEL, command:…, python:mod:fn). "
    "It gets the shipped answer prompt unless its configuration names a template.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("generated-cases"),
    show_default=True,
    help="Case folder to write (generated.yaml there is extended, so several models can answer).",
)
@click.option("--family", default=None, help="Author family (default: the model name's leading letters).")
@click.option("--model-name", default=None, help="Author model name (default: the configuration's model).")
@click.option(
    "--grader", default="builtin:reference", show_default=True, help="Reference grader that labels."
)
@click.option(
    "--cases",
    "case_dirs",
    multiple=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Extra case folder (repeatable).",
)
@click.option("--no-builtin-cases", is_flag=True, help="Do not read the shipped library.")
@click.option("--case", "case_ids", multiple=True, help="Only this case id (repeatable).")
@click.option("--tag", "tags", multiple=True, help="Only cases with this tag (repeatable).")
@click.option("--kind", "kinds", multiple=True, help="Only grade cases of this answer kind (repeatable).")
@click.option(
    "--concurrency", default=4, show_default=True, type=click.IntRange(min=1), help="Calls in flight."
)
def generate(
    spec: str,
    out_dir: Path,
    family: str | None,
    model_name: str | None,
    grader: str,
    case_dirs: tuple[Path, ...],
    no_builtin_cases: bool,
    case_ids: tuple[str, ...],
    tags: tuple[str, ...],
    kinds: tuple[str, ...],
    concurrency: int,
) -> None:
    """Have a model answer the grade questions, grade its answers, and write them with their author."""
    from judgeprobe.cases.errors import CaseError
    from judgeprobe.cases.loader import load_library
    from judgeprobe.cases.models import Author, GradeCase
    from judgeprobe.harness.core.errors import HarnessError
    from judgeprobe.harness.judges.registry import load_judge
    from judgeprobe.harness.run.generate import default_family, generate_cases, generator_config

    console = make_console()
    try:
        library = load_library(list(case_dirs), include_builtin=not no_builtin_cases)
        chosen = [c for c in library.select(ids=case_ids, tags=tags, kinds=kinds) if isinstance(c, GradeCase)]
        unknown = sorted(set(case_ids) - {c.id for c in chosen})
        if unknown:
            raise click.UsageError(
                f"unknown grade case id(s): {', '.join(unknown)}; see 'judgeprobe cases list'"
            )
        if not chosen:
            raise click.UsageError("no grade case matches the selection; see 'judgeprobe cases list'")
        judge = load_judge(generator_config(spec))
        judge.preflight()
        model = model_name or getattr(getattr(judge, "config", None), "model", None) or judge.name
        author = Author(model=model, family=family or default_family(model))
        done = generate_cases(chosen, generator=judge, out=out_dir, author=author, grader=grader,
                              concurrency=concurrency)  # fmt: skip
    except (CaseError, HarnessError, ValueError) as exc:
        raise UsageProblem(str(exc)) from None
    console.print(
        f"{author.model} (family {author.family}): {done.asked} questions asked, {done.kept} answered "
        "before; "
        f"{done.correct} correct, {done.incorrect} incorrect, {len(done.ungraded)} left out (the grader "
        f"could not decide), {len(done.failed)} without a reply (rerun to retry)."
    )
    for what, ids in (("left out", done.ungraded), ("no reply", done.failed)):
        if ids:
            console.print(f"{what}: {', '.join(ids[:20])}" + (" …" if len(ids) > 20 else ""))
    console.print(
        f"Written to {done.path}. Run a judge on it with: judgeprobe run --no-builtin-cases --cases "
        f"{out_dir} --judge SPEC (self-preference needs answers from at least two families)."
    )
