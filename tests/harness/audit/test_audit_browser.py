"""audit.html in a real headless Chromium: loads without console errors, shows its plots, takes a screenshot.
Skipped where no Chromium is installed (CI installs Debian's ``chromium``)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from audit_fixtures import synthetic_module

from judgeprobe.harness.audit import run_audit, write_outputs

pytestmark = pytest.mark.browser


def _chromium() -> str | None:
    if Path("/usr/bin/chromium").is_file():
        return "/usr/bin/chromium"
    return shutil.which("chromium") or shutil.which("chromium-browser")


CHROMIUM = _chromium()
if CHROMIUM is None:
    pytest.skip("no headless Chromium installed (apt-get install chromium)", allow_module_level=True)

CONSOLE = re.compile(r":CONSOLE[:(]\d*\)?\]\s*\"(?P<message>.*)\", source: (?P<source>\S+)")


def _browse(page: Path, profile: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    command = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
        "--enable-logging=stderr", "--v=0", *extra, page.as_uri(),
    ]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("audit-browser")
    synthetic_module().generate(folder / "in", seed=1, questions=30)
    write_outputs(run_audit([folder / "in" / "results.jsonl"]), folder / "out")
    return folder / "out" / "audit.html"


def test_audit_page_loads_without_console_errors_and_shows_plots(page: Path, tmp_path: Path) -> None:
    done = _browse(page, tmp_path / "profile", "--dump-dom")
    assert done.returncode == 0, done.stderr[-2000:]
    messages = [
        m.group("message")
        for m in CONSOLE.finditer(done.stderr)
        if m.group("source").startswith(page.as_uri())
    ]
    assert messages == [] and "Uncaught" not in done.stderr
    dom = done.stdout
    for kind in ("plot-accuracy", "plot-error-counts", "plot-error-shares", "plot-mc", "plot-part-scores"):
        assert f'class="plot {kind}"' in dom, kind
    assert dom.count("<rect") > 20 and "<script" not in dom.lower()


def test_audit_page_screenshot(page: Path, tmp_path: Path) -> None:
    shot = tmp_path / "audit.png"
    done = _browse(
        page, tmp_path / "profile", "--hide-scrollbars", "--window-size=1200,2400", f"--screenshot={shot}"
    )
    assert done.returncode == 0, done.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
