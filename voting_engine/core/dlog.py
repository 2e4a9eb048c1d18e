"""Recovering small tally values m from m·G by baby-step giant-step (Shanks 1971).

A tally is at most (number of voters) × (largest per-ballot value of one entry); with a million
voters and cumulative ballots of up to 100 points that is 10^8, for which the baby-step table
holds 10^4 points.  Tables are cached per bound, since one tally decodes many entries.
"""

from __future__ import annotations

import math
from functools import lru_cache

from voting_engine.core.group import IDENTITY, G, Point


class DiscreteLogError(ValueError):
    """The point is not m·G for any m in the searched range."""


@lru_cache(maxsize=8)
def _baby_steps(step: int) -> dict[bytes, int]:
    table: dict[bytes, int] = {}
    current = IDENTITY
    for j in range(step):
        table[current.to_bytes()] = j
        current = current + G
    return table


def discrete_log(point: Point, bound: int) -> int:
    """The unique m in [0, bound] with m·G == point, or ``DiscreteLogError``."""
    if bound < 0:
        raise ValueError("bound must be non-negative")
    step = max(1, math.isqrt(bound) + 1)
    table = _baby_steps(step)
    giant = G * step
    current = point
    for i in range(step + 1):
        j = table.get(current.to_bytes())
        if j is not None:
            m = i * step + j
            if m <= bound:
                return m
            break
        current = current - giant
    raise DiscreteLogError(f"value is not in [0, {bound}]")
