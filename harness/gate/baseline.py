"""The committed baseline: per-(case, response, probe) verdict summaries, compared like a snapshot.

The file is JSON lines, small and diff-friendly: a header line with the judge configuration hash, then one
line per (case id, unit id, probe name), sorted by that key, keys in a fixed order::

    {"judgeprobe_baseline": 1, "judge": "openai:standin@…", "judge_hash": "3f0c…", "repeats": 1}
    {"case": "ocean", "unit": "pair", "probe": "base", …, "draws": 1, "verdict": "tie", "label": "tie"}
    {"case": "ocean", "unit": "pair", "probe": "position.swap", …, "variants": 1, "draws": 1, "flips": 0}
    {"case": "ocean", "unit": "pair", "probe": "position.swap_content", …, "draws": 1, "misses": 0}

(``…`` stands for ``"family"`` and ``"relation"``.)

Snapshot semantics (as in syrupy): a missing baseline fails the gate unless it is being written; writing it
(:func:`updated`) rewrites what the run covered and drops entries whose case or probe no longer exists; a
(case, probe) whose flip (or miss) rate rose by more than the noise tolerance — a stable one that now flips —
is a regression (:func:`compare`). Entries are keyed by stable ids (case, unit, probe), not variant hashes, so
a reworded probe parameter does not orphan the baseline.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from judgeprobe.harness.core.errors import ConfigError

__all__ = [
    "BASELINE_VERSION",
    "Baseline",
    "BaselineChange",
    "BaselineComparison",
    "BaselineEntry",
    "BaselineError",
    "Key",
    "UpdateCounts",
    "compare",
    "entries_from_frame",
    "read_baseline",
    "updated",
    "write_baseline",
]

BASELINE_VERSION = 1
"""Format version written in the header line."""

Key = tuple[str, str, str]
"""(case id, unit id, probe name)."""

_EVENT_FIELD = {"invariant": "flips", "control": "misses"}


class BaselineError(ConfigError):
    """The baseline file is unreadable or malformed (the message names the file and line)."""


@dataclass(frozen=True, slots=True)
class BaselineEntry:
    """What one probe did to one case response (or the unperturbed verdict, probe ``base``)."""

    case: str
    """Case id."""
    unit: str
    """Unit id (response id; ``pair`` for pairwise)."""
    probe: str
    """Probe name (``base`` for the unperturbed verdict)."""
    family: str
    """Probe family (``base``)."""
    relation: str
    """``invariant``, ``control`` or ``base``."""
    draws: int
    """Usable draws: judged, of a unit with a base verdict."""
    events: int = 0
    """Flips (invariant) or misses (control) among them; 0 for ``base``."""
    variants: int = 0
    """Variants of the probe on this unit."""
    verdict: str | None = None
    """``base`` only: the modal unperturbed verdict."""
    label: str | None = None
    """``base`` only: the adjudicated label."""

    @property
    def key(self) -> Key:
        """(case, unit, probe)."""
        return (self.case, self.unit, self.probe)

    @property
    def rate(self) -> float | None:
        """``events / draws`` (``None`` without draws)."""
        return self.events / self.draws if self.draws else None

    def to_json(self) -> dict[str, Any]:
        """The file line's object, keys in a fixed order."""
        data: dict[str, Any] = {
            "case": self.case,
            "unit": self.unit,
            "probe": self.probe,
            "family": self.family,
            "relation": self.relation,
        }
        if self.relation == "base":
            data.update(draws=self.draws, verdict=self.verdict, label=self.label)
        else:
            data.update(variants=self.variants, draws=self.draws)
            data[_EVENT_FIELD.get(self.relation, "events")] = self.events
        return data


@dataclass(frozen=True)
class Baseline:
    """A baseline: the judge it was recorded with and its entries by key."""

    judge: str
    """Judge display name."""
    judge_hash: str
    """Judge configuration hash."""
    repeats: int
    """Draws per variant of the recording run."""
    entries: Mapping[Key, BaselineEntry]
    """Entries by (case, unit, probe)."""

    def render(self) -> str:
        """The file text."""
        header = {
            "judgeprobe_baseline": BASELINE_VERSION,
            "judge": self.judge,
            "judge_hash": self.judge_hash,
            "repeats": self.repeats,
        }
        lines = [json.dumps(header, ensure_ascii=False)]
        lines += [json.dumps(self.entries[k].to_json(), ensure_ascii=False) for k in sorted(self.entries)]
        return "\n".join(lines) + "\n"


