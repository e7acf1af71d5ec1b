"""Shared fixtures for probe tests: the shipped library (through the users' loader) and its suite."""

from __future__ import annotations

import pytest

from judgeprobe.cases.loader import Library, load_library
from judgeprobe.probes.suite import generate_suite
from judgeprobe.probes.variant import Relation, Variant


@pytest.fixture(scope="session")
def library() -> Library:
    """The shipped case library."""
    return load_library()


@pytest.fixture(scope="session")
def suite(library: Library) -> list[Variant]:
    """The default suite over the shipped library (seed 0), generated once per session."""
    return generate_suite(library)


@pytest.fixture(scope="session")
def bases(suite: list[Variant]) -> dict[tuple[str, str], Variant]:
    """Base variant of every unit, by (case id, unit id)."""
    return {(v.case_id, v.unit_id): v for v in suite if v.relation is Relation.BASE}
