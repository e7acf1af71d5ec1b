"""Tokens and cost of a run's judge calls, from its per-draw frame and the judge's price table."""

from __future__ import annotations

import pandas as pd

from judgeprobe.harness.core.cost import Price
from judgeprobe.harness.stats.schema import UsageInfo

__all__ = ["usage_info"]


def usage_info(frame: pd.DataFrame, price: Price | None) -> UsageInfo:
    """What the run's own calls used and cost.

    A call is a draw the judge was asked for (not ``cached``: not answered from the store or by an identical
    request of the same invocation, and not skipped). Draws whose judge reported no token counts are counted
    in ``calls`` only: they have no cost, never a cost of zero.
    """
    calls = frame[~frame["cached"].astype(bool) & (frame["status"] != "skipped")]
    reported = calls[calls["input_tokens"].notna() | calls["output_tokens"].notna()]
    tokens_in = int(reported["input_tokens"].fillna(0).sum())
    cached = int(reported["cached_input_tokens"].fillna(0).sum())
    tokens_out = int(reported["output_tokens"].fillna(0).sum())
    cost = None
    if price is not None:
        each: dict[tuple[int, int, int], float] = {}  # a run repeats its token counts: each priced once

        def priced(counts: tuple[int, int, int]) -> float:
            found = each.get(counts)
            if found is None:
                found = each[counts] = price.cost(*counts)
            return found

        cost = sum(
            priced(counts)
            for counts in zip(
                map(int, reported["input_tokens"].fillna(0).tolist()),
                map(int, reported["output_tokens"].fillna(0).tolist()),
                map(int, reported["cached_input_tokens"].fillna(0).tolist()),
                strict=True,
            )
        )
    return UsageInfo(
        calls=len(calls),
        calls_with_usage=len(reported),
        input_tokens=tokens_in,
        cached_input_tokens=cached,
        output_tokens=tokens_out,
        cost=cost,
        price=price,
    )
