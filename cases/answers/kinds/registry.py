"""The answer-kind table: one :class:`KindSpec` row per kind, registered by name.

A row holds everything the project knows about answers of one kind, so no other module keeps a list of
kinds:

====================  ===================================================================================
slot                  used by
====================  ===================================================================================
``folding``           :func:`~judgeprobe.cases.answers.normalize` (case, math symbols, spacing, prefixes)
``compare``           :func:`~judgeprobe.cases.answers.equivalent`, after the shared preamble
``hedged``            :func:`~judgeprobe.cases.answers.is_hedged` (``3 or 4``)
``forms``             :func:`~judgeprobe.cases.answers.alternate_forms` (each checked by ``compare``)
``render``            :func:`~judgeprobe.cases.answers.render_latex` and its Unicode/ASCII twins
``route``             :func:`~judgeprobe.cases.answers.grade` and so the ``builtin:reference`` judge
``choices``           the schema (choices required or refused), lint, the multiple-choice probes
``tolerance``         the schema (a ``tolerance`` field allowed or refused)
``lint``              ``judgeprobe cases lint`` (authoring rules beyond the schema)
``recase``            the ``formatting.case`` probe (letter case carries no meaning)
``respace``           the ``formatting.spacing`` probe (spaces around operators carry no meaning)
``length_factor``     :func:`~judgeprobe.cases.answers.equivalent`'s length limit (free text is longer)
====================  ===================================================================================

The shipped rows live one module per family (:data:`SHIPPED_FAMILIES`) and are imported the first time a
kind is looked up; third-party kinds arrive through the entry-point group :data:`ENTRY_POINT_GROUP` (each
entry point names a module; importing it registers its kinds) or by calling :func:`register_kind`.

:class:`AnswerKind` is the typed name of a registered kind. It is a ``str`` (so it serialises as the same
string in YAML, JSON and the run store, and hashes as that string), interned (``AnswerKind("number") is
AnswerKind.NUMBER``), and validated against the table: an unknown name raises :class:`UnknownAnswerKind`
listing the known ones.
"""

from __future__ import annotations

import importlib
import re
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any, ClassVar, Protocol

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from judgeprobe.cases.answers.judgement import Decision, Judgement
from judgeprobe.cases.answers.kinds.slots import (
    Choices,
    Folding,
    HedgeCheck,
    LintRule,
    Route,
    Style,
    no_lint,
)
from judgeprobe.cases.answers.limits import Limits
from judgeprobe.cases.answers.rules import ChoiceConflict
from judgeprobe.cases.answers.tolerance import Tolerance

__all__ = [
    "ENTRY_POINT_GROUP",
    "SHIPPED_FAMILIES",
    "AnswerKind",
    "Comparer",
    "Comparison",
    "FormsMaker",
    "KindSpec",
    "Renderer",
    "UnknownAnswerKind",
    "kind_of",
    "kind_spec",
    "known_kinds",
    "no_rendering",
    "register_kind",
    "unregister_kind",
]

ENTRY_POINT_GROUP = "judgeprobe.answer_kinds"
"""Entry-point group of third-party answer kinds: each entry point names a module that registers kinds."""
SHIPPED_FAMILIES = ("choice", "maths", "notation", "text", "approximate", "objects")
"""Modules of :mod:`judgeprobe.cases.answers.kinds` holding the shipped rows, in registration order (the
order in which kinds are listed in messages and ``--kind`` choices)."""


_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class UnknownAnswerKind(ValueError):
    """A kind name that no registered row answers to; the message lists the known kinds."""


@dataclass(frozen=True, slots=True)
class Comparison:
    """What a comparer may read besides the two answers."""

    kind: AnswerKind
    """The kind being compared."""
    choices: Choices | None
    """Multiple-choice options, when the case has them."""
    tolerance: float | None
    """A case's relative tolerance (``None``: the kind's default); the whole tolerance is ``precision``."""
    limits: Limits
    """Parser and time limits."""
    precision: Tolerance | None = None
    """The case's whole tolerance: relative, absolute or significant figures (``None``: the default)."""
    choice_conflict: ChoiceConflict = "incorrect"
    """Multiple choice: the decision when an answer's letter and choice text disagree."""
    question: str = ""
    """The question, when the caller has it (``""`` otherwise): some answers are read against it (``91 is
    composite`` answers ``Is 91 prime?``)."""

    @property
    def conflict(self) -> Decision:
        """:attr:`choice_conflict` as a decision (different or undecided)."""
        return Decision.UNDECIDED if self.choice_conflict == "undecided" else Decision.DIFFERENT


class Comparer(Protocol):
    """Decide whether two normalised-different, unhedged, non-empty answers mean the same thing."""

    def __call__(self, a: str, b: str, how: Comparison, /) -> Judgement: ...


