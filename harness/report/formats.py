"""Report formats registered by name, the way judge backends are.

A format is a writer ``(path, run) -> None`` and the file name it writes in a run folder, registered with
:func:`register_report`. Every run (``judgeprobe run``, ``report``, ``gate``) writes every registered format
through :func:`judgeprobe.harness.report.writer.write_reports`. The shipped formats (``results.jsonl``,
``summary.json``, ``report.md``, ``report.html``, ``junit.xml``) register in
:mod:`judgeprobe.harness.report.shipped`; third-party formats arrive through the entry-point group
``judgeprobe.reports``, each entry point naming a module (importing it registers its formats with the
decorator) or a :class:`ReportFormat`::

    [project.entry-points."judgeprobe.reports"]
    csv = "my_package.csv_report"

    # my_package/csv_report.py
    from judgeprobe.harness.report.formats import register_report

    @register_report("csv", filename="families.csv", description="one row per family")
    def write_csv(path, run):
        rows = [f"{f.family},{f.verdict}\\n" for f in run.summary.families]
        path.write_text("family,verdict\\n" + "".join(rows), encoding="utf-8")
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from typing import Protocol

import pandas as pd

from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.stats.schema import Summary
from judgeprobe.probes.variant import Variant

__all__ = [
    "ENTRY_POINT_GROUP",
    "SHIPPED_FORMATS",
    "ReportFormat",
    "ReportInput",
    "ReportWriter",
    "register_report",
    "report_formats",
    "unregister_report",
]

ENTRY_POINT_GROUP = "judgeprobe.reports"
"""Entry-point group of third-party report formats."""

_SHIPPED_MODULE = "judgeprobe.harness.report.shipped"
SHIPPED_FORMATS = ("results", "summary", "markdown", "html", "junit")
"""Names of the shipped formats, in the order they are written (before any other format)."""


@dataclass(frozen=True)
class ReportInput:
    """What a report writer gets: one run's summary, draws and variants."""

    summary: Summary
    """The run's statistics (``summary.json``)."""
    frame: pd.DataFrame
    """The run's draws, one row per draw (columns as in ``docs/dataframe.md``)."""
    variants: Mapping[str, Variant]
    """The run's variants by id (the before/after texts of flipped cases)."""


class ReportWriter(Protocol):
    """Writes one report file."""

    def __call__(self, path: Path, run: ReportInput) -> None:
        """Write the report of ``run`` to ``path`` (the format's file in the run folder)."""


@dataclass(frozen=True)
class ReportFormat:
    """A registered report format."""

    name: str
    """Short name (``markdown``, ``junit``, …)."""
    filename: str
    """File the format writes in the run folder (a plain file name)."""
    write: ReportWriter
    """The writer."""
    description: str
    """One line saying what the file holds."""
    origin: str = "registered"
    """``shipped``, the entry point (and distribution) that provided it, or ``registered`` (a
    :func:`register_report` call)."""


_REGISTRY: dict[str, ReportFormat] = {}
_LOADED = False


def _check(name: str, filename: str) -> None:
    if not name or not name.replace("_", "").replace("-", "").isalnum():
        raise ConfigError(f"report format name must be a word such as 'csv', got {name!r}")
    if not filename or Path(filename).name != filename or filename in (".", ".."):
        raise ConfigError(f"report format {name!r}: filename must be a plain file name, got {filename!r}")
    if filename == "store.sqlite" or filename.startswith("store.sqlite"):
        raise ConfigError(f"report format {name!r}: {filename!r} is the run store's file")
    for other in _REGISTRY.values():
        if other.filename == filename and other.name != name:
            raise ConfigError(
                f"report format {name!r}: {filename!r} is already written by format {other.name!r} "
                f"({other.origin}); choose another file name"
            )


def register_report(
    name: str, *, filename: str, description: str, origin: str = "registered"
) -> Callable[[ReportWriter], ReportWriter]:
    """Decorator registering a report writer under ``name`` (a later registration of the name replaces it).

    Raises:
        ConfigError: The name is not a word, the file name is not a plain file name, or another format
            already writes that file.
    """
    _check(name, filename)

    def decorate(write: ReportWriter) -> ReportWriter:
        _REGISTRY[name] = ReportFormat(
            name=name, filename=filename, write=write, description=description, origin=origin
        )
        return write

    return decorate


def unregister_report(name: str) -> None:
    """Remove a registered format (no error when it is not registered)."""
    _REGISTRY.pop(name, None)


def _load_entry_points() -> None:
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        origin = f"entry point {ep.value}" + (f" ({ep.dist.name} {ep.dist.version})" if ep.dist else "")
        before = set(_REGISTRY)
        try:
            loaded = ep.load()
        except Exception as exc:
            raise ConfigError(
                f"report format entry point {ep.name!r} ({ep.value}) failed to load: {type(exc).__name__}: "
                f"{exc}; fix or uninstall the package that provides it"
            ) from None
        if isinstance(loaded, ReportFormat):
            _check(loaded.name, loaded.filename)
            _REGISTRY[loaded.name] = loaded
            continue
        for name in set(_REGISTRY) - before:  # registered by the module's own decorator
            known = _REGISTRY[name]
            if known.origin == "registered":
                _REGISTRY[name] = ReportFormat(
                    known.name, known.filename, known.write, known.description, origin
                )


def report_formats() -> list[ReportFormat]:
    """Every registered format: the shipped ones in their order (:data:`SHIPPED_FORMATS`), then the others
    (entry points and :func:`register_report` calls) in the order they were registered.

    Raises:
        ConfigError: A third-party entry point fails to load.
    """
    global _LOADED
    importlib.import_module(_SHIPPED_MODULE)
    if not _LOADED:
        _LOADED = True
        _load_entry_points()
    rank = {name: index for index, name in enumerate(SHIPPED_FORMATS)}
    ordered = sorted(
        enumerate(_REGISTRY.values()), key=lambda item: (rank.get(item[1].name, len(rank)), item[0])
    )
    return [fmt for _, fmt in ordered]
