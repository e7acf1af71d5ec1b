"""Audit a judge's verdicts in judged-results files: the source article's analysis as ``judgeprobe audit``.

Read HLE judged files and flat JSONL/CSV results (:mod:`~judgeprobe.harness.audit.readers`), give every
verdict a second opinion from the project's safe grader (:mod:`~judgeprobe.harness.audit.second_opinion`),
mine disagreements into regression cases (:mod:`~judgeprobe.harness.audit.mining`), classify why answers
were judged wrong (taxonomy, TF-IDF keywords), compare teams (accuracy, calibration, unique solves, paired
tests, multiple-choice answer form) and re-judge through the runner
(:mod:`~judgeprobe.harness.audit.rejudge`).
"""

from judgeprobe.harness.audit.analysis import SCHEMA_VERSION, Audit, AuditOptions, run_audit
from judgeprobe.harness.audit.mining import MineResult, mine_cases
from judgeprobe.harness.audit.output import write_outputs
from judgeprobe.harness.audit.rows import AuditInputError, JudgedRow, Unusable
from judgeprobe.harness.audit.second_opinion import SecondOpinion, grade, infer_kind
from judgeprobe.harness.audit.tables import load_audit
from judgeprobe.harness.audit.taxonomy import Taxonomy, load_taxonomy
from judgeprobe.harness.audit.verdicts import Disagreement, DisagreementKind

__all__ = [
    "SCHEMA_VERSION",
    "Audit",
    "AuditInputError",
    "AuditOptions",
    "Disagreement",
    "DisagreementKind",
    "JudgedRow",
    "MineResult",
    "SecondOpinion",
    "Taxonomy",
    "Unusable",
    "grade",
    "infer_kind",
    "load_audit",
    "load_taxonomy",
    "mine_cases",
    "run_audit",
    "write_outputs",
]
