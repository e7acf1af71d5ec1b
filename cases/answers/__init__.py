"""Answer forms: the answer-kind table, normalisation, safe math parsing, equivalence, alternate surface
forms and grading.

The one place that knows what an answer *is*. Each answer kind is one row of the table in
:mod:`judgeprobe.cases.answers.kinds`; the functions here dispatch through it. The probes use them to
rewrite an answer into another form; the built-in reference judges use :func:`grade` to grade one. Nothing
here evaluates untrusted text: math goes through a whitelisting tokenizer and a recursive-descent parser
that builds sympy objects, within :class:`Limits` and a time budget.
"""

from judgeprobe.cases.answers.compare import (
    DEFAULT_ABSOLUTE_TOLERANCE,
    DEFAULT_EXPRESSION_TOLERANCE,
    DEFAULT_RELATIVE_TOLERANCE,
)
from judgeprobe.cases.answers.equivalence import equivalent, is_hedged
from judgeprobe.cases.answers.forms import alternate_forms, render_ascii, render_latex, render_unicode
from judgeprobe.cases.answers.grading import NO_ANSWER, Grading, grade
from judgeprobe.cases.answers.judgement import Decision, Judgement
from judgeprobe.cases.answers.kinds import (
    AnswerKind,
    Folding,
    KindSpec,
    Route,
    UnknownAnswerKind,
    kind_of,
    kind_spec,
    known_kinds,
    register_kind,
)
from judgeprobe.cases.answers.limits import DEFAULT_LIMITS, Limits
from judgeprobe.cases.answers.normalize import extract_final_answer, normalize
from judgeprobe.cases.answers.rules import ReferenceRules
from judgeprobe.cases.answers.safe_math import Parsed, parse_answer, parse_math
from judgeprobe.cases.answers.tolerance import Tolerance

__all__ = [
    "DEFAULT_ABSOLUTE_TOLERANCE",
    "DEFAULT_EXPRESSION_TOLERANCE",
    "DEFAULT_LIMITS",
    "DEFAULT_RELATIVE_TOLERANCE",
    "NO_ANSWER",
    "AnswerKind",
    "Decision",
    "Folding",
    "Grading",
    "Judgement",
    "KindSpec",
    "Limits",
    "Parsed",
    "ReferenceRules",
    "Route",
    "Tolerance",
    "UnknownAnswerKind",
    "alternate_forms",
    "equivalent",
    "extract_final_answer",
    "grade",
    "is_hedged",
    "kind_of",
    "kind_spec",
    "known_kinds",
    "normalize",
    "parse_answer",
    "parse_math",
    "register_kind",
    "render_ascii",
    "render_latex",
    "render_unicode",
]
