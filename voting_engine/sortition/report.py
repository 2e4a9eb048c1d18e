"""The published JSON report and the comparison used by ``verify``.

The report is public, so it carries only aggregate or pseudonymous data: the pool file's SHA-256,
the quota table with achieved counts, seats, reservations, the seed, the algorithm, probability
statistics with per-person probabilities keyed by pseudonymous id, and the sorted selected ids.
No other pool column is ever copied into it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from voting_engine.sortition.cells import CellModel
from voting_engine.sortition.distribution import gini
from voting_engine.sortition.model import Problem

__all__ = ["REPORT_FORMAT", "build_report", "compare_reports", "probability_summary", "quota_table"]

REPORT_FORMAT = "pb-sortition-report/1"
FloatArray = npt.NDArray[np.float64]


def quota_table(
    problem: Problem, selected: Sequence[str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Achieved counts of every quota and reservation for the selected ids."""
    chosen = set(selected)
    rows = [p.columns for p in problem.pool.people if p.person_id in chosen]
    quotas = [
        {
            "feature": q.feature,
            "value": q.value,
            "min": q.min,
            "max": q.max,
            "selected": sum(1 for r in rows if r.get(q.feature) == q.value),
        }
        for q in problem.quotas
    ]
    reserved = [
        {"condition": r.label, "seats": r.seats, "selected": sum(1 for row in rows if r.matches(row))}
        for r in problem.reservations
    ]
    return quotas, reserved


def probability_summary(
    model: CellModel, cell_probabilities: FloatArray, *, estimated: bool, samples: int | None
) -> dict[str, Any]:
    """Min, max and Gini over all pool members, plus each member's probability."""
    sizes = model.sizes
    by_person = {
        pid: round(float(cell_probabilities[cell]), 12) for pid, cell in sorted(model.person_cell.items())
    }
    return {
        "estimated": estimated,
        "samples": samples,
        "min": round(float(cell_probabilities.min()), 12),
        "max": round(float(cell_probabilities.max()), 12),
        "gini": round(gini(cell_probabilities, sizes), 12),
        "never_selectable": int(sizes[cell_probabilities <= 0].sum()),
        "by_person": by_person,
    }


def build_report(
    problem: Problem,
    selected: Sequence[str],
    seed: str,
    algorithm: dict[str, Any],
    probabilities: dict[str, Any],
) -> dict[str, Any]:
    """Assemble the public report (a JSON-serialisable dict)."""
    quotas, reserved = quota_table(problem, selected)
    pool = problem.pool
    return {
        "format": REPORT_FORMAT,
        "pool_sha256": pool.sha256,
        "pool_size": len(pool),
        "id_column": pool.id_column,
        "household_columns": list(pool.household_columns),
        "seats": problem.seats,
        "reserved": reserved,
        "seed": seed,
        "algorithm": algorithm,
        "quotas": quotas,
        "probabilities": probabilities,
        "selected": sorted(selected),
    }


def compare_reports(published: dict[str, Any], recomputed: dict[str, Any]) -> list[str]:
    """Human-readable differences in the fields that ``verify`` must reproduce (empty = identical)."""
    problems: list[str] = []
    for key in ("pool_sha256", "seats", "seed", "reserved", "quotas"):
        if published.get(key) != recomputed.get(key):
            problems.append(
                f"{key} differs: report has {published.get(key)!r}, recomputed {recomputed.get(key)!r}"
            )
    name_a = (published.get("algorithm") or {}).get("name")
    name_b = (recomputed.get("algorithm") or {}).get("name")
    if name_a != name_b:
        problems.append(f"algorithm differs: report has {name_a!r}, recomputed {name_b!r}")
    ids_a, ids_b = list(published.get("selected") or []), list(recomputed.get("selected") or [])
    if ids_a != ids_b:
        only_a = sorted(set(ids_a) - set(ids_b))
        only_b = sorted(set(ids_b) - set(ids_a))
        problems.append(
            f"selected ids differ: {len(only_a)} only in the report {only_a[:5]}, "
            f"{len(only_b)} only in the recomputation {only_b[:5]}"
            + ("" if ids_a == sorted(ids_a) else " (report list is not sorted)")
        )
        algo_a = published.get("algorithm") or {}
        algo_b = recomputed.get("algorithm") or {}
        digest_a, digest_b = algo_a.get("distribution_sha256"), algo_b.get("distribution_sha256")
        if digest_a and digest_b and digest_a != digest_b:
            problems.append(
                f"the panel distribution itself differs (solver {algo_a.get('solver')} vs {algo_b.get('solver')})"
            )
    return problems
