"""Tests for length-framed domain-separated hashing and the election context hash."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voting_engine.core.context import CEREMONY_TAG, CONTEXT_TAG, ElectionContext, ceremony_context_hash
from voting_engine.core.group import GROUP_NAME, G, H, Scalar, base_mul
from voting_engine.core.hashing import element_bytes, frame, hash_elements, sha256
from voting_engine.core.proofs.fiat_shamir import (
    CHALLENGE_BYTES,
    CHALLENGE_MODULUS,
    challenge,
    decode_challenge,
    encode_challenge,
)

FAST = settings(max_examples=60, deadline=None)

elements = st.one_of(st.binary(max_size=40), st.text(max_size=20), st.integers(min_value=-(2**70), max_value=2**70))


def unframe(data: bytes) -> list[bytes]:
    out = []
    pos = 0
    while pos < len(data):
        size = int.from_bytes(data[pos : pos + 4], "big")
        out.append(data[pos + 4 : pos + 4 + size])
        pos += 4 + size
    assert pos == len(data)
    return out


def test_frame_known_answer() -> None:
    assert frame([]) == b""
    assert frame([b""]) == b"\x00\x00\x00\x00"
    assert frame(["ab", 12, b"\x00"]) == b"\x00\x00\x00\x02ab\x00\x00\x00\x0212\x00\x00\x00\x01\x00"
    assert frame([-7]) == b"\x00\x00\x00\x02-7"
    assert frame(["é"]) == b"\x00\x00\x00\x02\xc3\xa9"


def test_element_bytes() -> None:
    point = base_mul(3)
    assert element_bytes(point) == point.to_bytes()
    assert element_bytes(Scalar(5)) == (5).to_bytes(32, "little")
    assert element_bytes(0) == b"0"
    assert element_bytes(10**30) == str(10**30).encode()
    with pytest.raises(TypeError):
        element_bytes(True)
    with pytest.raises(TypeError):
        frame([False])


def test_hash_elements_known_answer() -> None:
    expected = hashlib.sha256(b"\x00\x00\x00\x03tag\x00\x00\x00\x01a\x00\x00\x00\x017").digest()
    assert hash_elements("tag", "a", 7) == expected
    assert hash_elements("tag", b"a", "7") == expected  # same bytes, same hash: typing is not hashed
    assert sha256(b"abc") == hashlib.sha256(b"abc").digest()
    assert hash_elements("pbvote/test").hex() == hashlib.sha256(b"\x00\x00\x00\x0bpbvote/test").hexdigest()


@FAST
@given(st.lists(elements, max_size=6))
def test_frame_is_injective(items: list[bytes | str | int]) -> None:
    framed = frame(items)
    assert unframe(framed) == [element_bytes(x) for x in items]
    assert hash_elements("t", *items) == hashlib.sha256(frame(["t", *items])).digest()


@FAST
@given(st.binary(max_size=20), st.binary(max_size=20), st.integers(min_value=0, max_value=20))
def test_no_concatenation_collisions(a: bytes, b: bytes, cut: int) -> None:
    joined = a + b
    cut = min(cut, len(joined))
    left, right = joined[:cut], joined[cut:]
    if (left, right) != (a, b):
        assert hash_elements("t", a, b) != hash_elements("t", left, right)
    assert hash_elements("t", a, b) != hash_elements("t", joined)
    assert hash_elements("t1", a) != hash_elements("t2", a)
    assert hash_elements("t", a) != hash_elements("t" + "\x00", a)


# --- Fiat-Shamir challenges -------------------------------------------------------------------


def test_challenge_definition() -> None:
    ctx = bytes(range(32))
    digest = hashlib.sha256(frame(["tag", ctx, "x", 5])).digest()
    assert challenge("tag", ctx, "x", 5) == int.from_bytes(digest[:16], "little")
    assert CHALLENGE_BYTES == 16 and CHALLENGE_MODULUS == 2**128


@FAST
@given(st.integers(min_value=0, max_value=2**128 - 1))
def test_challenge_encoding_round_trip(value: int) -> None:
    text = encode_challenge(value)
    assert len(text) == 22
    assert decode_challenge(text) == value


def test_challenge_decoding_refuses_bad_length() -> None:
    from voting_engine.core.encoding import EncodingError, b64encode

    with pytest.raises(EncodingError):
        decode_challenge(b64encode(bytes(15)))
    with pytest.raises(EncodingError):
        decode_challenge(b64encode(bytes(32)))


# --- election context -------------------------------------------------------------------------

KEY = base_mul(Scalar(424242))
BASE = ElectionContext("election-1", "stage-1", hashlib.sha256(b"manifest").digest(), KEY)


def test_context_hash_definition() -> None:
    expected = hashlib.sha256(
        frame([CONTEXT_TAG, GROUP_NAME, G, H, KEY, BASE.manifest_hash, "election-1", "stage-1", b""])
    ).digest()
    assert CONTEXT_TAG == "pbvote/context/v1"
    assert BASE.hash == expected
    assert BASE.hash == replace(BASE).hash
    staged = replace(BASE, stage_hash=b"\x01" * 32)
    assert (
        staged.hash
        == hashlib.sha256(
            frame([CONTEXT_TAG, GROUP_NAME, G, H, KEY, BASE.manifest_hash, "election-1", "stage-1", b"\x01" * 32])
        ).digest()
    )


@pytest.mark.parametrize(
    "changed",
    [
        {"election_id": "election-2"},
        {"stage_id": "stage-2"},
        {"manifest_hash": hashlib.sha256(b"other").digest()},
        {"public_key": KEY + G},
        {"stage_hash": hashlib.sha256(b"ballot definition").digest()},
        {"election_id": "election-1stage-1", "stage_id": ""},  # no ambiguity between fields
    ],
)
def test_context_hash_binds_every_field(changed: dict[str, object]) -> None:
    assert replace(BASE, **changed).hash != BASE.hash  # type: ignore[arg-type]


def test_ceremony_context_hash() -> None:
    manifest = BASE.manifest_hash
    expected = hashlib.sha256(frame([CEREMONY_TAG, GROUP_NAME, G, H, manifest, "e", 3, 2])).digest()
    assert ceremony_context_hash("e", manifest, 3, 2) == expected
    assert ceremony_context_hash("e", manifest, 3, 2) != ceremony_context_hash("e", manifest, 3, 1)
    assert ceremony_context_hash("e", manifest, 3, 2) != ceremony_context_hash("f", manifest, 3, 2)
