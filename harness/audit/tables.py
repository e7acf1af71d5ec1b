"""Machine-readable outputs: ``audit.json``, ``disagreements.jsonl``, the CSV tables, and a pandas loader.

CSV tables (UTF-8, one header row):

============================  ===========================================================================
``rows.csv``                  one row per judged answer analysed: id, team, phase, judge, grader, kind of
                              disagreement, answer kind, error type, multiple-choice form, confidence, part
                              score, source, line (the article's results frame, with the second opinion)
``teams.csv``                 per team and phase (phase ``all`` pools them): items, answered, missing,
                              judged correct, accuracy with its interval, calibration error, unique solves
``error_types.csv``           per phase, team and error type: count, share, share interval
``part_scores.csv``           per team and error type: mean partial score and n
``mc.csv``                    per team and answer form: n, correct, accuracy, interval
``pairwise.csv``              per phase and team pair: the 2x2 table, difference, interval, p, q
``keywords.csv``              scope (``overall`` or a team), rank, term, summed TF-IDF score
``unusable.csv``              every unusable row with its reason
============================  ===========================================================================
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from judgeprobe.harness.audit.mcform import FORMS, answer_form

if TYPE_CHECKING:
    import pandas as pd

    from judgeprobe.harness.audit.analysis import Audit

__all__ = ["CSV_TABLES", "load_audit", "write_tables"]

CSV_TABLES = (
    "rows",
    "teams",
    "error_types",
    "part_scores",
    "mc",
    "pairwise",
    "keywords",
    "unusable",
)
"""The CSV tables written next to ``audit.json`` (``<name>.csv``)."""


def _write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])


def _row_table(audit: Audit) -> Iterable[Sequence[Any]]:
    kinds = {id(d.row): str(d.kind) for d in audit.disagreements}
    for row, opinion, type_id in zip(audit.rows, audit.opinions, audit.types, strict=True):
        mc = str(opinion.kind) == "multiple_choice"
        yield (
            row.id, row.team, row.phase, "correct" if row.correct else "incorrect", opinion.outcome,
            kinds.get(id(row), ""), str(opinion.kind), type_id,
            answer_form(row.extracted if row.extracted is not None else opinion.answer) if mc else None,
            row.confidence, row.part_score, row.source, row.line,
        )  # fmt: skip


def write_tables(audit: Audit, out: Path) -> list[Path]:
    """Write ``audit.json``, ``disagreements.jsonl`` and the CSV tables into ``out``; return the paths."""
    out.mkdir(parents=True, exist_ok=True)
    report = audit.report
    written = [out / "audit.json", out / "disagreements.jsonl"]
    written[0].write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    with written[1].open("w", encoding="utf-8") as handle:
        for item in report["disagreements"]:
            handle.write(json.dumps(item, ensure_ascii=False) + "\n")
    header = ["id", "team", "phase", "judge", "grader", "disagreement", "answer_kind", "error_type",
              "mc_form", "confidence", "part_score", "source", "line"]  # fmt: skip
    _write_csv(out / "rows.csv", header, _row_table(audit))
    team_rows = []
    for team, entry in report["teams"].items():
        for phase, block in [("all", entry), *entry["phases"].items()]:
            team_rows.append(
                (team, phase, block["items"], block["answered"], block["missing"], block["judged_correct"],
                 block["accuracy"], *block["accuracy_ci"], block["calibration_error"], block["calibration_n"],
                 block["unique_correct"])
            )  # fmt: skip
    _write_csv(
        out / "teams.csv",
        ["team", "phase", "items", "answered", "missing", "judged_correct", "accuracy", "accuracy_low",
         "accuracy_high", "calibration_error", "calibration_n", "unique_correct"],
        team_rows,
    )  # fmt: skip
    _write_csv(
        out / "error_types.csv",
        ["phase", "team", "error_type", "count", "share", "share_low", "share_high"],
        (
            (e["phase"], e["team"], t, c["count"], c["share"], *c["share_ci"])
            for e in report["error_types"]["by_team_phase"]
            for t, c in e["types"].items()
        ),
    )
    _write_csv(
        out / "part_scores.csv",
        ["team", "error_type", "mean_part_score", "n"],
        ((team, t, c["mean"], c["n"]) for team, by in report["error_types"]["mean_part_score"].items()
         for t, c in by.items()),
    )  # fmt: skip
    _write_csv(
        out / "mc.csv",
        ["team", "form", "n", "correct", "accuracy", "accuracy_low", "accuracy_high"],
        ((team, f, e[f]["n"], e[f]["correct"], e[f]["accuracy"], *e[f]["ci"])
         for team, e in report["mc"]["by_team"].items() for f in FORMS),
    )  # fmt: skip
    _write_csv(
        out / "pairwise.csv",
        ["phase", "first", "second", "shared", "both", "first_only", "second_only", "neither", "difference",
         "difference_low", "difference_high", "p_exact", "q"],
        ((p["phase"], p["first"], p["second"], p["shared"], p["both"], p["first_only"], p["second_only"],
          p["neither"], p["difference"], *p["difference_ci"], p["p_exact"], p["q"])
         for p in report["pairwise"]),
    )  # fmt: skip
    keywords = report["keywords"]
    scopes = [("overall", keywords["overall"]), *keywords["by_team"].items()]
    _write_csv(
        out / "keywords.csv",
        ["scope", "rank", "term", "score"],
        ((scope, rank, k["term"], k["score"]) for scope, items in scopes for rank, k in enumerate(items, 1)),
    )
    _write_csv(
        out / "unusable.csv",
        ["source", "line", "id", "team", "phase", "field", "reason"],
        ((u["source"], u["line"], u["id"], u["team"], u["phase"], u["field"], u["reason"])
         for u in report["unusable"]["items"]),
    )  # fmt: skip
    return [*written, *(out / f"{name}.csv" for name in CSV_TABLES)]


def load_audit(out: Path | str, table: str = "rows") -> pd.DataFrame:
    """One table of an audit folder as a pandas DataFrame (default: ``rows``, one row per judged answer).

    Ids, teams and phases are read as text (``q001`` and phase ``1`` stay strings).

    Raises:
        ValueError: unknown table name.
        FileNotFoundError: the folder has no such table (not an audit folder).
    """
    import pandas as pd

    if table not in CSV_TABLES:
        raise ValueError(f"unknown audit table {table!r}; expected one of {', '.join(CSV_TABLES)}")
    text_columns = {"id", "team", "phase", "first", "second", "scope", "term", "source", "reason", "field"}
    path = Path(out) / f"{table}.csv"
    header = pd.read_csv(path, nrows=0).columns
    return pd.read_csv(path, dtype={c: "string" for c in header if c in text_columns}, keep_default_na=True)
