"""Answer forms: the answer-kind table, normalisation, safe math parsing, equivalence, alternate surface
forms and grading.

The one place that knows what an answer *is*. Each answer kind is one row of the table in
:mod:`judgeprobe.cases.answers.kinds`; the functions here dispatch through it. The probes use them to
rewrite an answer into another form (each rewrite verified by :func:`check_rewrite`); the built-in reference
judges use :func:`grade` to grade one, under a grading :class:`Policy`. Nothing
here evaluates untrusted text: math goes through a whitelisting tokenizer and a recursive-descent parser
that builds sympy objects, within :class:`Limits` and a time budget. :func:`grade` and :func:`equivalent`,
the entry points that run sympy on untrusted text, run in worker processes that are killed and replaced
when a computation overruns (:mod:`judgeprobe.cases.answers.isolation`).
"""

from judgeprobe.cases.answers.compare import (
    DEFAULT_ABSOLUTE_TOLERANCE,
    DEFAULT_EXPRESSION_TOLERANCE,
    DEFAULT_RELATIVE_TOLERANCE,
)
from judgeprobe.cases.answers.equivalence import is_hedged
from judgeprobe.cases.answers.forms import alternate_forms, render_ascii, render_latex, render_unicode
from judgeprobe.cases.answers.grading import NO_ANSWER, Grading
from judgeprobe.cases.answers.isolated import equivalent, grade
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
from judgeprobe.cases.answers.policy import DEFAULT_POLICY, Kept, Policy
from judgeprobe.cases.answers.rewrites import RewriteCheck, check_rewrite, keeps_notation, read_alike
from judgeprobe.cases.answers.rules import ReferenceRules
from judgeprobe.cases.answers.safe_math import Parsed, parse_answer, parse_math
from judgeprobe.cases.answers.skeleton import notation_skeleton, same_notation
from judgeprobe.cases.answers.tolerance import Tolerance

__all__ = [
    "DEFAULT_ABSOLUTE_TOLERANCE",
    "DEFAULT_EXPRESSION_TOLERANCE",
    "DEFAULT_LIMITS",
    "DEFAULT_POLICY",
    "DEFAULT_RELATIVE_TOLERANCE",
    "NO_ANSWER",
    "AnswerKind",
    "Decision",
    "Folding",
    "Grading",
    "Judgement",
    "Kept",
    "KindSpec",
    "Limits",
    "Parsed",
    "Policy",
    "ReferenceRules",
    "RewriteCheck",
    "Route",
    "Tolerance",
    "UnknownAnswerKind",
    "alternate_forms",
    "check_rewrite",
    "equivalent",
    "extract_final_answer",
    "grade",
    "is_hedged",
    "keeps_notation",
    "kind_of",
    "kind_spec",
    "known_kinds",
    "normalize",
    "notation_skeleton",
    "parse_answer",
    "parse_math",
    "read_alike",
    "register_kind",
    "render_ascii",
    "render_latex",
    "render_unicode",
    "same_notation",
]
