"""Tests for the zero-knowledge proofs: Schnorr, Chaum–Pedersen, disjunctive range, weighted sum.

Completeness: every honest proof verifies (property tests).  Soundness-style checks: changing any
single field of statement or proof (picked by hypothesis) makes verification fail; a proof replayed
into another election context fails; out-of-range values cannot be proven and a proof for an
in-range ciphertext does not carry over to an out-of-range one.
"""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voting_engine.core.context import ElectionContext
from voting_engine.core.elgamal import Ciphertext, encrypt
from voting_engine.core.encoding import EncodingError, b64encode
from voting_engine.core.group import G, H, L, Point, Scalar, ScalarError, base_mul
from voting_engine.core.proofs.chaum_pedersen import EqualityProof, prove_equality, verify_equality
from voting_engine.core.proofs.disjunctive import (
    MAX_BRANCHES,
    ProofFormatError,
    RangeProof,
    prove_range,
    verify_range,
)
from voting_engine.core.proofs.fiat_shamir import CHALLENGE_MODULUS
from voting_engine.core.proofs.schnorr import SchnorrProof, prove_knowledge, verify_knowledge
from voting_engine.core.proofs.weighted_sum import (
    CDS_LIMIT,
    SumProof,
    bit_weights,
    combine_bits,
    combine_weighted,
    decompose,
    prove_weighted_sum,
    verify_weighted_sum,
)

FAST = settings(max_examples=25, deadline=None)
TAMPER = settings(max_examples=40, deadline=None)

SECRET = Scalar(0x1234_5678_9ABC)
KEY = base_mul(SECRET)
CONTEXT = ElectionContext("election-A", "stage-1", bytes(range(32)), KEY, b"\x07" * 32)
CTX = CONTEXT.hash
OTHER_CONTEXTS = [
    replace(CONTEXT, election_id="election-B"),
    replace(CONTEXT, stage_id="stage-2"),
    replace(CONTEXT, stage_hash=b"\x08" * 32),
    replace(CONTEXT, manifest_hash=bytes(32)),
]

scalars = st.integers(min_value=1, max_value=L - 1).map(Scalar)
challenge_deltas = st.integers(min_value=1, max_value=CHALLENGE_MODULUS - 1)
scalar_deltas = st.integers(min_value=1, max_value=L - 1)
labels = st.text(max_size=8)


def bump_challenge(c: int, delta: int) -> int:
    return (c + delta) % CHALLENGE_MODULUS


def bump_scalar(v: Scalar, delta: int) -> Scalar:
    return v + delta


# --- Schnorr ------------------------------------------------------------------------------------


@FAST
@given(scalars, labels)
def test_schnorr_honest_proofs_verify(x: Scalar, label: str) -> None:
    public = base_mul(x)
    proof = prove_knowledge(CTX, x, public, label)
    assert 0 <= proof.c < CHALLENGE_MODULUS
    assert verify_knowledge(CTX, public, proof, label)
    assert SchnorrProof.from_json(proof.to_json()) == proof


@TAMPER
@given(scalars, st.sampled_from(["c", "v", "public", "context", "label"]), challenge_deltas, scalar_deltas)
def test_schnorr_any_changed_field_fails(x: Scalar, field: str, dc: int, dv: int) -> None:
    public = base_mul(x)
    proof = prove_knowledge(CTX, x, public, "trustee-1")
    ctx, label = CTX, "trustee-1"
    if field == "c":
        proof = replace(proof, c=bump_challenge(proof.c, dc))
    elif field == "v":
        proof = replace(proof, v=bump_scalar(proof.v, dv))
    elif field == "public":
        public = public + base_mul(dv)
    elif field == "context":
        ctx = OTHER_CONTEXTS[dv % len(OTHER_CONTEXTS)].hash
    else:
        label = "trustee-2"
    assert not verify_knowledge(ctx, public, proof, label)


def test_schnorr_false_statement_and_replay() -> None:
    x = Scalar(99)
    public = base_mul(x)
    proof = prove_knowledge(CTX, x + 1, public)  # prover does not know log_G(public)
    assert not verify_knowledge(CTX, public, proof)
    good = prove_knowledge(CTX, x, public)
    for other in OTHER_CONTEXTS:
        assert not verify_knowledge(other.hash, public, good)


