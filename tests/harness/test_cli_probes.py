"""``judgeprobe probes list``: what the user sees, and the exit code of a bad family."""

from __future__ import annotations

from click.testing import CliRunner, Result

from judgeprobe.harness.cli.main import cli
from judgeprobe.harness.cli.probes import param_text
from judgeprobe.probes.base import FAMILY_ORDER, get_probe, list_probes


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env={"COLUMNS": "250"})


def test_list_shows_every_probe_with_its_columns() -> None:
    result = invoke("probes", "list")
    assert result.exit_code == 0, result.output
    header = result.output.splitlines()[2]
    for column in ("name", "family", "relation", "parameters", "description"):
        assert column in header
    assert f"{len(list_probes())} probes" in result.output
    for info in list_probes():
        assert info.name in result.output
    for family in FAMILY_ORDER:
        assert f" {family} " in result.output
    line = next(row for row in result.output.splitlines() if "length.pad " in row)
    assert "invariant" in line and "words*=100|400|1600" in line and "padding" in line


def test_list_one_family() -> None:
    result = invoke("probes", "list", "--family", "injection")
    assert result.exit_code == 0, result.output
    assert "injection.field " in result.output and "injection.field_control" in result.output
    assert "length.pad" not in result.output and "2 probes" in result.output


def test_unknown_family_is_a_usage_error() -> None:
    result = invoke("probes", "list", "--family", "lenght")
    assert result.exit_code == 2
    assert "unknown family 'lenght'" in result.output and "position, length" in result.output


def test_param_text() -> None:
    assert param_text(get_probe("length.truncate")) == "-"
    assert param_text(get_probe("formatting.wrap")) == "style='dollar'|'boxed'|'bold'"
    assert param_text(get_probe("length.pad_control")) == "words*=400 (33% of grade units)"