def entries_from_frame(frame: pd.DataFrame) -> dict[Key, BaselineEntry]:
    """Per-(case, unit, probe) summaries of one judge's draws (a frame as from
    ``judgeprobe.harness.store.frame.load_run``)."""
    from judgeprobe.harness.stats.units import base_verdicts, draw_pairs

    entries: dict[Key, BaselineEntry] = {}
    if frame.empty:
        return entries
    for row in base_verdicts(frame).itertuples(index=False):
        entry = BaselineEntry(
            case=str(row.case_id),
            unit=str(row.unit_id),
            probe="base",
            family="base",
            relation="base",
            draws=int(str(row.base_draws)),
            verdict=str(row.base_outcome),
            label=str(row.base_label),
        )
        entries[entry.key] = entry
    pairs = draw_pairs(frame)
    if pairs.empty:
        return entries
    pairs = pairs.assign(usable=pairs["judged"].astype(bool) & pairs["has_base"].astype(bool))
    for (case, unit, probe), group in pairs.groupby(["case_id", "unit_id", "probe"], sort=True):
        relation = str(group["relation"].iloc[0])
        usable = group[group["usable"]]
        changed = usable["changed"].astype(bool)
        events = int(changed.sum()) if relation == "invariant" else int((~changed).sum())
        entry = BaselineEntry(
            case=str(case),
            unit=str(unit),
            probe=str(probe),
            family=str(group["family"].iloc[0]),
            relation=relation,
            draws=len(usable),
            events=events,
            variants=int(group["variant_id"].nunique()),
        )
        entries[entry.key] = entry
    return entries


def _entry(data: Any, where: str) -> BaselineEntry:
    if not isinstance(data, dict):
        raise BaselineError(f"{where}: expected a JSON object, got {type(data).__name__}")
    try:
        relation = str(data["relation"])
        events_field = _EVENT_FIELD.get(relation)
        return BaselineEntry(
            case=str(data["case"]),
            unit=str(data["unit"]),
            probe=str(data["probe"]),
            family=str(data["family"]),
            relation=relation,
            draws=int(data["draws"]),
            events=int(data[events_field]) if events_field else 0,
            variants=int(data.get("variants", 0)),
            verdict=data.get("verdict"),
            label=data.get("label"),
        )
    except KeyError as exc:
        raise BaselineError(f"{where}: missing key {exc.args[0]!r}") from None
    except (TypeError, ValueError) as exc:
        raise BaselineError(f"{where}: {exc}") from None


def read_baseline(path: Path) -> Baseline:
    """Read a baseline file.

    Raises:
        FileNotFoundError: There is no file (the gate turns this into the ``baseline`` rule).
        BaselineError: A line is not valid (the message names the file and line).
    """
    text = path.read_text(encoding="utf-8")
    lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
    if not lines:
        raise BaselineError(f"{path}: empty baseline file; write it with --update-baseline")
    parsed: list[tuple[int, Any]] = []
    for number, line in lines:
        try:
            parsed.append((number, json.loads(line)))
        except ValueError as exc:
            raise BaselineError(f"{path}:{number}: not JSON: {exc}") from None
    number, header = parsed[0]
    if not isinstance(header, dict) or header.get("judgeprobe_baseline") != BASELINE_VERSION:
        raise BaselineError(
            f"{path}:{number}: the first line must be the header "
            f'{{"judgeprobe_baseline": {BASELINE_VERSION}, …}}'
        )
    entries: dict[Key, BaselineEntry] = {}
    for number, data in parsed[1:]:
        entry = _entry(data, f"{path}:{number}")
        if entry.key in entries:
            raise BaselineError(f"{path}:{number}: duplicate entry for {'/'.join(entry.key)}")
        entries[entry.key] = entry
    try:
        repeats = int(header.get("repeats", 1))
    except (TypeError, ValueError):
        raise BaselineError(f"{path}:1: repeats must be a whole number") from None
    return Baseline(
        judge=str(header.get("judge", "")),
        judge_hash=str(header.get("judge_hash", "")),
        repeats=repeats,
        entries=entries,
    )


def write_baseline(path: Path, baseline: Baseline) -> Path:
    """Write ``baseline`` to ``path`` (creating the folder)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(baseline.render(), encoding="utf-8")
    return path


@dataclass(frozen=True)
class UpdateCounts:
    """What an update did to the baseline."""

    added: int
    """Entries new in this run."""
    changed: int
    """Entries whose figures changed."""
    removed: int
    """Entries dropped: covered by this run but absent from it, or whose case or probe no longer exists."""
    kept: int
    """Entries outside this run's selection, kept as they were."""


