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
FOLDERS = ("cases", "probes", "harness")
"""The top-level folders; each installs as ``judgeprobe.<folder>``."""

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
    assert {f"judgeprobe/{name}" for name in library} <= _names(wheel)


def test_wheel_ships_the_prompt_templates(tree: Path, wheel: Path) -> None:
    templates = _committed(tree, "harness/templates/*.txt")
    if not templates:
        pytest.skip("no prompt templates are committed under harness/templates/ yet")
    assert {f"judgeprobe/{name}" for name in templates} <= _names(wheel)


def test_wheel_ships_the_audit_taxonomy(wheel: Path) -> None:
    assert "judgeprobe/harness/audit/taxonomy.yaml" in _names(wheel)


def test_wheel_is_typed_and_has_the_console_script(wheel: Path) -> None:
    names = _names(wheel)
    assert {f"judgeprobe/{folder}/py.typed" for folder in FOLDERS} <= names
    assert not any(name.split("/")[0] in (*FOLDERS, "tests") for name in names), (
        "a top-level cases/probes/harness/tests package leaked into the wheel (they belong under judgeprobe/)"
    )
    (entry_points,) = [name for name in names if name.endswith(".dist-info/entry_points.txt")]
    with zipfile.ZipFile(wheel) as archive:
        text = archive.read(entry_points).decode()
    assert "[console_scripts]" in text
    assert "judgeprobe = judgeprobe.harness.cli.main:main" in text
    assert "judgeprobe = judgeprobe.harness.pytest_plugin" in text


def test_every_package_folder_is_in_the_wheel(tree: Path, wheel: Path) -> None:
    folders = {
        p.parent.relative_to(tree).as_posix() for f in FOLDERS for p in tree.glob(f"{f}/**/__init__.py")
    }
    shipped = {name.rsplit("/", 1)[0] for name in _names(wheel) if name.endswith("/__init__.py")}
    assert {f"judgeprobe/{folder}" for folder in folders} <= shipped


def _dependency_paths() -> list[str]:
    """The folders this interpreter imports installed packages from (its venv's too, when it runs in one).

    ``venv --system-site-packages`` would not do: made from inside a virtual environment, it sees the base
    interpreter's packages, not the environment's.
    """
    return [p for p in sys.path if Path(p).is_dir() and Path(p).name in ("site-packages", "dist-packages")]


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A virtual environment with the wheel installed; its dependencies come from this interpreter's
    package folders, added as plain paths (their ``.pth`` files, such as an editable install's import
    hook, are not run, so the wheel is what gets imported)."""
    venv = tmp_path_factory.mktemp("venv")
    created = _run(sys.executable, "-m", "venv", "--without-pip", venv)
    assert created.returncode == 0, created.stderr
    python = venv / "bin" / "python"
    if not python.exists():
        pytest.skip("venv layout without bin/python (not a POSIX platform)")
    own = _run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
    assert own.returncode == 0, own.stderr
    Path(own.stdout.strip(), "outer_dependencies.pth").write_text("\n".join(_dependency_paths()) + "\n")
    result = _run(
        sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", wheel
    )
    assert result.returncode == 0, result.stderr
    yield venv


def test_installed_wheel_reads_its_own_library(installed: Path, tmp_path: Path) -> None:
    python, script = installed / "bin" / "python", installed / "bin" / "judgeprobe"
    probe = _run(
        python, "-c", "import judgeprobe.cases.loader as l; print(l.builtin_library_dir())", cwd=tmp_path
    )
    assert probe.returncode == 0, probe.stderr
    library = Path(probe.stdout.strip())
    assert library.is_relative_to(installed), f"imported from {library}, not from the installed wheel"
    assert sorted(library.glob("*.yaml"))
    version = _run(script, "--version", cwd=tmp_path)
    assert version.returncode == 0 and "judgeprobe, version" in version.stdout
    listing = _run(script, "cases", "list", "--mode", "grade", cwd=tmp_path)
    assert listing.returncode == 0, listing.stderr
    assert "case(s)" in listing.stdout
