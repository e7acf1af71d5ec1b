"""The case library: schema, loader, lint, and the answer forms everyone uses."""

from judgeprobe.cases.errors import CaseError, CaseFileError, DuplicateCaseId
from judgeprobe.cases.lint import LintIssue, Severity, lint_library
from judgeprobe.cases.loader import Library, load_file, load_library, load_library_report
from judgeprobe.cases.models import (
    AnswerKind,
    Case,
    GradeCase,
    GradeResponse,
    Mode,
    PairwiseCase,
    PairwiseResponse,
    Provenance,
    ProvenanceKind,
    Review,
    ScoreCase,
    ScoreResponse,
)

__all__ = [
    "AnswerKind",
    "Case",
    "CaseError",
    "CaseFileError",
    "DuplicateCaseId",
    "GradeCase",
    "GradeResponse",
    "Library",
    "LintIssue",
    "Mode",
    "PairwiseCase",
    "PairwiseResponse",
    "Provenance",
    "ProvenanceKind",
    "Review",
    "ScoreCase",
    "ScoreResponse",
    "Severity",
    "lint_library",
    "load_file",
    "load_library",
    "load_library_report",
]
