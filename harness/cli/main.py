"""The ``judgeprobe`` command: a click group whose subcommands live in their own modules.

Subcommands are imported only when invoked (or listed), so ``judgeprobe cases list`` never pays for httpx,
pandas or the report code. To add a command, write ``harness/cli/<name>.py`` defining a click command or
group and add one line to ``_COMMANDS``.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys

import click
from rich.console import Console

from judgeprobe.harness.cli.logs import verbose_option

__all__ = ["PIPE_WIDTH", "UsageProblem", "cli", "console", "main"]

_COMMANDS: dict[str, tuple[str, str]] = {
    "run": ("judgeprobe.harness.cli.run", "Run the probe suite against a judge and report what flips."),
    "cases": ("judgeprobe.harness.cli.cases", "Inspect and lint the case library."),
    "probes": ("judgeprobe.harness.cli.probes", "List the registered probes."),
    "judges": ("judgeprobe.harness.cli.judges", "List the judge backends."),
    "search": (
        "judgeprobe.harness.cli.search",
        "Search for a minimal probe chain that flips a judge on one case.",
    ),
    "report": ("judgeprobe.harness.cli.report", "Rebuild the reports of a run from its store."),
    "runs": ("judgeprobe.harness.cli.runs", "List the runs recorded in a run folder (or below a parent)."),
    "generate": (
        "judgeprobe.harness.cli.generate",
        "Have a model answer the library's questions; write graded answers with their author.",
    ),
    "batch": (
        "judgeprobe.harness.cli.batch",
        "Export pending requests as batch JSONL (OpenAI or Anthropic) and import the results.",
    ),
    "merge": (
        "judgeprobe.harness.cli.merge",
        "Merge the folders of a sharded run into one run and report it.",
    ),
    "gate": ("judgeprobe.harness.cli.gate", "Gate a run against thresholds and a committed baseline (CI)."),
    "init": (
        "judgeprobe.harness.cli.init",
        "Scaffold a judge file, settings, a regression case, a baseline and a CI workflow.",
    ),
    "diff": ("judgeprobe.harness.cli.diff", "Compare two judge configurations on the same variants."),
    "audit": ("judgeprobe.harness.cli.audit", "Audit a judge's verdicts in judged-results files."),
}
"""Command name -> (module, one-line help). The module defines a click command named like the command."""


PIPE_WIDTH = 10_000
"""Columns of the console when output goes to a pipe or a file: wide enough that no table is folded (rich
would assume 80 columns); tables are as wide as their content."""


def console(*, stderr: bool = False) -> Console:
    """The console commands print to: the terminal's own width on a terminal; elsewhere (a pipe, a file, a CI
    log) tables at their natural width and lines unwrapped, so ``| grep`` and ``| wc -l`` see one line per
    row."""
    probe = Console(stderr=stderr)
    if probe.is_terminal:
        return Console(highlight=False, stderr=stderr)
    return Console(highlight=False, stderr=stderr, width=PIPE_WIDTH)


class UsageProblem(click.ClickException):
    """A usage, configuration, case-file or harness error: printed as ``Error: …``, exit status 2."""

    exit_code = 2


class _LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name, (module, _) in _COMMANDS.items() if importlib.util.find_spec(module))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = _COMMANDS.get(cmd_name)
        if entry is None:
            return None
        module_name, _ = entry
        if importlib.util.find_spec(module_name) is None:
            return None
        module = importlib.import_module(module_name)
        command = getattr(module, cmd_name)
        assert isinstance(command, click.Command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, _COMMANDS[name][1]) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="judgeprobe")
@verbose_option
def cli() -> None:
    """judgeprobe: find out whether an LLM judge can be trusted."""


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point.

    A file that cannot be read or written (no permission, a folder where a file is expected, not UTF-8)
    ends in one ``Error:`` line and exit status 2, like every other bad input, wherever it is met.
    """
    try:
        cli.main(args=argv if argv is not None else sys.argv[1:], prog_name="judgeprobe")
    except OSError as exc:
        where = f" {exc.filename}" if getattr(exc, "filename", None) else ""
        click.echo(f"Error: cannot use{where}: {exc.strerror or exc}", err=True)
        sys.exit(2)
    except UnicodeDecodeError as exc:
        click.echo(f"Error: a file is not UTF-8 text ({exc.reason} at byte {exc.start})", err=True)
        sys.exit(2)