def test_schnorr_json_refuses_non_canonical_response() -> None:
    proof = prove_knowledge(CTX, Scalar(5), base_mul(5))
    data = proof.to_json()
    with pytest.raises(ScalarError):
        SchnorrProof.from_json({"c": data["c"], "v": b64encode(L.to_bytes(32, "little"))})
    with pytest.raises(EncodingError):
        SchnorrProof.from_json({"c": data["c"] + "A", "v": data["v"]})


# --- Chaum–Pedersen -----------------------------------------------------------------------------


def equality_statement(x: Scalar, r: Scalar) -> tuple[Point, Point, Point, Point]:
    alpha = base_mul(r)  # a ciphertext's alpha, as in a partial decryption
    return G, base_mul(x), alpha, alpha * x


@FAST
@given(scalars, scalars, labels)
def test_chaum_pedersen_honest_proofs_verify(x: Scalar, r: Scalar, label: str) -> None:
    b1, p1, b2, p2 = equality_statement(x, r)
    proof = prove_equality(CTX, x, b1, p1, b2, p2, label)
    assert verify_equality(CTX, b1, p1, b2, p2, proof, label)
    assert EqualityProof.from_json(proof.to_json()) == proof


@TAMPER
@given(
    scalars,
    scalars,
    st.sampled_from(["c", "v", "b1", "p1", "b2", "p2", "context", "label"]),
    challenge_deltas,
    scalar_deltas,
)
def test_chaum_pedersen_any_changed_field_fails(x: Scalar, r: Scalar, field: str, dc: int, dv: int) -> None:
    statement = dict(zip(("b1", "p1", "b2", "p2"), equality_statement(x, r), strict=True))
    proof = prove_equality(CTX, x, statement["b1"], statement["p1"], statement["b2"], statement["p2"], label="share-1")
    ctx, label = CTX, "share-1"
    if field == "c":
        proof = replace(proof, c=bump_challenge(proof.c, dc))
    elif field == "v":
        proof = replace(proof, v=bump_scalar(proof.v, dv))
    elif field in statement:
        statement[field] = statement[field] + base_mul(dv)
    elif field == "context":
        ctx = OTHER_CONTEXTS[dv % len(OTHER_CONTEXTS)].hash
    else:
        label = "share-2"
    b1, p1, b2, p2 = statement["b1"], statement["p1"], statement["b2"], statement["p2"]
    assert not verify_equality(ctx, b1, p1, b2, p2, proof, label)


def test_chaum_pedersen_unequal_logs_fail() -> None:
    x, r = Scalar(1234), Scalar(5678)
    b1, p1, b2, _ = equality_statement(x, r)
    p2 = b2 * (x + 1)
    proof = prove_equality(CTX, x, b1, p1, b2, p2)
    assert not verify_equality(CTX, b1, p1, b2, p2, proof)


def test_chaum_pedersen_replay_fails() -> None:
    b1, p1, b2, p2 = equality_statement(Scalar(31), Scalar(41))
    proof = prove_equality(CTX, Scalar(31), b1, p1, b2, p2)
    assert verify_equality(CTX, b1, p1, b2, p2, proof)
    for other in OTHER_CONTEXTS:
        assert not verify_equality(other.hash, b1, p1, b2, p2, proof)


# --- disjunctive range proofs ---------------------------------------------------------------


@st.composite
def range_cases(draw: st.DrawFn, max_width: int = 5) -> tuple[int, int, int, Scalar]:
    lo = draw(st.integers(min_value=0, max_value=6))
    hi = lo + draw(st.integers(min_value=0, max_value=max_width))
    m = draw(st.integers(min_value=lo, max_value=hi))
    return lo, hi, m, draw(scalars)


@FAST
@given(range_cases())
def test_range_honest_proofs_verify(case: tuple[int, int, int, Scalar]) -> None:
    lo, hi, m, r = case
    ct = encrypt(KEY, m, r)
    proof = prove_range(CTX, KEY, ct, m, r, lo, hi)
    assert len(proof.c) == len(proof.v) == hi - lo + 1
    assert verify_range(CTX, KEY, ct, proof, lo, hi)
    assert RangeProof.from_json(proof.to_json()) == proof


