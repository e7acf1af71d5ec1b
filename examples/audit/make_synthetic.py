"""Write a SYNTHETIC judged-results set for trying ``judgeprobe audit`` (nothing in it is real data).

Three made-up teams answer the same made-up questions in two phases. A made-up judge gives verdicts that
follow the truth except where this script *plants* mistakes of both kinds (accepting a non-equivalent answer,
rejecting an equivalent one). Wrong answers carry judge explanations written to fall into planted error types
of the article's taxonomy, with planted partial scores; multiple-choice answers come as a bare letter or a
letter with its choice text, and the latter are right more often (a planted effect). A few rows are broken on
purpose (bad JSON, an unreadable verdict, a missing reference) and one team skips some questions.

Everything planted is written to ``planted.json`` so the tests can check that the audit recovers exactly it.

Usage::

    python examples/audit/make_synthetic.py OUT_DIR [--seed 0] [--questions 60]
    judgeprobe audit OUT_DIR/results.jsonl --out OUT_DIR/audit --mine OUT_DIR/mined

Files: ``results.jsonl`` (flat rows, both phases), ``results.csv`` (the same rows as CSV), ``hle/`` (phase 1
as HLE judged files, one per team), ``questions.jsonl`` (the question rows), ``planted.json``.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

TEAMS = ("alpha", "bravo", "charlie")
PHASES = ("1", "2")
TYPES = {
    "misunderstood_problem": "The model misunderstands what the question asks; its answer {a} does not "
    "match {r}.",
    "execution_error_correct_approach": "The response follows correct reasoning, but the execution fails in "
    "the final computation, giving {a} instead of {r}.",
    "execution_error": "An execution error in the arithmetic leads to {a} rather than {r}.",
    "approach_error": "The chosen method is flawed, so the final answer {a} differs from {r}.",
    "irrelevant_answer": "The response is irrelevant to the question asked.",
    "incomplete_answer": "The answer is incomplete: it gives {a} and misses part of {r}.",
    "incorrect_general": "The extracted answer {a} is not correct; the reference is {r}.",
    "other": "The final answer {a} does not match {r}.",
}
"""Planted error type -> the judge explanation written for it (each falls into exactly that type)."""
PART_MEAN = {
    "misunderstood_problem": 0.3, "execution_error_correct_approach": 0.4, "execution_error": 0.35,
    "approach_error": 0.28, "irrelevant_answer": 0.7, "incomplete_answer": 0.5, "incorrect_general": 0.45,
    "other": 0.68,
}  # fmt: skip
TYPE_WEIGHTS = {
    "alpha": (4, 1, 6, 3, 2, 1, 1, 2),
    "bravo": (2, 1, 5, 5, 1, 2, 1, 3),
    "charlie": (3, 2, 3, 2, 3, 1, 2, 4),
}
"""Per team: relative frequency of each planted type (in ``TYPES`` order)."""
ACCURACY = {"alpha": 0.55, "bravo": 0.45, "charlie": 0.35}
"""Per team: chance of a right answer on non-multiple-choice questions."""
MC_ACCURACY = {"letter_only": 0.3, "letter_and_text": 0.8}
"""Planted multiple-choice effect: chance of a right answer by answer form."""
CHOICE_TEXTS = ("1", "2", "3", "4", "5", "6")


def _question(index: int, rng: random.Random) -> dict[str, Any]:
    """One made-up question: reference, its forms, and a wrong answer; kinds rotate."""
    qid = f"q{index:03d}"
    kind = ("number", "mc", "class", "group", "expression", "mc")[index % 6]
    if kind == "number":
        n = rng.randint(10, 999)
        return {"id": qid, "kind": kind, "question": f"Compute the made-up quantity #{index}.",
                "reference": str(n), "equivalent": f"{n}.0", "wrong": str(n + rng.randint(1, 9))}  # fmt: skip
    if kind == "class":
        k = rng.randint(0, 3)
        return {"id": qid, "kind": kind, "question": f"Which circuit class, variant {index}?",
                "reference": f"$TC^{k}$", "equivalent": f"TC{k}", "wrong": f"TC^{k + 1}"}  # fmt: skip
    if kind == "group":
        k = rng.randint(2, 6)
        return {"id": qid, "kind": kind, "question": f"Which group, variant {index}?",
                "reference": "+".join(["Z"] * k), "equivalent": f"Z^{k}", "wrong": f"Z^{k + 1}"}  # fmt: skip
    if kind == "expression":
        a = rng.randint(2, 9)
        return {"id": qid, "kind": kind, "question": f"Expand (x + {a})^2.",
                "reference": f"x^2 + {2 * a}x + {a * a}", "equivalent": f"{a * a} + {2 * a}*x + x^2",
                "wrong": f"x^2 + {a * a}"}  # fmt: skip
    letters = "ABCDEF"
    right = rng.randrange(6)
    lines = "\n".join(f"{letters[i]}. {CHOICE_TEXTS[i]}" for i in range(6))
    question = f"Pick the made-up option {index}.\n\nAnswer Choices:\n{lines}"
    return {"id": qid, "kind": "mc", "question": question, "reference": letters[right],
            "right_text": CHOICE_TEXTS[right], "wrong_letter": letters[(right + 1) % 6],
            "wrong_text": CHOICE_TEXTS[(right + 1) % 6]}  # fmt: skip


def generate(out: Path, *, seed: int = 0, questions: int = 60) -> dict[str, Any]:
    """Write the synthetic set into ``out`` and return what was planted (also written to planted.json)."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    bank = [_question(i, rng) for i in range(questions)]
    rows: list[dict[str, Any]] = []
    planted_disagreements: list[dict[str, str]] = []
    error_types: Counter[tuple[str, str, str]] = Counter()
    part_scores: dict[tuple[str, str], list[float]] = defaultdict(list)
    mc: dict[str, Counter[str]] = {team: Counter() for team in TEAMS}
    verdicts: dict[tuple[str, str, str], bool] = {}
    missing: Counter[tuple[str, str]] = Counter()
    for phase in PHASES:
        for team in TEAMS:
            for q in bank:
                if team == "charlie" and phase == "2" and int(q["id"][1:]) % 10 == 3:
                    missing[team, phase] += 1
                    continue
                plant = rng.random()
                if q["kind"] == "mc":
                    form = "letter_and_text" if rng.random() < 0.5 else "letter_only"
                    right = rng.random() < MC_ACCURACY[form]
                    letter = q["reference"] if right else q["wrong_letter"]
                    text = q["right_text"] if right else q["wrong_text"]
                    answer = f"{letter}. {text}" if form == "letter_and_text" else letter
                    judge_says = right
                    mc[team][f"{form}_n"] += 1
                    mc[team][f"{form}_correct"] += judge_says
                    kind = None
                else:
                    right = rng.random() < ACCURACY[team]
                    answer = q["reference"] if right else q["wrong"]
                    judge_says = right
                    kind = None
                    if plant < 0.06:  # the judge accepts a non-equivalent answer
                        answer, judge_says, kind = q["wrong"], True, "accepted_non_equivalent"
                    elif plant < 0.12:  # the judge rejects an equivalent form
                        answer, judge_says, kind = q["equivalent"], False, "rejected_equivalent"
                if kind is not None:
                    planted_disagreements.append({"id": q["id"], "team": team, "phase": phase, "kind": kind})
                row: dict[str, Any] = {
                    "id": q["id"], "team": team, "phase": phase,
                    "answer_type": "multipleChoice" if q["kind"] == "mc" else "exactMatch",
                    "question": q["question"],
                    "response": f"Working through it step by step.\nAnswer: {answer}\nConfidence: 80%",
                    "correct_answer": q["reference"], "extracted_final_answer": answer,
                    "correct": "yes" if judge_says else "no", "confidence": rng.choice([40, 60, 80, 95, 100]),
                }  # fmt: skip
                if judge_says:
                    row["judgement"] = "The extracted answer matches the reference."
                else:
                    type_id = rng.choices(list(TYPES), weights=TYPE_WEIGHTS[team])[0]
                    row["judgement"] = TYPES[type_id].format(a=answer, r=q["reference"])
                    score = round(min(1.0, max(0.0, PART_MEAN[type_id] + rng.uniform(-0.1, 0.1))), 3)
                    row["part_score"] = score
                    error_types[team, phase, type_id] += 1
                    part_scores[team, type_id].append(score)
                verdicts[phase, team, q["id"]] = judge_says
                rows.append(row)
    broken = [
        '{"id": "q000", "team": "alpha", "phase": "2", "correct": "yes"',
        json.dumps(
            {
                "id": "q001",
                "team": "bravo",
                "phase": "2",
                "correct": "maybe",
                "correct_answer": "1",
                "response": "1",
            }
        ),
        json.dumps({"id": "q002", "team": "charlie", "phase": "1", "correct": "no", "response": "2"}),
    ]
    with (out / "results.jsonl").open("w", encoding="utf-8") as handle:
        for index, row in enumerate(rows):
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            if index in (5, 50, 100):
                handle.write(broken[(5, 50, 100).index(index)] + "\n")
    columns = ["id", "team", "phase", "answer_type", "question", "response", "correct_answer",
               "extracted_final_answer", "judgement", "correct", "confidence", "part_score"]  # fmt: skip
    with (out / "results.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})
    (out / "hle").mkdir(exist_ok=True)
    for team in TEAMS:
        items = {
            row["id"]: {
                "model": team,
                "response": row["response"],
                "judge_response": {
                    "correct_answer": row["correct_answer"],
                    "model_answer": row["extracted_final_answer"],
                    "reasoning": row["judgement"],
                    "correct": row["correct"],
                    "confidence": row["confidence"],
                },
            }
            for row in rows
            if row["team"] == team and row["phase"] == "1"
        }
        (out / "hle" / f"hle_{team}.json").write_text(json.dumps(items, indent=2, ensure_ascii=False) + "\n")
    with (out / "questions.jsonl").open("w", encoding="utf-8") as handle:
        for q in bank:
            kind = "multipleChoice" if q["kind"] == "mc" else "exactMatch"
            record = {"id": q["id"], "question": q["question"], "answer": q["reference"], "answer_type": kind,
                      "category": q["kind"]}  # fmt: skip
            handle.write(json.dumps(record) + "\n")
    unique: Counter[tuple[str, str]] = Counter()
    for phase in PHASES:
        for q in bank:
            who = [t for t in TEAMS if verdicts.get((phase, t, q["id"]))]
            if len(who) == 1:
                unique[who[0], phase] += 1
    planted = {
        "synthetic": True,
        "seed": seed,
        "questions": questions,
        "rows": len(rows),
        "unusable": len(broken),
        "disagreements": planted_disagreements,
        "error_types": [
            {"team": t, "phase": p, "type": k, "count": n} for (t, p, k), n in sorted(error_types.items())
        ],
        "mean_part_score": {f"{t}/{k}": sum(v) / len(v) for (t, k), v in sorted(part_scores.items())},
        "mc": {team: dict(counts) for team, counts in mc.items()},
        "missing": {f"{t}/{p}": n for (t, p), n in missing.items()},
        "judged_correct": {
            f"{t}/{p}": sum(1 for (pp, tt, _), v in verdicts.items() if v and tt == t and pp == p)
            for t in TEAMS
            for p in PHASES
        },
        "unique_correct": {f"{t}/{p}": unique[t, p] for t in TEAMS for p in PHASES},
    }
    (out / "planted.json").write_text(json.dumps(planted, indent=2) + "\n")
    return planted


def main() -> None:
    """Command line: write the set into OUT_DIR."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--questions", type=int, default=60)
    args = parser.parse_args()
    planted = generate(args.out, seed=args.seed, questions=args.questions)
    print(f"wrote {planted['rows']} synthetic rows (+{planted['unusable']} broken) to {args.out}")


if __name__ == "__main__":
    main()
