"""The case library: schema, loader, lint, and the answer forms everyone uses (design §2, §3)."""

from cases.errors import CaseError, CaseFileError, DuplicateCaseId
from cases.models import (
    AnswerKind,
    Case,
    GradeCase,
    GradeResponse,
    Mode,
    PairwiseCase,
    PairwiseResponse,
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
    "Mode",
    "PairwiseCase",
    "PairwiseResponse",
    "ScoreCase",
    "ScoreResponse",
]
