"""Developer sessions for judgeprobe; ``nox -l`` lists them, ``nox`` runs tests, lint and typecheck.

Each session is a thin wrapper over :func:`install`, so what a session needs is written in one place.
"""

from __future__ import annotations

from pathlib import Path

import nox

nox.options.default_venv_backend = "venv"
nox.options.sessions = ["tests", "lint", "typecheck"]
nox.options.reuse_existing_virtualenvs = True

FOLDERS = ["cases", "probes", "harness"]
"""The package folders; each installs as ``judgeprobe.<folder>`` and is checked by mypy in strict mode."""
ROOT = Path(__file__).parent


def typecheck_tree() -> Path:
    """``build/typecheck/judgeprobe/<folder>`` links to each package folder, so that mypy, which cannot follow
    the editable install's import hook, sees the folders under the names they are installed as."""
    top = ROOT / "build" / "typecheck" / "judgeprobe"
    top.mkdir(parents=True, exist_ok=True)
    for folder in FOLDERS:
        link = top / folder
        if not link.is_symlink():
            link.symlink_to(ROOT / folder, target_is_directory=True)
    return top.parent


def install(session: nox.Session, *tools: str, extra: str | None = None) -> None:
    """Install the project with an optional extra (``test``), then the given tools."""
    if extra is not None:
        session.install(f".[{extra}]")
    if tools:
        session.install(*tools)


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite (pass pytest options after --)."""
    install(session, extra="test")
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """Check lint and formatting with ruff."""
    install(session, "ruff")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """Type-check the packages and this file with mypy --strict."""
    install(session, "mypy", "types-PyYAML", "pandas-stubs", "nox", extra="test")
    packages = [arg for folder in FOLDERS for arg in ("-p", f"judgeprobe.{folder}")]
    session.run("mypy", "--strict", *packages, env={"MYPYPATH": str(typecheck_tree())})
    session.run("mypy", "--strict", "noxfile.py")


@nox.session
def bench(session: nox.Session) -> None:
    """Run every benchmarks/bench_*.py script; each prints its own figures."""
    install(session, extra="test")
    scripts = sorted((ROOT / "benchmarks").glob("bench_*.py"))
    if not scripts:
        session.error("no benchmarks/bench_*.py scripts found")
    for script in scripts:
        session.log(f"benchmark: {script.relative_to(ROOT)}")
        session.run("python", str(script), *session.posargs)


@nox.session
def power(session: nox.Session) -> None:
    """Print the power table of the flip statistics on planted judges (pass e.g. -- --seeds 100)."""
    install(session, extra="test")
    session.run(
        "python", str(ROOT / "benchmarks" / "power_table.py"), *(session.posargs or ["--seeds", "20"])
    )
