"""Alias tables: the other names of named objects (groups, spaces, constants, theorems, complexity
classes, elements, growth rates, cardinals), as data the graders and the probes share.

The tables are YAML files in ``judgeprobe/cases/aliases/`` (shipped as package data, read with
``yaml.safe_load`` and checked here). Each file is::

    table: theorems                 # the table's name (what the kinds look up)
    drop_words: [theorem, lemma]    # optional: words a name may be written without
    entries:
      - id: bolzano-weierstrass
        names: ["Bolzano–Weierstrass theorem", "Bolzano-Weierstrass theorem"]   # its own name, spelt
        aliases: ["sequential compactness theorem"]                             # other standard names
        means: "S^1 x S^1"          # optional: a notation the kind's own parser reads
        value: "0.5772156649015329" # optional (constants): the digits of its value

``names`` are spellings of the object's own name: the probes may rewrite one into another as a
meaning-kept change. ``aliases`` are other names (including objects proved equal, such as NPSPACE for
PSPACE): the graders accept them, the probes never emit them (a judge may rightly insist on the name the
question asked for). A case adds aliases of its own with its ``aliases`` field.

Lookup keys ignore what never distinguishes two names: letter case in word names, accents, spaces,
hyphens and dashes, apostrophes and a possessive ``'s``, a leading ``the``, math delimiters and
``\\mathrm``-style wrappers, and the table's ``drop_words`` at the end.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from judgeprobe.cases.answers.normalize import normalize

__all__ = [
    "OPPOSITES_FILE",
    "AliasEntry",
    "AliasError",
    "AliasTable",
    "alias_key",
    "alias_table",
    "opposites",
    "table_names",
]


class AliasError(ValueError):
    """A shipped alias file is malformed (the message names the file and entry)."""


@dataclass(frozen=True, slots=True)
class AliasEntry:
    """One named object of a table."""

    id: str
    """Stable identifier within the table."""
    names: tuple[str, ...]
    """Spellings of the object's own name; the first is the preferred one."""
    aliases: tuple[str, ...] = ()
    """Other names the graders accept (never emitted by the probes)."""
    means: str | None = None
    """A notation the kind's parser reads (``S^1 x S^1`` for ``the torus``)."""
    value: str | None = None
    """Decimal digits of a constant's value."""

    @property
    def preferred(self) -> str:
        """The first name."""
        return self.names[0]


