"""report.html in a real headless Chromium: it loads without console errors, the plots are in the DOM, and a
screenshot can be taken. Skipped where no Chromium is installed (CI installs Debian's ``chromium``)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from report_run import make_run

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


def _console_lines(stderr: str, page: Path) -> list[str]:
    return [
        m.group("message") for m in CONSOLE.finditer(stderr) if m.group("source").startswith(page.as_uri())
    ]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    run_dir = tmp_path_factory.mktemp("browser-run")
    make_run(run_dir, cases=16)
    return run_dir / "report.html"


def test_console_errors_are_seen_at_all(tmp_path: Path) -> None:
    """The detector works: a page that logs an error and throws is caught, so silence means something."""
    page = tmp_path / "noisy.html"
    page.write_text('<html><body><script>console.error("probe"); missing();</script></body></html>')
    done = _browse(page, tmp_path / "profile", "--dump-dom")
    lines = _console_lines(done.stderr, page)
    assert any("probe" in line for line in lines) and any("Uncaught" in line for line in lines)


def test_report_loads_without_console_errors_and_shows_plots(report: Path, tmp_path: Path) -> None:
    done = _browse(report, tmp_path / "profile", "--dump-dom")
    assert done.returncode == 0, done.stderr[-2000:]
    assert _console_lines(done.stderr, report) == []
    assert "Uncaught" not in done.stderr
    dom = done.stdout
    for kind in ("plot-families", "plot-forest", "plot-dose", "plot-grid"):
        assert f'class="plot {kind}"' in dom, kind
    assert dom.count("<rect") > 10 and "<circle" in dom and "<details" in dom
    assert "<script" not in dom.lower()


def test_report_screenshot(report: Path, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    done = _browse(
        report, tmp_path / "profile", "--hide-scrollbars", "--window-size=1200,2200", f"--screenshot={shot}"
    )
    assert done.returncode == 0, done.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000  # a blank page compresses far smaller
