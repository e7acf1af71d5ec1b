"""The store's tables, its schema version, and the migration of older stores.

Version history (kept in ``PRAGMA user_version``):

* **1** — ``meta``, ``variants``, ``draws``.
* **2** — adds ``runs`` (one row per run: judge, selection, options, counts) and ``run_variants`` (the
  variants each run covers). A version-1 store is migrated when it is opened for writing: the tables are
  added and, when the store names the judge of its last run, that run is recorded with every stored variant
  (its selection unknown: it was recorded before runs were kept). A version-1 store opened read-only is read
  as it is (its one run is the implicit run of :func:`judgeprobe.harness.store.runs.implicit_run`).
* **3** — adds ``draws.cached_input_tokens`` (prompt tokens read from the provider's prompt cache),
  ``run_variants.draws`` (how many draws of the variant an adaptive run made; ``NULL``: the run's repeats)
  and ``texts``: a long prompt, reply or reasoning is stored once there, under a digest of its text, and a
  draw holds the digest as a BLOB in place of the text (a run repeats each prompt for every draw and placebo
  draw; a plain TEXT value is still read as it is). Older stores gain the columns and the table when opened
  for writing; read only, the missing columns read as ``NULL`` (see :func:`draw_columns`).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from types import TracebackType

from judgeprobe.harness.core.errors import StoreError
from judgeprobe.harness.store.rows import DRAW_COLUMNS, SHARED_TEXTS
from judgeprobe.harness.store.runs import EVERY_VARIANT_SUFFIX, now, variants_digest

__all__ = [
    "READABLE_VERSIONS",
    "SCHEMA_VERSION",
    "Transaction",
    "connect",
    "create",
    "draw_columns",
    "has_texts",
    "migrate",
]

SCHEMA_VERSION = 3
"""Version of the table layout this judgeprobe writes."""

READABLE_VERSIONS = (1, 2, 3)
"""Versions this judgeprobe reads (older ones are migrated when opened for writing)."""

_V1 = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS variants (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    reference_doubt INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS draws (
    seq INTEGER PRIMARY KEY,
    {", ".join(DRAW_COLUMNS)},
    UNIQUE (judge_hash, variant_id, draw)
);
CREATE INDEX IF NOT EXISTS draws_cache_key ON draws (cache_key);
"""

_V2 = """
CREATE TABLE IF NOT EXISTS runs (
    key TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    judge TEXT NOT NULL,
    judge_hash TEXT NOT NULL,
    selection TEXT,
    options TEXT NOT NULL,
    settings TEXT,
    variants INTEGER NOT NULL,
    variants_digest TEXT NOT NULL,
    scope TEXT,
    planned INTEGER,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS run_variants (
    run_key TEXT NOT NULL,
    variant_id TEXT NOT NULL,
    draws INTEGER,
    PRIMARY KEY (run_key, variant_id)
) WITHOUT ROWID;
"""

_V3 = """
CREATE TABLE IF NOT EXISTS texts (key BLOB PRIMARY KEY, text TEXT NOT NULL) WITHOUT ROWID;
"""

_ADDED_COLUMNS: tuple[tuple[str, str], ...] = (("run_variants", "draws INTEGER"),)
"""Columns added to existing tables after version 2 (besides the draw columns, which follow the verdict)."""


def create(db: sqlite3.Connection) -> None:
    """Create every table of a new store (in one transaction) and stamp the version."""
    db.executescript(f"BEGIN; {_V1} {_V2} {_V3} PRAGMA user_version={SCHEMA_VERSION}; COMMIT;")


def migrate(db: sqlite3.Connection, version: int) -> None:
    """Bring a store of an older readable version up to :data:`SCHEMA_VERSION` (one transaction)."""
    if version >= SCHEMA_VERSION:
        return
    with Transaction(db):
        if version < 2:
            for statement in _statements(_V2):
                db.execute(statement)
            _record_version_1_run(db)
        for statement in _statements(_V3):
            db.execute(statement)
        _add_missing_columns(db)
        db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")


def _columns(db: sqlite3.Connection, table: str) -> set[str]:
    return {str(row[1]) for row in db.execute(f"PRAGMA table_info({table})")}


