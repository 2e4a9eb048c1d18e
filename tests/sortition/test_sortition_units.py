"""Unit checks: lottery stream, expansion, rounding, type aggregation vs brute force, parsing, roll."""

from __future__ import annotations

import hashlib
import itertools
import struct
from collections import Counter

import highspy
import numpy as np
import pytest

from voting_engine.sortition import Quota, committee_roll, parse_quotas, parse_reservation, roll_csv, run_draw
from voting_engine.sortition.cells import build_cells
from voting_engine.sortition.distribution import DENOMINATOR, canonical_distribution, gini
from voting_engine.sortition.lottery import SeedStream, expand_panel
from voting_engine.sortition.solver import new_highs, solve

from .helpers import small_problem


def test_stream_follows_the_documented_formula() -> None:
    seed = "2026 위원회 추첨"
    stream = SeedStream(seed, "panel")
    raw = seed.encode()
    prefix = b"pb-sortition/v1\x00panel\x00" + struct.pack(">I", len(raw)) + raw
    expected = int.from_bytes(hashlib.sha256(prefix + struct.pack(">Q", 0)).digest(), "big") % 1000
    assert stream.randbelow(1000) == expected
    assert stream.counter == 1
    assert stream.randbelow(1) == 0 and stream.counter == 1


def test_canonical_distribution_rounds_exactly() -> None:
    panels = [np.array([1, 0, 1]), np.array([0, 1, 1]), np.array([1, 0, 1])]
    dist = canonical_distribution(panels, [1 / 3, 1 / 3, 1 / 3])
    assert dist.panels == ((0, 1, 1), (1, 0, 1))
    assert sum(dist.weights) == DENOMINATOR
    assert dist.weights == (333333333, 666666667)
    assert gini(np.array([0.5, 0.5]), np.array([3, 1])) == 0.0
    assert gini(np.array([0.0, 1.0])) == pytest.approx(0.5)


def _rows(n: int, homes: bool) -> list[dict[str, str]]:
    rng = np.random.default_rng(n)
    return [
        {
            "id": f"x{i}",
            "g": "f" if rng.random() < 0.5 else "m",
            "a": ["y", "o"][int(rng.integers(2))],
            "home": f"h{i // 2}" if homes and i < 6 else "",
        }
        for i in range(n)
    ]


def _quotas() -> list[Quota]:
    return [Quota("g", "f", 1, 3), Quota("g", "m", 1, 3), Quota("a", "y", 1, 2), Quota("a", "o", 1, 3)]


def _brute_force_maximin(rows: list[dict[str, str]], seats: int) -> float:
    """Maximin over explicitly enumerated individual panels (no type aggregation)."""
    people = range(len(rows))
    panels = []
    for combo in itertools.combinations(people, seats):
        members = [rows[i] for i in combo]
        homes = [m["home"] for m in members if m["home"]]
        if len(homes) != len(set(homes)):
            continue
        if all(q.min <= sum(m[q.feature] == q.value for m in members) <= q.max for q in _quotas()):
            panels.append(set(combo))
    coverable = [i for i in people if any(i in p for p in panels)]
    h = new_highs()
    h.addVars(len(panels) + 1, np.zeros(len(panels) + 1), np.ones(len(panels) + 1))
    z = len(panels)
    h.addRow(1.0, 1.0, len(panels), np.arange(len(panels), dtype=np.int32), np.ones(len(panels)))
    for i in coverable:
        cols = [j for j, p in enumerate(panels) if i in p] + [z]
        vals = [1.0] * (len(cols) - 1) + [-1.0]
        h.addRow(0.0, highspy.kHighsInf, len(cols), np.asarray(cols, dtype=np.int32), np.asarray(vals))
    h.changeColCost(z, 1.0)
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    assert solve(h)
    return float(h.getInfo().objective_function_value)


@pytest.mark.parametrize(("n", "homes"), [(9, False), (10, True), (11, True)])
def test_type_aggregation_matches_individual_brute_force(n: int, homes: bool) -> None:
    rows = _rows(n, homes)
    problem = small_problem(rows, _quotas(), 4, households=["home"] if homes else [])
    report = run_draw(problem, "brute").report
    probabilities = report["probabilities"]["by_person"]
    coverable = [p for p in probabilities.values() if p > 0]
    assert min(coverable) == pytest.approx(_brute_force_maximin(rows, 4), abs=1e-6)


def test_expansion_is_uniform_within_a_household_group() -> None:
    rows = [{"id": f"q{i}", "g": "f" if i % 2 == 0 else "m", "home": f"h{i // 2}"} for i in range(8)]
    problem = small_problem(rows, [Quota("g", "f", 0, 2), Quota("g", "m", 0, 2)], 2, households=["home"])
    model = build_cells(problem)
    assert len(model.groups) == 1 and len(model.groups[0].households) == 4
    counts = [1, 1]  # one woman and one man, necessarily from different households
    seen: Counter[str] = Counter()
    for k in range(1200):
        chosen = expand_panel(model, counts, f"seed{k}")
        assert len({model.person_cell[c] for c in chosen}) == 2
        assert len({c[1:] and int(c[1:]) // 2 for c in chosen}) == 2
        seen.update(chosen)
    assert set(seen) == {r["id"] for r in rows}
    assert max(seen.values()) - min(seen.values()) < 120  # each expected 300


def test_share_quotas_and_flex_columns() -> None:
    header = ["feature", "value", "share"]
    quotas = parse_quotas(header, [{"feature": "g", "value": "f", "share": "0.505"}, {
        "feature": "g", "value": "m", "share": "49.5%"}], 2200)
    assert quotas == (Quota("g", "f", 1111, 1111), Quota("g", "m", 1089, 1089))
    quotas = parse_quotas(["feature", "value", "min", "max", "min_flex", "max_flex"], [
        {"feature": "g", "value": "f", "min": "1", "max": "2", "min_flex": "0", "max_flex": "9"}], 3)
    assert quotas == (Quota("g", "f", 1, 2),)
    reservation = parse_reservation("220:marginalised=yes,disabled=yes")
    assert reservation.seats == 220
    assert reservation.matches({"disabled": "yes"}) and not reservation.matches({"marginalised": "no"})


def test_committee_roll_uses_mapping_and_blanks() -> None:
    rows = [{"id": "a", "sex": "f", "region": "Seoul"}, {"id": "b", "sex": "m", "region": "Busan"}]
    problem = small_problem(rows, [Quota("sex", "f", 0, 1), Quota("sex", "m", 0, 1)], 1)
    roll = committee_roll(problem.pool, ["b"], {"gender": "sex"})
    assert roll == [{"person_id": "b", "group": "committee", "region": "Busan", "age_band": "", "gender": "m"}]
    assert roll_csv(roll).splitlines() == ["person_id,group,region,age_band,gender", "b,committee,Busan,,m"]
