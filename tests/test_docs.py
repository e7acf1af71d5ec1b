"""Docs that stay true: every console example marked in README.md, docs/*.md and examples/*/README.md is
rerun and must print what the block shows (see ``tests/docs_console.py`` for the markers and the matching)."""

from __future__ import annotations

from pathlib import Path

import pytest
from docs_console import ROOT, Block, blocks, check, documents, matches, normalise, sessions

pytestmark = pytest.mark.slow  # each session runs real commands (the CI example's stand-in judge, a full run)

SESSIONS = sessions()


@pytest.mark.parametrize("name", sorted(SESSIONS))
def test_console_examples_print_what_the_docs_show(name: str, tmp_path: Path) -> None:
    failures = [
        f"{outcome.block.where}: the documented output differs from what the commands print\n{outcome.diff()}"
        for outcome in check(SESSIONS[name], tmp_path)
        if not outcome.ok
    ]
    assert not failures, "\n\n".join(failures)


def test_the_docs_mark_their_console_examples() -> None:
    marked = {block.document.relative_to(ROOT).as_posix() for found in SESSIONS.values() for block in found}
    assert {"README.md", "docs/gating.md", "examples/ci/README.md"} <= marked
    for document in documents():  # a marker without a block, or a session without a start, is a mistake
        for block in blocks(document):
            assert block.text, f"{block.where}: a marker with no block after it"


def test_the_matcher_skips_elided_lines_and_normalises_hashes_and_durations() -> None:
    assert matches(["a", "…", "d"], ["a", "b", "c", "d"])
    assert matches(["a", "..."], ["a"])
    assert not matches(["a", "…", "d"], ["a", "b"])
    assert not matches(["50.0%"], ["50.1%"])  # figures are compared exactly
    assert normalise(["judge 3cc414078bdb2aa1 · run a241e984-a36e6b0e · in 3.42s   "]) == [
        "judge <hex> · run <hex> · in <time>"
    ]
    assert normalise(["judging: 3/40 draws", "==== 2 failed in 38.38s ====="]) == ["== 2 failed in <time> =="]


def test_stale_spots_are_gone() -> None:
    gating = (ROOT / "docs" / "gating.md").read_text(encoding="utf-8")
    assert "## README section" not in gating
    assert "judgeprobe diff old/judge.toml" not in gating
    assert isinstance(SESSIONS, dict) and all(isinstance(b, Block) for v in SESSIONS.values() for b in v)
