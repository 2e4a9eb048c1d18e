"""Unit tests of the verifier's building blocks, independent of any engine output."""

from __future__ import annotations

import secrets
from fractions import Fraction
from typing import Any

import pytest
from nacl.exceptions import CryptoError
from nacl.signing import SigningKey

from verifier.ballots import signature_message, tracking_hash
from verifier.encoding import EncodingError, b64decode, b64encode, canonical_json, challenge, hash_elements
from verifier.group import (
    IDENTITY,
    DeferredPoints,
    G,
    L,
    PointError,
    add,
    base_mul,
    mul,
    neg,
    point_defect,
    small_order_points,
    sub,
)
from verifier.merkle import MerkleAccumulator, leaf_hash, root_of, tree_head_digest
from verifier.proofs import ProofError, bit_weights, verify_weighted_sum, weighted_sum
from verifier.ranking import (
    RankingError,
    combine_scores,
    format_fraction,
    parse_fraction,
    rank_projects,
    select_within_budget,
)
from verifier.record import JsonError, parse_json
from verifier.schema import SchemaError, validate_with
from verifier.schemes import SchemeError, layout_for
from verifier.threshold import combine, lagrange_coefficients

# ---------------------------------------------------------------- encodings


def test_base64_is_strict() -> None:
    assert b64decode("AQI") == b"\x01\x02"
    for bad in ("AQI=", "AQJ", "A", "AQ+", "AQ/", " AQI", 5):
        with pytest.raises(EncodingError):
            b64decode(bad)
    with pytest.raises(EncodingError):
        b64decode("AQI", 3)


def test_strict_json_and_canonical_form() -> None:
    with pytest.raises(JsonError):
        parse_json('{"a": 1, "a": 2}')
    with pytest.raises(JsonError):
        parse_json("[NaN]")
    with pytest.raises(EncodingError):
        canonical_json({"x": [1.0]})
    assert canonical_json({"b": "é", "a": [1, {"d": 2, "c": None}]}) == '{"a":[1,{"c":null,"d":2}],"b":"é"}'


def test_hash_elements_framing() -> None:
    # "ab" + "c" must differ from "a" + "bc": the length prefix separates them
    assert hash_elements("t", "ab", "c") != hash_elements("t", "a", "bc")
    assert hash_elements("t", 7) == hash_elements("t", "7")
    with pytest.raises(EncodingError):
        hash_elements("t", True)  # type: ignore[arg-type]
    assert challenge("t", b"x") < 2**128


# ---------------------------------------------------------------- group


def test_identity_and_zero_handling() -> None:
    assert base_mul(0) == IDENTITY and base_mul(L) == IDENTITY
    assert mul(5, IDENTITY) == IDENTITY and mul(0, G) == IDENTITY
    assert add(G, neg(G)) == IDENTITY and sub(G, G) == IDENTITY
    assert mul(L - 1, G) == neg(G)
    assert point_defect(IDENTITY) == "identity" and point_defect(IDENTITY, allow_identity=True) is None


def test_small_order_points_are_refused() -> None:
    points = small_order_points()
    assert len(set(points)) == 8 and points[0] == IDENTITY
    assert all(point_defect(p) == "small_order" for p in points[1:])
    mixed = add(base_mul(3), points[4])
    assert point_defect(mixed) == "not_in_subgroup"


def test_group_operations_refuse_malformed_arguments() -> None:
    """Inputs go straight to libsodium, which reads 32 bytes: a shorter one must never reach it."""
    for short in (b"", b"\x01" * 31, bytes(33)):
        with pytest.raises(CryptoError):
            add(G, short)
        with pytest.raises(CryptoError):
            sub(short, G)
        with pytest.raises(CryptoError):
            mul(5, short)
    with pytest.raises(CryptoError):
        mul(5, small_order_points()[4])
    not_on_curve = (2).to_bytes(32, "little")
    assert point_defect(not_on_curve) == "not_on_curve"
    with pytest.raises(CryptoError):
        add(G, not_on_curve)


def _defective_points() -> list[bytes]:
    not_on_curve = next(y.to_bytes(32, "little") for y in range(2, 100)
                        if point_defect(y.to_bytes(32, "little")) == "not_on_curve")
    return [small_order_points()[4], add(base_mul(3), small_order_points()[4]), (2**255 - 19).to_bytes(32, "little"),
            not_on_curve, small_order_points()[1]]


