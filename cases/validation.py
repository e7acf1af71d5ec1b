"""Validating one case mapping against the schema, with messages that name the field and teach the fix."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from pydantic import TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from judgeprobe.cases.errors import CaseFileError
from judgeprobe.cases.models import AnyCase, Case, GradeCase, Mode, PairwiseCase, Provenance, ScoreCase
from judgeprobe.cases.yaml_tree import FieldPath, TreeBuilder, format_path

__all__ = ["describe", "nearest_line", "validate_case"]

_CASE_ADAPTER: TypeAdapter[AnyCase] = TypeAdapter(Case)
_MODELS: dict[str, type[AnyCase]] = {"grade": GradeCase, "pairwise": PairwiseCase, "score": ScoreCase}


def describe(value: object) -> str:
    """A value as an error message names it (``a mapping``, ``the value 3``)."""
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
        return f"expected {_TYPE_NAMES[kind]}, got {describe(value)}{hint}"
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


def nearest_line(lines: Mapping[FieldPath, int], path: FieldPath) -> int | None:
    """The line of ``path``, or of the nearest enclosing field that has one."""
    for end in range(len(path), -1, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None


def validate_case(data: Any, index: int, builder: TreeBuilder) -> tuple[AnyCase | None, list[CaseFileError]]:
    """Validate the ``index``-th case of a file: the case, or every problem with its line and field."""
    here: FieldPath = ("cases", index)

    def error(path: FieldPath, message: str) -> CaseFileError:
        return CaseFileError(builder.path, nearest_line(builder.lines, path), format_path(path), message)

    if not isinstance(data, dict):
        return None, [
            error(here, f"expected a case (a mapping with id, question, ...), got {describe(data)}")
        ]
    data = {"mode": Mode.GRADE.value, **data}
    mode = data["mode"]
    if not isinstance(mode, str) or mode not in _MODELS:
        return None, [error((*here, "mode"), f"expected one of grade, pairwise, score, got {describe(mode)}")]
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
