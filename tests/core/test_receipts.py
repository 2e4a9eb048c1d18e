"""Tests for tracking hashes, short codes and the tracking chain."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voting_engine.core.board import chain_next, chain_start
from voting_engine.core.credentials import ALPHABET
from voting_engine.core.encoding import EncodingError, canonical_json
from voting_engine.core.hashing import hash_elements
from voting_engine.core.receipts import (
    TrackingChain,
    chain_values,
    matches_short_code,
    normalize_short_code,
    short_code,
    tracking_from_record,
    tracking_hash,
    tracking_record,
)

FAST = settings(max_examples=50, deadline=None)
SHORT = re.compile(r"^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$")
hashes = st.binary(min_size=32, max_size=32)
CONTEXT = bytes([0x11]) * 32
T1 = tracking_hash(b'{"ballot":1}')
T2 = tracking_hash(b'{"ballot":2}')


def test_tracking_hash_vectors() -> None:
    assert hash_elements("pbvote/tracking/v1", b'{"ballot":1}') == T1
    assert T1.hex() == "033e647c36e471969d1cd3921cbfa1c60b000e2d0cf6a1ce9249092b989b0f19"
    assert tracking_record(T1) == "Az5kfDbkcZadHNOSHL-hxgsADi0M9qHOkkkJK5ibDxk"
    assert tracking_from_record(tracking_record(T1)) == T1
    assert short_code(T1) == "0CZ68-Z1PWH"
    assert short_code(T2) == "FRSTS-8WWFH"
    assert tracking_hash(canonical_json({"ballot": 1})) == T1
    with pytest.raises(TypeError):
        tracking_hash('{"ballot":1}')  # type: ignore[arg-type]
    with pytest.raises(EncodingError):
        tracking_from_record(tracking_record(T1)[:-1])


@FAST
@given(hashes)
def test_short_code_is_first_50_bits(value: bytes) -> None:
    code = short_code(value)
    assert SHORT.match(code)
    bits = "".join(f"{byte:08b}" for byte in value)[:50]
    expected = "".join(ALPHABET[int(bits[i : i + 5], 2)] for i in range(0, 50, 5))
    assert code == f"{expected[:5]}-{expected[5:]}"
    assert matches_short_code(value, code.lower().replace("-", " "))


def test_short_code_input_handling() -> None:
    assert normalize_short_code("0cz68z1pwh") == "0CZ68-Z1PWH"
    assert normalize_short_code("oCZ68-ZlPWH") == "0CZ68-Z1PWH"
    assert matches_short_code(T1, "OCZ68 Z1PWH")
    assert not matches_short_code(T1, "0CZ68-Z1PWJ")
    assert not matches_short_code(T1, "0CZ68-Z1PW")
    assert not matches_short_code(T1, "0CZ68-Z1PWU")
    for bad in ("0CZ68-Z1PW", "0CZ68-Z1PWHH", "0CZ68-Z1PW!", "0CZ68-Z1PW\u0131"):
        with pytest.raises(ValueError):
            normalize_short_code(bad)
    with pytest.raises(ValueError):
        short_code(T1[:31])


@FAST
@given(st.binary(), st.binary())
def test_different_ballots_different_tracking_hashes(a: bytes, b: bytes) -> None:
    assert (tracking_hash(a) == tracking_hash(b)) == (a == b)
    assert len(tracking_hash(a)) == 32


def test_chain_vectors() -> None:
    values = chain_values(CONTEXT, [T1, T2])
    assert [v.hex() for v in values] == [
        "524d907d35acb18ad4abebacd2e54b155ec8448c002463b8e86d46acaec70b0f",
        "3e8b114f44460d3d9cc394c4b5cc89d75a1cb9d4ed8d73600516df1c72038559",
    ]
    assert values[0] == chain_next(chain_start(CONTEXT), T1)
    chain = TrackingChain(CONTEXT)
    assert chain.head == chain_start(CONTEXT) and chain.length == 0
    assert chain.append(T1) == values[0]
    assert chain.append(T2) == values[1] == chain.head
    assert chain.length == 2
    with pytest.raises(ValueError):
        chain.append(T1[:31])


@FAST
@given(st.integers(2, 12), st.data())
def test_chain_depends_on_order_and_context(count: int, data: st.DataObject) -> None:
    trackings = [hash_elements("test/tracking", i) for i in range(count)]
    original = chain_values(CONTEXT, trackings)
    assert len(set(original)) == len(original)
    shuffled = data.draw(st.permutations(trackings).filter(lambda p: p != trackings))
    assert chain_values(CONTEXT, shuffled)[-1] != original[-1]
    assert chain_values(bytes(32), trackings)[-1] != original[-1]
    assert chain_values(CONTEXT, trackings[:-1]) == original[:-1]
    assert chain_values(CONTEXT, trackings[1:])[-1] != original[-1]
