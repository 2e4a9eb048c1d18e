"""Forming encrypted tallies per voter group and reading decrypted totals as results.

Each group's encrypted tally is the entry-wise homomorphic sum of its counted ballots; after the
trustees' threshold decryption the totals are read by the stage's ballot scheme and turned into
normalised scores for the weighted ranking.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

from ballot_schemes import BallotScheme
from voting_engine.core.elgamal import Ciphertext
from voting_engine.domain.bulletin import BoardEntry
from voting_engine.domain.ranking import fraction_text


def encrypted_tally(scheme: BallotScheme, entries: Sequence[BoardEntry], counted: Sequence[int]) -> list[Ciphertext]:
    return scheme.aggregate([entries[p].ballot.choices for p in counted])


def tally_labels(group: str, size: int) -> list[str]:
    """Labels binding each partial-decryption proof to its group and entry."""
    return [f"tally/{group}/{e}" for e in range(size)]


def dlog_bound(scheme: BallotScheme, ballots: int) -> int:
    return max(1, ballots * max(scheme.max_entry_values()))


def read_results(scheme: BallotScheme, totals: Sequence[int], ballots: int) -> dict[str, Any]:
    scores: Mapping[str, Fraction] = scheme.project_scores(totals, ballots)
    return {
        "totals": list(totals),
        "results": scheme.decode_tally(totals, ballots),
        "scores": {p: fraction_text(s) for p, s in scores.items()},
    }
