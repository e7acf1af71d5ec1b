"""The run store: one SQLite file per output folder holding variants, draws and run metadata.

Every draw is written as soon as it completes, so a killed run loses only its in-flight calls and a rerun
resumes. Two ways in:

* :meth:`RunStore.put_draws` commits at once (one transaction per call).
* :meth:`RunStore.journal_draws` (the runner's path) appends the draws to a small side file,
  ``store.sqlite-pending``, with one ``write`` call, and commits them to SQLite in bulk later
  (:meth:`RunStore.flush`, called by the runner every few hundred milliseconds, by every read, and on
  close). A ``write`` that has returned survives the process being killed, so a SIGKILL loses nothing
  journaled: the next open replays the side file. Committing per few hundred draws instead of per
  handful keeps the per-draw cost low (SQLite rewrites whole pages on every commit).

The SQLite file uses WAL journaling with ``synchronous=NORMAL``: a commit survives a killed process (only a
power loss can roll back the last commits) and costs no ``fsync``. One writing process per store (a second
one is refused, see :mod:`judgeprobe.harness.store.journal`); any number may read.

Tables (schema version :data:`SCHEMA_VERSION`, kept in ``PRAGMA user_version``; older stores are migrated,
see :mod:`judgeprobe.harness.store.schema`):

* ``meta``: key -> JSON value (store id, judge configuration without secrets, repeats of the last run);
* ``variants``: every variant of every run of the folder, in insertion order, with its ``reference_doubt``;
* ``texts``: each long prompt, reply and reasoning once, under a digest that the draws hold in its place
  (reads put the text back; see :mod:`judgeprobe.harness.store.schema`, version 3);
* ``draws``: one row per (judge configuration, variant, draw). A later attempt replaces the earlier row,
  so an errored draw that succeeds on a rerun leaves only the success. ``seq`` grows with every write.
  Indexed by cache key; the request-key index that replay uses is built when the store is closed.
* ``runs`` and ``run_variants``: each run made in the folder (judge, selection, options) and the variants
  it covers (see :mod:`judgeprobe.harness.store.runs`); :meth:`RunStore.run_records` reads a run's draws.

Finished draws (judged, unscored, skipped) are the cache: :meth:`RunStore.lookup` finds them by the judge's
cache key and :meth:`RunStore.lookup_request` by the judge-independent request key (replay). Errors are
stored, so reports can count them, but never served from the cache.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import uuid
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from judgeprobe.harness.core.errors import StoreError
from judgeprobe.harness.core.records import COLUMNS, DrawRecord
from judgeprobe.harness.core.verdict import VERDICT_FIELDS, Status, Verdict
from judgeprobe.harness.store import runs as run_table
from judgeprobe.harness.store.journal import Journal
from judgeprobe.harness.store.rows import (
    DRAW_COLUMNS,
    draw_row,
    encodable,
    record_from_row,
    share_texts,
    verdict_from_row,
)
from judgeprobe.harness.store.runs import RunRecord
from judgeprobe.harness.store.schema import SCHEMA_VERSION, Transaction, connect, draw_columns
from judgeprobe.harness.store.variant_json import variant_from_json, variant_to_json
from judgeprobe.probes.variant import Relation, Variant

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "SCHEMA_VERSION",
    "STORE_FILENAME",
    "RunStore",
    "store_path",
    "variant_from_json",
    "variant_to_json",
]

STORE_FILENAME = "store.sqlite"
"""Name of the store inside a run's output folder."""

JSON = Any
"""A JSON-serialisable value."""

_REQUEST_INDEX = "CREATE INDEX IF NOT EXISTS draws_request_key ON draws (request_key)"
"""Built when a store is closed (or on the first :meth:`RunStore.lookup_request`), so that a first run does
not pay for maintaining an index only replay uses."""

_FINISHED = f"status != '{Status.ERROR}'"

# Queries are assembled from the module's own column names only; values always go through ``?`` parameters.
_INSERT_DRAW = (
    f"INSERT OR REPLACE INTO draws ({', '.join(DRAW_COLUMNS)}) "  # noqa: S608 - constant column names
    f"VALUES ({', '.join('?' * len(DRAW_COLUMNS))})"
)


def store_path(run_dir: Path) -> Path:
    """Path of the store inside a run's output folder."""
    return Path(run_dir) / STORE_FILENAME


