"""Records with line numbers from the file shapes judged results come in: JSON, JSONL and CSV.

A *record* is ``(line, key, mapping)``: the 1-based line where the record starts, the key it had in a JSON
object (HLE judged files key items by question id; ``None`` elsewhere) and its fields. A line that is not a
record (bad JSON, a list where an object should be) is yielded as ``(line, key, problem text)`` so the reader
can count it as an unusable row. A file that cannot be read at all raises
:class:`~judgeprobe.harness.audit.rows.AuditInputError`.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from pathlib import Path
from typing import Any

from judgeprobe.harness.audit.inspect_log import inspect_rows, is_inspect_log
from judgeprobe.harness.audit.rows import AuditInputError

__all__ = ["Record", "read_records"]

Record = tuple[int, str | None, dict[str, Any] | str]
"""``(line, key, fields or problem)``."""

_DECODER = json.JSONDecoder()
_CSV_FIELD_LIMIT = min(sys.maxsize, 2**31 - 1)


def _text(path: Path, shown: str) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise AuditInputError(shown, None, "file", f"cannot read the file: {exc.strerror or exc}") from None
    if data.startswith(b"PK\x03\x04"):
        raise AuditInputError(
            shown,
            None,
            "file",
            "a zip archive, not text (an inspect_ai .eval log? write it as JSON: "
            "inspect log dump LOG.eval > LOG.json)",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AuditInputError(
            shown, None, "file", f"not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8"
        ) from None
    if not text.strip():
        raise AuditInputError(shown, 1, "file", "the file is empty; expected judged results")
    return text


def read_records(
    path: Path, *, shown: str | None = None, warnings: list[str] | None = None, scorer: str | None = None
) -> tuple[str, list[Record]]:
    """The file's shape (``hle``, ``inspect``, ``json-list``, ``jsonl`` or ``csv``) and its records.

    An inspect_ai eval log's samples become flat rows (:mod:`~judgeprobe.harness.audit.inspect_log`); its
    verdicts are those of ``scorer`` (needed when the log has several scorers).

    The shape comes from the extension (``.csv``; ``.jsonl``/``.ndjson``; ``.json``), else from the first
    character (``[`` a JSON list, ``{`` a JSON object or JSONL). A lone surrogate escape in a JSON string
    (``"\\ud800"``: no character, so no output could be written as UTF-8) becomes U+FFFD, and a line saying
    so is added to ``warnings``.
    """
    name = shown or str(path)
    text = _text(path, name)
    notes: list[str] = []
    shape, records = _records(path, text, name, notes, scorer)
    if warnings is not None:
        warnings.extend(notes)
    if shape != "csv" and _SURROGATE_ESCAPE.search(text):
        replaced = [0]
        records = [(line, _clean(key, replaced), _clean(data, replaced)) for line, key, data in records]
        if replaced[0] and warnings is not None:
            warnings.append(
                f"{name}: {replaced[0]} text(s) held a lone surrogate escape (no character); "
                "replaced with U+FFFD"
            )
    return shape, records


def _records(
    path: Path, text: str, name: str, notes: list[str], scorer: str | None
) -> tuple[str, list[Record]]:
    suffix = path.suffix.lower()
    if suffix == ".tsv":
        return "csv", _csv(text, name, delimiter="\t")
    if suffix == ".csv":
        delimiter = _csv_delimiter(text)
        if delimiter != ",":
            notes.append(
                f"{name}: the header has no comma but {delimiter!r} between its columns; read as such"
            )
        return "csv", _csv(text, name, delimiter=delimiter)
    stripped = text.lstrip()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl", _jsonl(text)
    if stripped.startswith("["):
        return "json-list", _json_list(text, name)
    if stripped.startswith("{"):
        if suffix == ".json" or _is_one_document(text):
            try:
                return _json_object(text, name, scorer)
            except _ExtraData:
                if not _first_line_is_object(text):
                    raise
                notes.append(f"{name}: one JSON object per line; read as JSONL")
        return "jsonl", _jsonl(text)
    raise AuditInputError(
        name, 1, "file", "not JSON, JSONL or CSV (give .json, .jsonl or .csv files of judged results)"
    )


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
"""A JSON escape of a surrogate code point; only a file holding one can decode to a lone surrogate."""
_SURROGATE = re.compile("[\ud800-\udfff]")


def _clean(value: Any, replaced: list[int]) -> Any:
    """``value`` with every lone surrogate in its texts (keys included) replaced by U+FFFD; ``replaced[0]``
    counts the texts changed."""
    if isinstance(value, str):
        cleaned, count = _SURROGATE.subn("\ufffd", value)
        replaced[0] += count > 0
        return cleaned
    if isinstance(value, dict):
        return {_clean(k, replaced): _clean(v, replaced) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v, replaced) for v in value]
    return value


class _ExtraData(AuditInputError):
    """More than one JSON value in a file read as one JSON object."""


def _first_line_is_object(text: str) -> bool:
    """Whether the first non-blank line is a whole JSON object (JSONL saved as ``.json``)."""
    line = next((line for line in text.split("\n") if line.strip()), "")
    try:
        return isinstance(json.loads(line), dict)
    except (ValueError, RecursionError):
        return False


def _is_one_document(text: str) -> bool:
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        return False
    return True


def _line_at(text: str, pos: int, cache: list[int]) -> int:
    """1-based line of ``pos``; ``cache`` holds ``[last_pos, last_line]`` so scanning stays linear."""
    last_pos, last_line = cache
    if pos < last_pos:
        last_pos, last_line = 0, 1
    line = last_line + text.count("\n", last_pos, pos)
    cache[0], cache[1] = pos, line
    return line


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


_TOO_DEEP = "nested too deeply to read (arrays or objects within each other thousands of levels down)"


def _json_error(name: str, text: str, exc: ValueError | RecursionError, pos: int) -> AuditInputError:
    where = exc.pos if isinstance(exc, json.JSONDecodeError) else pos
    line = text.count("\n", 0, where) + 1
    if isinstance(exc, RecursionError):
        message = _TOO_DEEP
    else:
        message = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
    return AuditInputError(name, line, "file", f"invalid JSON: {message}")


def _json_object(text: str, name: str, scorer: str | None) -> tuple[str, list[Record]]:
    """An HLE judged file: ``{question id: item}``; each item's line is that of its key. An inspect_ai eval
    log (an object with ``eval`` and ``samples``) is read as its samples instead."""
    cache = [0, 1]
    pos = _skip(text, 0) + 1
    records: list[Record] = []
    top: dict[str, tuple[Any, int]] = {}
    try:
        pos = _skip(text, pos)
        if pos < len(text) and text[pos] == "}":
            raise AuditInputError(name, 1, "file", "the JSON object has no items; expected judged results")
        while True:
            key_pos = _skip(text, pos)
            key, pos = _DECODER.raw_decode(text, key_pos)
            if not isinstance(key, str):
                raise ValueError("expected a question id (a string key)")
            pos = _skip(text, pos)
            if text[pos : pos + 1] != ":":
                raise json.JSONDecodeError("Expecting ':' delimiter", text, pos)
            value_pos = _skip(text, pos + 1)
            value, pos = _DECODER.raw_decode(text, value_pos)
            top.setdefault(key, (value, value_pos))
            line = _line_at(text, key_pos, cache)
            if isinstance(value, dict):
                records.append((line, key, value))
            else:
                records.append((line, key, f"expected an object for item {key!r}, got {_kind(value)}"))
            pos = _skip(text, pos)
            if text[pos : pos + 1] == ",":
                pos += 1
                continue
            if text[pos : pos + 1] == "}":
                break
            raise json.JSONDecodeError("Expecting ',' delimiter", text, pos)
    except json.JSONDecodeError as exc:
        raise _json_error(name, text, exc, pos) from None
    except (ValueError, RecursionError) as exc:
        if isinstance(exc, AuditInputError):
            raise
        raise _json_error(name, text, exc, _skip(text, pos)) from None
    if _skip(text, pos + 1) != len(text):
        raise _ExtraData(
            name, _line_at(text, _skip(text, pos + 1), cache), "file", "extra data after the JSON object"
        )
    if is_inspect_log(top):
        samples = _json_list(text, name, start=top["samples"][1])
        return "inspect", inspect_rows(top["eval"][0], samples, name, scorer)
    return "hle", records


def _json_list(text: str, name: str, *, start: int = 0) -> list[Record]:
    """The objects of the JSON list at ``start`` (a ``[``), each with the line where it starts."""
    cache = [0, 1]
    pos = _skip(text, start) + 1
    records: list[Record] = []
    try:
        pos = _skip(text, pos)
        if text[pos : pos + 1] == "]":
            line = _line_at(text, pos, cache)
            raise AuditInputError(name, line, "file", "the JSON list is empty; expected judged results")
        while True:
            start = _skip(text, pos)
            value, pos = _DECODER.raw_decode(text, start)
            line = _line_at(text, start, cache)
            if isinstance(value, dict):
                records.append((line, None, value))
            else:
                records.append((line, None, f"expected an object per row, got {_kind(value)}"))
            pos = _skip(text, pos)
            if text[pos : pos + 1] == ",":
                pos += 1
                continue
            if text[pos : pos + 1] == "]":
                break
            raise json.JSONDecodeError("Expecting ',' delimiter", text, pos)
    except json.JSONDecodeError as exc:
        raise _json_error(name, text, exc, pos) from None
    except RecursionError as exc:
        raise _json_error(name, text, exc, _skip(text, pos)) from None
    return records


def _jsonl(text: str) -> list[Record]:
    records: list[Record] = []
    # Lines end at "\n" only (a "\r" before it is JSON whitespace): str.splitlines() would also split at
    # U+2028, U+0085 and other characters that JSON writers leave raw inside strings (ensure_ascii=False).
    for number, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip():
            continue
        try:
            value = json.loads(raw)
        except ValueError as exc:
            records.append((number, None, f"not valid JSON: {exc}"))
            continue
        except RecursionError:
            records.append((number, None, f"not readable JSON: {_TOO_DEEP}"))
            continue
        if isinstance(value, dict):
            records.append((number, None, value))
        else:
            records.append((number, None, f"expected a JSON object per line, got {_kind(value)}"))
    return records


_OTHER_DELIMITERS = (";", "\t", "|")
"""Separators a ``.csv`` file may use instead of commas (``;``: spreadsheets in locales with a decimal
comma)."""


def _csv_delimiter(text: str) -> str:
    """``,``, unless the header row read with commas is one column and another separator splits it into
    more (then the one that splits it into most)."""
    widths: dict[str, int] = {}
    for delimiter in (",", *_OTHER_DELIMITERS):
        try:
            header = next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        except (StopIteration, csv.Error):
            return ","
        widths[delimiter] = len(header)
        if delimiter == "," and len(header) > 1:
            return ","
    best = max(_OTHER_DELIMITERS, key=lambda d: widths[d])
    return best if widths[best] > 1 else ","


def _csv(text: str, name: str, *, delimiter: str) -> list[Record]:
    csv.field_size_limit(_CSV_FIELD_LIMIT)
    # Records end at "\r\n", "\n" or "\r" only, as csv expects (newline=""); str.splitlines() would also end
    # a line at U+2028, U+0085 and other characters that may stand inside a field.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise AuditInputError(name, 1, "header", "no header row") from None
    except csv.Error as exc:
        raise AuditInputError(name, 1, "header", f"unreadable CSV header: {exc}") from None
    header = [h.strip() for h in header]
    if not any(header):
        raise AuditInputError(name, 1, "header", "the header row is empty")
    seen: set[str] = set()
    for column in header:
        if column in seen:
            raise AuditInputError(name, 1, column, "this column appears twice in the header")
        seen.add(column)
    records: list[Record] = []
    start = reader.line_num + 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            records.append((start, None, f"unreadable CSV row: {exc}"))
            break
        line, start = start, reader.line_num + 1
        if not values or not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            records.append(
                (line, None, f"expected {len(header)} columns as in the header, got {len(values)}")
            )
            continue
        records.append(
            (line, None, {h: (v if v != "" else None) for h, v in zip(header, values, strict=True)})
        )
    if not records:
        raise AuditInputError(name, 2, "file", "no rows after the header; expected judged results")
    return records


def _kind(value: object) -> str:
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "null"
    return f"{type(value).__name__} {value!r}"[:60]