RANGE_FIELDS = ["c", "v", "alpha", "beta", "key", "context", "lo-1", "hi+1", "shift", "swap", "drop"]


@TAMPER
@given(range_cases(), st.sampled_from(RANGE_FIELDS), st.integers(min_value=0), challenge_deltas, scalar_deltas)
def test_range_any_changed_field_fails(
    case: tuple[int, int, int, Scalar], field: str, pick: int, dc: int, dv: int
) -> None:
    lo, hi, m, r = case
    ct = encrypt(KEY, m, r)
    proof = prove_range(CTX, KEY, ct, m, r, lo, hi)
    key, ctx = KEY, CTX
    cs, vs = list(proof.c), list(proof.v)
    j = pick % len(cs)
    if field == "c":
        cs[j] = bump_challenge(cs[j], dc)
    elif field == "v":
        vs[j] = bump_scalar(vs[j], dv)
    elif field == "alpha":
        ct = Ciphertext(ct.alpha + base_mul(dv), ct.beta)
    elif field == "beta":
        ct = Ciphertext(ct.alpha, ct.beta + base_mul(dv))
    elif field == "key":
        key = key + base_mul(dv)
    elif field == "context":
        ctx = OTHER_CONTEXTS[dv % len(OTHER_CONTEXTS)].hash
    elif field == "lo-1":
        lo = lo - 1 if lo > 0 else lo + 1
        if lo > hi:
            hi = lo
    elif field == "hi+1":
        hi += 1
    elif field == "shift":
        lo, hi = lo + 1, hi + 1
    elif field == "swap":
        if len(cs) == 1:
            cs[0] = bump_challenge(cs[0], dc)
        else:
            k = (j + 1) % len(cs)
            cs[j], cs[k], vs[j], vs[k] = cs[k], cs[j], vs[k], vs[j]
            if (cs[j], vs[j]) == (cs[k], vs[k]):  # pragma: no cover - negligible
                return
    else:
        cs, vs = cs[:-1] or [0], vs[:-1] or [Scalar(0)]
    assert not verify_range(ctx, key, ct, RangeProof(tuple(cs), tuple(vs)), lo, hi)


@FAST
@given(range_cases())
def test_range_replay_into_other_context_fails(case: tuple[int, int, int, Scalar]) -> None:
    lo, hi, m, r = case
    ct = encrypt(KEY, m, r)
    proof = prove_range(CTX, KEY, ct, m, r, lo, hi)
    for other in OTHER_CONTEXTS:
        assert not verify_range(other.hash, KEY, ct, proof, lo, hi)


@FAST
@given(range_cases(), st.integers(min_value=1, max_value=5))
def test_range_out_of_range_cannot_be_proven(case: tuple[int, int, int, Scalar], excess: int) -> None:
    lo, hi, m, r = case
    ct = encrypt(KEY, m, r)
    proof = prove_range(CTX, KEY, ct, m, r, lo, hi)
    above = encrypt(KEY, hi + excess, r)
    with pytest.raises(ValueError):
        prove_range(CTX, KEY, above, hi + excess, r, lo, hi)
    assert not verify_range(CTX, KEY, above, proof, lo, hi)
    # a hand-forged encryption of a negative value (m·G with m = -excess)
    negative = Ciphertext(base_mul(r), base_mul(-excess) + KEY * r)
    with pytest.raises(ValueError):
        prove_range(CTX, KEY, negative, -excess, r, lo, hi)
    assert not verify_range(CTX, KEY, negative, proof, lo, hi)
    if lo > 0:
        below = encrypt(KEY, lo - 1, r)
        with pytest.raises(ValueError):
            prove_range(CTX, KEY, below, lo - 1, r, lo, hi)
        assert not verify_range(CTX, KEY, below, proof, lo, hi)


def test_range_proof_for_wrong_plaintext_claim_fails() -> None:
    """A prover who lies about the plaintext (claims 1 for an encryption of 2) gets a failing proof."""
    r = Scalar(777)
    ct = encrypt(KEY, 2, r)
    proof = prove_range(CTX, KEY, ct, 1, r, 0, 1)
    assert not verify_range(CTX, KEY, ct, proof, 0, 1)