class RunStore:
    """One run's SQLite store. Use from one thread (the runner's event loop); open one per process.

    Args:
        path: The SQLite file (created with its parent folder if missing, unless ``read_only``).
        read_only: Open an existing store for reading only (replay of a recording that may sit in a
            read-only checkout); nothing is written, not even a side file.

    Raises:
        StoreError: The file is not a store, was written with an incompatible schema version, or (read
            only) does not exist.
    """

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        """Whether this handle refuses writes."""
        self._db = connect(self.path, read_only=read_only)
        selected = dict(zip(DRAW_COLUMNS, draw_columns(self._db), strict=True))
        self._draw_select = ", ".join(selected.values())
        self._verdict_select = ", ".join(selected[name] for name in VERDICT_FIELDS)
        self._request_index = False
        self._by_request: dict[str, list[tuple[str, int]]] | None = None
        self._pending: list[tuple[Any, ...]] = []
        self._journal = Journal(self.path.with_name(self.path.name + "-pending"), width=len(DRAW_COLUMNS))
        if not read_only:
            recovered = self._journal.recover()
            if recovered:  # draws a killed process journaled but never committed
                with self._transaction():
                    self._insert(recovered)
                self._journal.truncate()
        run_id = self.get_meta("run_id")
        if run_id is None and not read_only:
            run_id = uuid.uuid4().hex[:12]
            self._db.execute("INSERT OR IGNORE INTO meta VALUES ('run_id', ?)", (json.dumps(run_id),))
            run_id = self.get_meta("run_id")
        self.run_id: str = str(run_id)
        """Stable id of this store (generated when the file is created)."""

    # -- lifecycle -------------------------------------------------------------------------------------

    def close(self) -> None:
        """Commit journaled draws and close (idempotent).

        The file is left in rollback-journal mode, one self-contained file that can be copied, committed
        or read from a read-only place (the next writer switches it back to WAL).
        """
        try:
            self.flush()
        except sqlite3.ProgrammingError:  # already closed
            return
        self._journal.close()
        if not self.read_only:
            self._db.execute(_REQUEST_INDEX)  # built once, after the run, for replays of this store
            self._db.execute("PRAGMA busy_timeout=0")
            with contextlib.suppress(sqlite3.OperationalError):  # another connection still has it open
                self._db.execute("PRAGMA journal_mode=DELETE")
        self._db.close()

    def __enter__(self) -> RunStore:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- metadata --------------------------------------------------------------------------------------

    def set_meta(self, key: str, value: JSON) -> None:
        """Store a JSON value under ``key`` (replacing any earlier value). Never pass secrets."""
        self._writable()
        blob = json.dumps(value, ensure_ascii=False)
        self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, blob))

    def get_meta(self, key: str) -> JSON | None:
        """The value stored under ``key``, or ``None``."""
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else json.loads(row[0])

    # -- variants --------------------------------------------------------------------------------------

    def put_variants(
        self, variants: Iterable[Variant], *, reference_doubt: Mapping[str, bool] | None = None
    ) -> int:
        """Add variants not yet stored (by id); returns how many were new.

        Args:
            variants: Variants in run order.
            reference_doubt: Case id -> whether the case's reference is disputed (default: not disputed).
        """
        self._writable()
        doubt = reference_doubt or {}
        known = {row[0] for row in self._db.execute("SELECT id FROM variants")}
        rows = []
        for variant in variants:
            if variant.id in known:
                continue
            known.add(variant.id)
            rows.append((variant.id, int(bool(doubt.get(variant.case_id, False))), variant_to_json(variant)))
        with self._transaction():
            self._db.executemany(
                "INSERT OR IGNORE INTO variants (id, reference_doubt, data) VALUES (?, ?, ?)", rows
            )
        return len(rows)

    def get_variant(self, variant_id: str) -> Variant:
        """The stored variant ``variant_id``.

        Raises:
            KeyError: No such variant in this store.
        """
        row = self._db.execute("SELECT data FROM variants WHERE id = ?", (variant_id,)).fetchone()
        if row is None:
            raise KeyError(f"variant {variant_id!r} is not in the store {self.path}")
        return variant_from_json(row[0])

    def iter_variants(self) -> Iterator[Variant]:
        """Every stored variant, in the order they were added."""
        for (data,) in self._db.execute("SELECT data FROM variants ORDER BY seq"):
            yield variant_from_json(data)

    def reference_doubts(self) -> dict[str, bool]:
        """Case id -> reference doubt flag, as stored with the variants."""
        rows = self._db.execute("SELECT data, reference_doubt FROM variants WHERE reference_doubt = 1")
        return {json.loads(data)["case_id"]: True for data, _ in rows}

    # -- draws -----------------------------------------------------------------------------------------

    def lookup(self, cache_key: str) -> Verdict | None:
        """The finished verdict stored under a judge's cache key (errors are never returned)."""
        self.flush()
        row = self._db.execute(
            f"SELECT {self._verdict_select} FROM draws "  # noqa: S608 - constant column names
            f"WHERE cache_key = ? AND {_FINISHED} ORDER BY seq DESC LIMIT 1",
            (cache_key,),
        ).fetchone()
        return None if row is None else verdict_from_row(row)

    def lookup_request(self, request_key: str, *, judge_hash: str | None = None) -> Verdict | None:
        """The latest finished verdict for a request's content key, from any judge (or ``judge_hash``)."""
        self.flush()
        if not self._request_index and self._by_request is None:
            try:
                self._db.execute(_REQUEST_INDEX)
                self._request_index = True
            except sqlite3.OperationalError:  # read-only and never indexed (killed run): one scan instead
                self._by_request = {}
                rows = self._db.execute(f"SELECT request_key, judge_hash, seq FROM draws WHERE {_FINISHED}")  # noqa: S608
                for key, owner, seq in rows:
                    self._by_request.setdefault(key, []).append((owner, seq))
        if self._by_request is not None:
            seqs = [
                seq for owner, seq in self._by_request.get(request_key, ()) if judge_hash in (None, owner)
            ]
            if not seqs:
                return None
            found = self._db.execute(f"SELECT {self._verdict_select} FROM draws WHERE seq = ?", (max(seqs),))  # noqa: S608
            return verdict_from_row(found.fetchone())
        query = f"SELECT {self._verdict_select} FROM draws WHERE request_key = ? AND {_FINISHED}"  # noqa: S608
        params: tuple[str, ...] = (request_key,)
        if judge_hash is not None:
            query += " AND judge_hash = ?"
            params = (request_key, judge_hash)
        row = self._db.execute(query + " ORDER BY seq DESC LIMIT 1", params).fetchone()
        return None if row is None else verdict_from_row(row)

    def finished_draws(self, judge_hash: str) -> dict[tuple[str, int], tuple[str, bool, str]]:
        """(variant id, draw) -> (cache key, placebo, status) of each finished draw of one judge."""
        self.flush()
        rows = self._db.execute(
            "SELECT variant_id, draw, cache_key, placebo, status FROM draws "  # noqa: S608 - constant filter
            f"WHERE judge_hash = ? AND {_FINISHED}",
            (judge_hash,),
        )
        return {(vid, draw): (key, bool(placebo), status) for vid, draw, key, placebo, status in rows}

    def finished_keys(self, judge_hash: str | None = None) -> set[str]:
        """Cache keys of every finished draw (of one judge configuration, or of any)."""
        self.flush()
        query = f"SELECT DISTINCT cache_key FROM draws WHERE {_FINISHED}"  # noqa: S608 - constant filter
        if judge_hash is None:
            rows = self._db.execute(query)
        else:
            rows = self._db.execute(query + " AND judge_hash = ?", (judge_hash,))
        return {key for (key,) in rows}

    def put_draw(self, record: DrawRecord) -> None:
        """Write one draw and commit it."""
        self.put_draws([record])

    def put_draws(self, records: Iterable[DrawRecord]) -> None:
        """Write several draws in one transaction (one commit)."""
        self._writable()
        rows = [draw_row(record) for record in records]
        if not rows:
            return
        try:
            with self._transaction():
                self._insert(rows)
        except UnicodeEncodeError:  # a lone surrogate in some reply: store it with a replacement mark
            with self._transaction():
                self._insert(encodable(rows))

    def journal_draws(self, records: Iterable[DrawRecord]) -> None:
        """Make draws crash-safe now (one append to the side file) and commit them later (:meth:`flush`)."""
        self._writable()
        rows = [draw_row(record) for record in records]
        try:
            self._journal.append(rows)
        except UnicodeEncodeError:  # a lone surrogate in some reply: keep it with a replacement mark
            rows = encodable(rows)
            self._journal.append(rows)
        self._pending.extend(rows)

    @property
    def pending(self) -> int:
        """Journaled draws not yet committed to SQLite."""
        return len(self._pending)

    def flush(self) -> None:
        """Commit journaled draws to SQLite (one transaction) and empty the side file."""
        if not self._pending:
            return
        with self._transaction():
            self._insert(self._pending)
        self._pending.clear()
        self._journal.truncate()

    def iter_records(self, *, judge_hash: str | None = None) -> Iterator[DrawRecord]:
        """One record per (judge configuration, variant, draw), the latest write winning, in write order.

        Args:
            judge_hash: Only draws of this judge configuration (default: every judge's).
        """
        self.flush()
        where = "WHERE judge_hash = ?" if judge_hash is not None else ""
        params: tuple[str, ...] = (judge_hash,) if judge_hash is not None else ()
        query = (
            f"SELECT {self._draw_select} FROM draws WHERE seq IN "  # noqa: S608 - constant names
            f"(SELECT MAX(seq) FROM draws {where} GROUP BY judge_hash, variant_id, draw) ORDER BY seq"
        )
        for row in self._db.execute(query, params):
            yield record_from_row(row)

    def counts(self, *, judge_hash: str | None = None) -> dict[str, int]:
        """Number of draws by status (over :meth:`iter_records`' rows); every status is present."""
        self.flush()
        where = "WHERE judge_hash = ?" if judge_hash is not None else ""
        params: tuple[str, ...] = (judge_hash,) if judge_hash is not None else ()
        rows = self._db.execute(
            "SELECT status, COUNT(*) FROM draws WHERE seq IN "  # noqa: S608 - constant filter
            f"(SELECT MAX(seq) FROM draws {where} GROUP BY judge_hash, variant_id, draw) GROUP BY status",
            params,
        )
        result = {str(status): 0 for status in Status}
        result.update({status: n for status, n in rows})
        return result

    # -- runs ------------------------------------------------------------------------------------------

    def record_run(self, record: RunRecord, variant_ids: Iterable[str]) -> RunRecord:
        """Record a run (new, or resumed under the same key) and the variants it covers; it becomes the
        latest run. Returns the record as stored."""
        self._writable()
        with self._transaction():
            return run_table.put_run(self._db, record, variant_ids)

    def set_run_draws(self, key: str, draws: Mapping[str, int]) -> None:
        """Record how many draws the adaptive run ``key`` has made of each of these variants."""
        self._writable()
        if draws:
            with self._transaction():
                run_table.set_run_draws(self._db, key, draws)

    def runs(self) -> list[RunRecord]:
        """Every run of the store, the latest last; a store that recorded none but holds draws has its
        implicit run (see :mod:`judgeprobe.harness.store.runs`)."""
        self.flush()
        recorded = run_table.list_runs(self._db)
        if recorded:
            return recorded
        meta = {"judge": self.get_meta("judge"), "repeats": self.get_meta("repeats")}
        implicit = run_table.implicit_run(self._db, meta)
        return [implicit] if implicit is not None else []

    def find_run(self, key: str | None = None) -> RunRecord:
        """The run ``key`` (a unique prefix will do), or the latest run when ``key`` is ``None``.

        Raises:
            StoreError: No such run, or no run at all (the store holds no draws yet).
        """
        runs = self.runs()
        if key is not None:
            return run_table.find_run(runs, key)
        if not runs:
            raise StoreError(
                f"{self.path.parent}: the run store holds no draws yet; run 'judgeprobe run' first"
            )
        return runs[-1]

    def run_records(self, run: RunRecord) -> Iterator[DrawRecord]:
        """The draws of one run (its judge, its variants, within its repeats), in write order."""
        self.flush()
        where, params = run_table.draw_filter(run)
        query = f"SELECT {self._draw_select} FROM draws WHERE {where} ORDER BY seq"  # noqa: S608
        for row in self._db.execute(query, params):
            yield record_from_row(row)

    def run_frame(self, run: RunRecord, *, prompts: bool = True) -> pd.DataFrame:
        """The draws of one run as a DataFrame (``judgeprobe.harness.store.frame``), in write order: the
        same frame as ``records_frame(self.run_records(run))``, read column by column.

        With ``prompts=False`` the ``prompt`` column keeps a long prompt's digest (bytes) in place of its
        text, until :meth:`resolve_prompts` looks the texts up (a run's analysis never reads them).
        """
        from judgeprobe.harness.store.frame import rows_frame

        self.flush()
        where, params = run_table.draw_filter(run)
        selected = dict(zip(DRAW_COLUMNS, draw_columns(self._db, resolve=False), strict=True))
        raw = ", ".join(selected[name] for name in COLUMNS)  # not the store-only texts (reasoning, meta)
        query = f"SELECT {raw} FROM draws WHERE {where} ORDER BY seq"  # noqa: S608
        cursor = self._db.execute(query, params)
        chunks = iter(lambda: cursor.fetchmany(5000), [])
        return rows_frame(chunks, COLUMNS, texts=self._texts, deferred=() if prompts else ("prompt",))

    def resolve_prompts(self, frame: pd.DataFrame) -> None:
        """Put the texts into the ``prompt`` column of a frame read with ``run_frame(run, prompts=False)``
        (in place): the frame is then the one ``run_frame(run)`` gives."""
        from judgeprobe.harness.store.frame import resolve_texts

        resolve_texts(frame, self._texts, ("prompt",))

    def texts(self, keys: Iterable[bytes]) -> dict[bytes, str]:
        """The texts stored once under these digests (what a frame read with ``prompts=False`` holds in
        its ``prompt`` column for a long prompt)."""
        return self._texts(keys)

    def _texts(self, keys: Iterable[bytes]) -> dict[bytes, str]:
        """The shared texts stored under these digests."""
        wanted = sorted(keys)  # in key order, the table's pages are read in order
        found: dict[bytes, str] = {}
        for start in range(0, len(wanted), 500):
            batch = wanted[start : start + 500]
            marks = ", ".join("?" * len(batch))
            rows = self._db.execute(f"SELECT key, text FROM texts WHERE key IN ({marks})", batch)  # noqa: S608
            found.update((bytes(key), text) for key, text in rows)
        return found

    def run_variants(self, run: RunRecord) -> Iterator[Variant]:
        """The variants one run covers, in the order they were first stored."""
        if run.every_variant:
            yield from self.iter_variants()
            return
        rows = self._db.execute(
            "SELECT data FROM variants WHERE id IN (SELECT variant_id FROM run_variants WHERE run_key = ?) "
            "ORDER BY seq",
            (run.key,),
        )
        for (data,) in rows:
            yield variant_from_json(data)

    def run_digest(self, run: RunRecord) -> dict[str, int]:
        """What one run's draws are now: how many, the last write's ``seq``, how many errored (a changed
        digest means changed draws)."""
        self.flush()
        where, params = run_table.draw_filter(run)
        query = (
            "SELECT COUNT(*), COALESCE(MAX(seq), 0), COALESCE(SUM(status = 'error'), 0) FROM draws "  # noqa: S608
            f"WHERE {where}"
        )
        count, last, errors = self._db.execute(query, params).fetchone()
        return {"count": int(count), "last": int(last), "errors": int(errors)}

    def draws_state(self) -> dict[str, int]:
        """The draws table's last write (``seq``) and row count, read without a scan: any write of a draw
        changes them (a write takes a new ``seq``)."""
        self.flush()
        last, rows = self._db.execute("SELECT COALESCE(MAX(seq), 0), COUNT(*) FROM draws").fetchone()
        return {"last": int(last), "rows": int(rows)}

    def variants_where(
        self, *, ids: Iterable[str] | None = None, relation: Relation | None = None
    ) -> Iterator[Variant]:
        """Stored variants with these ids or of this relation (given both: either), in the order added."""
        clauses: list[str] = []
        params: list[Any] = []
        if ids is not None:
            wanted = list(ids)
            clauses.append(f"id IN ({', '.join('?' * len(wanted))})" if wanted else "0")
            params += wanted
        if relation is not None:
            clauses.append("json_extract(data, '$.relation') = ?")
            params.append(str(relation))
        where = " OR ".join(clauses) or "1"
        rows = self._db.execute(f"SELECT data FROM variants WHERE {where} ORDER BY seq", params)  # noqa: S608
        for (data,) in rows:
            yield variant_from_json(data)

    def run_counts(self, run: RunRecord) -> dict[str, int]:
        """One run's draws by status; every status is present."""
        self.flush()
        where, params = run_table.draw_filter(run)
        rows = self._db.execute(f"SELECT status, COUNT(*) FROM draws WHERE {where} GROUP BY status", params)  # noqa: S608
        result = {str(status): 0 for status in Status}
        result.update({status: n for status, n in rows})
        return result

    # -- internals -------------------------------------------------------------------------------------

    def claim(self) -> None:
        """Make this handle the store's only writer now (the runner calls it before the first judge call),
        so a second run on the same folder is refused before it has sent anything.

        Raises:
            StoreError: Another live process is writing this store, or the store is open read-only.
        """
        self._writable()
        self._journal.claim()

    def _insert(self, rows: list[tuple[Any, ...]]) -> None:
        """Write draw rows (the caller holds a transaction), their long texts once each in ``texts``."""
        shared, texts = share_texts(rows)
        if texts:
            self._db.executemany("INSERT OR IGNORE INTO texts (key, text) VALUES (?, ?)", texts.items())
        self._db.executemany(_INSERT_DRAW, shared)

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError(f"{self.path} is open read-only")

    def _transaction(self) -> Transaction:
        return Transaction(self._db)
