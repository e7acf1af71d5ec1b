"""Perturbation probes: variants, the probe contract, families, chains and strategies.

Hypothesis strategies live in ``judgeprobe.probes.strategies`` (imported on demand: it imports Hypothesis).
"""

from judgeprobe.probes.base import (
    FAMILY_ORDER,
    ProbeContext,
    ProbeInfo,
    apply_step,
    get_probe,
    grid_points,
    list_families,
    list_probes,
    register_probe,
)
from judgeprobe.probes.chain import Chain, apply_chain, parse_chain
from judgeprobe.probes.errors import ChainSyntaxError, ProbeError, UnknownProbe
from judgeprobe.probes.selector import select_probes
from judgeprobe.probes.suite import generate_suite
from judgeprobe.probes.units import PAIR_UNIT, base_variants
from judgeprobe.probes.variant import Relation, Slot, Step, Variant, chain_name

__all__ = [
    "FAMILY_ORDER",
    "PAIR_UNIT",
    "Chain",
    "ChainSyntaxError",
    "ProbeContext",
    "ProbeError",
    "ProbeInfo",
    "Relation",
    "Slot",
    "Step",
    "UnknownProbe",
    "Variant",
    "apply_chain",
    "apply_step",
    "base_variants",
    "chain_name",
    "generate_suite",
    "get_probe",
    "grid_points",
    "list_families",
    "list_probes",
    "parse_chain",
    "register_probe",
    "select_probes",
]
