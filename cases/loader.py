"""Read case files into a :class:`Library`, with errors that name the file, the line and the field.

A case file is a YAML mapping with one key, ``cases``, holding a list of case mappings (see
:mod:`judgeprobe.cases.models`). The loader is strict and safe:

* YAML is composed with the safe loader (libyaml's ``CSafeLoader`` when PyYAML has it, else ``SafeLoader``;
  both only compose plain nodes, nothing is constructed) into a node tree; Python values are built here,
  so every value's line is known. Only the standard tags (str, int, float, bool, null, timestamp, map, seq)
  are accepted; merge keys (``<<``) and duplicate keys in one mapping are errors.
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

import difflib
import importlib.resources
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn, TypeAlias

import yaml
from pydantic import TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from judgeprobe.cases.errors import CaseFileError, DuplicateCaseId
from judgeprobe.cases.models import AnswerKind, Case, GradeCase, Mode, PairwiseCase, Provenance, ScoreCase

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

AnyCase: TypeAlias = GradeCase | PairwiseCase | ScoreCase
"""A validated case of any mode."""
FieldPath: TypeAlias = tuple[str | int, ...]
"""A path into a case file, such as ``("cases", 3, "responses", 1, "label")``."""

MAX_FILE_BYTES = 5_000_000
"""A case file larger than this is refused (the shipped files are a few kilobytes)."""
MAX_NODES = 200_000
"""Upper bound on YAML values built from one file, so aliases cannot expand without limit."""
MAX_DEPTH = 32
"""Upper bound on nesting depth in a case file."""

_SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CASE_ADAPTER: TypeAdapter[AnyCase] = TypeAdapter(Case)
_SCALAR_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp")
)
_NULL_TAG = "tag:yaml.org,2002:null"
_MODELS: dict[str, type[AnyCase]] = {"grade": GradeCase, "pairwise": PairwiseCase, "score": ScoreCase}


def format_path(path: Iterable[str | int]) -> str:
    """Render a field path as ``cases[3].responses[1].label``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


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