def _add_missing_columns(db: sqlite3.Connection) -> None:
    """Add the columns later versions introduced: every draw column the table lacks (a new verdict field),
    and those of :data:`_ADDED_COLUMNS`."""
    have = _columns(db, "draws")
    for name in DRAW_COLUMNS:
        if name not in have:
            db.execute(f"ALTER TABLE draws ADD COLUMN {name}")
    for table, column in _ADDED_COLUMNS:
        if column.split()[0] not in _columns(db, table):
            db.execute(f"ALTER TABLE {table} ADD COLUMN {column}")


def has_texts(db: sqlite3.Connection) -> bool:
    """Whether the store has the ``texts`` table (version 3 and later)."""
    found = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'texts'").fetchone()
    return found is not None


def draw_columns(db: sqlite3.Connection, *, resolve: bool = True) -> tuple[str, ...]:
    """The :data:`DRAW_COLUMNS` as a ``SELECT`` list for this store: a column an older, read-only store
    lacks reads as ``NULL``; with ``resolve``, a shared text (a BLOB digest, see :data:`SHARED_TEXTS`) reads
    as its text."""
    have = _columns(db, "draws")
    shared = resolve and has_texts(db)
    out = []
    for name in DRAW_COLUMNS:
        if name not in have:
            out.append(f"NULL AS {name}")
        elif shared and name in SHARED_TEXTS:
            lookup = f"(SELECT text FROM texts WHERE key = draws.{name})"  # noqa: S608 - constant names
            out.append(f"CASE WHEN typeof({name}) = 'blob' THEN {lookup} ELSE {name} END AS {name}")
        else:
            out.append(name)
    return tuple(out)


def _statements(script: str) -> list[str]:
    return [part.strip() for part in script.split(";") if part.strip()]


def _record_version_1_run(db: sqlite3.Connection) -> None:
    """Record the last run of a version-1 store, as far as its metadata tells (judge, repeats, seed)."""
    meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
    judge = json.loads(meta["judge"]) if "judge" in meta else None
    if not isinstance(judge, dict) or not judge.get("config_hash"):
        return
    judge_hash = str(judge["config_hash"])
    repeats = json.loads(meta["repeats"]) if "repeats" in meta else None
    options = {"repeats": repeats} if isinstance(repeats, int) and repeats > 0 else {}
    ids = [row[0] for row in db.execute("SELECT id FROM variants ORDER BY seq")]
    key = f"{judge_hash[:8]}-{EVERY_VARIANT_SUFFIX}"
    stamp = now()
    db.execute(
        "INSERT OR IGNORE INTO runs (key, seq, judge, judge_hash, selection, options, settings, variants, "
        "variants_digest, scope, planned, created_at, updated_at) "
        "VALUES (?, 1, ?, ?, NULL, ?, NULL, ?, ?, NULL, NULL, ?, ?)",
        (key, str(judge.get("name") or judge_hash), judge_hash, json.dumps(options), len(ids),
         variants_digest(ids), stamp, stamp),
    )  # fmt: skip
    db.executemany(
        "INSERT OR IGNORE INTO run_variants (run_key, variant_id) VALUES (?, ?)", [(key, vid) for vid in ids]
    )


def connect(path: Path, *, read_only: bool) -> sqlite3.Connection:
    """Open a store file: created with its tables if new, migrated if older (unless ``read_only``).

    Raises:
        StoreError: The file is not a store, has a version this judgeprobe cannot read, or (read only)
            does not exist.
    """
    if read_only:
        if not path.is_file():
            raise StoreError(f"{path}: no run store here")
        target, uri = f"{path.resolve().as_uri()}?mode=ro", True
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        target, uri = str(path), False
    db: sqlite3.Connection | None = None
    try:
        db = sqlite3.connect(target, uri=uri, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA busy_timeout=10000")
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version not in (READABLE_VERSIONS if read_only else (0, *READABLE_VERSIONS)):
            raise StoreError(
                f"{path}: store schema version {version}, this judgeprobe reads versions "
                f"{', '.join(map(str, READABLE_VERSIONS))}; use a new output folder or the judgeprobe "
                "version that wrote it"
            )
        if not read_only:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            if version == 0:
                create(db)
            else:
                migrate(db, version)
    except sqlite3.DatabaseError as exc:
        if db is not None:
            db.close()
        raise StoreError(f"{path}: not a judgeprobe store ({exc})") from None
    except StoreError:
        if db is not None:
            db.close()
        raise
    return db


class Transaction:
    """``BEGIN`` … ``COMMIT`` (``ROLLBACK`` on error) on an autocommit connection."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN")

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._db.execute("ROLLBACK" if exc_type is not None else "COMMIT")
