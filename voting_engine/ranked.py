"""Schulze and STV tabulation of plaintext ranked ballots, through ``py3votecore`` (py-vote-core 2.0).

Ranked ballots (Pabulib ordinal files, PrefLib profiles, decrypted ranking stages) are tabulated
with one well-known library rather than our own code, so results can be cross-checked against an
independent second implementation (``pref_voting`` in the tests).  This module only adapts
formats and pins down what py3votecore leaves open:

* a ballot is a list best first; an entry is a candidate or a list of tied candidates; candidates
  a ballot leaves out are tied below all it ranks (Schulze's "extended strict preference");
* every candidate in ``candidates`` takes part, even one no ballot mentions (registered through a
  ballot of weight 0, which adds nothing to any count);
* ties py3votecore must break (STV eliminations) follow the order of ``candidates``: an earlier
  candidate survives a tie — deterministic, unlike py3votecore's default random order.

Rules as py3votecore implements them: Schulze with the winning-votes strength d[a,b] (sequential
Schwartz-set dropping), STV with the integer Droop quota ⌊v/(s+1)⌋+1 and weighted inclusive
Gregory surplus transfers; see ``docs/pabulib.md`` for the comparison with ``pref_voting``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from py3votecore.condorcet import CondorcetHelper
from py3votecore.schulze_method import SchulzeMethod
from py3votecore.stv import STV

RankedBallot = Sequence[str | Sequence[str]]
"""Best first; a plain string is one candidate, a sequence of strings a group of tied candidates."""


def _groups(ballot: RankedBallot) -> list[list[str]]:
    return [[entry] if isinstance(entry, str) else list(entry) for entry in ballot]


def _check(ballots: Sequence[RankedBallot], candidates: Sequence[str], weights: Sequence[int] | None) -> list[int]:
    known = set(candidates)
    if len(known) != len(candidates) or not candidates:
        raise ValueError("candidates must be a non-empty list of distinct names")
    if weights is not None and len(weights) != len(ballots):
        raise ValueError("weights must give one count per ballot")
    counts = [1] * len(ballots) if weights is None else [int(w) for w in weights]
    if any(c < 0 for c in counts):
        raise ValueError("ballot weights cannot be negative")
    for i, ballot in enumerate(ballots):
        flat = [c for group in _groups(ballot) for c in group]
        if any(c not in known for c in flat):
            raise ValueError(f"ballot {i} names a candidate not in the list: {sorted(set(flat) - known)}")
        if len(set(flat)) != len(flat):
            raise ValueError(f"ballot {i} ranks a candidate twice")
        if any(not group for group in _groups(ballot)):
            raise ValueError(f"ballot {i} has an empty group of tied candidates")
    return counts


def _aggregate(ballots: Iterable[tuple[Any, ...]], counts: Iterable[int]) -> dict[Any, int]:
    """Identical ballots merged (py3votecore's pairwise count is linear in distinct ballots)."""
    merged: dict[Any, int] = {}
    for ballot, count in zip(ballots, counts, strict=True):
        merged[ballot] = merged.get(ballot, 0) + count
    return merged


def _restricted(ballots: Sequence[RankedBallot], keep: set[str]) -> list[tuple[tuple[str, ...], ...]]:
    out = []
    for ballot in ballots:
        groups = (tuple(c for c in group if c in keep) for group in _groups(ballot))
        out.append(tuple(g for g in groups if g))
    return out


def _schulze_set(ballots: dict[Any, int], candidates: Sequence[str]) -> list[str]:
    """The Schulze winners among ``candidates`` (all of them when every pair ties)."""
    if len(candidates) == 1:
        return list(candidates)
    data = [{"count": c, "ballot": [list(g) for g in b]} for b, c in ballots.items() if b and c]
    data.append({"count": 0, "ballot": [list(candidates)]})  # registers every candidate
    result = SchulzeMethod(data, tie_breaker=list(candidates), ballot_notation=CondorcetHelper.BALLOT_NOTATION_GROUPING)
    winners = set(getattr(result, "tied_winners", None) or {result.winner})
    return [c for c in candidates if c in winners]


def schulze_winners(
    ballots: Sequence[RankedBallot], candidates: Sequence[str], weights: Sequence[int] | None = None
) -> list[str]:
    """All Schulze winners (several only when tied), in the order of ``candidates``."""
    counts = _check(ballots, candidates, weights)
    return _schulze_set(_aggregate(_restricted(ballots, set(candidates)), counts), candidates)


def schulze_ranking(
    ballots: Sequence[RankedBallot], candidates: Sequence[str], weights: Sequence[int] | None = None
) -> list[str | list[str]]:
    """Schulze ranking with ties shown: the winner set, then the winner set of the rest, and so on.

    Each tier is py3votecore's Schulze winner set on the ballots restricted to the candidates not yet
    ranked (py3votecore's "Schulze NPR" ordering, with tied winners kept together instead of being
    broken at random).  A tier of one candidate is a string, a tie a list in ``candidates`` order.
    """
    counts = _check(ballots, candidates, weights)
    remaining = list(candidates)
    ranking: list[str | list[str]] = []
    while remaining:
        tier = _schulze_set(_aggregate(_restricted(ballots, set(remaining)), counts), remaining)
        ranking.append(tier[0] if len(tier) == 1 else tier)
        remaining = [c for c in remaining if c not in tier]
    return ranking


class _Exhausted(Exception):
    """Every ballot with weight left is used up; only zero-support candidates remain to be placed."""

    def __init__(self, winners: set[str], trace: dict[str, Any]) -> None:
        super().__init__("all ballots exhausted")
        self.winners = winners
        self.trace = trace


class _GuardedSTV(STV):  # type: ignore[misc]  # py3votecore ships no type information
    """py3votecore's STV, stopped where it would loop for ever, and counting its resets.

    When no ballot with weight left names a continuing candidate, py3votecore "resets": it re-admits
    every non-winner and recounts the original ballots.  If that recount is empty too it resets
    again each round and never ends.  From that state on its own rules only break ties among
    candidates with 0 votes, so the count is stopped and finished by the same tie order.
    """

    resets = 0
    _last: object = None

    def tallies(self, ballots: list[dict[str, Any]]) -> dict[Any, float]:
        if self._last is not None and ballots is not self._last:
            self.resets += 1  # py3votecore rebuilds its ballot list only when it resets
        self._last = ballots
        if not any(b["count"] > 0 and b["ballot"] for b in ballots):
            trace = {"quota": self.quota, "rounds": list(self.rounds), "resets": self.resets, "exhausted": True}
            raise _Exhausted(set(self.winners), trace)
        result: dict[Any, float] = super().tallies(ballots)
        return result


def _run_stv(
    ballots: Sequence[RankedBallot], candidates: Sequence[str], seats: int, weights: Sequence[int] | None
) -> tuple[list[str], dict[str, Any]]:
    counts = _check(ballots, candidates, weights)
    if not 1 <= seats <= len(candidates):
        raise ValueError(f"seats must be between 1 and {len(candidates)}, got {seats}")
    if any(len(group) > 1 for ballot in ballots for group in _groups(ballot)):
        raise ValueError("STV needs strict rankings; a ballot has tied candidates")
    merged = _aggregate((tuple(_flat(b)) for b in ballots), counts)
    data: list[dict[str, Any]] = [{"count": c, "ballot": list(b)} for b, c in merged.items() if b and c]
    data.append({"count": 0, "ballot": list(candidates)})  # registers every candidate
    try:
        result = _GuardedSTV(data, tie_breaker=list(candidates), required_winners=seats)
    except _Exhausted as stop:
        rest = [c for c in candidates if c not in stop.winners][: seats - len(stop.winners)]
        return [c for c in candidates if c in stop.winners or c in rest], stop.trace
    trace: dict[str, Any] = result.as_dict()
    trace.update(resets=result.resets, exhausted=False)
    return [c for c in candidates if c in result.winners], trace


def stv_winners(
    ballots: Sequence[RankedBallot], candidates: Sequence[str], seats: int, weights: Sequence[int] | None = None
) -> list[str]:
    """The ``seats`` STV winners, in the order of ``candidates``.

    Ballots must be strict (STV has no rule for tied preferences here; a ``ValueError`` says so).
    Eliminations tied on votes remove the candidate latest in ``candidates``; so when every ballot
    is exhausted before the seats are filled, the earliest remaining candidates take them.
    """
    return _run_stv(ballots, candidates, seats, weights)[0]


def stv_trace(
    ballots: Sequence[RankedBallot], candidates: Sequence[str], seats: int, weights: Sequence[int] | None = None
) -> dict[str, Any]:
    """py3votecore's record of the same count: ``quota``, ``rounds`` (tallies, winners, loser,
    tied losers), ``resets`` (how often it re-admitted eliminated candidates) and ``exhausted``
    (the count ran out of ballots and was finished by tie order)."""
    return _run_stv(ballots, candidates, seats, weights)[1]


def _flat(ballot: RankedBallot) -> list[str]:
    return [c for group in _groups(ballot) for c in group]