def updated(
    old: Baseline | None,
    current: Mapping[Key, BaselineEntry],
    *,
    judge: str,
    judge_hash: str,
    repeats: int,
    covered_cases: Iterable[str],
    covered_probes: Iterable[str],
    known_cases: Iterable[str] | None = None,
    known_probes: Iterable[str] | None = None,
) -> tuple[Baseline, UpdateCounts]:
    """The baseline after ``--update-baseline``: this run's entries, plus old entries outside its selection.

    An old entry is kept only when this run did not cover it (its case or its probe was not selected) and both
    its case and its probe still exist (``known_*``; ``None``: assume they do).
    """
    cases, probes = set(covered_cases), set(covered_probes) | {"base"}
    known_c = set(known_cases) if known_cases is not None else None
    known_p = set(known_probes) | {"base"} if known_probes is not None else None
    entries: dict[Key, BaselineEntry] = dict(current)
    kept = removed = 0
    old_entries = old.entries if old is not None else {}
    for key, entry in old_entries.items():
        if key in current:
            continue
        exists = (known_c is None or entry.case in known_c) and (known_p is None or entry.probe in known_p)
        covered = entry.case in cases and entry.probe in probes
        if exists and not covered:
            entries[key] = entry
            kept += 1
        else:
            removed += 1
    added = sum(1 for key in current if key not in old_entries)
    changed = sum(1 for key, entry in current.items() if key in old_entries and old_entries[key] != entry)
    baseline = Baseline(judge=judge, judge_hash=judge_hash, repeats=repeats, entries=entries)
    return baseline, UpdateCounts(added=added, changed=changed, removed=removed, kept=kept)


@dataclass(frozen=True)
class BaselineChange:
    """One (case, unit, probe) whose figures moved against the baseline."""

    old: BaselineEntry | None
    """Baseline entry (``None``: new)."""
    new: BaselineEntry | None
    """This run's entry (``None``: gone)."""

    @property
    def entry(self) -> BaselineEntry:
        """Whichever side exists (the new one first)."""
        found = self.new or self.old
        assert found is not None
        return found

    @property
    def delta(self) -> float | None:
        """Change of the flip (or miss) rate."""
        if self.old is None or self.new is None or self.old.rate is None or self.new.rate is None:
            return None
        return self.new.rate - self.old.rate


@dataclass(frozen=True)
class BaselineComparison:
    """A run against its baseline."""

    baseline: Baseline
    """The baseline compared with."""
    judge_hash: str
    """This run's judge configuration hash."""
    regressions: tuple[BaselineChange, ...] = ()
    """Flip (or miss) rate rose by more than the noise tolerance."""
    improvements: tuple[BaselineChange, ...] = ()
    """Flip (or miss) rate fell by more than the noise tolerance."""
    verdict_changes: tuple[BaselineChange, ...] = ()
    """Unperturbed verdicts that changed."""
    added: tuple[BaselineChange, ...] = ()
    """In this run, not in the baseline (record with ``--update-baseline``)."""
    gone: tuple[BaselineChange, ...] = field(default_factory=tuple)
    """Covered by this run's selection and in the baseline, but not produced by this run."""

    @property
    def judge_changed(self) -> bool:
        """The run's judge configuration differs from the baseline's."""
        return self.judge_hash != self.baseline.judge_hash


def compare(
    baseline: Baseline,
    current: Mapping[Key, BaselineEntry],
    *,
    judge_hash: str,
    tolerance: float,
    covered_cases: Iterable[str],
    covered_probes: Iterable[str],
) -> BaselineComparison:
    """Compare this run's entries with the baseline (see the module docstring for what a regression is)."""
    regressions: list[BaselineChange] = []
    improvements: list[BaselineChange] = []
    verdicts: list[BaselineChange] = []
    added: list[BaselineChange] = []
    for key in sorted(current):
        new, old = current[key], baseline.entries.get(key)
        if old is None:
            added.append(BaselineChange(None, new))
            continue
        if new.relation == "base":
            if old.verdict != new.verdict:
                verdicts.append(BaselineChange(old, new))
            continue
        change = BaselineChange(old, new)
        delta = change.delta
        if delta is None:
            continue
        if new.events > 0 and delta > tolerance + 1e-12:
            regressions.append(change)
        elif old.events > 0 and delta < -tolerance - 1e-12:
            improvements.append(change)
    cases, probes = set(covered_cases), set(covered_probes) | {"base"}
    gone = [
        BaselineChange(entry, None)
        for key, entry in sorted(baseline.entries.items())
        if key not in current and entry.case in cases and entry.probe in probes
    ]
    return BaselineComparison(
        baseline=baseline,
        judge_hash=judge_hash,
        regressions=tuple(regressions),
        improvements=tuple(improvements),
        verdict_changes=tuple(verdicts),
        added=tuple(added),
        gone=tuple(gone),
    )
