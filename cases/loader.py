"""Read case files into a :class:`Library`, with errors that name the file, the line and the field.

A case file is a YAML mapping with one key, ``cases``, holding a list of case mappings (see
:mod:`judgeprobe.cases.models`). The loader is strict and safe:

* YAML is composed safely into a node tree and Python values are built from it with every value's line
  (:mod:`judgeprobe.cases.yaml_tree`): only the standard tags are accepted; merge keys (``<<``) and duplicate
  keys in one mapping are errors; size and depth are bounded.
* Each case is validated against the schema with messages that name the field
  (:mod:`judgeprobe.cases.validation`).
* Scalars keep the text **as written**: ``0.50`` stays ``'0.50'``, ``yes`` stays ``'yes'``, ``2024-03-01``
  stays ``'2024-03-01'``; pydantic converts the text where a field wants a number or a boolean. A plain empty
  value or ``~``/``null`` is ``None``. Surface forms are what this library is about, so YAML's implicit typing
  must not rewrite them.
* A case without ``mode`` is a ``grade`` case (the schema's default).
* Nothing is half-loaded: :func:`load_library` raises the first problem (with a note counting the rest);
  :func:`load_library_report` returns every problem across all files for ``judgeprobe cases lint``.

Field paths in errors are dotted with 0-based indices, such as ``cases[3].responses[1].label``; the line is
that of the field itself, or of the nearest enclosing mapping when the field is missing.
"""

from __future__ import annotations

import importlib.resources
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import yaml

from judgeprobe.cases.case_library import Library
from judgeprobe.cases.errors import CaseFileError, DuplicateCaseId
from judgeprobe.cases.models import AnyCase
from judgeprobe.cases.validation import describe, validate_case
from judgeprobe.cases.yaml_tree import (
    MAX_DEPTH,
    MAX_NODES,
    SAFE_LOADER,
    FieldPath,
    TooBig,
    TreeBuilder,
    format_path,
)

__all__ = [
    "AnyCase",
    "FieldPath",
    "Library",
    "builtin_library_dir",
    "format_path",
    "load_file",
    "load_library",
    "load_library_report",
]

MAX_FILE_BYTES = 5_000_000
"""A case file larger than this is refused (the shipped files are a few kilobytes)."""


@dataclass(frozen=True)
class _FileCases:
    """What one file yielded: its cases (with line tables) and its problems."""

    path: Path
    """The file read."""
    cases: list[tuple[AnyCase, int, dict[FieldPath, int]]]
    """Each valid case, its index in the file's ``cases`` list, and the lines of its fields (paths
    relative to the case; ``()`` is the case itself)."""
    errors: list[CaseFileError]
    """Every problem found in the file, in line order."""


