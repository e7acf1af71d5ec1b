"""What a run covers: the case folders, the filters on cases, the probes, the seed and the grading policy,
as one value.

A :class:`Selection` is what ``judgeprobe run``, ``gate``, ``diff``, the pytest plugin and the settings file's
``[run]`` table all build and :func:`judgeprobe.harness.run.plan.plan_suite` takes. It is frozen and
normalised at construction (filters sorted and without repeats, the probe selector in a canonical order), so
two spellings of the same selection are equal and have the same :meth:`~Selection.digest`. With the
judge's configuration hash and the repeats it makes the run key (:func:`run_key`), which keeps the runs of
one folder apart.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from judgeprobe.cases.answers import Policy
from judgeprobe.harness.core.errors import ConfigError

__all__ = ["Selection", "run_key"]


def _texts(values: Iterable[str] | str, name: str) -> tuple[str, ...]:
    if isinstance(values, str):
        raise ConfigError(f"selection {name} must be a list of strings, got the string {values!r}")
    out = sorted({str(value).strip() for value in values} - {""})
    return tuple(out)


def _probes(selector: str | None) -> str:
    if selector is not None and not isinstance(selector, str):
        raise ConfigError(
            f"selection probes must be a comma-separated string such as 'position,length', got {selector!r}"
        )
    parts = sorted({part.strip() for part in (selector or "").split(",")} - {""})
    if not parts or "all" in parts:
        return "all"
    return ",".join(parts)


@dataclass(frozen=True)
class Selection:
    """Which cases and probes a run covers, and the seed of the probes' draws."""

    case_dirs: tuple[Path, ...] = ()
    """User case folders read besides (or instead of) the shipped library, in the order given."""
    builtin_cases: bool = True
    """Read the shipped case library."""
    case_ids: tuple[str, ...] = ()
    """Only these case ids (empty: every case)."""
    tags: tuple[str, ...] = ()
    """Only cases carrying any of these tags."""
    kinds: tuple[str, ...] = ()
    """Only grade cases of these answer kinds."""
    tricks: tuple[str, ...] = ()
    """Only cases of these trick kinds (a case's first tag)."""
    modes: tuple[str, ...] = ()
    """Only cases of these modes (``grade``, ``pairwise``, ``score``)."""
    probes: str = "all"
    """Probe families or names, comma-separated; ``all`` every probe, ``none`` the unperturbed responses
    only."""
    seed: int = 0
    """Seed of the probes' random draws."""
    policy: str = "semantic"
    """Grading policy the labels hold under: ``semantic`` (equivalent answers are right) or ``strict`` (the
    reference's notation must be kept; see :mod:`judgeprobe.cases.answers.policy`). Left out of
    :meth:`to_json` when ``semantic``, so the digests of selections made before policies existed stay."""

    def __post_init__(self) -> None:
        if isinstance(self.case_dirs, str | Path):
            given = str(self.case_dirs)
            raise ConfigError(
                f"selection case_dirs must be a list of folders, got the single path {given!r}; "
                f"try case_dirs=({given!r},)"
            )
        dirs: list[Path] = []
        for folder in self.case_dirs:
            path = Path(folder)
            if path not in dirs:
                dirs.append(path)
        set_ = object.__setattr__
        set_(self, "case_dirs", tuple(dirs))
        for name in ("case_ids", "tags", "kinds", "tricks", "modes"):
            set_(self, name, _texts(getattr(self, name), name))
        if not isinstance(self.seed, int) or isinstance(self.seed, bool):
            raise ConfigError(f"selection seed must be a whole number, got {self.seed!r}")
        set_(self, "builtin_cases", bool(self.builtin_cases))
        set_(self, "probes", _probes(self.probes))
        set_(self, "policy", _policy(self.policy))

    def to_json(self) -> dict[str, Any]:
        """The selection as JSON values (case folders as absolute paths), as stored in a run's record."""
        data: dict[str, Any] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name == "policy" and value == Policy.SEMANTIC:
                continue
            if item.name == "case_dirs":
                value = [str(Path(p).resolve()) for p in value]
            elif isinstance(value, tuple):
                value = list(value)
            data[item.name] = value
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Selection:
        """Inverse of :meth:`to_json` (unknown keys are refused).

        Raises:
            ConfigError: A key is unknown or a value has the wrong type.
        """
        known = {item.name for item in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(
                f"unknown selection key(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
            )
        values = dict(data)
        if "case_dirs" in values:
            values["case_dirs"] = tuple(Path(p) for p in values["case_dirs"])
        return cls(**values)

    def digest(self) -> str:
        """A stable hash of :meth:`to_json` (16 hex digits): equal selections have equal digests."""
        return _hash(self.to_json())

    def with_changes(self, **changes: Any) -> Selection:
        """A copy with some fields changed (normalised again)."""
        return replace(self, **changes)

    def describe(self) -> str:
        """One short line for listings: where the cases come from, the probes, and the filters given."""
        folders = [Path(p).name or str(p) for p in self.case_dirs]
        source = " + ".join((["library"] if self.builtin_cases else []) + folders) or "no cases"
        parts = [source, f"probes {self.probes}"]
        for name, label in (("case_ids", "case"), ("tags", "tag"), ("kinds", "kind"), ("tricks", "trick"),
                            ("modes", "mode")):  # fmt: skip
            values = getattr(self, name)
            if values:
                parts.append(f"{label} {','.join(values)}")
        if self.seed:
            parts.append(f"seed {self.seed}")
        if self.policy != Policy.SEMANTIC:
            parts.append(f"policy {self.policy}")
        return " · ".join(parts)


def _policy(policy: object) -> str:
    try:
        return str(Policy(str(policy).strip()))
    except ValueError:
        known = ", ".join(str(p) for p in Policy)
        raise ConfigError(f"selection policy must be one of {known}, got {policy!r}") from None


def _hash(data: Mapping[str, Any]) -> str:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def run_key(
    judge_hash: str,
    selection: Selection,
    *,
    repeats: int,
    adaptive: Mapping[str, Any] | None = None,
    shard: str | None = None,
) -> str:
    """The key of a run: the judge configuration's hash prefix, then a digest of the selection and the
    options that change which draws are made (the repeats; for an adaptive run also its stopping rule,
    budgets and analysis settings; for a shard, which part of how many), e.g. ``3f2a9c01-7be04d12``.

    The same judge, selection and options always give the same key, so rerunning a command resumes its run;
    anything else is another run, kept apart in the store and in the reports.
    """
    options: dict[str, Any] = {"repeats": repeats}
    if adaptive is not None:
        options["adaptive"] = dict(adaptive)
    if shard is not None:
        options["shard"] = shard
    return f"{judge_hash[:8]}-{_hash({'selection': selection.to_json(), 'options': options})[:8]}"