class FormsMaker(Protocol):
    """Candidate surface forms of an answer (unchecked: the caller keeps only the equivalent ones)."""

    def __call__(self, text: str, kind: AnswerKind, choices: Choices | None, /) -> Sequence[str]: ...


class Renderer(Protocol):
    """The answer written in one style, or ``None`` when the kind has no such rendering."""

    def __call__(self, text: str, kind: AnswerKind, style: Style, /) -> str | None: ...


def no_rendering(text: str, kind: AnswerKind, style: Style) -> str | None:
    """The renderer of kinds without a notation to render."""
    return None


@dataclass(frozen=True, eq=False)
class KindSpec:
    """One row of the answer-kind table (see the module docstring for who reads each slot)."""

    name: str
    """The kind's name as written in case files (lower-case letters, digits and ``_``)."""
    description: str
    """One line saying what a reference of this kind is."""
    folding: Folding
    """Normalisation rules."""
    compare: Comparer
    """The kind's comparer."""
    hedged: HedgeCheck
    """The kind's hedge check."""
    forms: FormsMaker
    """Candidate alternate surface forms."""
    route: Route
    """How ``builtin:reference`` grades the kind."""
    render: Renderer = no_rendering
    """LaTeX / Unicode / ASCII renderer."""
    choices: bool = False
    """Answered by a letter among the case's ``choices`` (required for the kind, refused for others)."""
    tolerance: bool = False
    """A case of this kind may set ``tolerance``."""
    lint: LintRule = no_lint
    """Authoring rules beyond the schema."""
    recase: bool = False
    """Letter case carries no meaning: the ``formatting.case`` probe may change it."""
    respace: bool = False
    """Spaces around operators carry no meaning: the ``formatting.spacing`` probe may add them."""
    length_factor: int = 1
    """Answers up to ``Limits.max_length`` times this many characters are compared."""
    origin: str = field(default="registered", compare=False)
    """Where the row came from (``shipped``, an entry point, or ``registered``)."""

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise ValueError(
                f"expected a kind name of lower-case letters, digits and '_' (such as 'number'), "
                f"got name={self.name!r}"
            )
        if self.length_factor < 1:
            raise ValueError(f"expected length_factor >= 1, got {self.length_factor}")


_TABLE: dict[str, KindSpec] = {}
_INTERNED: dict[str, AnswerKind] = {}
_LOCK = threading.RLock()
_loaded = False
_plugins_loaded = False
_plugin_errors: list[str] = []


def _load_shipped() -> None:
    global _loaded
    if _loaded:
        return
    with _LOCK:  # re-entrant: a family module being imported may look a kind up
        if not _loaded:
            for family in SHIPPED_FAMILIES:
                importlib.import_module(f"judgeprobe.cases.answers.kinds.{family}")
            _loaded = True


def _load_plugins() -> None:
    """Import every entry point of :data:`ENTRY_POINT_GROUP` once (each registers its kinds); a plugin
    that fails to import is named in the unknown-kind message instead of breaking every lookup."""
    global _plugins_loaded
    _load_shipped()
    if _plugins_loaded:
        return
    with _LOCK:
        if not _plugins_loaded:
            for ep in entry_points(group=ENTRY_POINT_GROUP):
                try:
                    importlib.import_module(ep.module)
                except Exception as exc:  # a broken plugin must not hide the shipped kinds
                    _plugin_errors.append(
                        f"plugin {ep.name!r} ({ep.value}) failed: {type(exc).__name__}: {exc}"
                    )
            _plugins_loaded = True


def _names() -> str:
    return ", ".join(_TABLE)


def _unknown(name: object) -> UnknownAnswerKind:
    broken = f" ({'; '.join(_plugin_errors)})" if _plugin_errors else ""
    return UnknownAnswerKind(f"unknown answer kind {name!r}; expected one of {_names()}{broken}")


def kind_spec(kind: AnswerKind | str) -> KindSpec:
    """The row of ``kind`` (an :class:`AnswerKind` or its exact name).

    Raises:
        UnknownAnswerKind: no such kind (after trying the entry points); the message lists the known ones.
    """
    _load_shipped()
    spec = _TABLE.get(str(kind))
    if spec is None:
        _load_plugins()
        spec = _TABLE.get(str(kind))
        if spec is None:
            raise _unknown(str(kind))
    return spec


def known_kinds() -> tuple[AnswerKind, ...]:
    """Every registered kind (shipped first, in :data:`SHIPPED_FAMILIES` order, then the others)."""
    _load_plugins()
    return tuple(_INTERNED[name] for name in _TABLE)


def kind_of(kind: AnswerKind | str | None) -> AnswerKind | None:
    """A registered :class:`AnswerKind` from a kind or a loosely written name (``" Number"``); ``None``
    for ``None`` or an unknown name. For callers that accept names from outside and must not raise."""
    if kind is None:
        return None
    if isinstance(kind, AnswerKind) and str(kind) in _TABLE:
        return kind
    name = str(kind).strip().lower()
    try:
        kind_spec(name)
    except UnknownAnswerKind:
        return None
    return _INTERNED[name]