def _read_file(path: Path) -> _FileCases:
    """Read one case file; never raises for bad content, returns its problems instead."""

    def fail(line: int | None, where: str | None, message: str) -> _FileCases:
        return _FileCases(path, [], [CaseFileError(path, line, where, message)])

    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return fail(None, "file", f"case file is larger than {MAX_FILE_BYTES} bytes; split it")
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return fail(None, "file", f"not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8")
    except OSError as exc:
        return fail(None, "file", f"cannot read the file: {exc.strerror or exc}")
    try:
        root = yaml.compose(text, Loader=SAFE_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        context = exc.context or ""
        if exc.context_mark is not None and exc.context_mark.line + 1 != line:
            context += f" (from line {exc.context_mark.line + 1})"
        problem = ": ".join(p for p in (context.strip(), exc.problem) if p)
        return fail(line, "syntax", f"invalid YAML: {problem}")
    except yaml.YAMLError as exc:
        return fail(None, "syntax", f"invalid YAML: {exc}")
    if root is None:
        return fail(1, "cases", "the file is empty; expected a mapping with a top-level 'cases:' list")
    builder = TreeBuilder(path)
    try:
        data = builder.build(root, ())
    except TooBig as exc:
        return fail(exc.line, "file", f"more than {MAX_NODES} values or {MAX_DEPTH} levels of nesting")
    if not isinstance(data, dict) or "cases" not in data:
        got = "a mapping without 'cases'" if isinstance(data, dict) else describe(data)
        return fail(
            root.start_mark.line + 1, "cases", f"expected a mapping with a top-level 'cases:' list, got {got}"
        )
    errors = list(builder.errors)
    for key in data:
        if key != "cases":
            line = builder.lines.get((key,))
            errors.append(
                CaseFileError(path, line, key, f"unknown top-level key {key!r}; only 'cases' is allowed")
            )
    items = data["cases"]
    if not isinstance(items, list):
        line = builder.lines.get(("cases",))
        errors.append(CaseFileError(path, line, "cases", f"expected a list of cases, got {describe(items)}"))
        items = []
    cases: list[tuple[AnyCase, int, dict[FieldPath, int]]] = []
    for index, item in enumerate(items):
        case, problems = validate_case(item, index, builder)
        errors.extend(problems)
        if case is not None:
            prefix = ("cases", index)
            lines = {p[2:]: n for p, n in builder.lines.items() if p[:2] == prefix}
            cases.append((case, index, lines))
    errors.sort(key=lambda e: e.line or 0)
    return _FileCases(path, cases, errors)


def builtin_library_dir() -> Path:
    """The folder of the shipped case files (works from a checkout and from an installed wheel)."""
    return Path(str(importlib.resources.files("judgeprobe.cases") / "library"))


def _yaml_files(folder: Path) -> list[Path]:
    if folder.is_file():
        return [folder]
    return sorted(p for p in folder.rglob("*.yaml") if p.is_file())


def load_library_report(
    extra_dirs: Sequence[Path] = (), *, include_builtin: bool = True
) -> tuple[Library | None, list[CaseFileError]]:
    """Load every case file and return the library, or ``None`` with every problem found across all files.

    Args:
        extra_dirs: user folders (searched recursively for ``*.yaml``) or single files, read after
            the shipped ones.
        include_builtin: read the shipped ``cases/library/`` too.
    """
    folders = ([builtin_library_dir()] if include_builtin else []) + [Path(d) for d in extra_dirs]
    seen: set[Path] = set()
    errors: list[CaseFileError] = []
    cases: list[AnyCase] = []
    files: dict[str, tuple[Path, int]] = {}
    lines: dict[str, Mapping[FieldPath, int]] = {}
    for folder in folders:
        if not folder.exists():
            errors.append(CaseFileError(folder, None, None, "no such file or folder"))
            continue
        if folder.is_dir():
            for stray in sorted(folder.rglob("*.yml")):
                errors.append(CaseFileError(stray, None, "file", "case files end in .yaml; rename it"))
        for path in _yaml_files(folder):
            if path.resolve() in seen:
                continue
            seen.add(path.resolve())
            result = _read_file(path)
            errors.extend(result.errors)
            for case, index, case_lines in result.cases:
                line = case_lines[()]
                if case.id in files:
                    first, first_line = files[case.id]
                    errors.append(
                        DuplicateCaseId(
                            path,
                            case_lines.get(("id",), line),
                            f"cases[{index}].id",
                            f"duplicate case id {case.id!r}; first defined at {first}:{first_line}",
                        )
                    )
                    continue
                cases.append(case)
                files[case.id] = (path, line)
                lines[case.id] = case_lines
    if errors:
        return None, errors
    return Library(tuple(cases), files=files, lines=lines), []


def _raise_first(errors: list[CaseFileError]) -> NoReturn:
    first = errors[0]
    if len(errors) > 1:
        first.add_note(f"{len(errors) - 1} more problem(s); run `judgeprobe cases lint` to list them all")
    raise first


def load_library(extra_dirs: Sequence[Path] = (), *, include_builtin: bool = True) -> Library:
    """Load the shipped library plus any extra folders; nothing is half-loaded.

    Raises:
        CaseFileError: the first problem found (``DuplicateCaseId`` for a repeated id); a note
            counts the rest.
    """
    library, errors = load_library_report(extra_dirs, include_builtin=include_builtin)
    if library is None:
        _raise_first(errors)
    return library


def load_file(path: Path) -> list[AnyCase]:
    """Load and validate one case file.

    Raises:
        CaseFileError: the first problem in the file; a note counts the rest.
    """
    result = _read_file(Path(path))
    if result.errors:
        _raise_first(result.errors)
    ids: dict[str, int] = {}
    for case, index, lines in result.cases:
        line = lines.get(("id",), lines[()])
        if case.id in ids:
            message = f"duplicate case id {case.id!r}; first defined at line {ids[case.id]}"
            _raise_first([DuplicateCaseId(path, line, f"cases[{index}].id", message)])
        ids[case.id] = line
    return [case for case, _, _ in result.cases]
