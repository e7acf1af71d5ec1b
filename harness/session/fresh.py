"""Is a run's folder up to date? Then a rerun of the same command has nothing to do.

A rerun of a finished run makes no judge call (every draw is in the store), and its analysis is a function of
its draws and of the code and settings that analyse them. So when the run's reports were written from
exactly the draws the store now holds, by the same code (every source file of judgeprobe, the case files,
the versions of the libraries the figures depend on, the plug-ins present) and with the same settings, a
rerun would rewrite them byte for byte: :func:`reuse_run` says so without planning, calling or analysing,
and ``judgeprobe run`` prints the summary it reads back. ``judgeprobe report`` always rebuilds.

:func:`record_reports` notes, after the reports are written, what they were made from (store metadata
``reports:<run key>``): the state of the store's draws table (its last write and row count: any write to it,
by this run or another of the folder, changes them, and both are read without a scan), whether the run was
complete, its draw counts, and the base variant of each unit the summary lists among its flips (what the
terminal shows beside them), so that a rerun of a 100,000-draw run reads a few rows, not the draws. A run is
never reused when any draw errored (a rerun retries errors), when an adaptive run had not finished its rounds,
when a killed run left draws in the store's side file, or when a report file is missing or changed size.
"""

from __future__ import annotations

import functools
import hashlib
import json
import platform
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from judgeprobe.harness.core.errors import StoreError
from judgeprobe.harness.run.options import RunStats
from judgeprobe.harness.run.selection import Selection
from judgeprobe.harness.stats.schema import Settings, Summary
from judgeprobe.harness.store import RunStore, store_path
from judgeprobe.harness.store.runs import RunRecord
from judgeprobe.probes.variant import Relation, Variant

__all__ = ["ReusedRun", "code_fingerprint", "inputs_fingerprint", "record_reports", "reuse_run"]

_PACKAGES = ("judgeprobe.cases", "judgeprobe.probes", "judgeprobe.harness")
_SOURCES = (".py", ".yaml", ".yml", ".txt", ".toml", ".json", ".css", ".js", ".html")
_LIBRARIES = ("numpy", "pandas", "pydantic", "sympy", "PyYAML", "rich", "hypothesis")
"""Libraries whose version can change a figure, a variant or a report."""
_PLUGIN_GROUPS = ("judgeprobe.judges", "judgeprobe.probes", "judgeprobe.reports", "judgeprobe.answer_kinds")
"""Entry-point groups through which plug-ins add judges, probes, report formats and answer kinds."""


