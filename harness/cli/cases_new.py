"""``judgeprobe cases new``: scaffold a lint-clean case, from flags, from a judge mistake in a run, or from an
audit's disagreement.

Three ways in:

* flags: ``--question``, ``--reference``, ``--kind``, ``--correct``/``--incorrect`` responses (repeatable),
  ``--choice A=text``, ``--equivalent``, ``--non-equivalent``, ``--tag``, ``--source``;
* ``--from-run RUN_DIR``: a mistake the judge made in that run. ``--list`` shows the candidates (the
  unperturbed responses it got wrong, then the variants that flipped or were missed, from ``summary.json``);
  ``--pick N`` or ``--variant ID`` takes one. The new case asks the variant's question with the variant's
  response, labelled as the run's adjudication says, so the mistake can be reproduced without the probe;
* ``--from-audit FILE``: a line of an audit's ``disagreements.jsonl`` (``--pick N``, 1-based), labelled
  provisionally with the grader's verdict, as ``judgeprobe audit --mine`` does.

The case is appended to ``--out`` (created if missing) only when it lints without errors; it is
``review: unreviewed`` unless ``--reviewed`` is given. Exit codes: 0 written, 1 not written (the id is taken
or the case does not lint; every problem is printed), 2 usage error.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import click

from judgeprobe.cases.errors import CaseError
from judgeprobe.cases.loader import load_library_report
from judgeprobe.cases.scaffold import add_case, case_id_for, scaffold_case

__all__ = ["new"]


def _choices(values: tuple[str, ...]) -> dict[str, str] | None:
    out: dict[str, str] = {}
    for value in values:
        letter, sep, text = value.partition("=")
        if not sep or not letter.strip():
            raise click.UsageError(f"--choice takes LETTER=TEXT, got {value!r}")
        out[letter.strip()] = text.strip()
    return out or None


def _candidates(run_dir: Path) -> list[dict[str, Any]]:
    """The judge's mistakes in a run: wrong unperturbed responses, then flipped or missed variants."""
    path = run_dir / "summary.json"
    if not path.is_file():
        raise click.UsageError(
            f"{run_dir} has no summary.json; pass the folder of a finished 'judgeprobe run'"
        )
    summary = json.loads(path.read_text(encoding="utf-8"))
    found: list[dict[str, Any]] = []
    for row in summary.get("disagreements", []):
        found.append({"case_id": row["case_id"], "unit_id": row["unit_id"], "variant_id": None,
                      "what": f"said {row['outcome']}, label {row['label']}", "chain": "base"})  # fmt: skip
    for row in summary.get("flipped", []):
        what = f"{row['relation']} {row['events']}/{row['n']}"
        found.append({"case_id": row["case_id"], "unit_id": row["unit_id"], "variant_id": row["variant_id"],
                      "what": what, "chain": row["chain"]})  # fmt: skip
    return found


def _from_run(run_dir: Path, picked: dict[str, Any]) -> dict[str, Any]:
    """The scaffold arguments for one mistake of a run (its variant read back from the run's store)."""
    from judgeprobe.harness.store import RunStore, store_path

    if not store_path(run_dir).is_file():
        raise click.UsageError(f"{run_dir} holds no run store; pass the output folder of a 'judgeprobe run'")
    with RunStore(store_path(run_dir)) as store:
        record = store.find_run(None)
        if picked["variant_id"] is not None:
            variant = store.get_variant(picked["variant_id"])
        else:
            variant = next(
                v for v in store.run_variants(record)
                if v.case_id == picked["case_id"] and v.unit_id == picked["unit_id"] and v.relation == "base"
            )  # fmt: skip
    if variant.answer_kind is None or variant.reference is None:
        raise click.UsageError("cases new builds grade cases; this mistake is in a pairwise or score case")
    text = variant.slots[0].text
    right = variant.label == "correct"
    return {
        "question": variant.question, "reference": variant.reference, "kind": variant.answer_kind,
        "choices": dict(variant.choices) if variant.choices else None,
        "correct": [text] if right else [], "incorrect": [] if right else [text],
        "case_id": case_id_for(variant.case_id, variant.probe, variant.id[:6]),
        "tags": ["regression", variant.family],
        "source": f"judgeprobe run {record.key}: {variant.case_id}/{variant.unit_id} {variant.chain_name}",
        "provenance": {"kind": "mined", "dataset": "judgeprobe run", "item_id":
                       f"{variant.case_id}/{variant.unit_id}/{variant.id}", "file": str(run_dir),
                       "judge": record.judge, "date": datetime.date.today().isoformat()},
        "whys": {text: f"the run's label ({variant.label}); the judge got it wrong ({picked['what']})"},
        "note": f"Pinned from run {record.key}: {picked['what']} on {variant.chain_name}.",
    }  # fmt: skip


