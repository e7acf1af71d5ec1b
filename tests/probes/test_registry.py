"""The probe registry: families, relations, selection by name, and registration checks."""

from __future__ import annotations

import pytest

from judgeprobe.cases.models import Mode
from judgeprobe.probes.base import (
    FAMILY_ORDER,
    get_probe,
    grid_points,
    list_families,
    list_probes,
    register_probe,
)
from judgeprobe.probes.errors import ProbeError, UnknownProbe
from judgeprobe.probes.selector import select_probes
from judgeprobe.probes.variant import Relation


def test_every_shipped_family_is_registered() -> None:
    assert list_families()[: len(FAMILY_ORDER)] == list(FAMILY_ORDER)


def test_every_invariant_family_ships_a_control() -> None:
    probes = list_probes()
    invariant = {p.family for p in probes if p.relation is Relation.INVARIANT}
    control = {p.family for p in probes if p.relation is Relation.CONTROL}
    assert invariant <= control, f"families without a control: {sorted(invariant - control)}"


def test_infos_are_well_formed() -> None:
    names = [p.name for p in list_probes()]
    assert len(names) == len(set(names))
    for info in list_probes():
        assert info.name.startswith(info.family + "."), info.name
        assert info.description and "\n" not in info.description
        assert info.modes and info.modes <= frozenset(Mode)
        assert info.relation in (Relation.INVARIANT, Relation.CONTROL)
        assert grid_points(info), info.name
        if info.graded:
            assert info.dose_param is not None and info.dose_param in info.params, info.name
            doses = [float(d) for d in info.params[info.dose_param] if isinstance(d, int | float)]
            assert doses == sorted(doses), f"{info.name}: doses must be listed smallest first"


def test_select_all_and_none() -> None:
    assert select_probes(None) == list_probes()
    assert select_probes("all") == list_probes()
    assert select_probes(" ") == list_probes()


def test_select_by_family_and_name() -> None:
    chosen = select_probes("length, formatting.wrap")
    names = {p.name for p in chosen}
    assert "formatting.wrap" in names
    assert {p.family for p in chosen} == {"length", "formatting"}
    assert all(p.family == "length" or p.name == "formatting.wrap" for p in chosen)
    assert [p.name for p in chosen] == [p.name for p in list_probes() if p.name in names]


def test_unknown_selector_lists_families_and_suggests() -> None:
    with pytest.raises(UnknownProbe) as caught:
        select_probes("lenght")
    message = str(caught.value)
    assert "did you mean 'length'?" in message
    assert "Known families: position, length" in message
    assert isinstance(caught.value, ProbeError) and isinstance(caught.value, ValueError)


def test_get_probe_unknown() -> None:
    with pytest.raises(UnknownProbe, match=r"formatting\.wrap"):
        get_probe("formatting.wrapp")


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"name": "bad name"}, "without spaces"),
        ({"name": "x.y", "relation": Relation.BASE}, "invariant or control"),
        ({"name": "x.y", "params": {"k": ()}}, "empty grid"),
        ({"name": "x.y", "params": {"k": (1,)}, "dose_param": "n"}, "dose parameter"),
        ({"name": "x.y", "share": 0.0}, "share"),
    ],
)
def test_register_probe_rejects(kwargs: dict[str, object], match: str) -> None:
    options: dict[str, object] = {"family": "test", "relation": Relation.INVARIANT, "description": "d"}
    options.update(kwargs)
    name = options.pop("name")
    with pytest.raises(ValueError, match=match):
        register_probe(name, **options)(lambda v, c, p: [])  # type: ignore[arg-type]
