"""Runs as the store records them: which judge, selection and options a run had, and which variants it covers.

A folder's store is shared by every run made in it: draws are keyed by (judge configuration, variant, draw)
and serve as a cache for any later run that needs the same draw. A *run* is one judge configuration, one
selection and one set of options (the repeats); its key (``judgeprobe.harness.run.selection.run_key``) is
made from those three, so rerunning a command updates its run and anything else is a new run. The ``runs``
table holds one row per run, the ``run_variants`` table the variants it covers; a run's draws are that
judge's draws of those variants within its repeats, and nothing else, so reports never mix runs.

An *adaptive* run (``options["adaptive"]``, see ``judgeprobe.harness.session.adaptive``) draws some variants
more often than others: ``run_variants.draws`` counts the draws it made of each variant (its base variants:
that many base draws and as many placebo draws), and its draws are those and no others.

A store written before runs were kept (or by the bare runner, which records no run) has one *implicit* run:
the judge named in its metadata (else the judge of the latest draw), every stored variant, the repeats in
its metadata. Its key ends in ``-all``.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from judgeprobe.harness.core.errors import StoreError

__all__ = [
    "EVERY_VARIANT_SUFFIX",
    "RunRecord",
    "draw_filter",
    "find_run",
    "has_runs_table",
    "implicit_run",
    "list_runs",
    "now",
    "put_run",
    "set_run_draws",
    "variants_digest",
]

EVERY_VARIANT_SUFFIX = "all"
"""Key suffix of a run that covers every variant of its store (the implicit run, a migrated old run)."""

_COLUMNS = (
    "key, seq, judge, judge_hash, selection, options, settings, variants, variants_digest, scope, planned, "
    "created_at, updated_at"
)


@dataclass(frozen=True)
class RunRecord:
    """One run of a folder: what it asked for, and when."""

    key: str
    """The run key: judge hash prefix, then a digest of the selection and options (``3f2a9c01-7be04d12``)."""
    judge: str
    """Display name of the judge."""
    judge_hash: str
    """Configuration hash of the judge."""
    selection: Mapping[str, Any] | None
    """The selection as JSON (``judgeprobe.harness.run.selection.Selection.to_json``); ``None`` when the
    run was recorded before runs were kept."""
    options: Mapping[str, Any]
    """Options that change which draws are made: ``{"repeats": K}`` (empty when unknown)."""
    settings: Mapping[str, Any] | None
    """Analysis settings of the run's reports (threshold, alpha, …), so ``judgeprobe report`` rebuilds the
    same summary; ``None``: the defaults."""
    variants: int
    """Variants the run covers."""
    variants_digest: str
    """Digest of the covered variant ids (equal digests: the same variants)."""
    cases: tuple[str, ...] | None
    """Case ids the run selected (``None``: unknown; read them from the draws)."""
    probes: tuple[str, ...] | None
    """Probe names the run selected (``None``: unknown)."""
    planned: int | None
    """Draws the run planned (variants × repeats, plus the placebo draws); ``None``: unknown."""
    created_at: str
    """When the run was first made (UTC, ISO 8601; empty when unknown)."""
    updated_at: str
    """When the run was last made or resumed (UTC, ISO 8601; empty when unknown)."""
    seq: int = 0
    """Order of the last update in the store: the latest run has the largest."""
    every_variant: bool = False
    """The run covers every variant of the store (the implicit run); no ``run_variants`` rows."""

    @property
    def repeats(self) -> int | None:
        """Draws per variant (``None``: unknown, no limit); for an adaptive run, the most it may make."""
        value = self.options.get("repeats")
        return value if isinstance(value, int) and value > 0 else None

    @property
    def adaptive(self) -> bool:
        """The run draws variants in rounds until their tests are decided (``options["adaptive"]``)."""
        return bool(self.options.get("adaptive"))


def now() -> str:
    """The current time as stored in a run (UTC, ISO 8601, seconds)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def variants_digest(ids: Iterable[str]) -> str:
    """A digest of a set of variant ids (16 hex digits; order does not matter)."""
    text = "\n".join(sorted(set(ids)))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def has_runs_table(db: sqlite3.Connection) -> bool:
    """Whether the store has the ``runs`` table (schema version 2 and later)."""
    found = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'runs'").fetchone()
    return found is not None