def register_kind(spec: KindSpec, *, replace: bool = False) -> AnswerKind:
    """Add a row to the table and return its :class:`AnswerKind`.

    Args:
        spec: The row.
        replace: Allow replacing a row of the same name (otherwise a second registration is an error).

    Raises:
        ValueError: a kind of that name is already registered and ``replace`` is false.
    """
    with _LOCK:
        if spec.name in _TABLE and not replace:
            raise ValueError(
                f"answer kind {spec.name!r} is already registered (from {_TABLE[spec.name].origin}); "
                "pick another name or pass replace=True"
            )
        _TABLE[spec.name] = spec
        return _intern(spec.name)


def unregister_kind(name: AnswerKind | str) -> None:
    """Remove a registered row (tests and plugin reloads). Shipped kinds cannot be removed.

    Raises:
        UnknownAnswerKind: no such kind.
        ValueError: the kind is a shipped one.
    """
    spec = kind_spec(name)
    if spec.origin == "shipped":
        raise ValueError(f"answer kind {spec.name!r} is shipped and cannot be unregistered")
    with _LOCK:
        del _TABLE[spec.name]


def _intern(name: str) -> AnswerKind:
    kind = _INTERNED.get(name)
    if kind is None:
        kind = str.__new__(AnswerKind, name)
        _INTERNED[name] = kind
    return kind


class _KindType(type):
    """Lets the class be iterated like the enum it replaces: ``for kind in AnswerKind``."""

    def __iter__(cls) -> Iterator[AnswerKind]:
        return iter(known_kinds())

    def __len__(cls) -> int:
        return len(known_kinds())

    def __contains__(cls, item: object) -> bool:
        _load_plugins()
        return isinstance(item, str) and str(item) in _TABLE


class AnswerKind(str, metaclass=_KindType):
    """The name of a registered answer kind: what a grade case's reference *is*.

    ``AnswerKind("number")`` returns the interned kind, or raises :class:`UnknownAnswerKind`. The shipped
    kinds are also class attributes (``AnswerKind.NUMBER``). ``kind.spec`` is the kind's table row.
    """

    MULTIPLE_CHOICE: ClassVar[AnswerKind]
    NUMBER: ClassVar[AnswerKind]
    EXPRESSION: ClassVar[AnswerKind]
    SET: ClassVar[AnswerKind]
    TUPLE: ClassVar[AnswerKind]
    INTERVAL: ClassVar[AnswerKind]
    GROUP: ClassVar[AnswerKind]
    COMPLEXITY_CLASS: ClassVar[AnswerKind]
    CHEMISTRY: ClassVar[AnswerKind]
    DATE: ClassVar[AnswerKind]
    BOOLEAN: ClassVar[AnswerKind]
    TEXT: ClassVar[AnswerKind]
    DECIMAL: ClassVar[AnswerKind]
    NAMED: ClassVar[AnswerKind]
    SPACE: ClassVar[AnswerKind]
    CARDINAL: ClassVar[AnswerKind]
    ASYMPTOTIC: ClassVar[AnswerKind]

    def __new__(cls, value: object) -> AnswerKind:
        if isinstance(value, AnswerKind):
            return value
        name = str(value)
        kind_spec(name)
        return _intern(name)

    def __repr__(self) -> str:
        return f"AnswerKind({str(self)!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (AnswerKind, (str(self),))

    @property
    def value(self) -> str:
        """The kind's name as a plain string (as the enum this type replaces had it)."""
        return str.__str__(self)

    @property
    def spec(self) -> KindSpec:
        """The kind's row of the table."""
        return kind_spec(self)

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(
            _validate,
            core_schema.str_schema(),
            serialization=core_schema.plain_serializer_function_ser_schema(str, when_used="json"),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "title": "AnswerKind",
            "description": "What a grade case's reference is; picks normalisation and equivalence rules.",
            "type": "string",
            "enum": [str(kind) for kind in known_kinds()],
        }


def _validate(value: str) -> AnswerKind:
    """Pydantic validator: an unknown name fails like an enum does, listing the known kinds."""
    try:
        return AnswerKind(value)
    except UnknownAnswerKind:
        names = [f"'{name}'" for name in _TABLE]
        expected = ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else "".join(names)
        raise PydanticCustomError("enum", "Input should be {expected}", {"expected": expected}) from None


_SHIPPED_NAMES = ("multiple_choice", "number", "expression", "set", "tuple", "interval", "group",
                  "complexity_class", "chemistry", "date", "boolean", "text", "decimal", "named", "space",
                  "cardinal", "asymptotic")  # fmt: skip
"""The shipped kinds that are also class attributes of :class:`AnswerKind` (a kind added later needs none:
code reads its row, never its name)."""
for _name in _SHIPPED_NAMES:
    setattr(AnswerKind, _name.upper(), _intern(_name))
