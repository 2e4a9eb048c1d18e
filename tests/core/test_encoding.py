"""Tests for unpadded base64url and canonical JSON (``voting_engine.core.encoding``)."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voting_engine.core.encoding import EncodingError, b64decode, b64encode, canonical_json

FAST = settings(max_examples=60, deadline=None)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | st.text(max_size=12),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4),
    max_leaves=20,
)


@FAST
@given(st.binary(max_size=80))
def test_b64_round_trip(data: bytes) -> None:
    text = b64encode(data)
    assert "=" not in text and "+" not in text and "/" not in text
    assert text == base64.urlsafe_b64encode(data).decode().rstrip("=")
    assert b64decode(text) == data
    assert b64decode(text, len(data)) == data


def test_b64_known_answers() -> None:
    assert b64encode(b"") == ""
    assert b64encode(b"\xfb\xff") == "-_8"
    assert b64encode(bytes(32)) == "A" * 43
    assert b64decode("-_8") == b"\xfb\xff"


@pytest.mark.parametrize(
    "text",
    [
        "AA==",  # padding
        "AA=",
        "+/8",  # standard alphabet
        "ab/c",
        "AB",  # non-zero trailing bits: not the canonical text of any byte string
        "AAB",
        "A",  # impossible length
        "AAAAA",
        "AA AA",  # whitespace
        "AAAA\n",
        "AA*A",  # outside the alphabet
        "ÄAAA",
    ],
)
def test_b64_refuses_non_canonical(text: str) -> None:
    with pytest.raises(EncodingError):
        b64decode(text)


def test_b64_refuses_wrong_length_and_type() -> None:
    with pytest.raises(EncodingError):
        b64decode(b64encode(bytes(31)), 32)
    with pytest.raises(EncodingError):
        b64decode(b64encode(bytes(33)), 32)
    with pytest.raises(EncodingError):
        b64decode(b"AAAA")  # type: ignore[arg-type]
    with pytest.raises(EncodingError):
        b64decode(None)  # type: ignore[arg-type]


def test_canonical_json_known_answers() -> None:
    assert canonical_json({"b": 1, "a": [True, None, "x"]}) == b'{"a":[true,null,"x"],"b":1}'
    assert canonical_json({"é": "ü"}) == '{"é":"ü"}'.encode()
    assert canonical_json({"z": {"y": 1, "x": 2}}) == b'{"z":{"x":2,"y":1}}'
    assert canonical_json((1, 2)) == b"[1,2]"
    assert canonical_json(2**80) == str(2**80).encode()
    assert canonical_json('a"b\\') == b'"a\\"b\\\\"'


@pytest.mark.parametrize("value", [1.0, [0.5], {"a": {"b": [1e10]}}, float("nan"), {1: 2}, {"a": {(1,): 2}}])
def test_canonical_json_refuses_floats_and_non_string_keys(value: Any) -> None:
    with pytest.raises(EncodingError):
        canonical_json(value)


@FAST
@given(json_values)
def test_canonical_json_is_a_fixed_point(value: Any) -> None:
    encoded = canonical_json(value)
    text = encoded.decode("utf-8")
    assert json.loads(text) == value
    assert canonical_json(json.loads(text)) == encoded


@FAST
@given(st.dictionaries(st.text(max_size=5), st.integers(), min_size=2, max_size=6))
def test_canonical_json_independent_of_insertion_order(value: dict[str, int]) -> None:
    reversed_value = dict(reversed(list(value.items())))
    assert canonical_json(value) == canonical_json(reversed_value)
