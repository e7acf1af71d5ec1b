"""``judgeprobe judges``: list the judge backends, show what a judge spec resolves to, and render exactly
what it would send for one case."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from judgeprobe.harness.cli.main import UsageProblem
from judgeprobe.harness.cli.main import console as make_console
from judgeprobe.harness.core.errors import HarnessError
from judgeprobe.harness.judges.registry import available_backends, load_config, load_judge

__all__ = ["judges"]


@click.group(name="judges")
def judges() -> None:
    """List the judge backends, inspect judge configurations, render their prompts."""


@judges.command(name="list")
def list_backends() -> None:
    """Every registered backend: shipped ones and those installed through the entry-point group
    ``judgeprobe.judges``."""
    table = Table(title="Judge backends", title_justify="left")
    table.add_column("backend", style="bold")
    table.add_column("description")
    table.add_column("origin")
    for info in available_backends():
        table.add_row(info.name, info.description, info.origin)
    make_console().print(table)


@judges.command(name="show")
@click.argument("spec")
def show(spec: str) -> None:
    """Show the configuration and hash a judge SPEC (one-line spec or TOML file) resolves to.

    Exit status 2 when the configuration cannot be used (a template's mode is ambiguous, a file is
    missing, …).
    """
    try:
        judge = load_judge(load_config(spec))
    except HarnessError as exc:
        raise UsageProblem(str(exc)) from None
    console = make_console()
    console.print(f"[bold]judge[/bold]   {judge.name}")
    console.print(f"[bold]hash[/bold]    {judge.config_hash}")
    for line in _template_lines(judge):
        console.print(line, highlight=False, markup=False)
    config = getattr(judge, "config", None)
    if config is not None:
        data = config.model_dump(mode="json", exclude={"template_text"})
        for key, value in data.items():
            if value not in (None, {}, ""):
                console.print(f"  {key} = {value!r}", highlight=False, markup=False)


def _template_lines(judge: Any) -> list[str]:
    """One line per template in use: name, syntax, mode, roles, hardening."""
    from judgeprobe.harness.judges.configured_template import harden_for

    templates = getattr(judge, "templates", None)
    prompting = getattr(judge, "prompting", None)
    if templates is None and prompting is not None and prompting.template is not None:
        templates = {prompting.mode: prompting.template}
    lines = []
    for mode, template in (templates or {}).items():
        hardened = "hardened" if harden_for(judge.config, template) else "verbatim"
        roles = "+".join(template.roles)
        lines.append(f"template {mode}: {template.name} ({template.syntax} syntax, {roles}, {hardened})")
    return lines


@judges.command(name="render")
@click.argument("spec")
@click.option("--case", "case_id", required=True, help="The case to render.")
@click.option(
    "--response", "response_id", default=None, help="The response (unit) of the case [default: first]."
)
@click.option(
    "--variant",
    "variant_id",
    default=None,
    help="A probe variant's id (or a unique prefix) instead of the base.",
)
@click.option("--draw", default=0, show_default=True, type=click.IntRange(min=0), help="Draw index.")
@click.option(
    "--cases",
    "case_dirs",
    multiple=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Extra case folder (repeatable); read besides the shipped library.",
)
@click.option("--no-builtin-cases", is_flag=True, help="Do not read the shipped library.")
@click.option("--seed", default=0, show_default=True, help="Seed of the probes (as given to 'run').")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (for diffing by a program).")
def render(
    spec: str,
    case_id: str,
    response_id: str | None,
    variant_id: str | None,
    draw: int,
    case_dirs: tuple[Path, ...],
    no_builtin_cases: bool,
    seed: int,
    as_json: bool,
) -> None:
    """Print exactly what judge SPEC would send for one case: the rendered messages and, for a model API,
    the URL, headers (credentials shown as ***) and JSON body of each request. Nothing is sent.

    Exit status 2 when the judge, the case, the response or the variant cannot be found or used.
    """
    from judgeprobe.cases.errors import CaseError
    from judgeprobe.harness.core.request import JudgeRequest
    from judgeprobe.harness.judges.preview import preview
    from judgeprobe.probes.errors import ProbeError

    try:
        judge = load_judge(load_config(spec))
        variant = _variant(case_id, response_id, variant_id, case_dirs, not no_builtin_cases, seed)
        shown = preview(judge, JudgeRequest.from_variant(variant, draw=draw))
    except (HarnessError, CaseError, ProbeError) as exc:
        raise UsageProblem(str(exc)) from None
    if as_json:
        data = {"case": variant.case_id, "unit": variant.unit_id, "variant": variant.id, **shown.to_dict()}
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(f"judge    {shown.judge} ({shown.config_hash})")
    click.echo(f"case     {variant.case_id} / {variant.unit_id}, variant {variant.id} "
               f"({variant.chain_name}), "
               f"mode {variant.mode}, draw {draw}")  # fmt: skip
    if shown.note:
        click.echo(f"note     {shown.note}")
    for call in shown.calls:
        suffix = " (the same pair, responses swapped)" if call.order == "swapped" else ""
        for index, message in enumerate(call.messages, start=1):
            click.echo(f"\n--- message {index}: {message.role}{suffix} ---")
            click.echo(message.content)
        if call.url is not None:
            click.echo(f"\n--- request: POST {call.url}{suffix} ---")
            for name, value in call.headers.items():
                click.echo(f"{name}: {value}")
        elif call.body is not None:
            click.echo("\n--- the JSON object the judge receives ---")
        if call.body is not None:
            click.echo(json.dumps(call.body, ensure_ascii=False, indent=2))


def _variant(
    case_id: str,
    response_id: str | None,
    variant_id: str | None,
    case_dirs: tuple[Path, ...],
    builtin: bool,
    seed: int,
) -> Any:
    """The variant to render: a probe variant by id, else the base variant of the chosen response."""
    from judgeprobe.harness.run.plan import plan_suite
    from judgeprobe.harness.run.selection import Selection

    selection = Selection(
        case_dirs=case_dirs, builtin_cases=builtin, case_ids=(case_id,),
        probes="all" if variant_id else "none", seed=seed,
    )  # fmt: skip
    plan = plan_suite(selection)
    if variant_id:
        found = [v for v in plan.variants if v.id.startswith(variant_id)]
        if len(found) != 1:
            what = "no variant" if not found else f"{len(found)} variants"
            raise click.UsageError(
                f"{what} of case {case_id} has an id starting with {variant_id!r}; list them with "
                f"'judgeprobe run --dry-run --case {case_id}'"
            )
        return found[0]
    bases = list(plan.variants)
    if response_id is None:
        return bases[0]
    for variant in bases:
        if response_id == variant.unit_id or response_id in {slot.response_id for slot in variant.slots}:
            return variant
    units = ", ".join(v.unit_id for v in bases)
    raise click.UsageError(f"case {case_id} has no response {response_id!r}; its responses: {units}")