@pytest.mark.parametrize("bad", _defective_points())
def test_deferred_points_refuse_what_strict_decoding_refuses(bad: bytes) -> None:
    """A deferred point is refused by the multiplication that uses it, or else by ``settle``."""
    assert point_defect(bad) is not None
    points = DeferredPoints()
    decoded = points.decode(b64encode(bad))
    with pytest.raises(Exception):  # noqa: B017 - libsodium's error type is not part of the contract
        points.mul(5, decoded)
    assert not points.settle()
    for k in (0, 1, L, L + 1):  # no libsodium call, so no validation: settle must catch it
        points.decode(b64encode(bad))
        points.mul(k, decoded)
        assert not points.settle()


def test_deferred_points_accept_valid_points() -> None:
    points = DeferredPoints()
    p, q = points.decode(b64encode(base_mul(7))), points.decode(b64encode(base_mul(9)))
    assert points.mul(3, p) == base_mul(21) and points.pending == {q}
    assert points.settle() and not points.pending
    with pytest.raises(PointError, match="identity"):
        points.decode(b64encode(IDENTITY))
    assert points.decode(b64encode(IDENTITY), allow_identity=True) == IDENTITY and not points.pending


# ---------------------------------------------------------------- schema checker


SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["n", "s"],
    "additionalProperties": False,
    "properties": {
        "n": {"type": "integer", "minimum": 1, "maximum": 3},
        "s": {"type": "string", "pattern": "^[a-z]+$", "minLength": 2, "maxLength": 4},
        "e": {"enum": ["x", "y"]},
        "c": {"const": 1},
        "a": {"type": "array", "minItems": 1, "maxItems": 2, "items": {"$ref": "#/$defs/flag"}},
        "u": {"anyOf": [{"type": "null"}, {"type": "integer"}]},
    },
    "$defs": {"flag": {"type": "boolean"}},
}


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ({"n": 1}, "missing required key 's'"),
        ({"n": True, "s": "ab"}, "expected integer"),
        ({"n": 0, "s": "ab"}, "below"),
        ({"n": 4, "s": "ab"}, "above"),
        ({"n": 1, "s": "a"}, "shorter"),
        ({"n": 1, "s": "abcde"}, "longer"),
        ({"n": 1, "s": "AB"}, "does not match"),
        ({"n": 1, "s": "ab", "z": 1}, "unexpected key"),
        ({"n": 1, "s": "ab", "e": "q"}, "is not one of"),
        ({"n": 1, "s": "ab", "c": 2}, "expected 1"),
        ({"n": 1, "s": "ab", "a": []}, "fewer than"),
        ({"n": 1, "s": "ab", "a": [True, 1]}, "/a/1: expected boolean"),
        ({"n": 1, "s": "ab", "u": "x"}, "none of the allowed forms"),
    ],
)
def test_schema_checker_rejects(value: dict[str, Any], fragment: str) -> None:
    errors = validate_with(value, SCHEMA)
    assert any(fragment in e for e in errors), errors


def test_schema_checker_accepts_and_refuses_unknown_keywords() -> None:
    assert validate_with({"n": 2, "s": "abc", "e": "x", "c": 1, "a": [True], "u": None}, SCHEMA) == []
    with pytest.raises(SchemaError):
        validate_with(1, {"type": "integer", "multipleOf": 2})


# ---------------------------------------------------------------- board


def test_merkle_known_answers() -> None:
    leaves = [f"leaf-{i}".encode() for i in range(7)]
    assert root_of(leaves).hex() == "0b007fb915eb9b2a146f54b1c86ec53b664f8e455b7660b0b6ee13edc0d921c0"
    acc = MerkleAccumulator(wanted_sizes=range(8))
    for data in leaves:
        acc.append(leaf_hash(data))
    for size in range(8):
        assert acc.prefix_roots[size] == root_of(leaves[:size])
    digest = tree_head_digest("pbvote-test-log", 7, root_of(leaves), 1700000000000)
    assert digest.hex() == "873fcd8ae364d76e081767c0a4ce55d607b20b579dbc993d4b858827cfbedfac"
    key = SigningKey(bytes(range(32)))
    expected = "cF3OJlTaQFZkm3bf8Tz-lXwtDvyCCeZBEKYb_tEBkA-tvR-MGneUKw72GZJyIsBMXO1myVmYqfCLH-syAg6SBw"
    assert b64encode(key.sign(digest).signature) == expected


