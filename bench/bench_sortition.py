"""Benchmark: maximin vs the plain stratified baseline on synthetic Korea-shaped pools.

Pools have 17 provinces/metropolitan cities (population-weighted), 2 genders, 6 age bands,
5 occupation groups and a "marginalised" flag correlated with age and occupation.  Quotas are
proportional to the pool with +-5 % slack; 10 % of the seats are reserved for marginalised=yes.

    python bench/bench_sortition.py            # pools of 10,000 and 100,000, panel 2,200
    python bench/bench_sortition.py --quick    # pool 2,000, panel 200 (smoke test)
    python bench/bench_sortition.py --json     # one JSON object instead of the table
"""

from __future__ import annotations

import argparse
import json
import math
import time
from typing import Any

import numpy as np

from voting_engine.sortition.engine import run_draw
from voting_engine.sortition.inputs import build_problem, parse_pool
from voting_engine.sortition.model import Problem, Quota, Reservation

REGIONS = [
    ("Seoul", 18.3),
    ("Busan", 6.4),
    ("Daegu", 4.6),
    ("Incheon", 5.7),
    ("Gwangju", 2.8),
    ("Daejeon", 2.8),
    ("Ulsan", 2.2),
    ("Sejong", 0.8),
    ("Gyeonggi", 26.6),
    ("Gangwon", 3.0),
    ("Chungbuk", 3.1),
    ("Chungnam", 4.1),
    ("Jeonbuk", 3.4),
    ("Jeonnam", 3.4),
    ("Gyeongbuk", 5.0),
    ("Gyeongnam", 6.3),
    ("Jeju", 1.3),
]
AGES = [("18-29", 17), ("30-39", 16), ("40-49", 18), ("50-59", 19), ("60-69", 16), ("70+", 14)]
OCCUPATIONS = [("office", 40), ("service", 20), ("farming-fishing", 10), ("self-employed", 15), ("other", 15)]
FEATURES = ("region", "gender", "age_band", "occupation")


def _choice(rng: np.random.Generator, table: list[tuple[str, float]], n: int) -> np.ndarray[Any, Any]:
    weights = np.asarray([w for _, w in table], dtype=np.float64)
    return rng.choice(len(table), size=n, p=weights / weights.sum())


def _tilt(table: list[tuple[str, float]], factors: list[float]) -> list[tuple[str, float]]:
    return [(name, weight * factor) for (name, weight), factor in zip(table, factors, strict=True)]


# self-selection as seen in real recruitment: older, office-working, metropolitan volunteers reply more
SKEW = {
    "region": [1.4, 1.1, 1.0, 1.0, 1.0, 1.0, 1.0, 1.2, 1.1, 0.7, 0.8, 0.8, 0.7, 0.6, 0.8, 0.9, 0.6],
    "age": [0.6, 0.8, 1.0, 1.2, 1.4, 1.0],
    "occupation": [1.5, 0.8, 0.5, 1.0, 0.7],
}


def synthetic_pool(size: int, seed: int = 7, skewed: bool = False) -> tuple[list[str], list[dict[str, str]]]:
    """Pool rows with pseudonymous ids and the Korea-shaped feature columns."""
    rng = np.random.default_rng(seed)
    regions = _tilt(REGIONS, SKEW["region"]) if skewed else REGIONS
    ages = _tilt(AGES, SKEW["age"]) if skewed else AGES
    occupations = _tilt(OCCUPATIONS, SKEW["occupation"]) if skewed else OCCUPATIONS
    region, age, occupation = (
        _choice(rng, regions, size),
        _choice(rng, ages, size),
        _choice(rng, occupations, size),
    )
    gender = rng.integers(0, 2, size)
    marginalised = rng.random(size) < 0.10 + 0.04 * (age == 5) + 0.05 * (occupation == 4)
    rows = [
        {
            "person_id": f"P{i:06d}",
            "region": REGIONS[region[i]][0],
            "gender": ("female", "male")[gender[i]],
            "age_band": AGES[age[i]][0],
            "occupation": OCCUPATIONS[occupation[i]][0],
            "marginalised": "yes" if marginalised[i] else "no",
        }
        for i in range(size)
    ]
    return ["person_id", "region", "gender", "age_band", "occupation", "marginalised"], rows


