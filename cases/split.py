"""The development / held-out split of the case library, for measuring the built-in grader on answers its
development never saw.

The rule: a case is **held out** when the first byte of ``SHA-256("judgeprobe-grader-split-v1\\x00" + case
id)`` is divisible by 4 (about one case in four), and in the **development** part otherwise. The rule reads
nothing but the case id, so a case keeps its part forever, whichever files it moves between and whatever
else the library holds; a new case lands in a part fixed before anyone saw how the grader does on it.

How it is used (``docs/grading.md``): the grader is developed against the development part only; the
held-out part's agreement is reported (``judgeprobe cases grade-check``, ``nox -s bench``, the floor test)
but its disagreements are not listed by default and are never fixed one by one: a held-out failure is
worked on only as a *class* of failure that also shows in new development cases.
"""

from __future__ import annotations

import hashlib
from typing import Literal

__all__ = ["HELD_OUT_ONE_IN", "PARTS", "SPLIT_SALT", "Part", "part_of"]

Part = Literal["dev", "held-out"]
"""The two parts of the library."""
PARTS: tuple[Part, ...] = ("dev", "held-out")
SPLIT_SALT = "judgeprobe-grader-split-v1"
"""Fixed salt of the split hash; changing it reshuffles the parts (and voids every held-out figure)."""
HELD_OUT_ONE_IN = 4
"""About one case in this many is held out."""


def part_of(case_id: str) -> Part:
    """The part a case id falls in (see the module docstring)."""
    digest = hashlib.sha256(f"{SPLIT_SALT}\x00{case_id}".encode()).digest()
    return "held-out" if digest[0] % HELD_OUT_ONE_IN == 0 else "dev"