def test_tracking_chain_and_ballot_message_known_answers() -> None:
    t1 = tracking_hash({"ballot": 1, "signature": "ignored"})
    assert t1.hex() == "033e647c36e471969d1cd3921cbfa1c60b000e2d0cf6a1ce9249092b989b0f19"
    start = hash_elements("pbvote/chain-start/v1", b"\x11" * 32)
    assert start.hex() == "40c21cf759e2fa5119bf5bad87668e8bce4d797650e462b1f04858219109f892"
    assert hash_elements("pbvote/chain/v1", start, t1).hex().startswith("524d907d35acb18a")
    message = signature_message("pb-2025", "main", t1)
    assert message.hex() == "453f61fbb39770b1b4c1552189809874a2a39a411d23543cdabdbe99635ef6f6"


# ---------------------------------------------------------------- ranking


def test_fractions_are_strict() -> None:
    assert parse_fraction("3/4") == Fraction(3, 4) and format_fraction(Fraction(0)) == "0/1"
    for bad in ("6/8", "3", "3/0", "-0/1", "1/-2", " 1/2", 0.5):
        with pytest.raises(RankingError):
            parse_fraction(bad)


def test_ranking_tie_break_and_selection() -> None:
    scores = {"B": Fraction(1, 2), "A": Fraction(1, 2), "C": Fraction(1, 2), "D": Fraction(2, 3)}
    costs = {"A": 5, "B": 5, "C": 3, "D": 9}
    order = rank_projects(scores, costs)
    assert order == ["D", "C", "A", "B"]  # score, then lower cost, then id
    assert select_within_budget(order, costs, 13) == ["D", "C"]
    assert select_within_budget(order, costs, 10) == ["D"]  # 1 left: nothing else fits
    assert select_within_budget(["A", "D", "C"], costs, 9) == ["A", "C"]  # skips D, continues


def test_combine_scores() -> None:
    s1 = {"P": Fraction(1, 2)}
    s2 = {"P": Fraction(1, 4), "Q": Fraction(1)}
    combined = combine_scores([(50, s1), (150, s2)], ["P", "Q"])
    assert combined == {"P": Fraction(5, 16), "Q": Fraction(3, 4)}
    assert combine_scores([(0, s1)], ["P"]) == {"P": Fraction(0)}
    assert combine_scores([], ["P"]) == {"P": Fraction(0)}


# ---------------------------------------------------------------- schemes


def test_scheme_layouts_follow_the_document() -> None:
    approval = layout_for("approval", {"max": 9}, [("a", 1), ("b", 2)])
    assert approval.constraints == ()  # max ≥ n and min = 0: omitted
    budget = layout_for("budget", {"budget": 700}, [("a", 200), ("b", 400), ("c", 600)])
    (cap,) = budget.constraints
    assert (cap.name, cap.weights, cap.lo, cap.hi) == ("budget_cap", (1, 2, 3), 0, 3)
    cumulative = layout_for("cumulative", {"points": 6, "max_per_project": 2}, [("a", 1), ("b", 1), ("c", 1)])
    assert cumulative.constraints == () and cumulative.bounds == (2, 2, 2)
    exact = layout_for("cumulative", {"points": 6, "max_per_project": 2, "exact": True}, [("a", 1), ("b", 1)])
    assert [(c.lo, c.hi) for c in exact.constraints] == [(6, 6)]
    ranking = layout_for("ranking", {"max_rank": 2, "min_rank": 2}, [("a", 1), ("b", 1), ("c", 1)])
    names = ["first_rank", "ranks_in_order", "last_rank", "min_ranks_used", "project_once", "project_once",
             "project_once"]  # docs/ballot-schemes.md, ranking constraints 1-5
    assert [c.name for c in ranking.constraints] == names
    assert [(c.lo, c.hi) for c in ranking.constraints] == [(1, 1), (0, 1), (0, 1), (1, 1), (0, 1), (0, 1), (0, 1)]
    assert ranking.constraints[3].weights == (0, 0, 0, 1, 1, 1)
    results, scores = ranking.read([1, 0, 0, 0, 1, 0], 2)
    assert results["a"] == {"positions": [1, 0], "borda": 2} and scores["b"] == Fraction(1, 4)
    with pytest.raises(SchemeError):
        layout_for("score", {"max_score": 3, "extra": 1}, [("a", 1)])


# ---------------------------------------------------------------- proofs (a small independent prover)


