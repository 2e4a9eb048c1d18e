"""Property: quotas generated from a known feasible panel are always met by the maximin draw."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voting_engine.sortition import Quota, Reservation, run_draw

from .helpers import quotas_met, small_problem

FEATURES = {"gender": ["f", "m"], "age": ["a", "b", "c"], "region": ["n", "s", "e"]}


@st.composite
def satisfiable(draw: st.DrawFn) -> tuple[list[dict[str, str]], list[Quota], int, list[Reservation], bool]:
    size = draw(st.integers(min_value=8, max_value=40))
    use_households = draw(st.booleans())
    rows = []
    for i in range(size):
        row = {"id": f"id{i:03d}"}
        for feature, values in FEATURES.items():
            row[feature] = draw(st.sampled_from(values))
        row["flag"] = draw(st.sampled_from(["yes", "no", "no"]))
        row["home"] = f"h{draw(st.integers(0, size // 2))}" if use_households else ""
        rows.append(row)
    # a known feasible panel: distinct households
    homes: set[str] = set()
    eligible = []
    for row in rows:
        if not row["home"] or row["home"] not in homes:
            homes.add(row["home"])
            eligible.append(row)
    seats = draw(st.integers(min_value=1, max_value=min(len(eligible), 10)))
    panel = draw(st.permutations(eligible))[:seats]
    quotas = []
    for feature, values in FEATURES.items():
        for value in values:
            count = sum(1 for r in panel if r[feature] == value)
            low = max(0, count - draw(st.integers(0, 1)))
            quotas.append(Quota(feature, value, low, count + draw(st.integers(0, 2))))
    flagged = sum(1 for r in panel if r["flag"] == "yes")
    reservations = [Reservation(flagged, (("flag", "yes"),))] if flagged and draw(st.booleans()) else []
    return rows, quotas, seats, reservations, use_households


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=satisfiable(), seed=st.text(min_size=1, max_size=12))
def test_maximin_draw_always_meets_satisfiable_quotas(
    case: tuple[list[dict[str, str]], list[Quota], int, list[Reservation], bool], seed: str
) -> None:
    rows, quotas, seats, reservations, use_households = case
    problem = small_problem(rows, quotas, seats, reservations, ["home"] if use_households else [])
    result = run_draw(problem, seed)
    assert quotas_met(problem, result.selected)
    probabilities = result.report["probabilities"]
    assert sum(probabilities["by_person"].values()) == pytest.approx(seats, abs=1e-6)
    assert probabilities["min"] <= seats / len(rows) + 1e-9 <= probabilities["max"] + 2e-9
