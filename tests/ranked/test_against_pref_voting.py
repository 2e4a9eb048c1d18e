"""Schulze and STV through py3votecore, checked against a second library, pref_voting.

Same rules on both sides: Schulze with the winning-votes strength and unranked candidates tied
below the ranked ones (pref_voting: ``use_extended_strict_preference`` and ``strength_function=
support``); STV with the integer Droop quota and weighted inclusive Gregory transfers
(pref_voting ``stv_wig(quota_rule="droop")``), ties broken by the same candidate order.
STV is compared only on counts without (near-)ties and without py3votecore's "reset" (a rule of its
own for exhausted ballots, shown by ``test_reset_is_a_py3votecore_rule``).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pref_voting.margin_based_methods import beat_path
from pref_voting.profiles_with_ties import ProfileWithTies
from pref_voting.proportional_methods import stv_wig

from voting_engine.pabulib import load_pb
from voting_engine.preflib import load_preflib
from voting_engine.ranked import RankedBallot, schulze_ranking, schulze_winners, stv_trace, stv_winners

ROOT = Path(__file__).resolve().parents[3] / "shared" / "data"
PREFLIB = sorted(p.name for p in (ROOT / "preflib").iterdir() if p.suffix in (".soc", ".soi", ".toc"))
EPS = 1e-9


def profile(ballots: Sequence[RankedBallot], candidates: list[str], weights: list[int]) -> Any:
    rankings = []
    for ballot in ballots:
        groups = [[e] if isinstance(e, str) else list(e) for e in ballot]
        rankings.append({c: rank for rank, group in enumerate(groups, start=1) for c in group})
    prof = ProfileWithTies(rankings, rcounts=weights, candidates=candidates)
    prof.use_extended_strict_preference()
    return prof


def reference_ranking(prof: Any, candidates: list[str], tiers: list[str | list[str]]) -> bool:
    """Each of our tiers is pref_voting's Beat Path winner set of the candidates not yet ranked."""
    remaining = list(candidates)
    for tier in tiers:
        group = [tier] if isinstance(tier, str) else tier
        if set(group) != set(beat_path(prof, curr_cands=remaining, strength_function=prof.support)):
            return False
        remaining = [c for c in remaining if c not in group]
    return not remaining


def reference_stv(prof: Any, candidates: list[str], seats: int) -> set[str]:
    return set(stv_wig(prof, num_seats=seats, quota_rule="droop", tie_break_key=candidates.index))


def clean(trace: dict[str, Any]) -> bool:
    """No reset, no exhaustion, no (near-)tie for last place, no tally a rounding error off the quota.

    A tally exactly at the quota is fine (both elect at ≥ quota); one within EPS but not equal may be
    float noise that the two libraries, summing in different orders, resolve differently."""
    if trace["resets"] or trace["exhausted"]:
        return False
    for rnd in trace["rounds"]:
        values = sorted(rnd["tallies"].values())
        if any(0 < abs(v - trace["quota"]) < EPS for v in values):
            return False
        if "loser" in rnd and len(values) > 1 and values[1] - values[0] < EPS:
            return False
    return True


@pytest.mark.parametrize("name", PREFLIB)
def test_preflib_schulze(name: str) -> None:
    data = load_preflib(ROOT / "preflib" / name)
    candidates, ballots, weights = data.candidates(), data.ballots(), list(data.counts)
    prof = profile(ballots, candidates, weights)
    tiers = schulze_ranking(ballots, candidates, weights)
    assert reference_ranking(prof, candidates, tiers)
    assert schulze_winners(ballots, candidates, weights) == [tiers[0]]
    known = {"00002-00000006": "1", "00002-00000008": "2"}  # Zacchiroli (DPL 2010), Swirl (logo 1999)
    assert known.get(name[:14], tiers[0]) == tiers[0]


