"""The answer-kind table: per kind, its folding, comparer, hedge check, alternate forms, renderers, grader
route and authoring rules, in one row (:class:`KindSpec`).

Shipped rows live one module per family: :mod:`~judgeprobe.cases.answers.kinds.choice` (multiple choice),
:mod:`~judgeprobe.cases.answers.kinds.maths` (number, expression, set, tuple, interval),
:mod:`~judgeprobe.cases.answers.kinds.notation` (group, complexity class, chemistry, date, boolean) and
:mod:`~judgeprobe.cases.answers.kinds.text`. Every consumer (normalisation, equivalence, alternate forms,
rendering, grading, the case schema, lint and the formatting probes) reads the row; none keeps a list of
kinds of its own.

Adding a kind: write its row and functions in a module (a new family module, or a module of your own
package) that calls :func:`register_kind`, and make sure the module is imported — list a shipped family in
:data:`SHIPPED_FAMILIES`, or name a plugin module in the ``judgeprobe.answer_kinds`` entry-point group.
"""

from judgeprobe.cases.answers.kinds.registry import (
    ENTRY_POINT_GROUP,
    SHIPPED_FAMILIES,
    AnswerKind,
    Comparer,
    Comparison,
    FormsMaker,
    KindSpec,
    Renderer,
    UnknownAnswerKind,
    kind_of,
    kind_spec,
    known_kinds,
    no_rendering,
    register_kind,
    unregister_kind,
)
from judgeprobe.cases.answers.kinds.slots import (
    Choices,
    FieldPath,
    Folding,
    HedgeCheck,
    LintRule,
    Route,
    Style,
    no_lint,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "SHIPPED_FAMILIES",
    "AnswerKind",
    "Choices",
    "Comparer",
    "Comparison",
    "FieldPath",
    "Folding",
    "FormsMaker",
    "HedgeCheck",
    "KindSpec",
    "LintRule",
    "Renderer",
    "Route",
    "Style",
    "UnknownAnswerKind",
    "kind_of",
    "kind_spec",
    "known_kinds",
    "no_lint",
    "no_rendering",
    "register_kind",
    "unregister_kind",
]