def test_range_bounds_checked() -> None:
    r = Scalar(3)
    ct = encrypt(KEY, 0, r)
    for lo, hi in [(-1, 1), (2, 1), (0, MAX_BRANCHES)]:
        with pytest.raises(ValueError):
            prove_range(CTX, KEY, ct, 0, r, lo, hi)
        with pytest.raises(ValueError):
            verify_range(CTX, KEY, ct, RangeProof((0,), (Scalar(0),)), lo, hi)
    wide = encrypt(KEY, 40, r)
    proof = prove_range(CTX, KEY, wide, 40, r, 0, MAX_BRANCHES - 1)
    assert verify_range(CTX, KEY, wide, proof, 0, MAX_BRANCHES - 1)


def test_range_challenge_out_of_bounds_fails() -> None:
    r = Scalar(11)
    ct = encrypt(KEY, 1, r)
    proof = prove_range(CTX, KEY, ct, 1, r, 0, 1)
    # c_0 + 2^128 has the same sum modulo 2^128 but is not a valid 128-bit challenge
    forged = RangeProof((proof.c[0] + CHALLENGE_MODULUS, proof.c[1]), proof.v)
    assert not verify_range(CTX, KEY, ct, forged, 0, 1)


@pytest.mark.parametrize(
    "value",
    [
        None,
        [],
        {"c": [], "v": []},
        {"c": ["A" * 22], "v": []},
        {"c": ["A" * 22], "v": ["A" * 43], "x": []},
        {"c": "A" * 22, "v": "A" * 43},
        {"c": [1], "v": ["A" * 43]},
        {"c": ["A" * 21], "v": ["A" * 43]},
        {"c": ["A" * 22], "v": ["A" * 42]},
        {"c": ["A" * 22], "v": [b64encode(L.to_bytes(32, "little"))]},
    ],
)
def test_range_proof_json_refuses_malformed(value: object) -> None:
    with pytest.raises((ProofFormatError, EncodingError, ScalarError)):
        RangeProof.from_json(value)


# --- bit decomposition --------------------------------------------------------------------------


@pytest.mark.parametrize("span", range(1, 130))
def test_bit_weights_subset_sums_are_exactly_the_range(span: int) -> None:
    weights = bit_weights(span)
    assert len(weights) == span.bit_length()
    assert all(w >= 1 for w in weights)
    sums = {
        sum(w for w, b in zip(weights, bits, strict=True) if b)
        for bits in itertools.product((0, 1), repeat=len(weights))
    }
    assert sums == set(range(span + 1))
    for value in range(span + 1):
        bits = decompose(value, span)
        assert set(bits) <= {0, 1}
        assert sum(w * b for w, b in zip(weights, bits, strict=True)) == value


@FAST
@given(st.integers(min_value=1, max_value=2**40), st.data())
def test_decompose_large_spans(span: int, data: st.DataObject) -> None:
    value = data.draw(st.integers(min_value=0, max_value=span))
    weights = bit_weights(span)
    bits = decompose(value, span)
    assert set(bits) <= {0, 1} and sum(w * b for w, b in zip(weights, bits, strict=True)) == value
    assert sum(weights) == span


@FAST
@given(st.lists(st.tuples(st.integers(0, 1), scalars), min_size=4, max_size=7), st.integers(min_value=0, max_value=50))
def test_combine_bits_is_the_weighted_sum(bits: list[tuple[int, Scalar]], extra: int) -> None:
    span = (1 << (len(bits) - 1)) + extra % (1 << (len(bits) - 1))  # bit_length(span) == len(bits)
    cts = [encrypt(KEY, b, r) for b, r in bits]
    weights = bit_weights(span)
    assert len(weights) == len(bits)
    expected = Ciphertext.zero()
    for ct, u in zip(cts, weights, strict=True):
        expected = expected + ct.scale(u)
    assert combine_bits(cts, span) == expected
    assert combine_weighted(cts, weights) == expected


@FAST
@given(st.lists(st.tuples(st.integers(0, 3), scalars, st.integers(-40, 40) | st.sampled_from([2**40, -(2**70)])),
                min_size=1, max_size=8))
