"""Invalid choices: refused in plaintext with the right code, and unprovable / unverifiable when forged.

For every invalid choice that has a vector a cheating client could encrypt (its "naive vector"),
three forgeries are tried:

1. the honest prover (``encrypt_vector``) refuses: no proof can be generated;
2. proofs of an honest ballot for a valid choice are kept and the ciphertexts replaced by
   encryptions of the invalid vector;
3. a best-effort forgery: every true statement about the invalid vector is proven honestly and only
   the false ones reuse proofs from an honest ballot — the first false statement must be named.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ballot_schemes import EncryptedChoices, InvalidBallot, InvalidChoice, make_scheme
from voting_engine.core.elgamal import Ciphertext
from voting_engine.core.encoding import b64encode, canonical_json
from voting_engine.core.group import G_BYTES, IDENTITY_BYTES, P_FIELD, L, Scalar, base_mul
from voting_engine.core.proofs.weighted_sum import prove_weighted_sum

from ._helpers import CONFIGS, CONTEXT, PROJECTS3, PROJECTS4, best_effort_forgery, scheme_for, swap_ciphertexts

# An honest valid choice per configuration, used as the donor of reused proofs.
VALID: dict[str, dict[str, Any]] = {
    "approval": {"approved": ["park"]},
    "approval_free": {"approved": ["park", "library"]},
    "score": {"scores": {"park": 2}},
    "score_bits": {"scores": {"park": 10, "library": 3}},
    "ranking": {"ranking": ["library", "park"]},
    "ranking_optional": {"ranking": []},
    "cumulative": {"points": {"park": 3, "library": 2}},
    "cumulative_exact": {"points": {"park": 1, "bike-lane": 3}},
    "cumulative_bits": {"points": {"park": 9, "library": 3}},
    "budget": {"approved": ["park", "bike-lane"]},
    "budget_count": {"approved": ["library"]},
    "yes_no_abstain": {"answers": {"park": "yes", "library": "no"}},
}

Case = tuple[str, Any, str, list[int] | None]

# (configuration, invalid choice, InvalidChoice code, vector a cheating client would encrypt or None)
INVALID: list[Case] = [
    # approval (min 1, max 2; 4 projects)
    ("approval", {"approved": ["park", "library", "bike-lane"]}, "too_many", [1, 1, 1, 0]),
    ("approval", {"approved": []}, "too_few", [0, 0, 0, 0]),
    ("approval", {"approved": ["park", "park"]}, "duplicate_project", [2, 0, 0, 0]),
    ("approval", {"approved": ["zoo"]}, "unknown_project", None),
    ("approval", {"approved": "park"}, "schema", None),
    ("approval", {"approved": [7]}, "schema", None),
    ("approval", {"approved": ["park"], "extra": 1}, "schema", None),
    ("approval", {}, "schema", None),
    ("approval", ["park"], "schema", None),
    ("approval_free", {"approved": ["park", "park"]}, "duplicate_project", [2, 0, 0]),
    # score (max 3)
    ("score", {"scores": {"park": 4}}, "score_too_high", [4, 0, 0, 0]),
    ("score", {"scores": {"library": -1}}, "negative_value", [0, -1, 0, 0]),
    ("score", {"scores": {"zoo": 1}}, "unknown_project", None),
    ("score", {"scores": {"park": "2"}}, "schema", None),
    ("score", {"scores": {"park": True}}, "schema", None),
    ("score", {"scores": {"park": 1.5}}, "schema", None),
    ("score", {"scores": [["park", 1]]}, "schema", None),
    ("score_bits", {"scores": {"park": 11}}, "score_too_high", [11, 0, 0]),
    ("score_bits", {"scores": {"park": 16}}, "score_too_high", [16, 0, 0]),
    ("score_bits", {"scores": {"park": -3}}, "negative_value", [-3, 0, 0]),
    # ranking (max_rank 3, min_rank 1; 4 projects; 3x4 matrix, row = rank)
    (
        "ranking",
        {"ranking": ["park", "park"]},
        "duplicate_rank",
        [1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0],
    ),
    (
        "ranking",
        {"ranking": ["park", "library", "bike-lane", "playground"]},
        "too_many",
        # the fourth project squeezed into rank 3 next to the third
        [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1],
    ),
    ("ranking", {"ranking": []}, "too_few", [0] * 12),
    ("ranking", {"ranking": ["zoo"]}, "unknown_project", None),
    ("ranking", {"ranking": {"park": 1}}, "schema", None),
    ("ranking_optional", {"ranking": ["park", "park", "park"]}, "duplicate_rank", [1, 0, 0, 1, 0, 0, 1, 0, 0]),
    # cumulative (points 5; 3 projects)
    ("cumulative", {"points": {"park": 3, "library": 3}}, "too_many_points", [3, 3, 0]),
    ("cumulative", {"points": {"park": 6}}, "too_many_points", [6, 0, 0]),
    ("cumulative", {"points": {"park": -1, "library": 5}}, "negative_value", [-1, 5, 0]),
    ("cumulative", {"points": {"zoo": 1}}, "unknown_project", None),
    ("cumulative", {"points": {"park": None}}, "schema", None),
    ("cumulative_exact", {"points": {"park": 2}}, "points_not_exact", [2, 0, 0]),
    ("cumulative_exact", {"points": {"park": 3, "library": 2}}, "too_many_points", [3, 2, 0]),
    ("cumulative_bits", {"points": {"park": 9, "library": 4}}, "too_many_points", [9, 4, 0]),
    ("cumulative_bits", {"points": {"park": 10}}, "too_many_points", [10, 0, 0]),
    # budget (costs 100, 250, 400, 150; budget 500)
    ("budget", {"approved": ["library", "bike-lane"]}, "over_budget", [0, 1, 1, 0]),
    ("budget", {"approved": ["park", "library", "bike-lane", "playground"]}, "over_budget", [1, 1, 1, 1]),
    ("budget", {"approved": ["park", "park"]}, "duplicate_project", [2, 0, 0, 0]),
    ("budget", {"approved": ["zoo"]}, "unknown_project", None),
    ("budget_count", {"approved": ["park", "library", "playground"]}, "too_many", [1, 1, 0, 1]),
    ("budget_count", {"approved": []}, "too_few", [0, 0, 0, 0]),
    # yes / no / abstain (3 projects)
    ("yes_no_abstain", {"answers": {"park": "both"}}, "bad_answer", [1, 1, 0, 0, 0, 0]),
    ("yes_no_abstain", {"answers": {"park": "maybe"}}, "bad_answer", None),
    ("yes_no_abstain", {"answers": {"park": 1}}, "bad_answer", None),
    ("yes_no_abstain", {"answers": {"zoo": "yes"}}, "unknown_project", None),
    ("yes_no_abstain", {"answers": ["park"]}, "schema", None),
    ("yes_no_abstain", {"answers": {"park": "yes"}, "comment": ""}, "schema", None),
]

FORGEABLE = [case for case in INVALID if case[3] is not None]


def case_id(case: Case) -> str:
    return f"{case[0]}-{case[2]}-{INVALID.index(case)}"


@pytest.mark.parametrize("case", INVALID, ids=case_id)
def test_invalid_choice_refused_in_plaintext(case: Case) -> None:
    config, choice, code, _ = case
    scheme = scheme_for(config)
    with pytest.raises(InvalidChoice) as info:
        scheme.validate_choice(choice)
    assert info.value.code == code
    with pytest.raises(InvalidChoice) as info:
        scheme.encrypt(CONTEXT, choice)
    assert info.value.code == code


@pytest.mark.parametrize("case", FORGEABLE, ids=case_id)
def test_invalid_vector_fails_check_and_honest_prover(case: Case) -> None:
    config, _, _, vector = case
    assert vector is not None
    scheme = scheme_for(config)
    with pytest.raises(InvalidChoice):
        scheme.check_vector(vector)
    with pytest.raises(ValueError):
        scheme.encrypt_vector(CONTEXT, vector)


@pytest.mark.parametrize("case", FORGEABLE, ids=case_id)
def test_forged_ballot_with_swapped_ciphertexts_fails(case: Case) -> None:
    config, _, _, vector = case
    assert vector is not None
    scheme = scheme_for(config)
    honest, _ = scheme.encrypt(CONTEXT, VALID[config])
    scheme.verify(CONTEXT, honest)
    forged, _ = swap_ciphertexts(CONTEXT, honest, vector)
    with pytest.raises(InvalidBallot) as info:
        scheme.verify(CONTEXT, forged)
    assert info.value.code in {"entry_proof", "constraint_proof"}
    # the same holds after a trip through the wire format
    with pytest.raises(InvalidBallot) as info:
        scheme.verify(CONTEXT, EncryptedChoices.from_json(json.loads(json.dumps(forged.to_json()))))
    assert info.value.code in {"entry_proof", "constraint_proof"}


@pytest.mark.parametrize("case", FORGEABLE, ids=case_id)
def test_best_effort_forgery_fails_at_the_false_statement(case: Case) -> None:
    config, _, _, vector = case
    assert vector is not None
    scheme = scheme_for(config)
    honest, _ = scheme.encrypt(CONTEXT, VALID[config])
    forged, expected = best_effort_forgery(scheme, CONTEXT, honest, vector)
    assert expected in {"entry_proof", "constraint_proof"}
    with pytest.raises(InvalidBallot) as info:
        scheme.verify(CONTEXT, forged)
    assert info.value.code == expected


def test_forgery_with_proofs_for_valid_vector_and_swapped_ciphertexts() -> None:
    """Prove a valid vector, then give the verifier the ciphertexts of another (invalid) ballot."""
    scheme = scheme_for("approval")
    valid, _ = scheme.encrypt(CONTEXT, {"approved": ["park", "library"]})
    invalid, _ = swap_ciphertexts(CONTEXT, valid, [1, 1, 1, 1])
    mixed = EncryptedChoices(invalid.ciphertexts, valid.entry_proofs, valid.constraint_proofs)
    with pytest.raises(InvalidBallot) as info:
        scheme.verify(CONTEXT, mixed)
    assert info.value.code == "entry_proof"
    # Honest entry proofs for the 0/1 entries, but the count constraint proof of the valid ballot.
    key, ctx = CONTEXT.public_key, CONTEXT.hash
    nonces = [Scalar.random() for _ in range(4)]
    cts = tuple(Ciphertext(base_mul(r), base_mul(1) + key * r) for r in nonces)
    entry = tuple(prove_weighted_sum(ctx, key, [ct], [1], [1], [r], 0, 1) for ct, r in zip(cts, nonces, strict=True))
    with pytest.raises(InvalidBallot) as info:
        scheme.verify(CONTEXT, EncryptedChoices(cts, entry, valid.constraint_proofs))
    assert info.value.code == "constraint_proof"


def test_ranking_gap_between_ranks_fails() -> None:
    """Rank 1 and rank 3 used but not rank 2: every row and column sum is 0/1, the order rule breaks."""
    scheme = scheme_for("ranking")
    vector = [1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0]
    with pytest.raises(InvalidChoice) as refused:
        scheme.check_vector(vector)
    assert refused.value.code == "ranks_in_order"
    honest, _ = scheme.encrypt(CONTEXT, VALID["ranking"])
    forged, expected = best_effort_forgery(scheme, CONTEXT, honest, vector)
    assert expected == "constraint_proof"
    with pytest.raises(InvalidBallot) as info:
        scheme.verify(CONTEXT, forged)
    assert info.value.code == "constraint_proof"


def test_shape_errors() -> None:
    scheme = scheme_for("approval")
    honest, _ = scheme.encrypt(CONTEXT, VALID["approval"])
    for broken in (
        replace(honest, ciphertexts=honest.ciphertexts[:-1]),
        replace(honest, entry_proofs=honest.entry_proofs[:-1]),
        replace(honest, constraint_proofs=()),
        replace(honest, constraint_proofs=honest.constraint_proofs * 2),
    ):
        with pytest.raises(InvalidBallot) as info:
            scheme.verify(CONTEXT, broken)
        assert info.value.code == "shape"


@pytest.mark.parametrize("config", ["approval", "score", "cumulative", "yes_no_abstain"])
def test_unknown_project_forgery_is_a_shape_error(config: str) -> None:
    """A vote for a project outside the stage has no place in the layout: an extra entry is refused."""
    scheme = scheme_for(config)
    honest, _ = scheme.encrypt(CONTEXT, VALID[config])
    key, ctx = CONTEXT.public_key, CONTEXT.hash
    r = Scalar.random()
    extra = Ciphertext(base_mul(r), base_mul(1) + key * r)
    proof = prove_weighted_sum(ctx, key, [extra], [1], [1], [r], 0, 1)
    forged = EncryptedChoices((*honest.ciphertexts, extra), (*honest.entry_proofs, proof), honest.constraint_proofs)
    with pytest.raises(InvalidBallot) as info:
        scheme.verify(CONTEXT, forged)
    assert info.value.code == "shape"


def test_ballot_for_other_scheme_layout_fails() -> None:
    """A valid 3-project approval ballot is not a valid 3-project budget ballot (different constraints)."""
    approval = make_scheme("approval", {}, PROJECTS3)
    budget = make_scheme("budget", {"budget": 300}, PROJECTS3)
    ballot, _ = approval.encrypt(CONTEXT, {"approved": ["park"]})
    with pytest.raises(InvalidBallot) as info:
        budget.verify(CONTEXT, ballot)
    assert info.value.code == "shape"


# --- wire-format parsing ------------------------------------------------------------------------


def _honest_json() -> dict[str, Any]:
    ballot, _ = scheme_for("budget").encrypt(CONTEXT, VALID["budget"])
    data = ballot.to_json()
    assert "bits" in data["constraint_proofs"][0]  # cap 10: bit decomposition
    return data


ORDER2 = b64encode((P_FIELD - 1).to_bytes(32, "little"))
ORDER4 = b64encode(bytes(32))
IDENTITY_TEXT = b64encode(IDENTITY_BYTES)
NON_CANONICAL = b64encode((P_FIELD + 1).to_bytes(32, "little"))


@pytest.mark.parametrize(
    ("where", "text", "code"),
    [
        ("ciphertext", ORDER2, "bad_point:small_order"),
        ("ciphertext", ORDER4, "bad_point:small_order"),
        ("ciphertext", IDENTITY_TEXT, "bad_point:identity"),
        ("ciphertext", NON_CANONICAL, "bad_point:non_canonical"),
        ("bit", ORDER2, "bad_point:small_order"),
        ("bit", IDENTITY_TEXT, "bad_point:identity"),
    ],
)
def test_from_json_rejects_bad_points(where: str, text: str, code: str) -> None:
    data = _honest_json()
    if where == "ciphertext":
        data["ciphertexts"][1][0] = text
    else:
        data["constraint_proofs"][0]["bits"][0][1] = text
    with pytest.raises(InvalidBallot) as info:
        EncryptedChoices.from_json(data)
    assert info.value.code == code
    assert info.value.code.startswith("bad_point:")


def test_from_json_rejects_point_outside_subgroup() -> None:
    # G + T2 with T2 = (0, -1) of order 2 is (-x, -y): flip y to p - y and the sign bit of x.
    y = int.from_bytes(G_BYTES, "little") & ((1 << 255) - 1)
    sign = G_BYTES[31] >> 7
    mixed = ((P_FIELD - y) | ((1 - sign) << 255)).to_bytes(32, "little")
    data = _honest_json()
    data["ciphertexts"][0][1] = b64encode(mixed)
    with pytest.raises(InvalidBallot) as info:
        EncryptedChoices.from_json(data)
    assert info.value.code == "bad_point:not_in_subgroup"


def _set(path: tuple[Any, ...], value: Any) -> Callable[[Any], Any]:
    def change(data: Any) -> Any:
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value(target[path[-1]]) if callable(value) else value
        return data

    return change


def _drop(key: str) -> Callable[[Any], Any]:
    def change(data: Any) -> Any:
        del data[key]
        return data

    return change


def _pop(*path: Any) -> Callable[[Any], Any]:
    def change(data: Any) -> Any:
        target = data
        for key in path:
            target = target[key]
        target.pop()
        return data

    return change


SCHEMA_MUTATIONS: dict[str, Callable[[Any], Any]] = {
    "not an object": lambda data: [data],
    "missing ciphertexts": _drop("ciphertexts"),
    "missing constraint_proofs": _drop("constraint_proofs"),
    "ciphertexts not a list": _set(("ciphertexts",), {}),
    "ciphertext of three points": _set(("ciphertexts", 0), lambda ct: [*ct, ct[0]]),
    "ciphertext with a number": _set(("ciphertexts", 0, 0), 5),
    "proof with an unknown key": _set(("entry_proofs", 0, "x"), []),
    "challenge of 15 bytes": _set(("entry_proofs", 0, "c", 0), b64encode(bytes(15))),
    "non-canonical response scalar (L)": _set(("entry_proofs", 0, "v", 0), b64encode(L.to_bytes(32, "little"))),
    "padded base64": _set(("entry_proofs", 0, "v", 0), lambda text: text + "="),
    "c and v of different length": _pop("entry_proofs", 0, "v"),
    "bits and bit_proofs of different length": _pop("constraint_proofs", 0, "bit_proofs"),
}


@pytest.mark.parametrize("label", list(SCHEMA_MUTATIONS))
def test_from_json_schema_errors(label: str) -> None:
    data = SCHEMA_MUTATIONS[label](_honest_json())
    with pytest.raises(InvalidBallot) as info:
        EncryptedChoices.from_json(data)
    assert info.value.code == "schema", label


_leaves = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=30)
    | st.sampled_from(["AAAA", "A" * 22, "A" * 43, IDENTITY_TEXT, ORDER2, b64encode(base_mul(3).to_bytes())])
)
_keys = st.sampled_from(["c", "v", "bits", "bit_proofs", "ciphertexts", "entry_proofs", "constraint_proofs", "x"])
_json = st.recursive(
    _leaves, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_keys, inner, max_size=4), max_leaves=12
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(_json, st.fixed_dictionaries({"ciphertexts": _json, "entry_proofs": _json, "constraint_proofs": _json}))
)
def test_from_json_only_raises_invalid_ballot(value: Any) -> None:
    """Arbitrary JSON never crashes the parser with anything but ``InvalidBallot``."""
    try:
        EncryptedChoices.from_json(value)
    except InvalidBallot as exc:
        assert exc.code == "schema" or exc.code.startswith("bad_point:")


@pytest.mark.parametrize("config", list(CONFIGS))
def test_json_round_trip_is_canonical(config: str) -> None:
    scheme = scheme_for(config)
    ballot, _ = scheme.encrypt(CONTEXT, VALID[config])
    wire = canonical_json(ballot.to_json())
    again = EncryptedChoices.from_json(json.loads(wire))
    assert again == ballot and canonical_json(again.to_json()) == wire
    scheme.verify(CONTEXT, again)


# --- known defect: ranking with min_rank >= 2 ----------------------------------------------------


def test_ranking_min_rank_two_accepts_two_ranks() -> None:
    scheme = make_scheme("ranking", {"min_rank": 2}, PROJECTS4)
    ballot, _ = scheme.encrypt(CONTEXT, {"ranking": ["park", "library"]})
    scheme.verify(CONTEXT, ballot)


def test_ranking_min_rank_two_refuses_single_rank_ballot() -> None:
    scheme = make_scheme("ranking", {"min_rank": 2}, PROJECTS4)
    with pytest.raises(InvalidChoice) as info:
        scheme.validate_choice({"ranking": ["park"]})
    assert info.value.code == "too_few"
    single = [1, 0, 0, 0] + [0] * 12
    donor = make_scheme("ranking", {"min_rank": 1}, PROJECTS4)  # same layout, supplies reused proofs
    honest, _ = donor.encrypt(CONTEXT, {"ranking": ["library", "park"]})
    forged, _ = best_effort_forgery(scheme, CONTEXT, honest, single)
    with pytest.raises(InvalidBallot):
        scheme.verify(CONTEXT, forged)


@pytest.mark.parametrize("config", ["approval", "budget", "cumulative"])
def test_from_json_with_and_without_premultiplication(config: str) -> None:
    """Both parses give the same ballot, which verifies, and refuse a bad point with the same message."""
    scheme = scheme_for(config)
    ballot, _ = scheme.encrypt(CONTEXT, VALID[config])
    data = ballot.to_json()
    fast, plain = EncryptedChoices.from_json(data), EncryptedChoices.from_json(data, premultiply=False)
    assert fast == plain == ballot
    scheme.verify(CONTEXT, fast)
    scheme.verify(CONTEXT, plain)
    data["ciphertexts"][0][1] = ORDER2
    messages = []
    for premultiply in (True, False):
        with pytest.raises(InvalidBallot) as info:
            EncryptedChoices.from_json(data, premultiply=premultiply)
        messages.append((info.value.code, info.value.message))
    assert messages[0] == messages[1] and messages[0][0] == "bad_point:small_order"
