"""Answer forms: normalisation, safe math parsing, equivalence and alternate surface forms (design §2).

The one place that knows what an answer *is*. The probes use it to rewrite an answer into another form;
the built-in reference judges use it to grade one. Nothing here evaluates untrusted text: math goes
through a whitelisting tokenizer and a recursive-descent parser that builds sympy objects, within
:class:`Limits` and a time budget.
"""

from judgeprobe.cases.answers.compare import (
    DEFAULT_ABSOLUTE_TOLERANCE,
    DEFAULT_EXPRESSION_TOLERANCE,
    DEFAULT_RELATIVE_TOLERANCE,
)
from judgeprobe.cases.answers.equivalence import equivalent, is_hedged
from judgeprobe.cases.answers.forms import alternate_forms, render_ascii, render_latex, render_unicode
from judgeprobe.cases.answers.judgement import Decision, Judgement
from judgeprobe.cases.answers.limits import DEFAULT_LIMITS, Limits
from judgeprobe.cases.answers.normalize import extract_final_answer, normalize
from judgeprobe.cases.answers.safe_math import Parsed, parse_answer, parse_math

__all__ = [
    "DEFAULT_ABSOLUTE_TOLERANCE",
    "DEFAULT_EXPRESSION_TOLERANCE",
    "DEFAULT_LIMITS",
    "DEFAULT_RELATIVE_TOLERANCE",
    "Decision",
    "Judgement",
    "Limits",
    "Parsed",
    "alternate_forms",
    "equivalent",
    "extract_final_answer",
    "is_hedged",
    "normalize",
    "parse_answer",
    "parse_math",
    "render_ascii",
    "render_latex",
    "render_unicode",
]
