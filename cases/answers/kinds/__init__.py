"""The answer-kind table: per kind, its folding, comparer, hedge check, alternate forms, renderers, grader
route and authoring rules, in one row (:class:`KindSpec`).

Shipped rows live one module per family: :mod:`~judgeprobe.cases.answers.kinds.choice` (multiple choice),
:mod:`~judgeprobe.cases.answers.kinds.maths` (number, expression, set, tuple, interval),
:mod:`~judgeprobe.cases.answers.kinds.notation` (group, complexity class, chemistry, date, boolean) and
:mod:`~judgeprobe.cases.answers.kinds.text`. Every consumer (normalisation, equivalence, alternate forms,
rendering, grading, the case schema, lint and the formatting probes) reads the row; none keeps a list of
kinds of its own.

Adding a kind touches two files: a module with the kind's functions and its row, passed to
:func:`register_kind` (a new ``kinds/<family>.py``), and the list that gets the module imported
(:data:`SHIPPED_FAMILIES` in ``kinds/registry.py``; for a plugin, its ``judgeprobe.answer_kinds`` entry
point). A kind added to an existing family module touches that one file. ``tests/cases/roman_kind.py`` is a
worked example. The slot value types (:class:`Route`, :class:`Folding`, ...) are in ``kinds/slots.py``.
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
