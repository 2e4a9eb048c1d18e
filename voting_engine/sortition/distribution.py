"""A lottery over panels with integer weights, and the statistics reported about it.

Solver output is floating point; the lottery must not be.  :func:`canonical_distribution` merges
duplicate panels, sorts them lexicographically by their count vectors and converts probabilities to
integers summing to exactly ``DENOMINATOR`` (largest-remainder rounding, ties to the earlier panel).
Every probability reported afterwards is computed from those integers, so the published numbers
are exactly those of the lottery that is run, and any panel's weight moves by less than 1e-9.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = [
    "DENOMINATOR",
    "Distribution",
    "canonical_distribution",
    "gini",
]

DENOMINATOR = 10**9
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Distribution:
    """Panels (count per cell, canonical order) and integer weights summing to DENOMINATOR."""

    panels: tuple[tuple[int, ...], ...]
    weights: tuple[int, ...]

    def __post_init__(self) -> None:
        if sum(self.weights) != DENOMINATOR or any(w <= 0 for w in self.weights):
            raise ValueError("weights must be positive and sum to DENOMINATOR")
        if list(self.panels) != sorted(set(self.panels)):
            raise ValueError("panels must be distinct and sorted")

    def expected_counts(self) -> FloatArray:
        """E[x[c]] per cell, computed from the integer weights."""
        matrix = np.asarray(self.panels, dtype=np.int64)
        weights = np.asarray(self.weights, dtype=np.int64)
        return (weights @ matrix).astype(np.float64) / DENOMINATOR

    def cell_probabilities(self, sizes: IntArray) -> FloatArray:
        """Selection probability of every person in each cell."""
        return self.expected_counts() / sizes.astype(np.float64)

    def digest(self) -> str:
        """SHA-256 of the canonical text form, so two runs can compare distributions cheaply."""
        sha = hashlib.sha256()
        for panel, weight in zip(self.panels, self.weights, strict=True):
            sha.update(f"{weight}:{','.join(map(str, panel))}\n".encode())
        return sha.hexdigest()

    def cumulative(self) -> list[int]:
        """Running sums of the weights (last element is DENOMINATOR)."""
        total = 0
        out: list[int] = []
        for weight in self.weights:
            total += weight
            out.append(total)
        return out


def _round_to_denominator(probabilities: Sequence[float]) -> list[int]:
    """Largest-remainder rounding of non-negative floats (renormalised) to integers summing to D."""
    total = float(sum(probabilities))
    scaled = [p / total * DENOMINATOR for p in probabilities]
    floors = [int(s) for s in scaled]
    missing = DENOMINATOR - sum(floors)
    order = sorted(range(len(scaled)), key=lambda i: (-(scaled[i] - floors[i]), i))
    for i in order[:missing]:
        floors[i] += 1
    return floors


def canonical_distribution(panels: Sequence[IntArray], probabilities: Sequence[float]) -> Distribution:
    """Merge equal panels, sort them, drop zero weights and round to integers out of DENOMINATOR."""
    merged: dict[tuple[int, ...], float] = {}
    for panel, prob in zip(panels, probabilities, strict=True):
        if prob > 0:
            key = tuple(int(v) for v in panel)
            merged[key] = merged.get(key, 0.0) + float(prob)
    if not merged:
        raise ValueError("empty distribution")
    keys = sorted(merged)
    weights = _round_to_denominator([merged[k] for k in keys])
    kept = [(k, w) for k, w in zip(keys, weights, strict=True) if w > 0]
    return Distribution(tuple(k for k, _ in kept), tuple(w for _, w in kept))


def integer_distribution(panels: Sequence[IntArray], weights: Sequence[int]) -> Distribution:
    """Canonical form of a distribution that already has integer weights summing to DENOMINATOR."""
    merged: dict[tuple[int, ...], int] = {}
    for panel, weight in zip(panels, weights, strict=True):
        if weight > 0:
            key = tuple(int(v) for v in panel)
            merged[key] = merged.get(key, 0) + int(weight)
    keys = sorted(merged)
    return Distribution(tuple(keys), tuple(merged[k] for k in keys))


def gini(values: FloatArray, counts: IntArray | None = None) -> float:
    """Gini coefficient of ``values`` where value i occurs ``counts[i]`` times (0 = all equal)."""
    v = np.asarray(values, dtype=np.float64)
    n_each = np.ones(len(v), dtype=np.int64) if counts is None else np.asarray(counts, dtype=np.int64)
    keep = n_each > 0
    v, n_each = v[keep], n_each[keep]
    n = float(n_each.sum())
    mean_total = float((v * n_each).sum())
    if n == 0 or mean_total <= 0:
        return 0.0
    order = np.argsort(v, kind="stable")
    v, n_each = v[order], n_each[order].astype(np.float64)
    # rank of the block = people before it + (block size + 1)/2 (average 1-based rank)
    ranks = np.cumsum(n_each) - n_each + (n_each + 1) / 2
    return float(2 * (ranks * v * n_each).sum() / (n * mean_total) - (n + 1) / n)
