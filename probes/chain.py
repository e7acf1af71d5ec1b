"""Chains: probe steps composed in order, as a value with a readable name that parses back.

A chain's name is its steps joined by `` > ``; a step is ``probe`` or ``probe(key=value,...)`` with values
written as JSON (``"boxed"``, ``400``, ``true``, ``null``)::

    formatting.wrap(style="boxed") > length.pad(words=400)

:func:`parse_chain` is the inverse of :attr:`Chain.name` (``parse_chain(c.name) == c``), so a finding
printed in a report can be replayed exactly.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from judgeprobe.probes.base import AnyCase, apply_step, check_params, get_probe
from judgeprobe.probes.errors import ChainSyntaxError
from judgeprobe.probes.variant import ParamValue, Relation, Step, Variant, chain_name

__all__ = ["Chain", "apply_chain", "parse_chain"]

_PROBE_NAME = re.compile(r"[A-Za-z0-9_.\-]+")
_KEY = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*")
_DECODER = json.JSONDecoder()


@dataclass(frozen=True, slots=True)
class Chain:
    """An ordered sequence of probe steps."""

    steps: tuple[Step, ...] = ()
    """Steps in application order (empty: the base variant itself)."""

    @property
    def name(self) -> str:
        """Readable name; :func:`parse_chain` turns it back into this chain."""
        return chain_name(self.steps)

    @property
    def relation(self) -> Relation:
        """``control`` if any step is a control probe, else ``invariant`` (``base`` when empty)."""
        if not self.steps:
            return Relation.BASE
        if any(get_probe(step.probe).relation is Relation.CONTROL for step in self.steps):
            return Relation.CONTROL
        return Relation.INVARIANT

    def __len__(self) -> int:
        return len(self.steps)

    def __str__(self) -> str:
        return self.name


def parse_chain(name: str) -> Chain:
    """Parse a chain name such as ``formatting.wrap(style="boxed") > length.pad(words=400)``.

    Probe names are checked against the registry and parameters against each probe's declared names.

    Raises:
        ChainSyntaxError: The text is not a chain name (the message points at the position).
        UnknownProbe: A step names a probe that is not registered.
        ProbeError: A step's parameters are not the probe's parameters.
    """
    text = name.strip()
    if text in ("", "base"):
        return Chain()
    parsed: list[tuple[str, dict[str, ParamValue]]] = []
    pos = 0
    while True:
        pos = _skip_space(text, pos)
        match = _PROBE_NAME.match(text, pos)
        if match is None:
            raise ChainSyntaxError(_where(text, pos, "expected a probe name"))
        probe = match.group(0)
        pos = match.end()
        params: dict[str, ParamValue] = {}
        if pos < len(text) and text[pos] == "(":
            params, pos = _parse_params(text, pos + 1)
        parsed.append((probe, params))
        pos = _skip_space(text, pos)
        if pos == len(text):
            break
        if text[pos] != ">":
            raise ChainSyntaxError(_where(text, pos, "expected '>' between steps or the end of the chain"))
        pos += 1
    for probe, params in parsed:
        check_params(get_probe(probe), params)
    return Chain(tuple(Step.of(probe, **params) for probe, params in parsed))


def _parse_params(text: str, pos: int) -> tuple[dict[str, ParamValue], int]:
    params: dict[str, ParamValue] = {}
    pos = _skip_space(text, pos)
    if pos < len(text) and text[pos] == ")":
        return params, pos + 1
    while True:
        key_match = _KEY.match(text, pos)
        if key_match is None:
            raise ChainSyntaxError(_where(text, pos, "expected 'name=' inside the parameters"))
        key = key_match.group(1)
        pos = key_match.end()
        try:
            value, pos = _DECODER.raw_decode(text, pos)
        except json.JSONDecodeError:
            raise ChainSyntaxError(_where(text, pos, f"parameter {key!r} needs a JSON value")) from None
        if not isinstance(value, str | int | float | bool) and value is not None:
            raise ChainSyntaxError(
                _where(text, pos, f"parameter {key!r} must be a string, number, boolean or null")
            )
        if key in params:
            raise ChainSyntaxError(_where(text, pos, f"parameter {key!r} given twice"))
        params[key] = value
        pos = _skip_space(text, pos)
        if pos < len(text) and text[pos] == ",":
            pos += 1
            continue
        if pos < len(text) and text[pos] == ")":
            return params, pos + 1
        raise ChainSyntaxError(_where(text, pos, "expected ',' or ')' after a parameter"))


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _where(text: str, pos: int, message: str) -> str:
    return f"cannot parse chain {text!r} at position {pos}: {message}"


def apply_chain(case: AnyCase, base: Variant, chain: Chain, *, seed: int = 0) -> list[Variant]:
    """Apply a chain's steps in order, starting from ``base``.

    Each step is applied to every variant the previous step produced. Returns the variants of the last
    step, deduplicated by id in order; empty when some step does not apply.
    """
    current = [base]
    for step in chain.steps:
        produced: dict[str, Variant] = {}
        for variant in current:
            for new in apply_step(case, variant, step, seed=seed):
                produced.setdefault(new.id, new)
        current = list(produced.values())
        if not current:
            return []
    return current
