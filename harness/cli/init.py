"""``judgeprobe init [FOLDER]``: scaffold a judge under test that passes its gate from the first minute.

Writes into FOLDER (default: the current folder) a judge file (``judge.toml``, the built-in grader until it is
pointed at a model), a settings file (``judgeprobe.toml``), a case folder with one example regression case
(``cases/regressions.yaml``), and the committed baseline (``judgeprobe-baseline.jsonl``, made by running the
gate once, offline); and a GitHub Actions workflow in ``.github/workflows/judgeprobe.yml`` of the repository
that holds FOLDER (the nearest folder up with a ``.git``; FOLDER itself when there is none). judgeprobe is not
on PyPI, so the workflow installs it from its git repository: ``--install-from URL`` says which, else a
placeholder the workflow refuses to run with until it is filled in.

Nothing is overwritten without ``--force``. Exit status: 0 written, 2 a file exists or a usage error.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from judgeprobe.harness.cli.main import UsageProblem

__all__ = ["init"]

WORKFLOW = Path(".github") / "workflows" / "judgeprobe.yml"
"""Where the workflow goes, below the repository root."""


def _repository_root(folder: Path) -> Path:
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return folder


@click.command("init")
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path), default=Path("."))
@click.option(
    "--install-from",
    "source",
    default=None,
    metavar="URL",
    help="Where CI installs judgeprobe from (pip's VCS form), e.g. git+https://github.com/OWNER/judgeprobe@v0.1.0.",
)
@click.option("--no-baseline", is_flag=True, help="Do not run the gate to write the baseline.")
@click.option("--force", is_flag=True, help="Overwrite files that exist.")
def init(folder: Path, source: str | None, no_baseline: bool, force: bool) -> None:
    """Scaffold a judge file, settings, a cases folder with one regression case, a baseline and a CI workflow
    in FOLDER (default: here)."""
    from judgeprobe.harness.cli.scaffold import (
        CASE_FILE,
        INSTALL_PLACEHOLDER,
        JUDGE_FILE,
        SETTINGS_FILE,
        workflow,
    )

    if source is not None and not source.startswith(
        ("git+https://", "git+ssh://", "git+file://", "https://")
    ):
        raise click.BadParameter(
            f"expected a pip requirement URL such as git+https://github.com/OWNER/judgeprobe@v0.1.0, "
            f"got {source!r}",
            param_hint="--install-from",
        )
    target = folder.resolve()
    root = _repository_root(target)
    relative = os.path.relpath(target, root)
    files = {
        target / "judge.toml": JUDGE_FILE,
        target / "judgeprobe.toml": SETTINGS_FILE,
        target / "cases" / "regressions.yaml": CASE_FILE,
        root / WORKFLOW: workflow(relative, source=source or INSTALL_PLACEHOLDER),
    }
    baseline = target / "judgeprobe-baseline.jsonl"
    existing = [path for path in [*files, baseline] if path.exists()]
    if existing and not force:
        shown = ", ".join(str(path) for path in existing)
        raise UsageProblem(f"{shown} already exist(s); nothing was written (--force overwrites)")
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        click.echo(f"wrote {path}")
    _ignore_runs(target)
    if not no_baseline:
        _write_baseline(target)
        click.echo(f"wrote {baseline}")
    click.echo(
        "\nNext: point judge.toml at your judge model, add the mistakes you meet to cases/, run "
        "'judgeprobe gate --update-baseline' and commit the files."
    )
    if source is None:
        click.echo(
            f"Set JUDGEPROBE_SOURCE in {root / WORKFLOW} (now {INSTALL_PLACEHOLDER}): judgeprobe is not "
            "on PyPI."
        )


def _ignore_runs(folder: Path) -> None:
    """Keep run folders out of git (CI caches them instead): add ``judgeprobe-out/`` to ``.gitignore``."""
    ignore = folder / ".gitignore"
    text = ignore.read_text(encoding="utf-8") if ignore.is_file() else ""
    if "judgeprobe-out" not in text:
        ignore.write_text(text + ("" if not text or text.endswith("\n") else "\n") + "judgeprobe-out/\n")
        click.echo(f"wrote {ignore}")


def _write_baseline(folder: Path) -> None:
    """Run the gate once in ``folder`` with ``--update-baseline`` (the built-in judge: offline, no key)."""
    from judgeprobe.harness.cli.gate import gate

    previous = Path.cwd()
    os.chdir(folder)
    try:
        gate.main(["--update-baseline", "--no-progress"], standalone_mode=False)
    except SystemExit as exc:
        if exc.code not in (0, None):
            raise UsageProblem(
                f"the first gate run in {folder} failed (exit {exc.code}); see above"
            ) from None
    except click.ClickException as exc:
        raise UsageProblem(f"the first gate run in {folder} failed: {exc.format_message()}") from None
    finally:
        os.chdir(previous)
