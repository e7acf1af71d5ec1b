"""The files ``judgeprobe init`` writes: a judge file, a settings file, a case folder with one regression case
and a CI workflow (the baseline is written by running the gate once). Each is a plain text template; the
command fills in the few values that differ (the workflow's folder and where judgeprobe is installed from)."""

from __future__ import annotations

__all__ = [
    "CASE_FILE",
    "INSTALL_PLACEHOLDER",
    "JUDGE_FILE",
    "SETTINGS_FILE",
    "workflow",
]

INSTALL_PLACEHOLDER = "git+https://github.com/OWNER/judgeprobe"
"""Where the workflow installs judgeprobe from until the user says (judgeprobe is not on PyPI)."""

JUDGE_FILE = """\
# The judge under test. judgeprobe hashes this file's content (and the template's text), so editing either
# makes a new judge: the gate asks it again and compares it with the baseline.
#
# It starts as the built-in reference grader, which runs offline with no key, so that `judgeprobe gate` passes
# out of the box. Point it at your judge model, e.g. an OpenAI-compatible server:
#
#   backend = "openai"
#   model = "gpt-4.1-mini"
#   base_url = "https://api.openai.com/v1"
#   api_key_env = "OPENAI_API_KEY"     # the variable's NAME; the key itself stays in the environment
#   template = "prompt.txt"            # your judge prompt (optional; a shipped template is used otherwise)
#   temperature = 0
#
# then rewrite the baseline: judgeprobe gate --update-baseline
[judge]
backend = "builtin"
target = "reference"
"""

SETTINGS_FILE = """\
# judgeprobe settings: read by `judgeprobe run`, `judgeprobe gate`, `judgeprobe diff` and the pytest plugin
# from this folder or any folder below it. Options on the command line override them.

[run]
judge = "judge.toml"                  # the judge under test
cases = ["cases"]                     # your own regression cases
builtin_cases = false                 # true adds the shipped library (about 20,000 draws per run)
probes = "all"                        # probe families or names, comma-separated
repeats = 1                           # draws per variant: raise it for a judge that samples (temperature > 0)
baseline = "judgeprobe-baseline.jsonl"
out = "judgeprobe-out/gate"           # run folder: rerunning resumes, a changed judge is asked again

[reliability]                         # when `judgeprobe run` calls the judge unreliable (exit 1)
max_control_miss_rate = 0.25          # controls (meaning broken on purpose) whose verdict did not change
min_accuracy = 0.6                    # unperturbed verdicts agreeing with your labels
max_error_share = 0.1
max_unscored_share = 0.1

[gate]                                # what `judgeprobe gate` holds every change to (exit 1 when broken)
max_excess_flip_rate = 0.05           # flips above the judge's own noise, per family
max_control_miss_rate = 0.25
min_accuracy = 0.6
max_unscored_share = 0.05
max_error_share = 0.0
noise_tolerance = 0.0                 # a (case, probe) stable in the baseline that flips now is a regression
"""

CASE_FILE = """\
# Your regression cases: one per judge mistake you have met (`judgeprobe cases schema` prints the JSON Schema
# for your editor; `judgeprobe cases lint --cases cases --no-builtin` checks them).
cases:
  - id: my-first-regression
    mode: grade
    question: "Three fair coins are tossed. What is the probability of getting exactly two heads?"
    reference: "3/8"
    answer_kind: number
    equivalents: ["0.375", "37.5%", '\\frac{3}{8}', "6/16"]
    non_equivalents: ["1/8", "0.125", "1/2"]
    responses:
      - {id: percent, text: "37.5%", label: correct, strict_label: incorrect, why: "37.5% is 3/8."}
      - {id: decimal, text: "The answer is 0.375.", label: correct, strict_label: incorrect,
         why: "0.375 is 3/8."}
      - {id: eighth, text: "1/8", label: incorrect, why: "1/8 is the probability of three heads."}
    source: "hand-written (replace with where you met the mistake)"
    provenance: {kind: hand-written}
    tags: [example]
"""

_WORKFLOW = """\
# Gate every change to the judge (its prompt, its configuration, the cases) with judgeprobe.
# Written by `judgeprobe init`; adapt the paths and the trigger to your repository.
name: judge-gate

on:
  pull_request:
    paths: ["{paths}"]

permissions:
  contents: read

env:
  # judgeprobe is not on PyPI: it is installed from its git repository. Set this to the repository (and tag)
  # you use, e.g. git+https://github.com/<owner>/judgeprobe@v0.1.0 (`judgeprobe init --install-from URL`
  # fills it in).
  JUDGEPROBE_SOURCE: "{source}"

jobs:
  gate:
    runs-on: ubuntu-latest
    defaults:
      run:
        working-directory: {folder}
    steps:
      - uses: actions/checkout@v4

      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"

      - name: Install judgeprobe
        run: |
          if [ "$JUDGEPROBE_SOURCE" = "{placeholder}" ]; then
            echo "::error::set JUDGEPROBE_SOURCE in this workflow to the judgeprobe repository to install"
            exit 1
          fi
          python -m pip install "judgeprobe @ $JUDGEPROBE_SOURCE"

      # Recorded judge replies: an unchanged judge makes no call at all; a changed one only its new requests.
      - name: Restore recorded judge replies
        uses: actions/cache@v4
        with:
          path: {cache_path}
          key: judgeprobe-${{{{ hashFiles('{hash_glob}') }}}}
          restore-keys: judgeprobe-

      - name: Gate the judge
        # exit 0: passed; 1: a rule failed (the log and the job summary name the rule and the cases);
        # 2: a usage or configuration error, or a judge that cannot be reached
        run: judgeprobe gate --markdown gate.md
        # env:
        #   OPENAI_API_KEY: ${{{{ secrets.OPENAI_API_KEY }}}}

      - name: Keep the reports
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: judgeprobe-reports
          path: |
            {prefix}gate.md
            {prefix}judgeprobe-out/**/gate-junit.xml
            {prefix}judgeprobe-out/**/report.*
            {prefix}judgeprobe-out/**/summary.json
"""


def workflow(folder: str, *, source: str = INSTALL_PLACEHOLDER) -> str:
    """The GitHub Actions workflow for judge files in ``folder`` (relative to the repository root, ``.`` for
    the root itself), installing judgeprobe from ``source``."""
    prefix = "" if folder in ("", ".") else folder.rstrip("/") + "/"
    return _WORKFLOW.format(
        paths=f"{prefix}**",
        source=source,
        placeholder=INSTALL_PLACEHOLDER,
        folder=folder or ".",
        cache_path=f"{prefix}judgeprobe-out",
        hash_glob=f"{prefix}judge.toml', '{prefix}*.txt', '{prefix}cases/**",
        prefix=prefix,
    )
