"""The ranked-tabulation API: known results, ties, unlisted candidates, input checks."""

from __future__ import annotations

import pytest

from voting_engine.ranked import RankedBallot, schulze_ranking, schulze_winners, stv_trace, stv_winners

# The 45-voter example of Schulze's method (Wikipedia): ranking E > A > C > B > D.
WIKI = [
    (5, "ACBED"),
    (5, "ADECB"),
    (8, "BEDAC"),
    (3, "CABED"),
    (7, "CAEBD"),
    (2, "CBADE"),
    (7, "DCEBA"),
    (8, "EBADC"),
]


def test_schulze_known_example() -> None:
    ballots: list[RankedBallot] = [list(order) for _, order in WIKI]
    weights = [n for n, _ in WIKI]
    assert schulze_ranking(ballots, list("ABCDE"), weights) == ["E", "A", "C", "B", "D"]
    expanded: list[RankedBallot] = [list(order) for n, order in WIKI for _ in range(n)]
    assert schulze_ranking(expanded, list("ABCDE")) == ["E", "A", "C", "B", "D"]


def test_schulze_shows_ties() -> None:
    cycle: list[RankedBallot] = [["a", "b", "c"], ["b", "c", "a"], ["c", "a", "b"]]
    assert schulze_ranking(cycle, ["a", "b", "c"]) == [["a", "b", "c"]]
    assert schulze_winners(cycle, ["c", "a", "b"]) == ["c", "a", "b"]  # in the order given
    tied_top: list[RankedBallot] = [[["a", "b"], "c"]]
    assert schulze_ranking(tied_top, ["a", "b", "c", "d"]) == [["a", "b"], "c", "d"]


def test_unlisted_candidates_rank_last() -> None:
    assert schulze_ranking([["b"]], ["a", "b", "c"]) == ["b", ["a", "c"]]
    assert schulze_ranking([], ["a", "b"]) == [["a", "b"]]
    assert schulze_ranking([["x"]], ["x"]) == ["x"]


def test_stv_basics() -> None:
    ballots: list[RankedBallot] = [["a", "b"], ["b", "c"], ["c"]]
    assert stv_winners(ballots, ["a", "b", "c", "d"], 2, [5, 3, 2]) == ["a", "b"]
    trace = stv_trace(ballots, ["a", "b", "c", "d"], 2, [5, 3, 2])
    assert trace["quota"] == 4 and trace["resets"] == 0 and not trace["exhausted"]
    assert stv_winners(ballots, ["a", "b", "c"], 3, [5, 3, 2]) == ["a", "b", "c"]


def test_stv_ties_follow_the_candidate_order() -> None:
    ballots: list[RankedBallot] = [["a"], ["b"], ["c"]]
    assert stv_winners(ballots, ["a", "b", "c"], 1) == ["a"]
    assert stv_winners(ballots, ["c", "b", "a"], 1) == ["c"]
    assert stv_winners(ballots, ["b", "a", "c"], 2) == ["b", "a"]


def test_stv_finishes_when_every_ballot_is_exhausted() -> None:
    """py3votecore alone would loop for ever here (its reset finds nothing to recount)."""
    assert stv_winners([["b"]], ["a", "b", "c", "d"], 3, [4]) == ["a", "b", "c"]
    assert stv_winners([], ["a", "b", "c"], 2) == ["a", "b"]
    assert stv_trace([["b"]], ["a", "b", "c", "d"], 3, [4])["exhausted"]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: schulze_ranking([["a", "z"]], ["a", "b"]), "not in the list"),
        (lambda: schulze_ranking([["a", "a"]], ["a", "b"]), "twice"),
        (lambda: schulze_ranking([["a"]], ["a", "a"]), "distinct"),
        (lambda: schulze_ranking([["a"]], ["a"], [1, 2]), "one count per ballot"),
        (lambda: schulze_ranking([["a"]], ["a"], [-1]), "negative"),
        (lambda: schulze_ranking([[[], "a"]], ["a"]), "empty group"),
        (lambda: stv_winners([[["a", "b"]]], ["a", "b"], 1), "strict"),
        (lambda: stv_winners([["a"]], ["a", "b"], 3), "seats"),
    ],
)
def test_input_errors(call: object, message: str) -> None:
    assert callable(call)
    with pytest.raises(ValueError, match=message):
        call()
