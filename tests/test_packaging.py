"""A wheel built from a clean copy of the committed tree ships the data the program needs, and works.

The clean copy is ``git archive HEAD``: files that are not committed cannot leak into the wheel and hide a
packaging bug. The wheel is built without build isolation when the build requirements are installed
(``setuptools>=68`` and ``wheel``), otherwise with isolation (which fetches them).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("cases", "probes", "harness")

pytestmark = pytest.mark.slow


def _run(*command: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(part) for part in command], cwd=cwd, capture_output=True, text=True, timeout=600, check=False
    )


def _build_wheel(source: Path, out: Path) -> Path:
    attempts: list[list[str | Path]] = []
    try:
        import build  # noqa: F401
    except ImportError:
        attempts.append(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", out, "."]
        )
    else:
        attempts.append([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", out, "."])
        attempts.append([sys.executable, "-m", "build", "--wheel", "--outdir", out, "."])
    log = []
    for command in attempts:
        result = _run(*command, cwd=source)
        wheels = sorted(out.glob("judgeprobe-*.whl"))
        if result.returncode == 0 and wheels:
            return wheels[-1]
        log.append(f"$ {' '.join(map(str, command))}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
        if not re.search(r"(Missing|Unmet) dependencies", result.stdout + result.stderr):
            break  # a real build failure, not just a missing build requirement
    pytest.fail("building the wheel failed:\n" + "\n".join(log))


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed tree (``git archive HEAD``), extracted into a temporary folder."""
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        pytest.skip("not a git checkout (or no git): the committed tree is unknown")
    archive = subprocess.run(
        ["git", "archive", "--format=tar", "HEAD"], cwd=ROOT, capture_output=True, timeout=120, check=False
    )
    if archive.returncode != 0:
        pytest.fail(f"git archive failed: {archive.stderr.decode(errors='replace')}")
    folder = tmp_path_factory.mktemp("tree")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(folder, filter="data")
    return folder


@pytest.fixture(scope="module")
def wheel(tree: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from the committed tree."""
    return _build_wheel(tree, tmp_path_factory.mktemp("dist"))


def _names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def _committed(tree: Path, pattern: str) -> set[str]:
    return {path.relative_to(tree).as_posix() for path in tree.glob(pattern)}


def test_wheel_ships_the_case_library(tree: Path, wheel: Path) -> None:
    library = _committed(tree, "cases/library/*.yaml")
    assert library, "no case files are committed under cases/library/"
    assert library <= _names(wheel)


def test_wheel_ships_the_prompt_templates(tree: Path, wheel: Path) -> None:
    templates = _committed(tree, "harness/templates/*.txt")
    if not templates:
        pytest.skip("no prompt templates are committed under harness/templates/ yet")
    assert templates <= _names(wheel)


def test_wheel_is_typed_and_has_the_console_script(wheel: Path) -> None:
    names = _names(wheel)
    assert {f"{package}/py.typed" for package in PACKAGES} <= names
    assert not any(name.startswith("tests/") for name in names), "the test suite leaked into the wheel"
    (entry_points,) = [name for name in names if name.endswith(".dist-info/entry_points.txt")]
    with zipfile.ZipFile(wheel) as archive:
        text = archive.read(entry_points).decode()
    assert "[console_scripts]" in text
    assert "judgeprobe = harness.cli.main:main" in text


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A virtual environment with the wheel installed (dependencies come from this interpreter)."""
    venv = tmp_path_factory.mktemp("venv")
    created = _run(sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", venv)
    assert created.returncode == 0, created.stderr
    python = venv / "bin" / "python"
    if not python.exists():
        pytest.skip("venv layout without bin/python (not a POSIX platform)")
    result = _run(
        sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", wheel
    )
    assert result.returncode == 0, result.stderr
    yield venv


def test_installed_wheel_reads_its_own_library(installed: Path, tmp_path: Path) -> None:
    python, script = installed / "bin" / "python", installed / "bin" / "judgeprobe"
    probe = _run(python, "-c", "import cases.loader as l; print(l.builtin_library_dir())", cwd=tmp_path)
    assert probe.returncode == 0, probe.stderr
    library = Path(probe.stdout.strip())
    assert library.is_relative_to(installed), f"imported from {library}, not from the installed wheel"
    assert sorted(library.glob("*.yaml"))
    version = _run(script, "--version", cwd=tmp_path)
    assert version.returncode == 0 and "judgeprobe, version" in version.stdout
    listing = _run(script, "cases", "list", "--mode", "grade", cwd=tmp_path)
    assert listing.returncode == 0, listing.stderr
    assert "case(s)" in listing.stdout
