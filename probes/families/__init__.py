"""The shipped probe families; importing this package registers every probe, in a fixed order.

One module per family (or per pair of small families): position, length, verbosity, formatting (with
multiple-choice styles), reference_form, authority and bandwagon (``social``), identity, distraction and
sentiment (``persona``), specificity, master_key, injection.
"""

from judgeprobe.probes.families import (
    choice_style,
    formatting,
    injection,
    length,
    master_key,
    persona,
    position,
    reference_form,
    social,
    specificity,
    verbosity,
)

__all__ = [
    "choice_style",
    "formatting",
    "injection",
    "length",
    "master_key",
    "persona",
    "position",
    "reference_form",
    "social",
    "specificity",
    "verbosity",
]
