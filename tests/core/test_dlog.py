"""Tests for baby-step giant-step recovery of small plaintexts (``voting_engine.core.dlog``)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voting_engine.core.dlog import DiscreteLogError, discrete_log
from voting_engine.core.group import IDENTITY, H, base_mul

FAST = settings(max_examples=60, deadline=None)

bounds = st.integers(min_value=0, max_value=20_000)


@FAST
@given(st.data(), bounds)
def test_recovers_every_value_up_to_bound(data: st.DataObject, bound: int) -> None:
    m = data.draw(st.integers(min_value=0, max_value=bound))
    assert discrete_log(base_mul(m), bound) == m


@FAST
@given(bounds, st.integers(min_value=1, max_value=100_000))
def test_raises_above_bound(bound: int, excess: int) -> None:
    with pytest.raises(DiscreteLogError):
        discrete_log(base_mul(bound + excess), bound)


@pytest.mark.parametrize("bound", [0, 1, 2, 3, 4, 8, 9, 10, 15, 16, 17, 99, 100])
def test_edges_exhaustively(bound: int) -> None:
    for m in range(bound + 1):
        assert discrete_log(base_mul(m), bound) == m
    for m in range(bound + 1, bound + 12):
        with pytest.raises(DiscreteLogError):
            discrete_log(base_mul(m), bound)


def test_identity_is_zero() -> None:
    assert discrete_log(IDENTITY, 0) == 0
    assert discrete_log(IDENTITY, 1000) == 0


def test_negative_values_and_unrelated_points_raise() -> None:
    with pytest.raises(DiscreteLogError):
        discrete_log(base_mul(-1), 1000)
    with pytest.raises(DiscreteLogError):
        discrete_log(H, 10_000)
    with pytest.raises(ValueError):
        discrete_log(IDENTITY, -1)


def test_large_bound() -> None:
    bound = 10**8
    for m in (0, 1, 9_999, 10_000, 10_001, 54_321_987, bound):
        assert discrete_log(base_mul(m), bound) == m
    with pytest.raises(DiscreteLogError):
        discrete_log(base_mul(bound + 1), bound)
