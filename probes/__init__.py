"""Perturbation probes: variants, the probe contract, families, chains and strategies (design §4)."""

from probes.units import PAIR_UNIT, base_variants
from probes.variant import Relation, Slot, Step, Variant, chain_name

__all__ = ["PAIR_UNIT", "Relation", "Slot", "Step", "Variant", "base_variants", "chain_name"]