def _cds_prove(ctx: bytes, key: bytes, lo: int, hi: int, ct: tuple[bytes, bytes], m: int, r: int) -> dict[str, Any]:
    alpha, beta = ct
    cs: dict[int, int] = {}
    vs: dict[int, int] = {}
    commits: dict[int, tuple[bytes, bytes]] = {}
    w = secrets.randbelow(L)
    for j in range(lo, hi + 1):
        if j == m:
            commits[j] = (base_mul(w), mul(w, key))
        else:
            cs[j], vs[j] = secrets.randbits(128), secrets.randbelow(L)
            shifted = sub(beta, base_mul(j))
            commits[j] = (sub(base_mul(vs[j]), mul(cs[j], alpha)), sub(mul(vs[j], key), mul(cs[j], shifted)))
    elements: list[bytes | int] = [ctx, key, lo, hi, alpha, beta]
    for j in range(lo, hi + 1):
        elements += list(commits[j])
    c = challenge("pbvote/proof/range/v1", *elements)
    cs[m] = (c - sum(cs.values())) % 2**128
    vs[m] = (w + cs[m] * r) % L
    return {"c": [b64encode(cs[j].to_bytes(16, "little")) for j in range(lo, hi + 1)],
            "v": [b64encode(vs[j].to_bytes(32, "little")) for j in range(lo, hi + 1)]}


def _encrypt(key: bytes, m: int, r: int) -> tuple[bytes, bytes]:
    return base_mul(r), add(base_mul(m), mul(r, key))


@pytest.mark.parametrize("weights", [
    [1], [1, 1, 1], [-1, 1], [2, -1, 3], [1, 2, 4, 8, 16, 32, 64, 23], [3_300_000_000, 1_400_000_000, 900_000_000],
    [-6, 9, 12, 0], [L, 2 * L], [L - 1, 5], [2**64 + 1, 3 * 2**64 + 3], [2**40, -(2**41)],
])
def test_weighted_sum_equals_the_sum_of_multiples(weights: list[int]) -> None:
    """Whether terms are multiplied one by one or by a shared double-and-add, the bytes are the same."""
    cts = [(base_mul(secrets.randbelow(L)), base_mul(secrets.randbelow(L))) for _ in weights]
    expected_a, expected_b = IDENTITY, IDENTITY
    for w, (a, b) in zip(weights, cts, strict=True):
        expected_a, expected_b = add(expected_a, mul(w % L, a)), add(expected_b, mul(w % L, b))
    assert weighted_sum(cts, weights) == (expected_a, expected_b)


