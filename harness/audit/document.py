"""The human-readable audit: sections built once from ``audit.json`` (rendered by
:mod:`judgeprobe.harness.audit.render` as ``audit.md`` and ``audit.html``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from judgeprobe.harness.audit.svg import accuracy_bars, error_stack, mc_bars, part_score_bars
from judgeprobe.harness.report.fmt import ci, pct, pts, q_text

__all__ = ["LISTED", "Section", "Table", "build_sections"]

LISTED = 200
"""At most this many disagreements and unusable rows are listed in the documents (all are in the files)."""


@dataclass(frozen=True)
class Table:
    """A table: header and rows of text cells."""

    header: Sequence[str]
    """Column names."""
    rows: Sequence[Sequence[str]]
    """Cells."""


@dataclass
class Section:
    """One section of the audit document."""

    id: str
    """Anchor id."""
    title: str
    """Heading."""
    text: list[str] = field(default_factory=list)
    """Paragraphs (plain text)."""
    tables: list[Table] = field(default_factory=list)
    """Tables."""
    plots: list[str] = field(default_factory=list)
    """SVG plots (HTML only)."""
    warnings: list[str] = field(default_factory=list)
    """Highlighted notes."""


def _num(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _acc(block: Mapping[str, Any]) -> str:
    share = f"{pct(block['accuracy'])} ({block['judged_correct']}/{block['items']})"
    return f"{share} {ci(tuple(block['accuracy_ci']))}"


def build_sections(report: Mapping[str, Any]) -> list[Section]:
    """The sections of the document, in reading order."""
    grader = report["grader"]
    labels: dict[str, str] = report["taxonomy"]["labels"]
    head = Section("overview", "Overview")
    head.text.append(
        f"{report['rows']} judged answers from {len(report['inputs'])} file(s); "
        f"{report['unusable']['count']} "
        f"unusable row(s). Judge: {', '.join(report['judge']) or 'not named'}. Second opinion: "
        f"{grader['spec']} "
        f"({grader['policy']} policy; {grader['distinct_graded']} distinct answers graded)."
    )
    head.warnings.append(
        "The grader is a second opinion, not ground truth: where it disagrees with the judge, either may be "
        "wrong "
        "(the grader is strict about forms it cannot parse; a reference may itself be wrong). Both verdicts "
        "are "
        "shown side by side; adjudicate before relying on either."
    )
    head.warnings += list(report["warnings"])
    head.tables.append(
        Table(
            ["file", "shape", "rows used", "unusable"],
            [[i["file"], i["shape"], str(i["rows"]), str(i["unusable"])] for i in report["inputs"]],
        )
    )
    sections = [head, _agreement(report), _teams(report), _solves(report), _pairwise(report)]
    sections += [_errors(report, labels), _keywords(report), _mc(report), _unusable(report)]
    if report.get("rejudge"):
        sections.append(_rejudge(report["rejudge"]))
    return sections


def _agreement(report: Mapping[str, Any]) -> Section:
    a = report["agreement"]
    s = Section("agreement", "Judge against the second opinion")
    rate = "–" if a["agreement"] is None else f"{pct(a['agreement'])} ({a['agree']}/{a['decided']})"
    s.text.append(f"Agreement where the grader decided: {rate} {ci(tuple(a['agreement_ci']))}.")
    s.tables.append(
        Table(
            ["judge \\ grader", "correct", "incorrect", "undecided"],
            [
                [j, *(str(a["counts"][j][g]) for g in ("correct", "incorrect", "undecided"))]
                for j in ("correct", "incorrect")
            ],
        )
    )
    counts = report["disagreement_counts"]
    s.tables.append(Table(["disagreement", "rows"], [[k, str(n)] for k, n in counts.items()]))
    items = report["disagreements"]
    s.tables.append(
        Table(
            ["id", "team", "phase", "judge", "grader", "kind", "reference", "extracted", "grader's reason"],
            [
                [
                    d["id"],
                    d["team"],
                    d["phase"] or "–",
                    d["judge"],
                    d["grader"],
                    d["kind"],
                    d["reference"],
                    d["extracted"] if d["extracted"] is not None else "(none)",
                    d["grader_reason"],
                ]
                for d in items[:LISTED]
            ],
        )
    )
    if len(items) > LISTED:
        s.text.append(f"First {LISTED} of {len(items)} listed; all are in disagreements.jsonl.")
    return s


def _teams(report: Mapping[str, Any]) -> Section:
    s = Section("teams", "Teams")
    s.text.append(
        "Accuracy counts missing items (no usable judged row) as wrong, as HLE counts unjudged items; "
        "intervals "
        "are 95% Wilson. Calibration: HLE's RMS error over answered items with a stated confidence (bins of "
        "100 "
        "by confidence, the last bin counted)."
    )
    rows = []
    for team, entry in report["teams"].items():
        for phase, block in [("all", entry), *entry["phases"].items()]:
            rows.append(
                [
                    team,
                    phase or "–",
                    _acc(block),
                    str(block["answered"]),
                    str(block["missing"]),
                    pct(block["calibration_error"]) + f" (n={block['calibration_n']})",
                    str(block["unique_correct"]),
                ]
            )
    s.tables.append(
        Table(
            [
                "team",
                "phase",
                "accuracy",
                "answered",
                "missing",
                "calibration error",
                "solved by this team only",
            ],
            rows,
        )
    )
    s.plots.append(accuracy_bars(report["teams"]))
    return s


def _solves(report: Mapping[str, Any]) -> Section:
    s = Section("solves", "Questions solved by all, none, exactly one team")
    rows = []
    for phase, p in report["solves"].items():
        which = ", ".join(f"{team} {n}" for team, n in p["unique_by_team"].items())
        rows.append(
            [
                phase or "–",
                str(p["questions"]),
                str(p["solved_by_all"]),
                str(p["solved_by_none"]),
                str(p["solved_by_exactly_one"]),
                which,
            ]
        )
    s.tables.append(Table(["phase", "questions", "by all", "by none", "by exactly one", "which team"], rows))
    return s


def _pairwise(report: Mapping[str, Any]) -> Section:
    s = Section("pairwise", "Team against team on shared questions")
    s.text.append(
        f"Exact McNemar test on the questions both teams answered; difference = first minus second with "
        f"Newcombe's paired 95% interval; q: {report['bh_scope']}."
    )
    s.tables.append(
        Table(
            [
                "phase",
                "first",
                "second",
                "shared",
                "first only right",
                "second only right",
                "difference",
                "p",
                "q",
            ],
            [
                [
                    p["phase"] or "–",
                    p["first"],
                    p["second"],
                    str(p["shared"]),
                    str(p["first_only"]),
                    str(p["second_only"]),
                    f"{pts(p['difference'])} {ci(tuple(p['difference_ci']), signed=True)}",
                    q_text(p["p_exact"]),
                    q_text(p["q"]),
                ]
                for p in report["pairwise"]
            ],
        )
    )
    return s


def _errors(report: Mapping[str, Any], labels: Mapping[str, str]) -> Section:
    e = report["error_types"]
    s = Section("errors", "Why answers were judged wrong")
    s.text.append(
        f"Answers the judge judged incorrect, classified by the keyword rules of taxonomy "
        f"'{report['taxonomy']['name']}' on the judge's explanation (first matching rule wins). Shares carry "
        "95% Wilson intervals."
    )
    entries = e["by_team_phase"]
    types = list(labels)
    s.tables.append(
        Table(
            ["phase", "team", "wrong", *(labels[t] for t in types)],
            [
                [
                    x["phase"] or "–",
                    x["team"],
                    str(x["incorrect"]),
                    *(f"{x['types'][t]['count']} ({pct(x['types'][t]['share'])})" for t in types),
                ]
                for x in entries
            ],
        )
    )
    parts = e["mean_part_score"]
    if any(cell["n"] for by in parts.values() for cell in by.values()):
        s.tables.append(
            Table(
                ["team", *(labels[t] for t in types)],
                [
                    [team, *(f"{_num(by[t]['mean'])} (n={by[t]['n']})" for t in types)]
                    for team, by in parts.items()
                ],
            )
        )
        s.plots.append(part_score_bars(parts, labels))
    if entries:
        s.plots += [error_stack(entries, labels, share=False), error_stack(entries, labels, share=True)]
    return s


def _keywords(report: Mapping[str, Any]) -> Section:
    k = report["keywords"]
    s = Section("keywords", "Keywords of the judge's explanations of wrong answers")
    s.text.append(
        f"TF-IDF (scikit-learn, English stop words removed, 50 features) over {k['documents']} explanations; "
        "top 30 by summed score."
    )
    s.text.append("Overall: " + (", ".join(x["term"] for x in k["overall"]) or "(no text)"))
    for team, items in k["by_team"].items():
        s.text.append(f"{team}: " + (", ".join(x["term"] for x in items) or "(no text)"))
    return s


def _mc(report: Mapping[str, Any]) -> Section:
    mc = report["mc"]
    s = Section("mc", "Multiple-choice answer form")
    rows = []
    for team, e in mc["by_team"].items():
        rows.append(
            [
                team,
                *(
                    f"{pct(e[f]['accuracy'])} ({e[f]['correct']}/{e[f]['n']}) {ci(tuple(e[f]['ci']))}"
                    for f in ("letter_only", "letter_and_text")
                ),
                f"{pts(e['difference'])} {ci(tuple(e['difference_ci']), signed=True)}",
                q_text(e["p_fisher"]),
                q_text(e.get("q")),
            ]
        )
    s.tables.append(
        Table(["team", "letter only (A)", "letter + text (A. 1)", "difference", "p (Fisher)", "q"], rows)
    )
    w = mc["within_questions"]
    if w["questions"]:
        s.text.append(
            f"Holding the question fixed ({w['questions']} questions answered in both forms): letter + text "
            f"was right more often on {w['text_better']}, less often on {w['text_worse']}, equally on "
            f"{w['ties']}; mean difference {pts(w['mean_difference'])} points "
            f"{ci(tuple(w['mean_difference_ci']), signed=True)} (bootstrap over questions), sign test "
            f"p = {q_text(w['p_sign_test'])}, q = {q_text(w.get('q'))}."
        )
    else:
        s.text.append(
            "No question was answered in both forms, so the form effect cannot be separated from the "
            "question."
        )
    if mc["by_team"]:
        s.plots.append(mc_bars(mc["by_team"]))
    return s


def _unusable(report: Mapping[str, Any]) -> Section:
    u = report["unusable"]
    s = Section("unusable", f"Unusable rows ({u['count']})")
    s.tables.append(
        Table(
            ["file", "line", "id", "field", "reason"],
            [
                [x["source"], str(x["line"]), x["id"] or "–", x["field"] or "–", x["reason"]]
                for x in u["items"][:LISTED]
            ],
        )
    )
    if u["count"] > LISTED:
        s.text.append(f"First {LISTED} of {u['count']} listed; all are in unusable.csv.")
    return s


def _rejudge(r: Mapping[str, Any]) -> Section:
    s = Section("rejudge", f"Re-judged by {r['judge']}")
    s.text.append(
        f"{r['requested']} answer(s) re-judged ({r['scope']}): {r['judged']} judged, {r['unscored']} "
        "unscored, "
        f"{r['errors']} errors. Agrees with the original judge on {r['agree_original']}, with the grader on "
        f"{r['agree_grader']} (of those the grader decided)."
    )
    s.tables.append(
        Table(
            ["id", "team", "phase", "original judge", "grader", "new judge"],
            [
                [x["id"], x["team"], x["phase"] or "–", x["judge"], x["grader"], x["new_judge"]]
                for x in r["items"][:LISTED]
            ],
        )
    )
    return s
