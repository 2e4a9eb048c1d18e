"""Valid ballots of every scheme: encrypt, verify, open, serialise, aggregate and decode the tally.

Expected per-project results are computed here directly from the plaintext choices, independently
of each scheme's ``encode`` and ``decode_tally``.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ballot_schemes import SCHEMES, BallotScheme, EncryptedChoices, InvalidBallot, Opening
from ballot_schemes.approval import ApprovalScheme
from ballot_schemes.budget import BudgetScheme
from ballot_schemes.cumulative import CumulativeScheme
from ballot_schemes.ranking import RankingScheme
from ballot_schemes.score import ScoreScheme
from ballot_schemes.yes_no_abstain import ANSWERS, YesNoAbstainScheme
from voting_engine.core.elgamal import Ciphertext
from voting_engine.core.encoding import canonical_json
from voting_engine.core.group import G, Scalar

from ._helpers import CONFIGS, CONTEXT, decrypt_vector, scheme_for

SLOW = settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def choices_for(scheme: BallotScheme) -> st.SearchStrategy[dict[str, Any]]:
    """Valid plaintext choices of ``scheme``, built from its rules (not from its validator)."""
    ids = [p.id for p in scheme.projects]
    cost = {p.id: p.cost for p in scheme.projects}
    if isinstance(scheme, BudgetScheme):
        return (
            st.lists(st.sampled_from(ids), unique=True, min_size=scheme.min, max_size=scheme.max)
            .filter(lambda a: sum(cost[p] for p in a) <= scheme.budget)
            .map(lambda a: {"approved": a})
        )
    if isinstance(scheme, ApprovalScheme):
        return st.lists(st.sampled_from(ids), unique=True, min_size=scheme.min, max_size=scheme.max).map(
            lambda a: {"approved": a}
        )
    if isinstance(scheme, ScoreScheme):
        return st.dictionaries(st.sampled_from(ids), st.integers(0, scheme.max_score)).map(lambda s: {"scores": s})
    if isinstance(scheme, CumulativeScheme):
        cap = scheme.max_per_project

        def spread(picks: list[str]) -> dict[str, Any]:
            return {"points": dict(Counter(picks))}

        total = st.just(scheme.points) if scheme.exact else st.integers(0, scheme.points)
        return total.flatmap(
            lambda n: (
                st.lists(st.sampled_from(ids), min_size=n, max_size=n)
                .filter(lambda picks: max(Counter(picks).values(), default=0) <= cap)
                .map(spread)
            )
        )
    if isinstance(scheme, RankingScheme):
        return st.permutations(ids).flatmap(
            lambda order: st.integers(scheme.min_rank, scheme.k).map(lambda n: {"ranking": list(order[:n])})
        )
    if isinstance(scheme, YesNoAbstainScheme):
        return st.dictionaries(st.sampled_from(ids), st.sampled_from(ANSWERS)).map(lambda a: {"answers": a})
    raise AssertionError(f"no strategy for {scheme.name}")


def expected_results(scheme: BallotScheme, choices: list[dict[str, Any]]) -> dict[str, Any]:
    ids = [p.id for p in scheme.projects]
    n = len(choices)
    if isinstance(scheme, ApprovalScheme | BudgetScheme):
        return {p: {"approvals": sum(p in c["approved"] for c in choices)} for p in ids}
    if isinstance(scheme, ScoreScheme):
        return {p: {"score": sum(c["scores"].get(p, 0) for c in choices)} for p in ids}
    if isinstance(scheme, CumulativeScheme):
        return {p: {"points": sum(c["points"].get(p, 0) for c in choices)} for p in ids}
    if isinstance(scheme, RankingScheme):
        out = {}
        for p in ids:
            positions = [sum(len(c["ranking"]) > r and c["ranking"][r] == p for c in choices) for r in range(scheme.k)]
            out[p] = {"positions": positions, "borda": sum((scheme.k - r) * x for r, x in enumerate(positions))}
        return out
    if isinstance(scheme, YesNoAbstainScheme):
        out = {}
        for p in ids:
            yes = sum(c["answers"].get(p) == "yes" for c in choices)
            no = sum(c["answers"].get(p) == "no" for c in choices)
            out[p] = {"yes": yes, "no": no, "abstain": n - yes - no}
        return out
    raise AssertionError(f"no expectation for {scheme.name}")


def test_registry() -> None:
    assert set(SCHEMES) == {"approval", "score", "ranking", "cumulative", "budget", "yes_no_abstain"}
    assert {CONFIGS[c][0] for c in CONFIGS} == set(SCHEMES)


@pytest.mark.parametrize("config", list(CONFIGS))
@SLOW
@given(data=st.data())
def test_valid_ballots_verify_and_tally(config: str, data: st.DataObject) -> None:
    scheme = scheme_for(config)
    choices = data.draw(st.lists(choices_for(scheme), min_size=1, max_size=3), label="choices")
    ballots: list[EncryptedChoices] = []
    vectors: list[tuple[int, ...]] = []
    for choice in choices:
        scheme.validate_choice(choice)
        ballot, opening = scheme.encrypt(CONTEXT, choice)
        assert opening.vector == tuple(scheme.encode(choice))
        assert len(ballot.ciphertexts) == len(scheme.entry_bounds()) == len(ballot.entry_proofs)
        assert len(ballot.constraint_proofs) == len(scheme.constraints())
        scheme.verify(CONTEXT, ballot)
        assert scheme.verify_opening(CONTEXT, ballot, opening)
        # canonical JSON round trip of the ballot
        wire = canonical_json(ballot.to_json())
        parsed = EncryptedChoices.from_json(json.loads(wire))
        assert parsed == ballot
        assert canonical_json(parsed.to_json()) == wire
        scheme.verify(CONTEXT, parsed)
        ballots.append(ballot)
        vectors.append(opening.vector)
    totals = scheme.aggregate(ballots)
    bounds = [len(ballots) * hi for hi in scheme.max_entry_values()]
    decrypted = decrypt_vector(totals, bounds)
    assert decrypted == [sum(column) for column in zip(*vectors, strict=True)]
    assert scheme.decode_tally(decrypted, len(ballots)) == expected_results(scheme, choices)
    scores = scheme.project_scores(decrypted, len(ballots))
    assert set(scores) == {p.id for p in scheme.projects}
    assert all(isinstance(s, Fraction) and 0 <= s <= 1 for s in scores.values())


@pytest.mark.parametrize("config", list(CONFIGS))
def test_empty_aggregate(config: str) -> None:
    scheme = scheme_for(config)
    totals = scheme.aggregate([])
    assert totals == [Ciphertext.zero()] * len(scheme.entry_bounds())
    decrypted = decrypt_vector(totals, [0] * len(totals))
    assert decrypted == [0] * len(totals)
    assert scheme.decode_tally(decrypted, 0) == expected_results(scheme, [])
    assert all(s == 0 for s in scheme.project_scores(decrypted, 0).values())


@pytest.mark.parametrize("config", list(CONFIGS))
def test_benaloh_opening(config: str) -> None:
    scheme = scheme_for(config)
    choice = _first_valid_choice(scheme)
    ballot, opening = scheme.encrypt(CONTEXT, choice)
    assert scheme.verify_opening(CONTEXT, ballot, opening)
    nonces = list(opening.nonces)
    nonces[0] = nonces[0] + 1
    assert not scheme.verify_opening(CONTEXT, ballot, Opening(opening.vector, tuple(nonces)))
    vector = list(opening.vector)
    vector[-1] = 1 - vector[-1] if vector[-1] <= 1 else vector[-1] - 1
    assert not scheme.verify_opening(CONTEXT, ballot, Opening(tuple(vector), opening.nonces))
    negative = list(opening.vector)
    negative[0] = -1
    assert not scheme.verify_opening(CONTEXT, ballot, Opening(tuple(negative), opening.nonces))
    assert not scheme.verify_opening(CONTEXT, ballot, Opening(opening.vector[:-1], opening.nonces[:-1]))
    assert not scheme.verify_opening(CONTEXT, ballot, Opening(opening.vector, opening.nonces[:-1]))
    other_key = replace(CONTEXT, public_key=CONTEXT.public_key + G)
    assert not scheme.verify_opening(other_key, ballot, opening)
    # the opening of another ballot for the same choice does not open this one
    _, other_opening = scheme.encrypt(CONTEXT, choice)
    assert not scheme.verify_opening(CONTEXT, ballot, other_opening)
    assert all(isinstance(r, Scalar) for r in opening.nonces)


def _first_valid_choice(scheme: BallotScheme) -> dict[str, Any]:
    ids = [p.id for p in scheme.projects]
    if isinstance(scheme, ApprovalScheme | BudgetScheme):
        return {"approved": ids[:1]}
    if isinstance(scheme, ScoreScheme):
        return {"scores": {ids[0]: scheme.max_score, ids[-1]: 1}}
    if isinstance(scheme, CumulativeScheme):
        return {"points": {ids[0]: scheme.points - scheme.points // 2, ids[1]: scheme.points // 2}}
    if isinstance(scheme, RankingScheme):
        return {"ranking": ids[: max(scheme.min_rank, 2)]}
    return {"answers": {ids[0]: "yes", ids[1]: "no"}}


@pytest.mark.parametrize("config", ["approval", "score_bits", "ranking", "budget"])
def test_ballot_replayed_into_other_context_fails(config: str) -> None:
    scheme = scheme_for(config)
    ballot, _ = scheme.encrypt(CONTEXT, _first_valid_choice(scheme))
    scheme.verify(CONTEXT, ballot)
    for other in (
        replace(CONTEXT, election_id="pb-2026"),
        replace(CONTEXT, stage_id="vote-2"),
        replace(CONTEXT, stage_hash=bytes(32)),
        replace(CONTEXT, manifest_hash=bytes(32)),
    ):
        with pytest.raises(InvalidBallot) as info:
            scheme.verify(other, ballot)
        assert info.value.code == "entry_proof"


@pytest.mark.parametrize("config", list(CONFIGS))
def test_layout_matches_docs(config: str) -> None:
    """Entry bounds and constraints as documented in docs/ballot-schemes.md (spot checks)."""
    scheme = scheme_for(config)
    n = len(scheme.projects)
    bounds = scheme.entry_bounds()
    constraints = scheme.constraints()
    names = [c.name for c in constraints]
    if config == "approval":
        assert bounds == [1] * n and names == ["selection_count"] and (constraints[0].lo, constraints[0].hi) == (1, 2)
    elif config in {"approval_free", "score", "score_bits"}:
        assert names == []
    elif config == "budget":
        # costs 100, 250, 400, 150: g = 50, weights 2, 5, 8, 3, cap 10
        assert constraints[0].weights == (2, 5, 8, 3) and (constraints[0].lo, constraints[0].hi) == (0, 10)
        assert names == ["budget_cap"]
    elif config == "budget_count":
        assert names == ["budget_cap", "selection_count"]
    elif config == "ranking":
        assert len(bounds) == 3 * n
        assert names == ["first_rank", "ranks_in_order", "ranks_in_order", "last_rank"] + ["project_once"] * n
    elif config == "cumulative_exact":
        assert names == ["points_total"] and (constraints[0].lo, constraints[0].hi) == (4, 4)
    elif config == "cumulative_bits":
        assert bounds == [9] * n and (constraints[0].lo, constraints[0].hi) == (0, 12)
    elif config == "yes_no_abstain":
        assert len(bounds) == 2 * n and names == ["one_answer"] * n
    for c in constraints:
        assert len(c.weights) == len(bounds)
