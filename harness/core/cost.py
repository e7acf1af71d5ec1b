"""What judge calls cost: a judge's price table and the cost of the tokens a draw used.

A price table sits in the judge file (``[judge.price]`` in TOML, prices per million tokens)::

    [judge.price]
    input = 2.50         # every prompt token not read from the provider's prompt cache
    cached_input = 1.25  # prompt tokens read from the cache (default: the input price)
    output = 10.00       # reply tokens, hidden reasoning included
    currency = "USD"

Token counts follow :class:`~judgeprobe.harness.core.verdict.Verdict`: ``input_tokens`` counts every prompt
token and ``cached_input_tokens`` says how many of them were read from the cache, so a draw costs
``(input - cached) * input + cached * cached_input + output * output`` (per million). A draw whose backend
reported no token counts has no cost (it is counted apart, never as free). The price is not part of the
judge's identity: changing it changes what a run is reported to cost, not which draws it reuses.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["PER_TOKENS", "Price", "TokenCounts"]

PER_TOKENS = 1_000_000
"""Prices are per this many tokens."""


class TokenCounts(BaseModel):
    """Tokens summed over some draws (only draws whose backend reported counts)."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    input_tokens: int = 0
    """Prompt tokens, cached ones included."""
    cached_input_tokens: int = 0
    """Of the prompt tokens: those read from the provider's prompt cache."""
    output_tokens: int = 0
    """Reply tokens."""

    @property
    def total(self) -> int:
        """Prompt and reply tokens together (what a tokens-per-minute limit counts)."""
        return self.input_tokens + self.output_tokens


class Price(BaseModel):
    """A judge's prices per million tokens (the ``[judge.price]`` table of a judge file)."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    input: float = Field(ge=0)
    """Price of a million prompt tokens that were not read from the prompt cache."""
    output: float = Field(ge=0)
    """Price of a million reply tokens."""
    cached_input: float | None = Field(default=None, ge=0)
    """Price of a million prompt tokens read from the prompt cache (``None``: the input price)."""
    currency: str = Field(default="USD", min_length=1, max_length=8)
    """Currency of the prices, for display."""

    def cost(self, input_tokens: int, output_tokens: int, cached_input_tokens: int = 0) -> float:
        """What these tokens cost (``cached_input_tokens`` is a part of ``input_tokens``)."""
        cached = min(max(cached_input_tokens, 0), max(input_tokens, 0))
        fresh = max(input_tokens, 0) - cached
        cached_price = self.input if self.cached_input is None else self.cached_input
        return (fresh * self.input + cached * cached_price + max(output_tokens, 0) * self.output) / PER_TOKENS

    def cost_of(self, counts: TokenCounts) -> float:
        """What summed token counts cost."""
        return self.cost(counts.input_tokens, counts.output_tokens, counts.cached_input_tokens)

    def format(self, amount: float) -> str:
        """An amount for display: ``$0.0123`` for dollars, ``0.0123 EUR`` otherwise."""
        digits = 4 if amount < 1 else 2
        if self.currency == "USD":
            return f"${amount:,.{digits}f}"
        return f"{amount:,.{digits}f} {self.currency}"
