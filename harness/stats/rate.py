"""The unit every rate of a summary travels in: a proportion with its count, denominator and interval, and the
frozen base model of every summary model."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["FrozenModel", "Rate"]


class FrozenModel(BaseModel):
    """Base of the summary models: frozen, no unknown fields, attribute docstrings as field descriptions."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


class Rate(FrozenModel):
    """A proportion with its count, denominator and Wilson interval."""

    events: int
    """Events counted (flips, misses, agreements)."""
    n: int
    """Denominator."""
    rate: float | None
    """``events / n`` (``None`` when ``n`` is 0)."""
    ci: tuple[float, float]
    """95 % Wilson interval (``[0, 1]`` when ``n`` is 0)."""
