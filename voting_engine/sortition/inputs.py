"""Parse and validate pool rows, quota rows and reservation specs (pure: no file access).

Every problem is reported as a :class:`SortitionError` with a stable code, so an operator sees the
same message from the CLI and from the admin API, and tests can assert on the code.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from fractions import Fraction

from voting_engine.sortition.model import Person, Pool, Problem, Quota, Reservation, SortitionError

__all__ = ["build_problem", "parse_pool", "parse_quotas", "parse_reservation"]

Row = Mapping[str, str]


def _clean(value: str | None) -> str:
    return (value or "").strip()


def parse_pool(
    header: Sequence[str],
    rows: Sequence[Row],
    id_column: str,
    household_columns: Sequence[str] = (),
    sha256: str = "",
) -> Pool:
    """Turn CSV rows into a :class:`Pool`; ids must be present and unique."""
    columns = tuple(_clean(h) for h in header)
    for needed in (id_column, *household_columns):
        if needed not in columns:
            raise SortitionError(
                "pool_missing_column", f"pool has no column {needed!r} (columns: {list(columns)})"
            )
    if not rows:
        raise SortitionError("pool_empty", "the pool has no rows")
    people: list[Person] = []
    first_row: dict[str, int] = {}
    for number, raw in enumerate(rows, start=2):
        row = {_clean(k): _clean(v) for k, v in raw.items() if k is not None}
        person_id = row.get(id_column, "")
        if not person_id:
            raise SortitionError("pool_blank_id", f"pool row {number} has an empty {id_column!r}")
        if person_id in first_row:
            raise SortitionError(
                "pool_duplicate_id",
                f"id {person_id!r} appears on rows {first_row[person_id]} and {number}",
                {"id": person_id, "rows": [first_row[person_id], number]},
            )
        first_row[person_id] = number
        parts = [row.get(col, "") for col in household_columns]
        household = "\x1f".join(parts) if any(parts) else ""
        people.append(Person(person_id, household, row))
    return Pool(tuple(people), columns, id_column, tuple(household_columns), sha256)


def _int_field(row: Row, name: str, number: int) -> int:
    text = _clean(row.get(name))
    try:
        return int(text)
    except ValueError:
        raise SortitionError(
            "quota_not_integer", f"quota row {number}: {name} must be a whole number, got {text!r}"
        ) from None


def _share_field(row: Row, number: int) -> Fraction:
    text = _clean(row.get("share"))
    try:
        share = Fraction(text[:-1]) / 100 if text.endswith("%") else Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise SortitionError(
            "quota_bad_share", f"quota row {number}: share {text!r} is not a number"
        ) from None
    if not 0 <= share <= 1:
        raise SortitionError("quota_bad_share", f"quota row {number}: share {text!r} must be between 0 and 1")
    return share


def parse_quotas(header: Sequence[str], rows: Sequence[Row], seats: int) -> tuple[Quota, ...]:
    """Read ``feature,value,min,max`` (extra ``min_flex,max_flex`` ignored) or ``feature,value,share``.

    A share s becomes ``min = floor(s*seats)``, ``max = ceil(s*seats)`` (exact rational arithmetic,
    so "0.1" of 2200 is exactly 220, not 220.00000000000003).
    """
    names = {_clean(h).lower(): h for h in header}
    use_share = "share" in names and not {"min", "max"} <= names.keys()
    required = {"feature", "value"} | ({"share"} if use_share else {"min", "max"})
    missing = sorted(required - names.keys())
    if missing:
        raise SortitionError(
            "quota_missing_columns",
            f"quota file needs columns feature,value,min,max (or feature,value,share); missing {missing}",
        )
    quotas: list[Quota] = []
    seen: set[tuple[str, str]] = set()
    for number, raw in enumerate(rows, start=2):
        row = {_clean(k).lower(): _clean(v) for k, v in raw.items() if k is not None}
        feature, value = row.get("feature", ""), row.get("value", "")
        if not feature and not any(row.values()):
            continue  # blank line
        if not feature:
            raise SortitionError("quota_blank_feature", f"quota row {number} has an empty feature")
        if use_share:
            share = _share_field(row, number)
            low, high = math.floor(share * seats), math.ceil(share * seats)
        else:
            low, high = _int_field(row, "min", number), _int_field(row, "max", number)
        if low < 0 or high < 0:
            raise SortitionError(
                "quota_negative", f"quota {feature}={value}: min and max must not be negative ({low}, {high})"
            )
        if low > high:
            raise SortitionError("quota_min_exceeds_max", f"quota {feature}={value}: min {low} > max {high}")
        if (feature, value) in seen:
            raise SortitionError("quota_duplicate", f"quota {feature}={value} is listed twice")
        seen.add((feature, value))
        quotas.append(Quota(feature, value, low, high))
    if not quotas:
        raise SortitionError("quota_empty", "the quota file has no quotas")
    return tuple(quotas)


def parse_reservation(spec: str) -> Reservation:
    """Parse ``N:feature=value[,feature=value...]``; a person qualifies if ANY condition holds."""
    count_text, sep, rest = spec.partition(":")
    conditions: list[tuple[str, str]] = []
    for part in rest.split(",") if sep else []:
        feature, eq, value = part.partition("=")
        if not eq or not feature.strip():
            conditions = []
            break
        conditions.append((feature.strip(), value.strip()))
    try:
        seats = int(count_text.strip())
    except ValueError:
        seats = -1
    if seats < 0 or not conditions:
        raise SortitionError(
            "reserved_invalid", f"reserved seats must look like 220:marginalised=yes, got {spec!r}"
        )
    return Reservation(seats, tuple(conditions))


def _check_features(pool: Pool, quotas: Sequence[Quota], reservations: Sequence[Reservation]) -> None:
    columns = set(pool.columns)
    for quota in quotas:
        if quota.feature not in columns:
            raise SortitionError(
                "unknown_feature",
                f"quota feature {quota.feature!r} is not a pool column (columns: {sorted(columns)})",
                {"feature": quota.feature},
            )
    for reservation in reservations:
        for feature, _ in reservation.conditions:
            if feature not in columns:
                raise SortitionError(
                    "unknown_feature",
                    f"reserved-seat feature {feature!r} is not a pool column",
                    {"feature": feature},
                )
    covered: dict[str, set[str]] = {}
    for quota in quotas:
        covered.setdefault(quota.feature, set()).add(quota.value)
    for feature, values in covered.items():
        present = Counter(person.columns.get(feature, "") for person in pool.people)
        stray = sorted(set(present) - values)
        if stray:
            raise SortitionError(
                "value_not_in_quotas",
                f"pool values of {feature!r} without a quota row: {stray[:10]} "
                f"({sum(present[v] for v in stray)} people); add rows with min 0 to allow them",
                {"feature": feature, "values": stray},
            )


def _check_totals(quotas: Sequence[Quota], seats: int) -> None:
    by_feature: dict[str, list[Quota]] = {}
    for quota in quotas:
        by_feature.setdefault(quota.feature, []).append(quota)
    for feature, rows in by_feature.items():
        low, high = sum(q.min for q in rows), sum(q.max for q in rows)
        if low > seats:
            raise SortitionError(
                "quota_sum_min_exceeds_seats",
                f"the minimums of {feature!r} add up to {low}, more than the {seats} seats",
                {"feature": feature, "sum_min": low, "seats": seats},
            )
        if high < seats:
            raise SortitionError(
                "quota_sum_max_below_seats",
                f"the maximums of {feature!r} add up to {high}, fewer than the {seats} seats",
                {"feature": feature, "sum_max": high, "seats": seats},
            )


def build_problem(
    pool: Pool,
    quotas: Sequence[Quota],
    seats: int,
    reservations: Sequence[Reservation] = (),
) -> Problem:
    """Cross-check pool, quotas, seats and reservations; return an immutable :class:`Problem`."""
    if seats <= 0:
        raise SortitionError("seats_invalid", f"the panel size must be positive, got {seats}")
    if seats > len(pool):
        raise SortitionError("pool_too_small", f"cannot select {seats} people from a pool of {len(pool)}")
    _check_features(pool, quotas, reservations)
    _check_totals(quotas, seats)
    for reservation in reservations:
        if reservation.seats > seats:
            raise SortitionError(
                "reserved_exceeds_seats", f"{reservation.seats} reserved seats exceed the panel size {seats}"
            )
        eligible = sum(1 for person in pool.people if reservation.matches(person.columns))
        if eligible < reservation.seats:
            raise SortitionError(
                "reserved_too_few_people",
                f"only {eligible} people match {reservation.label}, fewer than the {reservation.seats} reserved seats",
                {"condition": reservation.label, "eligible": eligible},
            )
    return Problem(pool, tuple(quotas), seats, tuple(reservations))