class _Builder:
    """Turns a composed YAML node tree into Python values, recording each value's line by path."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lines: dict[FieldPath, int] = {}
        self.errors: list[CaseFileError] = []
        self.count = 0

    def _error(self, node: yaml.Node, where: FieldPath, message: str) -> None:
        self.errors.append(
            CaseFileError(self.path, node.start_mark.line + 1, format_path(where) or None, message)
        )

    def build(self, node: yaml.Node, where: FieldPath, line: int | None = None) -> Any:
        self.count += 1
        if self.count > MAX_NODES or len(where) > MAX_DEPTH:
            raise _TooBig(node.start_mark.line + 1)
        self.lines[where] = line if line is not None else node.start_mark.line + 1
        if isinstance(node, yaml.ScalarNode):
            if node.tag not in _SCALAR_TAGS:
                self._error(node, where, f"unsupported YAML tag {node.tag!r}; write plain values")
                return None
            return None if node.tag == _NULL_TAG else str(node.value)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                self._error(node, where, f"unsupported YAML tag {node.tag!r}; write a plain list")
            return [self.build(item, (*where, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.MappingNode)
        if node.tag != "tag:yaml.org,2002:map":
            self._error(node, where, f"unsupported YAML tag {node.tag!r}; write a plain mapping")
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                self._error(key_node, where, "a mapping key must be a plain word, not a list or mapping")
                continue
            key = str(key_node.value)
            if key == "<<" and key_node.tag == "tag:yaml.org,2002:merge":
                self._error(key_node, where, "YAML merge keys ('<<') are not supported; write the fields out")
                continue
            if key in first_line:
                self._error(
                    key_node,
                    (*where, key),
                    f"duplicate key {key!r} in one mapping (first at line {first_line[key]}); "
                    "YAML would silently keep only the last one, so remove one of them",
                )
            first_line.setdefault(key, key_line)
            result[key] = self.build(value_node, (*where, key), key_line)
        return result


class _TooBig(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


def _describe(value: object) -> str:
    if value is None:
        return "an empty value (null)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return f"the value {value!r}"


def _quoted_options(expected: str) -> str:
    words = [w.strip("'") for w in expected.replace(" or ", ", ").split(", ")]
    return ", ".join(w.split(": ")[-1].strip(">'") for w in words)


_TYPE_NAMES = {
    "string_type": "a string",
    "tuple_type": "a list",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "int_parsing": "a whole number",
    "int_type": "a whole number",
    "float_parsing": "a number",
    "float_type": "a number",
    "bool_parsing": "true or false",
    "bool_type": "true or false",
}


def _explain(error: ErrorDetails, model: type[AnyCase] | None, loc: FieldPath) -> str:
    kind, ctx, value = error["type"], error.get("ctx", {}), error["input"]
    name = loc[-1] if loc else "case"
    if kind == "missing":
        return f"missing required field {name!r}" if isinstance(name, str) else "missing list item"
    if kind == "extra_forbidden":
        allowed = sorted(_allowed_fields(model, loc[:-1]))
        close = difflib.get_close_matches(str(name), allowed, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        return f"unknown field {name!r}; {hint}allowed fields: {', '.join(allowed)}"
    if kind in ("literal_error", "enum"):
        return f"expected one of {_quoted_options(str(ctx.get('expected', '')))}, got {value!r}"
    if kind in _TYPE_NAMES:
        hint = "; for one item write a list such as [x]" if _TYPE_NAMES[kind] == "a list" and value else ""
        return f"expected {_TYPE_NAMES[kind]}, got {_describe(value)}{hint}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"is too long ({len(str(value))} characters; at most {ctx.get('max_length')})"
    if kind in ("too_short", "too_long"):
        return f"expected {_length_rule(ctx)} item(s), got {ctx.get('actual_length')}"
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    if kind == "greater_than_equal":
        return f"must be at least {ctx.get('ge')}, got {value!r}"
    return str(error["msg"])


def _length_rule(ctx: Mapping[str, Any]) -> str:
    low, high = ctx.get("min_length"), ctx.get("max_length")
    if low is not None and high is not None and low == high:
        return f"exactly {low}"
    return f"at least {low}" if low is not None else f"at most {high}"


def _allowed_fields(model: type[AnyCase] | None, loc: FieldPath) -> set[str]:
    if model is None:
        return set()
    if "provenance" in loc:
        return set(Provenance.model_fields)
    if "responses" in loc:
        response_model = model.model_fields["responses"].annotation
        args = getattr(response_model, "__args__", ())
        if args and hasattr(args[0], "model_fields"):
            return set(args[0].model_fields)
    return set(model.model_fields)


def _nearest_line(lines: Mapping[FieldPath, int], path: FieldPath) -> int | None:
    for end in range(len(path), -1, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None


def _validate_case(data: Any, index: int, builder: _Builder) -> tuple[AnyCase | None, list[CaseFileError]]:
    here: FieldPath = ("cases", index)

    def error(path: FieldPath, message: str) -> CaseFileError:
        return CaseFileError(builder.path, _nearest_line(builder.lines, path), format_path(path), message)

    if not isinstance(data, dict):
        return None, [
            error(here, f"expected a case (a mapping with id, question, ...), got {_describe(data)}")
        ]
    data = {"mode": Mode.GRADE.value, **data}
    mode = data["mode"]
    if not isinstance(mode, str) or mode not in _MODELS:
        return None, [
            error((*here, "mode"), f"expected one of grade, pairwise, score, got {_describe(mode)}")
        ]
    model = _MODELS[mode]
    try:
        return _CASE_ADAPTER.validate_python(data), []
    except ValidationError as exc:
        details = exc.errors(include_url=False)
    locs = [tuple(d["loc"][1:]) for d in details]
    found: list[CaseFileError] = []
    for detail, loc in zip(details, locs, strict=True):
        nested = any(other[: len(loc)] == loc and len(other) > len(loc) for other in locs)
        if detail["type"] in ("too_short", "too_long") and nested:
            continue  # a list looks short only because its items failed; report the items instead
        found.append(error((*here, *loc), _explain(detail, model, loc)))
    return None, found


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
        root = yaml.compose(text, Loader=_SAFE_LOADER)
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
    builder = _Builder(path)
    try:
        data = builder.build(root, ())
    except _TooBig as exc:
        return fail(exc.line, "file", f"more than {MAX_NODES} values or {MAX_DEPTH} levels of nesting")
    if not isinstance(data, dict) or "cases" not in data:
        got = "a mapping without 'cases'" if isinstance(data, dict) else _describe(data)
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
        errors.append(CaseFileError(path, line, "cases", f"expected a list of cases, got {_describe(items)}"))
        items = []
    cases: list[tuple[AnyCase, int, dict[FieldPath, int]]] = []
    for index, item in enumerate(items):
        case, problems = _validate_case(item, index, builder)
        errors.extend(problems)
        if case is not None:
            prefix = ("cases", index)
            lines = {p[2:]: n for p, n in builder.lines.items() if p[:2] == prefix}
            cases.append((case, index, lines))
    errors.sort(key=lambda e: e.line or 0)
    return _FileCases(path, cases, errors)


@dataclass(frozen=True)
class Library:
    """A loaded, validated set of cases. Iterate it, index it by id, or narrow it with :meth:`select`."""

    cases: tuple[AnyCase, ...] = ()
    """Every case, in load order (shipped files by name, then each extra folder's files by path)."""
    files: Mapping[str, tuple[Path, int]] = field(default_factory=dict)
    """Case id -> (file, line of the case); empty for cases built in memory."""
    lines: Mapping[str, Mapping[FieldPath, int]] = field(default_factory=dict, repr=False)
    """Case id -> field path (relative to the case, such as ``("responses", 1, "why")``) -> line."""
    _index: dict[str, AnyCase] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        ids = [case.id for case in self.cases]
        if len(set(ids)) != len(ids):
            twice = sorted({i for i in ids if ids.count(i) > 1})
            raise ValueError(f"case ids must be unique in a Library; repeated: {', '.join(twice)}")
        object.__setattr__(self, "_index", {case.id: case for case in self.cases})
        object.__setattr__(self, "files", dict(self.files))
        object.__setattr__(self, "lines", {k: dict(v) for k, v in self.lines.items()})

    def __iter__(self) -> Iterator[AnyCase]:
        return iter(self.cases)

    def __len__(self) -> int:
        return len(self.cases)

    def __contains__(self, case_id: object) -> bool:
        return case_id in self._index

    @property
    def ids(self) -> tuple[str, ...]:
        """Case ids in load order."""
        return tuple(case.id for case in self.cases)

    def by_id(self, case_id: str) -> AnyCase:
        """The case with this id.

        Raises:
            KeyError: no such case; the message suggests close ids.
        """
        try:
            return self._index[case_id]
        except KeyError:
            close = difflib.get_close_matches(case_id, self._index, n=3)
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            raise KeyError(f"unknown case id {case_id!r}{hint}") from None

    def line_of(self, case_id: str, path: FieldPath = ()) -> tuple[Path | None, int | None]:
        """File and line of a case's field (or of the nearest enclosing one), for messages."""
        file, _ = self.files.get(case_id, (None, None))
        return file, _nearest_line(self.lines.get(case_id, {}), path)

    def select(
        self,
        *,
        tags: Iterable[str] = (),
        kinds: Iterable[AnswerKind | str] = (),
        tricks: Iterable[str] = (),
        modes: Iterable[Mode | str] = (),
        ids: Iterable[str] = (),
    ) -> Library:
        """The cases matching every filter given (an empty filter matches everything).

        Args:
            tags: keep cases carrying any of these tags.
            kinds: keep grade cases whose ``answer_kind`` is one of these.
            tricks: keep cases whose trick kind (first tag) is one of these.
            modes: keep cases of these modes.
            ids: keep cases with these ids.
        """
        tag_set, kind_set, trick_set = set(tags), {str(k) for k in kinds}, set(tricks)
        mode_set, id_set = {str(m) for m in modes}, set(ids)
        kept = tuple(
            case
            for case in self.cases
            if (not tag_set or tag_set & set(case.tags))
            and (not kind_set or (isinstance(case, GradeCase) and str(case.answer_kind) in kind_set))
            and (not trick_set or (case.tags and case.tags[0] in trick_set))
            and (not mode_set or str(case.mode) in mode_set)
            and (not id_set or case.id in id_set)
        )
        keep = {case.id for case in kept}
        return Library(
            kept,
            files={k: v for k, v in self.files.items() if k in keep},
            lines={k: v for k, v in self.lines.items() if k in keep},
        )


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
