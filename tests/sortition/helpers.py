"""Shared helpers for the sortition tests: the shared fixture and tiny in-memory pools."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from voting_engine.sortition import Problem, Quota, Reservation, build_problem, parse_pool
from voting_engine.sortition.loader import load_pool, load_quotas

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "sortition"
CANDIDATES = DATA / "candidates.csv"
FEATURES = DATA / "features.csv"
ID_COLUMN = "nationbuilder_id"
ADDRESS_COLUMNS = ("primary_address1", "primary_zip")
FIXTURE_SEATS = 22


def fixture_problem(households: Sequence[str] = ()) -> Problem:
    pool = load_pool(CANDIDATES, ID_COLUMN, households)
    quotas = load_quotas(FEATURES, FIXTURE_SEATS)
    return build_problem(pool, quotas, FIXTURE_SEATS)


def small_problem(
    rows: list[dict[str, str]],
    quotas: list[Quota],
    seats: int,
    reservations: Sequence[Reservation] = (),
    households: Sequence[str] = (),
) -> Problem:
    header = list(rows[0].keys())
    return build_problem(parse_pool(header, rows, "id", households), quotas, seats, reservations)


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def quotas_met(problem: Problem, selected: Sequence[str]) -> bool:
    chosen = {p.person_id: p for p in problem.pool.people if p.person_id in set(selected)}
    if len(chosen) != problem.seats or len(set(selected)) != len(selected):
        return False
    for quota in problem.quotas:
        count = sum(1 for p in chosen.values() if p.columns.get(quota.feature) == quota.value)
        if not quota.min <= count <= quota.max:
            return False
    for reservation in problem.reservations:
        if sum(1 for p in chosen.values() if reservation.matches(p.columns)) < reservation.seats:
            return False
    households = [p.household for p in chosen.values() if p.household]
    return len(households) == len(set(households))