def test_combine_weighted_is_the_weighted_sum(terms: list[tuple[int, Scalar, int]]) -> None:
    """Additions (Horner's rule over the weights' bits) or scaling: the same ciphertext as Σ w_i·E_i."""
    cts = [encrypt(KEY, m, r) for m, r, _ in terms]
    weights = [w for _, _, w in terms]
    expected = Ciphertext(sum((ct.alpha * w for ct, w in zip(cts, weights, strict=True)), Point.identity()),
                          sum((ct.beta * w for ct, w in zip(cts, weights, strict=True)), Point.identity()))
    assert combine_weighted(cts, weights) == expected
    assert combine_weighted([*cts, cts[0]], [*weights, -weights[0]]) == combine_weighted(cts[1:], weights[1:])


@pytest.mark.parametrize(
    "weights",
    [
        (12, 24, 18, 30, 21, 27, 9, 33, 15, 17),  # the demo's budget cap: Bos–Coster
        (4, 6, 10),  # common factor 2: Bos–Coster ends on weight 2, Horner's rule instead
        (1, 2, 3, 4, 5, 6, 7, 1, 2, 3),
        (5, 0, -3, 1),  # a negative weight: Horner's rule
        (1000, 1),  # far apart: scaling
        (1, 1, 1),
    ],
)
def test_combine_weighted_every_strategy(weights: tuple[int, ...]) -> None:
    cts = [encrypt(KEY, i % 2, Scalar(1000 + i)) for i in range(len(weights))]
    expected = Ciphertext.zero()
    for ct, w in zip(cts, weights, strict=True):
        expected = expected + Ciphertext(ct.alpha * w, ct.beta * w)
    assert combine_weighted(cts, weights) == expected


# --- weighted-sum proofs -----------------------------------------------------------------------


@st.composite
def sum_cases(draw: st.DrawFn) -> tuple[list[int], list[int], list[Scalar], int, int]:
    """(messages, weights, nonces, lo, hi) with lo ≤ Σ w·m ≤ hi, lo ≥ 0; small or large span."""
    n = draw(st.integers(min_value=1, max_value=4))
    messages = draw(st.lists(st.integers(min_value=0, max_value=3), min_size=n, max_size=n))
    weights = draw(st.lists(st.integers(min_value=-1, max_value=5), min_size=n, max_size=n))
    total = sum(w * m for w, m in zip(weights, messages, strict=True))
    if total < 0:  # keep the sum non-negative: flip the negative weights
        weights = [abs(w) for w in weights]
        total = sum(w * m for w, m in zip(weights, messages, strict=True))
    nonces = draw(st.lists(scalars, min_size=n, max_size=n))
    span = draw(
        st.one_of(st.integers(min_value=0, max_value=CDS_LIMIT - 1), st.integers(min_value=CDS_LIMIT, max_value=45))
    )
    below = draw(st.integers(min_value=0, max_value=min(total, span)))
    lo = total - below
    return messages, weights, nonces, lo, lo + span


@FAST
@given(sum_cases())
def test_weighted_sum_honest_proofs_verify(case: tuple[list[int], list[int], list[Scalar], int, int]) -> None:
    messages, weights, nonces, lo, hi = case
    cts = [encrypt(KEY, m, r) for m, r in zip(messages, nonces, strict=True)]
    proof = prove_weighted_sum(CTX, KEY, cts, weights, messages, nonces, lo, hi)
    if hi - lo + 1 <= CDS_LIMIT:
        assert proof.cds is not None and not proof.bits
        assert len(proof.cds.c) == hi - lo + 1
    else:
        assert proof.cds is None
        assert len(proof.bits) == len(proof.bit_proofs) == (hi - lo).bit_length()
    assert verify_weighted_sum(CTX, KEY, cts, weights, proof, lo, hi)
    assert SumProof.from_json(proof.to_json()) == proof


SUM_FIELDS = [
    "proof_c",
    "proof_v",
    "bit_alpha",
    "bit_beta",
    "swap_bits",
    "drop_bit",
    "ct_alpha",
    "ct_beta",
    "weight",
    "key",
    "context",
    "lo",
    "hi",
]