@pytest.mark.parametrize("name", [n for n in PREFLIB if not n.endswith(".toc")])
@pytest.mark.parametrize("seats", [1, 2, 3])
def test_preflib_stv(name: str, seats: int) -> None:
    data = load_preflib(ROOT / "preflib" / name)
    candidates, ballots, weights = data.candidates(), data.strict_ballots(), list(data.counts)
    assert clean(stv_trace(ballots, candidates, seats, weights))
    ours = stv_winners(ballots, candidates, seats, weights)
    assert set(ours) == reference_stv(profile(ballots, candidates, weights), candidates, seats)


@pytest.mark.parametrize("name", ["Poland_Krakow_2018_Swoszowice.pb", "Worldwide_Mechanical_Turk_Ranking_value_3.pb"])
def test_pabulib_ordinal_files(name: str) -> None:
    election = load_pb(ROOT / "pabulib" / name)
    candidates = [p.id for p in election.projects]
    ballots: list[RankedBallot] = [list(v.projects) for v in election.votes]
    weights = [1] * len(ballots)
    prof = profile(ballots, candidates, weights)
    assert reference_ranking(prof, candidates, schulze_ranking(ballots, candidates))
    for seats in (1, 3):
        trace = stv_trace(ballots, candidates, seats)
        if clean(trace):
            assert set(stv_winners(ballots, candidates, seats)) == reference_stv(prof, candidates, seats)


@st.composite
def profiles(draw: st.DrawFn, ties: bool) -> tuple[list[RankedBallot], list[str], list[int]]:
    candidates = list("abcdef")[: draw(st.integers(2, 6))]
    ballots: list[RankedBallot] = []
    for _ in range(draw(st.integers(1, 8))):
        order = draw(st.permutations(candidates))[: draw(st.integers(1, len(candidates)))]
        if ties:
            cuts = sorted(draw(st.sets(st.integers(1, max(1, len(order) - 1)), max_size=len(order))))
            bounds = [0, *[c for c in cuts if c < len(order)], len(order)]
            ballots.append([list(order[a:b]) for a, b in pairwise(bounds) if b > a])
        else:
            ballots.append(list(order))
    weights = draw(st.lists(st.integers(1, 6), min_size=len(ballots), max_size=len(ballots)))
    return ballots, candidates, weights


@settings(max_examples=150, deadline=None)
@given(profiles(ties=True))
def test_schulze_agrees_on_random_profiles(case: tuple[list[RankedBallot], list[str], list[int]]) -> None:
    ballots, candidates, weights = case
    prof = profile(ballots, candidates, weights)
    winners = schulze_winners(ballots, candidates, weights)
    assert set(winners) == set(beat_path(prof, strength_function=prof.support))
    assert reference_ranking(prof, candidates, schulze_ranking(ballots, candidates, weights))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(profiles(ties=False), st.integers(1, 6))
def test_stv_agrees_on_random_profiles_without_ties(
    case: tuple[list[RankedBallot], list[str], list[int]], seats: int
) -> None:
    ballots, candidates, weights = case
    seats = min(seats, len(candidates))
    assume(clean(stv_trace(ballots, candidates, seats, weights)))
    ours = stv_winners(ballots, candidates, seats, weights)
    assert len(ours) == seats
    assert set(ours) == reference_stv(profile(ballots, candidates, weights), candidates, seats)


def test_reset_is_a_py3votecore_rule() -> None:
    """d takes the only seat it can at quota 1 with its ballot's whole weight; py3votecore then
    resets (re-admits everyone, recounts the original ballot) and elects c with the same ballot,
    while WIG leaves the spent ballot at weight 0 and fills the seat by tie order (b)."""
    ballots: list[RankedBallot] = [["d", "c"]]
    candidates = ["a", "b", "c", "d"]
    trace = stv_trace(ballots, candidates, 3)
    assert trace["resets"] and trace["exhausted"]
    assert stv_winners(ballots, candidates, 3) == ["a", "c", "d"]
    assert reference_stv(profile(ballots, candidates, [1]), candidates, 3) == {"a", "b", "d"}
