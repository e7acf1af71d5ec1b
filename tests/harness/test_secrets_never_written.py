"""Secrets never written (issue 10, finding 3): a key in the base URL's query is refused without being echoed,
and every configured secret (the key variable's value, header values, secret params) is absent from every
file of the run folder and from what the commands print, even when the judge echoes them in successful
replies and in errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from judgeprobe.harness.core.secrets import Redactor, redact_url
from judgeprobe.harness.core.verdict import Verdict
from judgeprobe.harness.judges.registry import JudgeConfig, load_judge

KEY = "sk-live-4f9a8b7c6d5e4f3a2b1c"
HEADER = "hdr-secret-value-8c7d6e5f"
PARAM = "param-secret-token-5a4b3c2d"
MARKED = "marked-secret-region-9f8e7d"
SECRETS = (KEY, HEADER, PARAM, MARKED)

JUDGE = f"""\
import json, os, sys
request = json.loads(sys.stdin.read())
key = os.environ["JUDGE_ACCESS"]
if request["response_ids"][0].startswith("w"):
    sys.stderr.write("upstream refused key " + key + " and header {HEADER}\\n")
    sys.exit(3)
print(json.dumps({{
    "outcome": "correct",
    "extracted_answer": "echo " + key,
    "reasoning": "I used {HEADER}, {PARAM} and {MARKED} with " + key,
    "confidence": 90,
}}))
"""

CONFIG = f"""\
backend = "command"
target = "{sys.executable} judge.py"
api_key_env = "JUDGE_ACCESS"
headers = {{ "X-Org" = "{HEADER}", "X-Team" = "evals" }}
params = {{ api_token = "{PARAM}", region = "{MARKED}", temperature_hint = "low" }}
secret_params = ["region"]
"""


def _cli(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from judgeprobe.harness.cli.main import main; main()", *args],
        capture_output=True, text=True, cwd=cwd, env=env, timeout=300, check=False,
    )  # fmt: skip


def _leaks(folder: Path) -> list[str]:
    found = []
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found += [f"{path.name}: {secret}" for secret in SECRETS if secret.encode() in data]
    return found


@pytest.mark.slow
def test_no_configured_secret_reaches_the_run_folder_or_the_screen(tmp_path: Path) -> None:
    (tmp_path / "judge.py").write_text(JUDGE, encoding="utf-8")
    (tmp_path / "judge.toml").write_text(CONFIG, encoding="utf-8")
    env = {**os.environ, "JUDGE_ACCESS": KEY}
    out = tmp_path / "run"
    run = _cli(
        "run", "--judge", "judge.toml", "--tag", "hle-seed", "--mode", "grade", "--probes", "formatting",
        "--max-retries", "0", "--out", str(out), "--no-progress", "--fail-on", "never", cwd=tmp_path, env=env,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "judged" in run.stdout
    rows = (out / "results.jsonl").read_text()
    assert '"status": "judged"' in rows and '"status": "error"' in rows  # successes and failures stored
    assert '"extracted_answer": "echo <JUDGE_ACCESS>"' in rows  # the echo was kept, its secret replaced
    assert _leaks(out) == []
    assert not any(secret in run.stdout + run.stderr for secret in SECRETS)
    show = _cli("judges", "show", "judge.toml", cwd=tmp_path, env=env)
    assert show.returncode == 0, show.stderr
    assert not any(secret in show.stdout + show.stderr for secret in SECRETS)
    assert "temperature_hint = " in show.stdout or "'temperature_hint': 'low'" in show.stdout


def test_a_credential_in_the_base_url_query_is_refused_and_never_echoed(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:9/v1?api-version=2024&key={KEY}"
    env = dict(os.environ)
    for args in (
        ("run", "--judge", f"openai:m@{url}", "--case", "hle-tc0-notation", "--no-progress"),
        ("judges", "show", f"openai:m@{url}"),
    ):
        proc = _cli(*args, cwd=tmp_path, env=env)
        assert proc.returncode == 2, proc.stdout + proc.stderr
        assert "looks like a credential" in proc.stderr
        assert KEY not in proc.stdout + proc.stderr
        assert "Traceback" not in proc.stderr
    assert list(tmp_path.iterdir()) == []  # no default run folder named after the URL


def test_redaction_covers_every_text_of_a_verdict_and_its_meta() -> None:
    redactor = Redactor({"MY_VAR": KEY, "short": "abc"}, environment=False)
    verdict = Verdict.judged(
        f"yes {KEY}",
        extracted_answer=KEY,
        reasoning=f"key={KEY}",
        raw_reply=f'{{"k": "{KEY}"}}',
        prompt=f"prompt {KEY}",
        meta={"nested": [KEY, {"x": KEY}], KEY: 1},
    )
    clean = redactor.verdict(verdict)
    assert KEY not in repr(clean)
    assert clean.extracted_answer == "<MY_VAR>"
    assert redactor.text("abc stays") == "abc stays"  # too short to be a secret


def test_judges_show_and_stored_configs_hide_secret_values() -> None:
    config = JudgeConfig(
        backend="builtin", target="reference", headers={"X-Org": HEADER},
        params={"api_token": PARAM, "region": MARKED, "seed": 3}, secret_params=["region"],
    )  # fmt: skip
    shown = config.shown()
    assert not any(secret in repr(shown) for secret in SECRETS)
    assert shown["params"]["seed"] == 3
    assert set(config.secret_values().values()) == {HEADER, PARAM, MARKED}
    assert load_judge(config).secret_values()["param region"] == MARKED
    with pytest.raises(ValueError, match="secret_params names 'nope'"):
        JudgeConfig(backend="builtin", secret_params=["nope"])


def test_marking_secrets_does_not_change_the_judge_hash() -> None:
    plain = JudgeConfig(backend="builtin", params={"region": MARKED})
    marked = JudgeConfig(backend="builtin", params={"region": MARKED}, secret_params=["region"])
    assert plain.content_hash() == marked.content_hash()


def test_a_shown_url_keeps_ordinary_query_values() -> None:
    assert redact_url("https://h/v1?api-version=2024") == "https://h/v1?api-version=2024"
    assert (
        redact_url(f"https://u:p@h/v1?api-version=2024&key={KEY}") == "https://…@h/v1?api-version=2024&key=…"
    )
