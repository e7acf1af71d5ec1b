"""The ``decimal`` kind: an approximate decimal, right to the significant figures it is written to.

A reference ``0.5772`` (Euler–Mascheroni, four figures) accepts ``0.5772``, ``5.772e-1`` and, with more
figures, ``0.57722`` (it rounds to the reference); it refuses ``0.577`` (fewer figures) and ``0.5773``. A
case may state the figures (``tolerance: {figures: 3}``) and what more or fewer figures get
(:mod:`~judgeprobe.cases.answers.tolerance`). Units are read and converted as for ``number``. Alternate
forms and renderings keep exactly the reference's figures (``5.772 × 10^-1``, never ``0.57720``), so a
probe's rewrite means the same under the figures rule.
"""

from __future__ import annotations

from judgeprobe.cases.answers.hedges import hedged_number
from judgeprobe.cases.answers.judgement import Judgement
from judgeprobe.cases.answers.kinds.maths import number_tolerance
from judgeprobe.cases.answers.kinds.maths_forms import decimal_forms, render_decimal
from judgeprobe.cases.answers.kinds.registry import Comparison, KindSpec, register_kind
from judgeprobe.cases.answers.kinds.slots import Folding, Route
from judgeprobe.cases.answers.numeric import compare_quantities

__all__ = ["DECIMAL", "compare_decimal"]


def compare_decimal(a: str, b: str, how: Comparison) -> Judgement:
    """The ``decimal`` comparer: as ``number``, with the reference's own significant figures as the
    tolerance when the case states none."""
    return compare_quantities(a, b, number_tolerance(how), how.limits, implied_figures=True)


DECIMAL = register_kind(
    KindSpec(
        name="decimal",
        description="An approximate decimal, right to the significant figures it is written to (0.5772) "
        "or that the case's tolerance states; a unit may follow.",
        folding=Folding(math_symbols=True, math_spacing=True, value_prefixes=True),
        compare=compare_decimal,
        hedged=hedged_number,
        forms=decimal_forms,
        render=render_decimal,
        route=Route.MATH,
        tolerance=True,
        origin="shipped",
    )
)