def tamper_range_proof(proof: RangeProof, field: str, pick: int, dc: int, dv: int) -> RangeProof:
    cs, vs = list(proof.c), list(proof.v)
    j = pick % len(cs)
    if field == "proof_c":
        cs[j] = bump_challenge(cs[j], dc)
    else:
        vs[j] = bump_scalar(vs[j], dv)
    return RangeProof(tuple(cs), tuple(vs))


@TAMPER
@given(
    sum_cases(),
    st.sampled_from(SUM_FIELDS),
    st.integers(min_value=0, max_value=10**6),
    challenge_deltas,
    scalar_deltas,
)
def test_weighted_sum_any_changed_field_fails(
    case: tuple[list[int], list[int], list[Scalar], int, int], field: str, pick: int, dc: int, dv: int
) -> None:
    messages, weights, nonces, lo, hi = case
    cts = [encrypt(KEY, m, r) for m, r in zip(messages, nonces, strict=True)]
    proof = prove_weighted_sum(CTX, KEY, cts, weights, messages, nonces, lo, hi)
    key, ctx = KEY, CTX
    # a ciphertext with weight 0 is not part of the statement: change one that counts
    nonzero = [k for k, w in enumerate(weights) if w]
    i = nonzero[pick % len(nonzero)] if nonzero else pick % len(cts)
    if not nonzero and field in {"ct_alpha", "ct_beta", "bit_alpha", "bit_beta", "swap_bits", "drop_bit"}:
        field = "weight"
    if field in {"proof_c", "proof_v"}:
        if proof.cds is not None:
            proof = SumProof(cds=tamper_range_proof(proof.cds, field, pick, dc, dv))
        else:
            j = pick % len(proof.bit_proofs)
            bit_proofs = list(proof.bit_proofs)
            bit_proofs[j] = tamper_range_proof(bit_proofs[j], field, pick // 7, dc, dv)
            proof = replace(proof, bit_proofs=tuple(bit_proofs))
    elif field in {"bit_alpha", "bit_beta", "swap_bits", "drop_bit"}:
        if proof.cds is not None:  # no bits in this proof: change a ciphertext instead
            cts[i] = Ciphertext(cts[i].alpha + base_mul(dv), cts[i].beta)
        else:
            bits = list(proof.bits)
            bit_proofs = list(proof.bit_proofs)
            j = pick % len(bits)
            if field == "bit_alpha":
                bits[j] = Ciphertext(bits[j].alpha + base_mul(dv), bits[j].beta)
            elif field == "bit_beta":
                bits[j] = Ciphertext(bits[j].alpha, bits[j].beta + base_mul(dv))
            elif field == "swap_bits":
                k = (j + 1) % len(bits)
                bits[j], bits[k] = bits[k], bits[j]
                bit_proofs[j], bit_proofs[k] = bit_proofs[k], bit_proofs[j]
            else:
                del bits[j]
                del bit_proofs[j]
            proof = SumProof(bits=tuple(bits), bit_proofs=tuple(bit_proofs))
    elif field == "ct_alpha":
        cts[i] = Ciphertext(cts[i].alpha + base_mul(dv), cts[i].beta)
    elif field == "ct_beta":
        cts[i] = Ciphertext(cts[i].alpha, cts[i].beta + base_mul(dv))
    elif field == "weight":
        weights = list(weights)
        weights[i] += 1 + dv % 3
    elif field == "key":
        key = key + base_mul(dv)
    elif field == "context":
        ctx = OTHER_CONTEXTS[dv % len(OTHER_CONTEXTS)].hash
    elif field == "lo":
        lo = lo - 1 if lo > 0 else lo + 1
        hi = max(hi, lo)
    else:
        hi += 1 + dv % 3
    assert not verify_weighted_sum(ctx, key, cts, weights, proof, lo, hi)


@FAST
@given(sum_cases())
def test_weighted_sum_replay_into_other_context_fails(
    case: tuple[list[int], list[int], list[Scalar], int, int],
) -> None:
    messages, weights, nonces, lo, hi = case
    cts = [encrypt(KEY, m, r) for m, r in zip(messages, nonces, strict=True)]
    proof = prove_weighted_sum(CTX, KEY, cts, weights, messages, nonces, lo, hi)
    for other in OTHER_CONTEXTS[:2]:
        assert not verify_weighted_sum(other.hash, KEY, cts, weights, proof, lo, hi)


@FAST
@given(sum_cases(), st.integers(min_value=1, max_value=4))
def test_weighted_sum_out_of_range(case: tuple[list[int], list[int], list[Scalar], int, int], excess: int) -> None:
    messages, weights, nonces, lo, hi = case
    total = sum(w * m for w, m in zip(weights, messages, strict=True))
    cts = [encrypt(KEY, m, r) for m, r in zip(messages, nonces, strict=True)]
    with pytest.raises(ValueError):
        prove_weighted_sum(CTX, KEY, cts, weights, messages, nonces, total + excess, total + excess + 3)
    if total - excess >= 0:
        with pytest.raises(ValueError):
            prove_weighted_sum(CTX, KEY, cts, weights, messages, nonces, 0, total - excess)
    proof = prove_weighted_sum(CTX, KEY, cts, weights, messages, nonces, lo, hi)
    # Add a 1-weighted extra ciphertext encrypting (hi - total + excess): the sum leaves the range.
    extra = encrypt(KEY, hi - total + excess, nonces[0])
    assert not verify_weighted_sum(CTX, KEY, [*cts, extra], [*weights, 1], proof, lo, hi)
    # Or change one message so that the weighted sum moves above hi.
    index = next((k for k, w in enumerate(weights) if w > 0), None)
    if index is not None:
        bigger = messages[index] + (hi - total) // weights[index] + 1
        cts2 = list(cts)
        cts2[index] = encrypt(KEY, bigger, nonces[index])
        assert not verify_weighted_sum(CTX, KEY, cts2, weights, proof, lo, hi)


def test_weighted_sum_prover_refuses_out_of_range() -> None:
    nonces = [Scalar(5), Scalar(6)]
    cts = [encrypt(KEY, m, r) for m, r in zip([3, 4], nonces, strict=True)]
    for lo, hi in [(0, 6), (8, 10), (0, 2), (8, 40), (20, 60)]:
        with pytest.raises(ValueError):
            prove_weighted_sum(CTX, KEY, cts, [1, 1], [3, 4], nonces, lo, hi)


def test_weighted_sum_forged_bits_fail() -> None:
    """A sum one above the range: the only bit vectors matching it need a bit of 2 (or -1)."""
    lo, hi = 0, 20
    span = hi - lo
    weights_u = bit_weights(span)  # [1, 2, 4, 8, 5]
    r = Scalar(424242)
    target = hi + 1
    aggregate = encrypt(KEY, target, r)
    bits_values = [1] * len(weights_u)
    bits_values[0] = 2  # Σ u_j·b_j = 20 + 1
    assert sum(u * b for u, b in zip(weights_u, bits_values, strict=True)) == target
    bit_nonces = [Scalar(1000 + j) for j in range(len(weights_u) - 1)]
    partial = sum(u * n.value for u, n in zip(weights_u, bit_nonces, strict=False))
    bit_nonces.append((r - partial) * Scalar(weights_u[-1]).inverse())
    bits = [Ciphertext(base_mul(n), base_mul(b) + KEY * n) for b, n in zip(bits_values, bit_nonces, strict=True)]
    assert combine_bits(bits, span) == aggregate.minus_plaintext(lo)  # the point equation holds
    with pytest.raises(ValueError):
        prove_range(CTX, KEY, bits[0], 2, bit_nonces[0], 0, 1)
    proofs = [
        prove_range(CTX, KEY, b, v, n, 0, 1) if v in (0, 1) else None
        for b, v, n in zip(bits, bits_values, bit_nonces, strict=True)
    ]
    # reuse a genuine 0/1 proof of another bit, or a lying proof claiming 1, for the bit of value 2
    lying = prove_range(CTX, KEY, bits[0], 1, bit_nonces[0], 0, 1)
    for substitute in (proofs[1], lying):
        assert substitute is not None
        filled = tuple(substitute if p is None else p for p in proofs)
        forged = SumProof(bits=tuple(bits), bit_proofs=filled)
        assert not verify_weighted_sum(CTX, KEY, [aggregate], [1], forged, lo, hi)


def test_weighted_sum_wrong_proof_kind_fails() -> None:
    r = Scalar(9)
    ct = encrypt(KEY, 3, r)
    small = prove_weighted_sum(CTX, KEY, [ct], [1], [3], [r], 0, 5)
    large = prove_weighted_sum(CTX, KEY, [ct], [1], [3], [r], 0, 20)
    assert small.cds is not None and large.cds is None
    assert not verify_weighted_sum(CTX, KEY, [ct], [1], small, 0, 20)
    assert not verify_weighted_sum(CTX, KEY, [ct], [1], large, 0, 5)
    assert not verify_weighted_sum(CTX, KEY, [ct], [1], SumProof(), 0, 5)
    assert not verify_weighted_sum(CTX, KEY, [ct], [1], SumProof(), 0, 20)
    assert not verify_weighted_sum(
        CTX, KEY, [ct], [1], SumProof(cds=small.cds, bits=large.bits, bit_proofs=large.bit_proofs), 0, 20
    )


def test_weighted_sum_exact_value_one_branch() -> None:
    nonces = [Scalar(21), Scalar(22), Scalar(23)]
    cts = [encrypt(KEY, m, r) for m, r in zip([2, 0, 3], nonces, strict=True)]
    proof = prove_weighted_sum(CTX, KEY, cts, [1, 1, 1], [2, 0, 3], nonces, 5, 5)
    assert proof.cds is not None and len(proof.cds.c) == 1
    assert verify_weighted_sum(CTX, KEY, cts, [1, 1, 1], proof, 5, 5)
    assert not verify_weighted_sum(CTX, KEY, cts, [1, 1, 1], proof, 4, 4)
    assert not verify_weighted_sum(CTX, KEY, cts, [1, 1, 0], proof, 5, 5)


def test_weighted_sum_negative_weights() -> None:
    """The ranking scheme's R_r − R_{r+1} ∈ [0, 1]: weights +1 and −1."""
    nonces = [Scalar(31), Scalar(32)]
    cts = [encrypt(KEY, m, r) for m, r in zip([1, 1], nonces, strict=True)]
    proof = prove_weighted_sum(CTX, KEY, cts, [1, -1], [1, 1], nonces, 0, 1)
    assert verify_weighted_sum(CTX, KEY, cts, [1, -1], proof, 0, 1)
    with pytest.raises(ValueError):
        prove_weighted_sum(CTX, KEY, cts, [1, -1], [0, 1], nonces, 0, 1)
    swapped = [encrypt(KEY, 0, nonces[0]), cts[1]]  # 0 − 1 = −1 ∉ [0, 1]
    assert not verify_weighted_sum(CTX, KEY, swapped, [1, -1], proof, 0, 1)


def test_sum_proof_json() -> None:
    r = Scalar(17)
    ct = encrypt(KEY, 4, r)
    for hi, keys in ((5, {"c", "v"}), (30, {"bits", "bit_proofs"})):
        proof = prove_weighted_sum(CTX, KEY, [ct], [1], [4], [r], 0, hi)
        data = proof.to_json()
        assert set(data) == keys
        assert SumProof.from_json(data) == proof
    bad: object
    for bad in (
        None,
        {},
        {"cds": {}},
        {"bits": [], "bit_proofs": [{}]},
        {"bits": "x", "bit_proofs": []},
        {"c": [], "v": []},
    ):
        with pytest.raises((ProofFormatError, ValueError)):
            SumProof.from_json(bad)


def test_weighted_sum_mismatched_bit_proof_count_returns_false() -> None:
    r = Scalar(5)
    ct = encrypt(KEY, 5, r)
    proof = prove_weighted_sum(CTX, KEY, [ct], [1], [5], [r], 0, 20)
    short = SumProof(bits=proof.bits, bit_proofs=proof.bit_proofs[:-1])
    assert verify_weighted_sum(CTX, KEY, [ct], [1], short, 0, 20) is False


def test_h_is_not_used_as_key_by_accident() -> None:
    """Proofs are bound to the key they were made for: a proof under K fails under H."""
    r = Scalar(8)
    ct = encrypt(KEY, 1, r)
    proof = prove_range(CTX, KEY, ct, 1, r, 0, 1)
    assert not verify_range(CTX, H, ct, proof, 0, 1)
