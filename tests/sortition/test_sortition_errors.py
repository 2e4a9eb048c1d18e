"""Input errors carry stable codes; infeasible quotas are explained with a working relaxation."""

from __future__ import annotations

import pytest

from voting_engine.sortition import Quota, Reservation, SortitionError, parse_quotas, parse_reservation, run_draw
from voting_engine.sortition.cells import build_cells
from voting_engine.sortition.engine import check_feasible
from voting_engine.sortition.infeasible import apply_relaxation

from .helpers import quotas_met, small_problem


def _rows() -> list[dict[str, str]]:
    # 6 women (4 young), 6 men (all old); region alternates
    rows = []
    for i in range(12):
        rows.append(
            {
                "id": f"p{i}",
                "gender": "f" if i < 6 else "m",
                "age": "young" if i < 4 else "old",
                "region": "north" if i % 2 else "south",
                "flag": "yes" if i in (0, 7) else "no",
            }
        )
    return rows


def _quotas(**overrides: tuple[int, int]) -> list[Quota]:
    base = {
        ("gender", "f"): (2, 3),
        ("gender", "m"): (2, 3),
        ("age", "young"): (1, 3),
        ("age", "old"): (1, 4),
    }
    for key, bounds in overrides.items():
        feature, value = key.split("_")
        base[(feature, value)] = bounds
    return [Quota(f, v, lo, hi) for (f, v), (lo, hi) in base.items()]


def _code(excinfo: pytest.ExceptionInfo[SortitionError]) -> str:
    return excinfo.value.code


def test_unknown_feature() -> None:
    with pytest.raises(SortitionError) as excinfo:
        small_problem(_rows(), [*_quotas(), Quota("income", "high", 0, 1)], 5)
    assert _code(excinfo) == "unknown_feature"
    assert "income" in excinfo.value.message


def test_negative_quota() -> None:
    with pytest.raises(SortitionError) as excinfo:
        parse_quotas(["feature", "value", "min", "max"], [{"feature": "g", "value": "f", "min": "-1", "max": "2"}], 5)
    assert _code(excinfo) == "quota_negative"


@pytest.mark.parametrize(
    ("rows", "code"),
    [
        ([{"feature": "g", "value": "f", "min": "3", "max": "2"}], "quota_min_exceeds_max"),
        ([{"feature": "g", "value": "f", "min": "x", "max": "2"}], "quota_not_integer"),
        ([{"feature": "g", "value": "f", "min": "1", "max": "2"}] * 2, "quota_duplicate"),
    ],
)
def test_bad_quota_rows(rows: list[dict[str, str]], code: str) -> None:
    with pytest.raises(SortitionError) as excinfo:
        parse_quotas(["feature", "value", "min", "max"], rows, 5)
    assert _code(excinfo) == code


def test_contradictory_quota_sums() -> None:
    with pytest.raises(SortitionError) as excinfo:
        small_problem(_rows(), _quotas(gender_f=(3, 3), gender_m=(3, 3)), 5)
    assert _code(excinfo) == "quota_sum_min_exceeds_seats"
    with pytest.raises(SortitionError) as excinfo:
        small_problem(_rows(), _quotas(gender_f=(0, 2), gender_m=(0, 2)), 5)
    assert _code(excinfo) == "quota_sum_max_below_seats"


def test_duplicate_ids_and_uncovered_values() -> None:
    rows = _rows()
    rows[3]["id"] = "p1"
    with pytest.raises(SortitionError) as excinfo:
        small_problem(rows, _quotas(), 5)
    assert _code(excinfo) == "pool_duplicate_id"
    assert excinfo.value.details["rows"] == [3, 5]
    rows = _rows()
    rows[5]["gender"] = "x"
    with pytest.raises(SortitionError) as excinfo:
        small_problem(rows, _quotas(), 5)
    assert _code(excinfo) == "value_not_in_quotas"


def test_reservation_errors() -> None:
    with pytest.raises(SortitionError) as excinfo:
        parse_reservation("many:flag=yes")
    assert _code(excinfo) == "reserved_invalid"
    with pytest.raises(SortitionError) as excinfo:
        small_problem(_rows(), _quotas(), 5, [Reservation(3, (("flag", "yes"),))])
    assert _code(excinfo) == "reserved_too_few_people"
    with pytest.raises(SortitionError) as excinfo:
        small_problem(_rows(), _quotas(), 5, [Reservation(1, (("colour", "red"),))])
    assert _code(excinfo) == "unknown_feature"


def test_infeasible_quotas_are_explained_with_a_feasible_relaxation() -> None:
    # 3 young people wanted, but all 4 young people are women and women are capped at 2
    problem = small_problem(_rows(), _quotas(gender_f=(2, 2), gender_m=(3, 3), age_young=(3, 3)), 5)
    with pytest.raises(SortitionError) as excinfo:
        run_draw(problem, "seed")
    error = excinfo.value
    assert error.code == "infeasible_quotas"
    named = {(c["feature"], c["value"]) for c in error.details["conflicts"]}
    assert named & {("gender", "f"), ("age", "young"), ("gender", "m")}
    assert error.details["total_relaxation"] == 1
    for conflict in error.details["conflicts"]:
        assert f"{conflict['feature']}={conflict['value']}" in error.message
    quotas, reserved = apply_relaxation(problem.quotas, problem.reservations, error.details)
    relaxed = small_problem(_rows(), list(quotas), 5, reserved)
    check_feasible(build_cells(relaxed), relaxed)
    result = run_draw(relaxed, "seed")
    assert quotas_met(relaxed, result.selected)


def test_infeasible_reservation_is_explained() -> None:
    problem = small_problem(
        _rows(), _quotas(age_young=(0, 0), age_old=(0, 5)), 5, [Reservation(2, (("flag", "yes"),))]
    )
    with pytest.raises(SortitionError) as excinfo:
        run_draw(problem, "seed")
    details = excinfo.value.details
    assert excinfo.value.code == "infeasible_quotas"
    # p0 (the only other flagged person) is young: either relax age or the reservation, by one seat
    assert details["total_relaxation"] == 1


def test_pool_too_small_for_households() -> None:
    rows = _rows()
    for row in rows:
        row["home"] = f"h{int(row['id'][1:]) // 3}"  # 4 households of 3
    problem = small_problem(rows, _quotas(), 5, households=["home"])
    with pytest.raises(SortitionError) as excinfo:
        run_draw(problem, "seed")
    assert excinfo.value.code == "pool_too_small"


def test_unknown_algorithm_and_missing_seed() -> None:
    problem = small_problem(_rows(), _quotas(), 5)
    with pytest.raises(SortitionError) as excinfo:
        run_draw(problem, "seed", "leximin")
    assert excinfo.value.code == "unknown_algorithm"
    with pytest.raises(SortitionError) as excinfo:
        run_draw(problem, "")
    assert excinfo.value.code == "seed_missing"
