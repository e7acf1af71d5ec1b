"""Re-judging through the runner and store: the builtin grader, and an OpenAI-compatible loopback server."""

from __future__ import annotations

import json
from pathlib import Path

from audit_fixtures import write_hand
from click.testing import CliRunner
from fakeserver import FakeOpenAIServer

from judgeprobe.harness.cli.main import cli
from judgeprobe.harness.store import RunStore, store_path


def audit(*args: str | Path) -> tuple[int, str, dict[str, object]]:
    done = CliRunner().invoke(cli, ["audit", *map(str, args), "--no-progress"], catch_exceptions=False)
    out = Path(str(args[args.index("--out") + 1]))
    report = json.loads((out / "audit.json").read_text(encoding="utf-8")) if done.exit_code == 0 else {}
    return done.exit_code, done.output, report


def test_rejudge_all_with_the_builtin_grader_agrees_with_the_second_opinion(tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, output, report = audit(
        *write_hand(tmp_path / "in"), "--out", out, "--judge", "builtin:reference", "--rejudge", "all"
    )
    assert code == 0, output
    section = report["rejudge"]
    assert isinstance(section, dict)
    assert section["scope"] == "all" and section["requested"] == 11 and section["judged"] == 11
    assert section["agree_grader"] == 11  # the same grader, so the same verdicts
    assert section["agree_original"] == 9  # the two planted judge errors
    with RunStore(store_path(out / "rejudge"), read_only=True) as store:
        assert store.counts()["judged"] == 11
    assert "Re-judged by builtin:reference" in (out / "audit.md").read_text(encoding="utf-8")


def test_rejudge_disagreements_with_an_openai_compatible_server(tmp_path: Path) -> None:
    results = write_hand(tmp_path / "in")
    out = tmp_path / "out"
    with FakeOpenAIServer() as server:
        spec = f"openai:fake@{server.base_url}"
        code, output, report = audit(*results, "--out", out, "--judge", spec)
        assert code == 0, output
        assert server.calls == 2  # only the two disagreements
        section = report["rejudge"]
        assert isinstance(section, dict) and section["scope"] == "disagreements"
        items = {(i["id"], i["team"]): i for i in section["items"]}
        # The fake judge says correct only when the response equals the reference after normalisation:
        # "Answer: TC0" and "Answer: 41" are both incorrect to it.
        assert items["q3", "A"]["new_judge"] == "incorrect" and items["q3", "A"]["judge"] == "incorrect"
        assert items["q1", "B"]["new_judge"] == "incorrect" and items["q1", "B"]["grader"] == "incorrect"
        assert (section["agree_original"], section["agree_grader"], section["calls"]) == (1, 1, 2)
        body = json.dumps(server.requests[0])
        assert "TC0" in body or "41" in body
        again, _, report2 = audit(*results, "--out", out, "--judge", spec)
        assert again == 0 and server.calls == 2  # resumed from the store: no new call
        section2 = report2["rejudge"]
        assert isinstance(section2, dict) and section2["calls"] == 0
