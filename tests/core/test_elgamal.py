"""Tests for exponential ElGamal (``voting_engine.core.elgamal``)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voting_engine.core.dlog import discrete_log
from voting_engine.core.elgamal import Ciphertext, decrypt_with_secret, encrypt, sum_ciphertexts, verify_opening
from voting_engine.core.encoding import EncodingError, b64encode
from voting_engine.core.group import IDENTITY, IDENTITY_BYTES, G, L, PointError, Scalar, base_mul

FAST = settings(max_examples=30, deadline=None)

SECRET = Scalar(0x5EC2E7)
KEY = base_mul(SECRET)

messages = st.integers(min_value=0, max_value=200)
nonces = st.integers(min_value=1, max_value=L - 1).map(Scalar)


def decrypt_small(ciphertext: Ciphertext, bound: int = 10_000) -> int:
    return discrete_log(decrypt_with_secret(SECRET, ciphertext), bound)


@FAST
@given(messages, nonces)
def test_encrypt_definition_and_decrypt(m: int, r: Scalar) -> None:
    ct = encrypt(KEY, m, r)
    assert ct.alpha == base_mul(r)
    assert ct.beta == base_mul(m) + KEY * r
    assert decrypt_with_secret(SECRET, ct) == base_mul(m)
    assert decrypt_small(ct) == m


@FAST
@given(st.lists(st.tuples(messages, nonces), min_size=0, max_size=5))
def test_homomorphic_addition(items: list[tuple[int, Scalar]]) -> None:
    cts = [encrypt(KEY, m, r) for m, r in items]
    total = sum_ciphertexts(cts)
    assert decrypt_small(total) == sum(m for m, _ in items)
    # the sum is itself an encryption of the sum under the sum of the nonces
    nonce_sum = Scalar(sum(r.value for _, r in items))
    assert total == encrypt(KEY, sum(m for m, _ in items), nonce_sum)
    folded = Ciphertext.zero()
    for ct in cts:
        folded = folded + ct
    assert folded == total


@FAST
@given(messages, nonces, messages, nonces)
def test_subtraction(m1: int, r1: Scalar, m2: int, r2: Scalar) -> None:
    a, b = encrypt(KEY, m1, r1), encrypt(KEY, m2, r2)
    assert decrypt_with_secret(SECRET, a - b) == base_mul(m1 - m2)
    assert (a - a).alpha == IDENTITY and (a - a).beta == IDENTITY
    assert a + (-a) == Ciphertext.zero()


@FAST
@given(messages, nonces, st.integers(min_value=0, max_value=40))
def test_scale_multiplies_plaintext(m: int, r: Scalar, factor: int) -> None:
    ct = encrypt(KEY, m, r)
    scaled = ct.scale(factor)
    assert scaled == encrypt(KEY, m * factor, r * factor) or (factor == 0 and scaled == Ciphertext.zero())
    assert decrypt_small(scaled) == m * factor


@FAST
@given(messages, nonces, st.integers(min_value=-40, max_value=-1))
def test_scale_by_negative_factor(m: int, r: Scalar, factor: int) -> None:
    ct = encrypt(KEY, m, r)
    scaled = ct.scale(factor)
    assert decrypt_with_secret(SECRET, scaled) == base_mul(m * factor)
    assert scaled + ct.scale(-factor) == Ciphertext.zero()


def test_scale_special_cases() -> None:
    ct = encrypt(KEY, 3, Scalar(77))
    assert ct.scale(1) is ct
    assert ct.scale(-1) == -ct
    assert ct.scale(0) == Ciphertext.zero()
    assert ct.scale(2) == ct + ct
    assert ct.scale(L + 2) == ct.scale(2)


@FAST
@given(messages, nonces, st.integers(min_value=-5, max_value=200))
def test_minus_plaintext(m: int, r: Scalar, value: int) -> None:
    ct = encrypt(KEY, m, r)
    shifted = ct.minus_plaintext(value)
    assert shifted.alpha == ct.alpha
    assert decrypt_with_secret(SECRET, shifted) == base_mul(m - value)
    if value == 0:
        assert shifted is ct


def test_zero_and_empty_sum() -> None:
    zero = Ciphertext.zero()
    assert zero.alpha == IDENTITY and zero.beta == IDENTITY
    assert sum_ciphertexts([]) == zero
    assert decrypt_small(zero) == 0
    ct = encrypt(KEY, 4, Scalar(5))
    assert zero + ct == ct and ct + zero == ct
    assert encrypt(KEY, 0, Scalar(0)) == zero


def test_encrypt_refuses_negative() -> None:
    with pytest.raises(ValueError):
        encrypt(KEY, -1, Scalar(3))


@FAST
@given(messages, nonces)
def test_verify_opening(m: int, r: Scalar) -> None:
    ct = encrypt(KEY, m, r)
    assert verify_opening(KEY, ct, m, r)
    assert not verify_opening(KEY, ct, m + 1, r)
    assert not verify_opening(KEY, ct, m, r + 1)
    assert not verify_opening(KEY, ct, -1, r)
    assert not verify_opening(KEY + G, ct, m, r)


@FAST
@given(messages, nonces)
def test_json_round_trip(m: int, r: Scalar) -> None:
    ct = encrypt(KEY, m, r)
    encoded = ct.to_json()
    assert encoded == [b64encode(ct.alpha.to_bytes()), b64encode(ct.beta.to_bytes())]
    assert Ciphertext.from_json(encoded) == ct


@pytest.mark.parametrize(
    "value",
    [None, "x", [], ["a"], [b64encode(G.to_bytes())] * 3, [1, 2], {"alpha": "", "beta": ""}],
)
def test_from_json_refuses_bad_shape(value: object) -> None:
    with pytest.raises(ValueError):
        Ciphertext.from_json(value)


def test_from_json_validates_points() -> None:
    good = b64encode(G.to_bytes())
    ident = b64encode(IDENTITY_BYTES)
    with pytest.raises(PointError) as info:
        Ciphertext.from_json([ident, good])
    assert info.value.reason == "identity"
    assert Ciphertext.from_json([ident, ident], allow_identity=True) == Ciphertext.zero()
    order2 = b64encode(((2**255 - 19) - 1).to_bytes(32, "little"))
    with pytest.raises(PointError) as info:
        Ciphertext.from_json([good, order2])
    assert info.value.reason == "small_order"
    with pytest.raises(EncodingError):
        Ciphertext.from_json([good, good + "A"])
    with pytest.raises(EncodingError):
        Ciphertext.from_json([good, b64encode(bytes(31))])