def _json(text: str | None) -> Any:
    return json.loads(text) if text else None


def _from_row(row: tuple[Any, ...]) -> RunRecord:
    (key, seq, judge, judge_hash, selection, options, settings, variants, digest, scope, planned, created,
     updated) = row  # fmt: skip
    where = _json(scope) or {}
    cases, probes = where.get("cases"), where.get("probes")
    return RunRecord(
        key=key,
        judge=judge,
        judge_hash=judge_hash,
        selection=_json(selection),
        options=_json(options) or {},
        settings=_json(settings),
        variants=variants,
        variants_digest=digest,
        cases=tuple(cases) if isinstance(cases, list) else None,
        probes=tuple(probes) if isinstance(probes, list) else None,
        planned=planned,
        created_at=created,
        updated_at=updated,
        seq=seq,
    )


def put_run(db: sqlite3.Connection, record: RunRecord, variant_ids: Iterable[str]) -> RunRecord:
    """Insert or update a run and the variants it covers (the caller holds a transaction).

    The creation time of an existing run is kept; its ``seq`` becomes the store's largest (the latest run).
    An adaptive run keeps the draw counts of variants it already covered; its new variants start at 0.

    Returns:
        The record as stored.
    """
    ids = list(dict.fromkeys(variant_ids))
    old = db.execute("SELECT created_at FROM runs WHERE key = ?", (record.key,)).fetchone()
    seq = int(db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM runs").fetchone()[0])
    stamp = now()
    scope = None
    if record.cases is not None or record.probes is not None:
        scope = json.dumps({"cases": list(record.cases or ()), "probes": list(record.probes or ())})
    values = (
        record.key, seq, record.judge, record.judge_hash,
        None if record.selection is None else json.dumps(dict(record.selection), sort_keys=True),
        json.dumps(dict(record.options), sort_keys=True),
        None if record.settings is None else json.dumps(dict(record.settings), sort_keys=True),
        len(ids), variants_digest(ids), scope, record.planned,
        old[0] if old else (record.created_at or stamp), stamp,
    )  # fmt: skip
    db.execute(f"INSERT OR REPLACE INTO runs ({_COLUMNS}) VALUES ({', '.join('?' * 13)})", values)  # noqa: S608
    counts: dict[str, int | None] = {}
    if record.adaptive:
        rows = db.execute("SELECT variant_id, draws FROM run_variants WHERE run_key = ?", (record.key,))
        counts = {str(vid): draws for vid, draws in rows}
    start = 0 if record.adaptive else None
    db.execute("DELETE FROM run_variants WHERE run_key = ?", (record.key,))
    db.executemany(
        "INSERT INTO run_variants (run_key, variant_id, draws) VALUES (?, ?, ?)",
        [(record.key, vid, counts.get(vid, start)) for vid in ids],
    )
    return _from_row(values)


def set_run_draws(db: sqlite3.Connection, key: str, draws: Mapping[str, int]) -> None:
    """Record how many draws an adaptive run has made of each of these variants (the caller holds a
    transaction)."""
    db.executemany(
        "UPDATE run_variants SET draws = ? WHERE run_key = ? AND variant_id = ?",
        [(count, key, vid) for vid, count in draws.items()],
    )


def list_runs(db: sqlite3.Connection) -> list[RunRecord]:
    """The recorded runs, oldest update first (empty for a store without the ``runs`` table)."""
    if not has_runs_table(db):
        return []
    rows = db.execute(f"SELECT {_COLUMNS} FROM runs ORDER BY seq")  # noqa: S608 - constant names
    return [_from_row(row) for row in rows]


def find_run(runs: Iterable[RunRecord], key: str) -> RunRecord:
    """The run of ``runs`` whose key is ``key`` or starts with it.

    Raises:
        StoreError: No run, or several runs, match.
    """
    known = list(runs)
    exact = [run for run in known if run.key == key]
    matches = exact or [run for run in known if run.key.startswith(key)]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise StoreError(f"run key {key!r} is ambiguous: {', '.join(r.key for r in matches)}")
    listed = ", ".join(run.key for run in known) or "none"
    raise StoreError(f"no run {key!r} in this store; its runs: {listed} (see 'judgeprobe runs')")


def implicit_run(db: sqlite3.Connection, meta: Mapping[str, Any]) -> RunRecord | None:
    """The one run of a store that recorded none (see the module docstring); ``None`` without draws.

    Args:
        db: The store's connection.
        meta: The store's ``judge`` and ``repeats`` metadata (missing keys: unknown).
    """
    named = meta.get("judge")
    judge: Mapping[str, Any] = named if isinstance(named, dict) else {}
    judge_hash = str(judge.get("config_hash") or "")
    row = None
    if judge_hash:
        row = db.execute("SELECT judge FROM draws WHERE judge_hash = ? LIMIT 1", (judge_hash,)).fetchone()
    if row is None:  # no metadata, or no draws of that judge: the judge of the latest draw
        latest = db.execute("SELECT judge_hash, judge FROM draws ORDER BY seq DESC LIMIT 1").fetchone()
        if latest is None:
            return None
        judge_hash, name = str(latest[0]), str(latest[1])
    else:
        name = str(judge.get("name") or row[0])
    repeats = meta.get("repeats")
    ids = [vid for (vid,) in db.execute("SELECT id FROM variants")]
    return RunRecord(
        key=f"{judge_hash[:8]}-{EVERY_VARIANT_SUFFIX}",
        judge=name,
        judge_hash=judge_hash,
        selection=None,
        options={"repeats": repeats} if isinstance(repeats, int) and repeats > 0 else {},
        settings=None,
        variants=len(ids),
        variants_digest=variants_digest(ids),
        cases=None,
        probes=None,
        planned=None,
        created_at="",
        updated_at="",
        every_variant=True,
    )


def draw_filter(run: RunRecord) -> tuple[str, tuple[Any, ...]]:
    """A ``WHERE`` condition on ``draws`` selecting one run's draws, and its parameters: the run's judge,
    the variants it covers, and draw indices within its repeats (``2K`` for base variants: ``K`` base and
    ``K`` placebo draws). An adaptive run with at most ``K`` draws per variant that made ``n`` rounds of a
    variant has draws ``0..n-1`` of it; of a base variant, base draws ``0..min(n, B)-1`` (``B``: the design's
    ``base_draws``) and placebo draws ``K..K+n-1`` — base draws ``0..min(K, B)-1`` from round 1 on when its
    design has ``base_upfront``."""
    clauses = ["judge_hash = ?"]
    params: list[Any] = [run.judge_hash]
    if run.adaptive and run.repeats is not None and not run.every_variant:
        own, per_round = run.repeats, 1
        design = run.options.get("adaptive")
        if isinstance(design, Mapping) and isinstance(design.get("base_draws"), int):
            own = min(own, design["base_draws"])
        if isinstance(design, Mapping) and design.get("base_upfront") is True:
            per_round = own  # round 1 made every base draw
        clauses.append(
            "EXISTS (SELECT 1 FROM run_variants AS rv WHERE rv.run_key = ?"
            " AND rv.variant_id = draws.variant_id"
            " AND CASE WHEN draws.relation != 'base' THEN draws.draw < rv.draws"
            " ELSE draws.draw < MIN(rv.draws * ?, ?) OR (draws.draw >= ? AND draws.draw < ? + rv.draws) END)"
        )
        params += [run.key, per_round, own, run.repeats, run.repeats]
        return " AND ".join(clauses), tuple(params)
    if not run.every_variant:
        clauses.append("variant_id IN (SELECT variant_id FROM run_variants WHERE run_key = ?)")
        params.append(run.key)
    if run.repeats is not None:
        clauses.append("draw < CASE WHEN relation = 'base' THEN ? ELSE ? END")
        params += [2 * run.repeats, run.repeats]
    return " AND ".join(clauses), tuple(params)