def proportional_quotas(rows: list[dict[str, str]], seats: int, slack: float = 0.05) -> list[Quota]:
    quotas: list[Quota] = []
    for feature in FEATURES:
        counts: dict[str, int] = {}
        for row in rows:
            counts[row[feature]] = counts.get(row[feature], 0) + 1
        for value in sorted(counts):
            expected = seats * counts[value] / len(rows)
            quotas.append(
                Quota(feature, value, math.floor(expected * (1 - slack)), math.ceil(expected * (1 + slack)))
            )
    return quotas


def population_quotas(seats: int, slack: float = 0.05) -> list[Quota]:
    """Quotas from the population shares (not the pool's), as a census-based target would be."""
    quotas: list[Quota] = []
    tables = {
        "region": REGIONS,
        "gender": [("female", 1.0), ("male", 1.0)],
        "age_band": AGES,
        "occupation": OCCUPATIONS,
    }
    for feature, table in tables.items():
        total = sum(w for _, w in table)
        for value, weight in table:
            expected = seats * weight / total
            quotas.append(
                Quota(feature, value, math.floor(expected * (1 - slack)), math.ceil(expected * (1 + slack)))
            )
    return quotas


def make_problem(pool_size: int, seats: int, skewed: bool = False) -> Problem:
    header, rows = synthetic_pool(pool_size, skewed=skewed)
    pool = parse_pool(header, rows, "person_id")
    reserved = Reservation(seats // 10, (("marginalised", "yes"),))
    quotas = population_quotas(seats) if skewed else proportional_quotas(rows, seats)
    return build_problem(pool, quotas, seats, [reserved])


def run_case(pool_size: int, seats: int, samples: int, skewed: bool = False) -> list[dict[str, Any]]:
    problem = make_problem(pool_size, seats, skewed)
    out: list[dict[str, Any]] = []
    for algorithm in ("maximin", "stratified"):
        start = time.perf_counter()
        result = run_draw(problem, "bench-seed", algorithm, samples=samples)
        elapsed = time.perf_counter() - start
        probs = result.report["probabilities"]
        out.append(
            {
                "pool": pool_size,
                "scenario": "skewed" if skewed else "proportional",
                "seats": seats,
                "algorithm": algorithm,
                "seconds": round(elapsed, 2),
                "cells": result.model.n_cells,
                "min": probs["min"],
                "max": probs["max"],
                "gini": probs["gini"],
                "estimated": probs["estimated"],
                "method": result.report["algorithm"].get("method"),
            }
        )
    out[0]["min_ratio_vs_baseline"] = round(out[0]["min"] / out[1]["min"], 3) if out[1]["min"] > 0 else None
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="pool 2,000, panel 200")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--skewed",
        action="store_true",
        help="also run a self-selected pool (older, office, metropolitan) against population quotas",
    )
    parser.add_argument(
        "--samples", type=int, default=200, help="greedy repetitions for the baseline estimate"
    )
    args = parser.parse_args()
    cases = [(2_000, 200, False)] if args.quick else [(10_000, 2_200, False), (100_000, 2_200, False)]
    if args.skewed:
        cases += [(2_000, 200, True)] if args.quick else [(100_000, 2_200, True)]
    rows = [row for pool, seats, skew in cases for row in run_case(pool, seats, args.samples, skew)]
    if args.json:
        print(json.dumps({"samples": args.samples, "results": rows}, indent=2))
        return
    header = (
        f"{'pool':>8} {'scenario':<12} {'seats':>6} {'algorithm':<11} {'time s':>7} "
        f"{'min p':>9} {'max p':>9} {'gini':>7} {'min/base':>9}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        ratio = row.get("min_ratio_vs_baseline")
        mark = "*" if row["estimated"] else " "
        print(
            f"{row['pool']:>8} {row['scenario']:<12} {row['seats']:>6} {row['algorithm']:<11} {row['seconds']:>7.2f} "
            f"{row['min']:>8.5f}{mark} {row['max']:>8.5f}{mark} {row['gini']:>7.4f} "
            f"{'' if ratio is None else format(ratio, '.3f'):>9}"
        )
    print(f"* estimated from {args.samples} repeated greedy draws (Rao-Blackwellised, see docs/sortition.md)")


if __name__ == "__main__":
    main()
