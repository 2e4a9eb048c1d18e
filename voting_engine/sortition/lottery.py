"""The public, re-implementable lottery: seed -> uniform integers -> panel -> individuals.

All randomness comes from SHA-256 so that anyone can recompute it from the announced seed:

``block(purpose, j) = SHA-256(b"pb-sortition/v1" || 0x00 || purpose || 0x00 ||
uint32_be(len(seed)) || seed || uint64_be(j))`` for j = 0, 1, 2, ... (seed and purpose UTF-8).

``randbelow(n)`` reads the next block as a 256-bit big-endian integer v and returns ``v mod n``
unless ``v >= 2**256 - (2**256 mod n)``, in which case it reads another block (rejection keeps the
result exactly uniform).  ``randbelow(1)`` returns 0 and reads nothing.
"""

from __future__ import annotations

import hashlib
import struct
from bisect import bisect_right
from collections.abc import Sequence

from voting_engine.sortition.cells import CellModel
from voting_engine.sortition.distribution import DENOMINATOR, Distribution

__all__ = ["DOMAIN_TAG", "SeedStream", "expand_panel", "pick_panel"]

DOMAIN_TAG = b"pb-sortition/v1"
_SPACE = 1 << 256


class SeedStream:
    """Deterministic uniform integers derived from a public seed string and a purpose label."""

    def __init__(self, seed: str, purpose: str) -> None:
        seed_bytes = seed.encode("utf-8")
        self._prefix = (
            DOMAIN_TAG
            + b"\x00"
            + purpose.encode("utf-8")
            + b"\x00"
            + struct.pack(">I", len(seed_bytes))
            + seed_bytes
        )
        self.counter = 0

    def block(self) -> bytes:
        digest = hashlib.sha256(self._prefix + struct.pack(">Q", self.counter)).digest()
        self.counter += 1
        return digest

    def randbelow(self, n: int) -> int:
        if n <= 0:
            raise ValueError("randbelow needs a positive bound")
        if n == 1:
            return 0
        limit = _SPACE - (_SPACE % n)
        while True:
            value = int.from_bytes(self.block(), "big")
            if value < limit:
                return value % n


def pick_panel(distribution: Distribution, seed: str) -> int:
    """Index of the drawn panel: r = randbelow(D) on purpose "panel"; the first panel (canonical
    order) whose cumulative weight exceeds r."""
    r = SeedStream(seed, "panel").randbelow(DENOMINATOR)
    return bisect_right(distribution.cumulative(), r)


def expand_panel(model: CellModel, counts: Sequence[int], seed: str) -> list[str]:
    """Turn counts per cell into person ids (purpose "expand"), uniformly within every cell.

    For each household group in canonical order with t = seats of the group > 0: shuffle the first
    t positions of its household list (partial Fisher-Yates: for i < t swap i with
    i + randbelow(n - i)); give the first ``counts[c]`` of those households to the group's first
    cell, the next ones to the second cell, and so on; from each such household take the member
    of that cell's type at index randbelow(m) among the m such members sorted by id.
    """
    stream = SeedStream(seed, "expand")
    chosen: list[str] = []
    for group in model.groups:
        seats = sum(int(counts[c]) for c in group.cells)
        if seats == 0:
            continue
        households = list(group.households)
        n = len(households)
        if seats > n:
            raise ValueError("more seats than households in a group")
        for i in range(seats):
            j = i + stream.randbelow(n - i)
            households[i], households[j] = households[j], households[i]
        position = 0
        for cell in group.cells:
            for _ in range(int(counts[cell])):
                members = model.members(households[position], cell)
                chosen.append(members[stream.randbelow(len(members))])
                position += 1
    return sorted(chosen)