@dataclass(frozen=True)
class ReusedRun:
    """A finished run whose reports are up to date, read back instead of rebuilt."""

    run_dir: Path
    """The run folder."""
    run: RunRecord
    """The run as the store records it."""
    summary: Summary
    """Its summary, read from ``summary.json``."""
    stats: RunStats
    """What a rerun did: every draw from the store, no call."""
    paths: tuple[Path, ...]
    """Its report files."""
    variants: dict[str, Variant]
    """The variants the summary's most telling flips need (each flipped variant and its unit's base)."""


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A digest of every source and data file of judgeprobe, the Python and library versions, and the
    installed plug-ins (entry points of the ``judgeprobe*`` groups, with their distributions' versions)."""
    import importlib

    digest = hashlib.sha256()
    for name in _PACKAGES:
        folder = Path(str(importlib.import_module(name).__file__)).parent
        for path in sorted(folder.rglob("*")):
            if path.suffix in _SOURCES and path.is_file() and "__pycache__" not in path.parts:
                digest.update(f"{name}/{path.relative_to(folder).as_posix()}\x00".encode())
                digest.update(path.read_bytes())
    versions = [platform.python_version()]
    for library in _LIBRARIES:
        try:
            versions.append(f"{library}={metadata.version(library)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{library}=absent")
    for group in _PLUGIN_GROUPS:
        for point in sorted(metadata.entry_points(group=group), key=lambda p: p.name):
            dist = point.dist
            versions.append(f"{group}:{point.name}={point.value}@{dist.version if dist else '?'}")
    digest.update("\n".join(versions).encode())
    return digest.hexdigest()[:32]


def _case_files(folders: Iterable[Path]) -> Iterable[Path]:
    for folder in folders:
        base = Path(folder)
        if base.is_file():
            yield base
        elif base.is_dir():
            yield from sorted(p for p in base.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def inputs_fingerprint(selection: Selection | Mapping[str, Any] | None, settings: Settings | None) -> str:
    """A digest of everything a run's reports depend on besides its draws: the code
    (:func:`code_fingerprint`), the user case files of the selection, and the analysis settings."""
    chosen = selection.to_json() if isinstance(selection, Selection) else dict(selection or {})
    digest = hashlib.sha256(code_fingerprint().encode())
    for path in _case_files(Path(p) for p in chosen.get("case_dirs", ())):
        digest.update(str(path).encode() + b"\x00" + path.read_bytes())
    data = {"selection": chosen, "settings": None if settings is None else settings.model_dump(mode="json")}
    digest.update(json.dumps(data, sort_keys=True).encode())
    return digest.hexdigest()[:32]


def _key(run_key: str) -> str:
    return f"reports:{run_key}"


def record_reports(
    store: RunStore,
    run: RunRecord,
    paths: Iterable[Path],
    summary: Summary,
    variants: Mapping[str, Variant],
) -> None:
    """Note what a run's reports were just made from (see the module docstring)."""
    draws = store.run_digest(run)
    units = {(item.case_id, item.unit_id) for item in summary.flipped}
    bases = {
        f"{v.case_id}/{v.unit_id}": v.id
        for v in variants.values()
        if v.relation is Relation.BASE and (v.case_id, v.unit_id) in units
    }
    entry = {
        "inputs": inputs_fingerprint(run.selection, summary.settings),
        "store": store.draws_state(),
        "complete": _complete(run, draws),
        "counts": store.run_counts(run),
        "bases": bases,
        "files": {path.name: path.stat().st_size for path in paths},
    }
    store.set_meta(_key(run.key), entry)


def _complete(run: RunRecord, draws: Mapping[str, int]) -> bool:
    """Whether a run's draws are all there and none errored (an adaptive run: see :func:`_finished`)."""
    if draws["errors"] or not draws["count"]:
        return False
    return run.adaptive or (run.planned is not None and draws["count"] >= run.planned)


def _finished(store: RunStore, run: RunRecord) -> bool:
    """Whether an adaptive run has finished its rounds (a fixed run: always)."""
    if not run.adaptive:
        return True
    from judgeprobe.harness.session.adaptive import state_key

    state = store.get_meta(state_key(run.key))
    return isinstance(state, dict) and state.get("stopped") is not None


def reuse_run(run_dir: Path, run_key: str, *, settings: Settings, top: int = 5) -> ReusedRun | None:
    """The finished run ``run_key`` of ``run_dir`` read back, when its reports are up to date; else
    ``None`` (the caller runs it as usual)."""
    path = store_path(run_dir)
    side = path.with_name(path.name + "-pending")
    if not path.is_file() or (side.exists() and side.stat().st_size > 0):
        return None
    try:
        with RunStore(path, read_only=True) as store:
            run = next((r for r in store.runs() if r.key == run_key), None)
            noted = store.get_meta(_key(run_key)) if run is not None else None
            if run is None or not isinstance(noted, dict):
                return None
            if noted.get("store") != store.draws_state() or noted.get("complete") is not True:
                return None
            if not _finished(store, run):
                return None
            if noted.get("inputs") != inputs_fingerprint(run.selection, settings):
                return None
            files = dict(noted.get("files") or {})
            paths = tuple(run_dir / name for name in files)
            if "summary.json" not in files or any(
                not p.is_file() or p.stat().st_size != files[p.name] for p in paths
            ):
                return None
            summary = Summary.model_validate_json((run_dir / "summary.json").read_text(encoding="utf-8"))
            variants = _flipped_variants(store, summary, top, dict(noted.get("bases") or {}))
            counts = {name: int(count) for name, count in dict(noted.get("counts") or {}).items()}
    except (StoreError, sqlite3.Error, OSError, ValueError, TypeError):
        return None
    stats = RunStats(judged=counts["judged"], unscored=counts["unscored"], skipped=counts["skipped"])
    stats.planned = stats.done = stats.cache_hits = sum(counts.values())
    return ReusedRun(run_dir=run_dir, run=run, summary=summary, stats=stats, paths=paths, variants=variants)


def _flipped_variants(
    store: RunStore, summary: Summary, top: int, bases: Mapping[str, Any]
) -> dict[str, Variant]:
    """The variants the terminal shows for the first ``top`` flips: each flipped variant, its unit's base."""
    shown = summary.flipped[:top]
    wanted = {item.variant_id for item in shown}
    wanted |= {str(bases[key]) for item in shown if (key := f"{item.case_id}/{item.unit_id}") in bases}
    return {v.id: v for v in store.variants_where(ids=wanted)}