def _from_audit(path: Path, pick: int) -> dict[str, Any]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not 1 <= pick <= len(lines):
        raise click.UsageError(f"--pick {pick} is out of range: {path} has {len(lines)} disagreement(s)")
    row = json.loads(lines[pick - 1])
    answer = row.get("graded_answer") or row.get("extracted") or ""
    if not answer:
        raise click.UsageError(f"{path}:{pick}: the disagreement has no answer to make a response of")
    grader = row.get("grader")
    right = (row.get("judge") == "correct") if grader == "undecided" else (grader == "correct")
    whose = (
        "the judge's verdict (the grader was undecided)" if grader == "undecided" else "the grader's verdict"
    )
    return {
        "question": f"(question text not in the audit; item {row['id']})", "reference": row["reference"],
        "kind": row.get("answer_kind") or "text", "choices": None,
        "correct": [answer] if right else [], "incorrect": [] if right else [answer],
        "case_id": case_id_for("audit", str(row.get("team", "")), str(row["id"])),
        "tags": ["regression", "mined"],
        "source": f"judgeprobe audit {path}:{pick} (item {row['id']})",
        "provenance": {"kind": "mined", "item_id": str(row["id"]), "file": str(row.get("source") or path),
                       "team": row.get("team"), "judge": row.get("judge_model"),
                       "date": datetime.date.today().isoformat()},
        "whys": {answer: f"provisional: {whose} (the judge said {row.get('judge')})"},
    }  # fmt: skip


@click.command("new")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Case file to add the case to.")
@click.option("--id", "case_id", help="Case id (default: from the question or the mistake).")
@click.option("--question", help="The question.")
@click.option("--reference", help="The reference answer.")
@click.option("--kind", help="Answer kind (see 'judgeprobe cases list').")
@click.option("--choice", "choices", multiple=True, help="Multiple choice option LETTER=TEXT; repeatable.")
@click.option("--correct", multiple=True, help="A right response; repeatable.")
@click.option("--incorrect", multiple=True, help="A wrong response; repeatable.")
@click.option("--equivalent", "equivalents", multiple=True, help="Another form of the reference; repeatable.")
@click.option("--non-equivalent", "non_equivalents", multiple=True, help="A wrong neighbour; repeatable.")
@click.option("--tag", "tags", multiple=True, help="Tag; the first names the kind of trickiness.")
@click.option("--source", default="hand-written", show_default=True, help="One-line provenance.")
@click.option("--from-run", "run_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Take a judge mistake from this run folder (see --list, --pick, --variant).")  # fmt: skip
@click.option("--from-audit", "audit_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Take a disagreement from an audit's disagreements.jsonl (see --pick).")  # fmt: skip
@click.option("--list", "list_only", is_flag=True, help="With --from-run: list the mistakes and stop.")
@click.option("--pick", type=click.IntRange(min=1), help="Which mistake or disagreement (1-based).")
@click.option("--variant", "variant_id", help="With --from-run: the variant id of the mistake.")
@click.option("--reviewed", is_flag=True, help="The labels are adjudicated: write review: reviewed.")
def new(**given: Any) -> None:
    """Scaffold a lint-clean case and add it to a case file (see 'docs/adding-cases.md')."""
    run_dir, audit_file, out = given["run_dir"], given["audit_file"], given["out"]
    if run_dir is not None and audit_file is not None:
        raise click.UsageError("give --from-run or --from-audit, not both")
    if run_dir is not None:
        found = _candidates(run_dir)
        if given["list_only"] or (given["pick"] is None and given["variant_id"] is None):
            for n, row in enumerate(found, 1):
                click.echo(f"{n:3}  {row['case_id']}/{row['unit_id']}  {row['chain']}  ({row['what']})")
            if not found:
                click.echo("the run has no disagreements with the labels and no flips")
            return
        if given["variant_id"] is not None:
            picked = {"case_id": "", "unit_id": "", "variant_id": given["variant_id"], "what": "picked by id"}
        elif given["pick"] > len(found):
            raise click.UsageError(f"--pick {given['pick']} is out of range: the run lists {len(found)}")
        else:
            picked = found[given["pick"] - 1]
        args = _from_run(run_dir, picked)
    elif audit_file is not None:
        args = _from_audit(audit_file, given["pick"] or 1)
    else:
        missing = [f"--{name}" for name in ("question", "reference", "kind") if not given[name]]
        if missing:
            raise click.UsageError(f"give {', '.join(missing)} (or --from-run / --from-audit)")
        args = {"question": given["question"], "reference": given["reference"], "kind": given["kind"],
                "choices": _choices(given["choices"]), "correct": list(given["correct"]),
                "incorrect": list(given["incorrect"]), "tags": list(given["tags"]),
                "source": given["source"]}  # fmt: skip
    if given["case_id"]:
        args["case_id"] = given["case_id"]
    if given["equivalents"]:
        args["equivalents"] = list(given["equivalents"])
    if given["non_equivalents"]:
        args["non_equivalents"] = list(given["non_equivalents"])
    if out is None:
        raise click.UsageError("give --out FILE: the case file to add the case to")
    library, _ = load_library_report([], include_builtin=True)
    try:
        made = add_case(scaffold_case(**args, reviewed=given["reviewed"]), out,
                        known_ids=library.ids if library is not None else ())  # fmt: skip
    except (CaseError, ValueError) as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(1) from None
    click.echo(f"added case {made.case['id']} to {out} ({made.case['review']})")
    for issue in made.issues:
        click.echo(f"  to review: {issue}")
    click.echo(f"next: judgeprobe cases lint --cases {out.parent}  (then run it; see docs/adding-cases.md)")