def test_weighted_sum_bit_decomposition_with_negative_weights() -> None:
    ctx, key = b"\x07" * 32, base_mul(secrets.randbelow(L))
    messages, weights, lo, hi = [3, 1, 4], [2, -1, 3], 5, 20  # Σ w·m = 17, R = 15 → 4 bits
    nonces = [secrets.randbelow(L) for _ in messages]
    cts = [_encrypt(key, m, r) for m, r in zip(messages, nonces, strict=True)]
    r_sum = sum(w * r for w, r in zip(weights, nonces, strict=True)) % L
    u = bit_weights(hi - lo)
    assert u == [1, 2, 4, 8]
    value = 17 - lo
    bits = [(value >> j) & 1 for j in range(len(u) - 1)]
    bits.append((value - sum(b * uj for b, uj in zip(bits, u, strict=False))) // u[-1])
    bit_nonces = [secrets.randbelow(L) for _ in u[:-1]]
    last = (r_sum - sum(uj * rj for uj, rj in zip(u, bit_nonces, strict=False))) * pow(u[-1], -1, L) % L
    bit_nonces.append(last)
    bit_cts = [_encrypt(key, b, r) for b, r in zip(bits, bit_nonces, strict=True)]
    proof = {"bits": [[b64encode(a), b64encode(b)] for a, b in bit_cts],
             "bit_proofs": [_cds_prove(ctx, key, 0, 1, ct, b, r) for ct, b, r in zip(bit_cts, bits, bit_nonces,
                                                                                     strict=True)]}
    verify_weighted_sum(ctx, key, cts, weights, lo, hi, proof)
    with pytest.raises(ProofError):
        verify_weighted_sum(ctx, key, cts, [2, -1, 2], lo, hi, proof)
    with pytest.raises(ProofError):
        verify_weighted_sum(b"\x08" * 32, key, cts, weights, lo, hi, proof)
    total = weighted_sum(cts, weights)
    small = _cds_prove(ctx, key, 15, 18, total, 17, r_sum)
    verify_weighted_sum(ctx, key, cts, weights, 15, 18, small)
    with pytest.raises(ProofError):
        verify_weighted_sum(ctx, key, cts, weights, 16, 19, small)


def test_lagrange_recombination() -> None:
    k, n = 3, 5
    coeffs = [secrets.randbelow(L) for _ in range(k)]
    shares = {i: sum(c * pow(i, j, L) for j, c in enumerate(coeffs)) % L for i in range(1, n + 1)}
    key = base_mul(coeffs[0])
    r, m = secrets.randbelow(L), 42
    ct = _encrypt(key, m, r)
    present = [1, 3, 5]
    partials = {i: mul(shares[i], ct[0]) for i in present}
    assert combine(ct, partials, lagrange_coefficients(present)) == base_mul(m)
    assert sum(lagrange_coefficients([2, 4, 5]).values()) % L == 1


def test_candidate_rules_and_final_ranking() -> None:
    from verifier.ranking import GroupResult, check_rankings
    from verifier.report import Report

    def stage(sid: str, groups: list[str], rule: dict[str, Any]) -> dict[str, Any]:
        return {"id": sid, "scheme": "approval", "params": {}, "groups": groups, "revote": "last", "candidates": rule}

    manifest: dict[str, Any] = {
        "budget": 10,
        "groups": [{"id": "c", "weight": 1}, {"id": "p", "weight": 3}],
        "projects": [{"id": i, "cost": c} for i, c in (("A", 6), ("B", 5), ("C", 4), ("D", 1))],
        "stages": [stage("s1", ["c", "p"], {"rule": "fixed"}),
                   stage("s2", ["p"], {"rule": "selected", "from_stage": "s1"}),
                   stage("s3", ["c"], {"rule": "top_k", "from_stage": "s1", "k": 2})],
        "final_ranking": {"sources": [{"group": "c", "stage": "s3"}, {"group": "p", "stage": "s2"}]},
    }
    s1 = {"c": GroupResult(2, {"A": Fraction(1), "B": Fraction(1, 2), "C": Fraction(0), "D": Fraction(0)}),
          "p": GroupResult(4, {"A": Fraction(0), "B": Fraction(1, 2), "C": Fraction(1), "D": Fraction(0)})}
    # s1 scores: A 1/4, B 1/2, C 3/4, D 0 → ranking C, B, A, D; budget 10 → C (4), B (5), D (1)
    docs = {"s1": {"candidates": [{"id": p, "cost": c} for p, c in (("A", 6), ("B", 5), ("C", 4), ("D", 1))]},
            "s2": {"candidates": [{"id": p, "cost": c} for p, c in (("C", 4), ("B", 5), ("D", 1))]},
            "s3": {"candidates": [{"id": p, "cost": c} for p, c in (("C", 4), ("B", 5))]}}
    groups = {"s1": s1, "s2": {"p": GroupResult(1, {"C": Fraction(1, 2), "B": Fraction(1), "D": Fraction(0)})},
              "s3": {"c": GroupResult(3, {"C": Fraction(1, 3), "B": Fraction(0)})}}
    report = Report()
    check_rankings(manifest, docs, groups, None, report)
    assert report.ok, report.as_json()

    def entry(p: str, score: str, gs: dict[str, str], cost: int, selected: bool) -> dict[str, Any]:
        return {"project": p, "score": score, "group_scores": gs, "cost": cost, "selected": selected}

    # final: (1·c@s3 + 3·p@s2) / 4 over the union [C, B, D] → B 3/4, C 11/24, D 0
    final = {"weights": {"c": 1, "p": 3}, "budget": 10, "selected": ["B", "C", "D"], "total_cost": 10,
             "ranking": [entry("B", "3/4", {"c": "0/1", "p": "1/1"}, 5, True),
                         entry("C", "11/24", {"c": "1/3", "p": "1/2"}, 4, True),
                         entry("D", "0/1", {"c": "0/1", "p": "0/1"}, 1, True)]}
    stages = {"s1": {"ranking": [], "selected": ["C", "B", "D"]}, "s2": {"ranking": [], "selected": []},
              "s3": {"ranking": [], "selected": []}}
    report = Report()
    check_rankings(manifest, docs, groups, {"stages": stages, "final": final}, report)
    failures = report.results["V13"].failures
    assert all("results.json: stages" in f for f in failures), failures  # only the stage lists left empty
    assert not any("final" in f for f in failures)
    docs["s3"]["candidates"].reverse()  # top_k must keep the ranking order
    report = Report()
    check_rankings(manifest, docs, groups, None, report)
    assert report.failed_ids == ["V13"] and "top_k rule gives ['C', 'B']" in report.results["V13"].failures[0]