_ACCENTS = str.maketrans({"ß": "ss", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L"})
_WRAPPERS = re.compile(r"\\(?:mathrm|mathbb|mathbf|mathsf|mathcal|mathfrak|operatorname|text|textrm|Bbb)\b")
_JOINERS = re.compile(r"[\s\-‐‑‒–—_{}$~]+|\\[,;: !]|\\left|\\right")
_POSSESSIVE = re.compile(r"(?<=\w)['’]s\b|['’`]")
_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_WORDISH = re.compile(r"[a-z]{4,}")


def alias_key(text: str, drop_words: tuple[str, ...] = ()) -> str:
    """The lookup key of a name (see the module docstring); ``""`` for an empty name."""
    text = normalize(str(text)[:300], kind=None)
    text = unicodedata.normalize("NFKD", text.translate(_ACCENTS))
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = _ARTICLE.sub("", text.strip())
    if _WORDISH.search(text):
        text = text.lower()
        words = text.split()
        while len(words) > 1 and words[-1].strip(".") in drop_words:
            words.pop()
        text = " ".join(words)
    text = _POSSESSIVE.sub("", text)
    text = _WRAPPERS.sub("", text)
    return _JOINERS.sub("", text).rstrip(".")


class AliasTable:
    """One table: entries by id and by the key of every name and alias."""

    def __init__(self, name: str, entries: tuple[AliasEntry, ...], drop_words: tuple[str, ...] = ()) -> None:
        self.name = name
        """The table's name."""
        self.entries = entries
        """Every entry, in file order."""
        self.drop_words = drop_words
        """Words a name may be written without (``theorem``)."""
        self._by_id = {entry.id: entry for entry in entries}
        self._by_key: dict[str, AliasEntry] = {}
        for entry in entries:
            for text in (*entry.names, *entry.aliases):
                key = alias_key(text, drop_words)
                other = self._by_key.get(key)
                if other is not None and other.id != entry.id:
                    raise AliasError(
                        f"alias table {name!r}: {text!r} names both {other.id!r} and {entry.id!r}"
                    )
                self._by_key[key] = entry

    def lookup(self, text: str) -> AliasEntry | None:
        """The entry a name or alias names, or ``None``."""
        key = alias_key(text, self.drop_words)
        return self._by_key.get(key) if key else None

    def entry(self, entry_id: str) -> AliasEntry | None:
        """The entry with this id, or ``None``."""
        return self._by_id.get(entry_id)

    def same_name(self, a: str, b: str) -> bool:
        """Whether two spellings have the same key (the same name however written)."""
        return bool(alias_key(a, self.drop_words)) and alias_key(a, self.drop_words) == alias_key(
            b, self.drop_words
        )

    def __iter__(self) -> Iterator[AliasEntry]:
        return iter(self.entries)


_LOCK = threading.Lock()


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise AliasError(f"{where}: expected a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _entry(raw: Any, where: str) -> AliasEntry:
    if not isinstance(raw, Mapping):
        raise AliasError(f"{where}: expected a mapping with id and names")
    unknown = set(raw) - {"id", "names", "aliases", "means", "value", "why"}
    if unknown:
        raise AliasError(f"{where}: unknown field(s) {', '.join(sorted(map(str, unknown)))}")
    entry_id = raw.get("id")
    if not isinstance(entry_id, str) or not entry_id:
        raise AliasError(f"{where}: expected a string id")
    names = _strings(raw.get("names"), f"{where} ({entry_id}).names")
    if not names:
        raise AliasError(f"{where} ({entry_id}): at least one name is needed")
    for field in ("means", "value"):
        if raw.get(field) is not None and not isinstance(raw.get(field), str):
            raise AliasError(f"{where} ({entry_id}).{field}: expected a string")
    value = raw.get("value")
    if value is not None and not re.fullmatch(r"-?\d+\.\d+", value):
        raise AliasError(f"{where} ({entry_id}).value: expected decimal digits such as '0.5772156649'")
    return AliasEntry(entry_id, names, _strings(raw.get("aliases"), f"{where} ({entry_id}).aliases"),
                      raw.get("means"), value)  # fmt: skip


def _parse(text: str, filename: str) -> AliasTable:
    data = yaml.safe_load(text)
    if not isinstance(data, Mapping) or not isinstance(data.get("table"), str):
        raise AliasError(f"{filename}: expected a mapping with 'table' and 'entries'")
    entries = data.get("entries")
    if not isinstance(entries, list):
        raise AliasError(f"{filename}: 'entries' must be a list")
    drop = _strings(data.get("drop_words"), f"{filename}: drop_words")
    parsed = tuple(_entry(raw, f"{filename}: entries[{i}]") for i, raw in enumerate(entries))
    ids = [entry.id for entry in parsed]
    if len(ids) != len(set(ids)):
        raise AliasError(f"{filename}: duplicate entry ids")
    return AliasTable(data["table"], parsed, tuple(word.lower() for word in drop))


@lru_cache(maxsize=1)
def _tables() -> dict[str, AliasTable]:
    with _LOCK:
        folder = resources.files("judgeprobe.cases").joinpath("aliases")
        tables: dict[str, AliasTable] = {}
        for item in sorted(folder.iterdir(), key=lambda p: p.name):
            if item.name.endswith(".yaml") and item.name != OPPOSITES_FILE:
                table = _parse(item.read_text(encoding="utf-8"), item.name)
                if table.name in tables:
                    raise AliasError(f"{item.name}: table {table.name!r} is defined twice")
                tables[table.name] = table
        return tables


def alias_table(name: str) -> AliasTable:
    """The shipped table called ``name``.

    Raises:
        KeyError: no such table (the message lists the tables).
    """
    tables = _tables()
    if name not in tables:
        raise KeyError(f"no alias table {name!r}; expected one of {', '.join(sorted(tables))}")
    return tables[name]


OPPOSITES_FILE = "opposites.yaml"
"""The file of predicate/opposite pairs (``[prime, composite]``) in the aliases folder."""


@lru_cache(maxsize=1)
def opposites() -> dict[str, str]:
    """Predicate -> its opposite, both directions (``prime`` <-> ``composite``), from ``opposites.yaml``.

    Raises:
        AliasError: the file is malformed.
    """
    item = resources.files("judgeprobe.cases").joinpath("aliases").joinpath(OPPOSITES_FILE)
    data = yaml.safe_load(item.read_text(encoding="utf-8"))
    pairs = data.get("pairs") if isinstance(data, Mapping) else None
    if not isinstance(pairs, list):
        raise AliasError(f"{OPPOSITES_FILE}: expected a mapping with a list 'pairs'")
    found: dict[str, str] = {}
    for index, pair in enumerate(pairs):
        if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(w, str) and w for w in pair)):
            raise AliasError(f"{OPPOSITES_FILE}: pairs[{index}]: expected [predicate, opposite]")
        a, b = (w.lower() for w in pair)
        found[a], found[b] = b, a
    return found


def table_names() -> tuple[str, ...]:
    """The names of the shipped tables."""
    return tuple(sorted(_tables()))
