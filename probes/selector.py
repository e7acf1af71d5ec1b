"""Probe selection by a user's selector string (``--probes`` of ``judgeprobe run`` and ``search``)."""

from __future__ import annotations

from judgeprobe.probes.base import ProbeInfo, list_families, list_probes, unknown_message
from judgeprobe.probes.errors import UnknownProbe

__all__ = ["select_probes"]


def select_probes(selector: str | None) -> list[ProbeInfo]:
    """Probes named by a selector: comma-separated family and/or probe names; ``all`` or ``None`` is all.

    Raises:
        UnknownProbe: A name is neither a family nor a probe (the message lists the families and suggests
            the closest name).
    """
    probes = list_probes()
    if selector is None or selector.strip() in ("", "all"):
        return probes
    wanted: set[str] = set()
    families = set(list_families())
    names = {info.name for info in probes}
    for raw in selector.split(","):
        name = raw.strip()
        if not name:
            continue
        if name == "all":
            return probes
        if name in families:
            wanted.update(info.name for info in probes if info.family == name)
        elif name in names:
            wanted.add(name)
        else:
            raise UnknownProbe(unknown_message(name, "probe or family"))
    return [info for info in probes if info.name in wanted]
