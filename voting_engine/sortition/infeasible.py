"""Explain infeasible quotas: which ones conflict and the smallest relaxation that fixes them.

A MIP over cell counts keeps the panel size and the one-per-household rule hard, and gives every
quota bound and reserved-seat floor an integer slack variable::

    min  sum(lower_slack) + sum(upper_slack) + sum(reserved_slack)
    s.t. quota.min - lower_slack <= count <= quota.max + upper_slack
         count(reserved) >= seats - reserved_slack

The quotas with non-zero slack are the conflicting ones, and ``min - lower_slack`` /
``max + upper_slack`` is a relaxation with the fewest total seats of change that admits a panel
(the MIP solution itself is a witness panel).
"""

from __future__ import annotations

from typing import Any

import highspy
import numpy as np

from voting_engine.sortition.cells import CellModel
from voting_engine.sortition.model import Problem, Quota, Reservation, SortitionError
from voting_engine.sortition.solver import INF, add_rows, constraint_rows, new_highs, solve

__all__ = ["apply_relaxation", "explain_infeasibility"]


def explain_infeasibility(model: CellModel, problem: Problem) -> SortitionError:
    """Build the ``infeasible_quotas`` error (or ``pool_too_small`` if no relaxation can help)."""
    n = model.n_cells
    h = new_highs()
    h.setOptionValue("mip_rel_gap", 0.0)
    h.addVars(n, np.zeros(n), model.sizes.astype(np.float64))
    hard = [row for row in constraint_rows(model, problem) if row.kind in ("total", "household")]
    add_rows(h, hard)
    slack_cols: list[tuple[str, int, int]] = []  # (kind, index, column); kind lower/upper/reserved
    for i, (quota, cells) in enumerate(zip(problem.quotas, model.quota_cells, strict=True)):
        idx = cells.astype(np.int32)
        lower, upper = h.getNumCol(), h.getNumCol() + 1
        h.addVars(2, np.zeros(2), np.asarray([float(quota.min), INF]))
        h.addRow(quota.min, INF, len(idx) + 1, np.append(idx, lower), np.ones(len(idx) + 1))
        h.addRow(-INF, quota.max, len(idx) + 1, np.append(idx, upper), np.append(np.ones(len(idx)), -1.0))
        slack_cols += [("lower", i, lower), ("upper", i, upper)]
    for i, (reservation, cells) in enumerate(zip(problem.reservations, model.reserved_cells, strict=True)):
        idx = cells.astype(np.int32)
        column = h.getNumCol()
        h.addVar(0.0, float(reservation.seats))
        h.addRow(reservation.seats, INF, len(idx) + 1, np.append(idx, column), np.ones(len(idx) + 1))
        slack_cols.append(("reserved", i, column))
    total = h.getNumCol()
    h.changeColsIntegrality(
        total, np.arange(total, dtype=np.int32), np.full(total, highspy.HighsVarType.kInteger, dtype=np.uint8)
    )
    columns = np.asarray([col for _, _, col in slack_cols], dtype=np.int32)
    h.changeColsCost(len(columns), columns, np.ones(len(columns)))
    h.changeObjectiveSense(highspy.ObjSense.kMinimize)
    if not solve(h):
        households = sum(len(g.households) for g in model.groups)
        return SortitionError(
            "pool_too_small",
            f"no panel of {problem.seats} exists even with relaxed quotas: the pool has only "
            f"{households} households (at most one person per household can be selected)",
            {"households": households, "seats": problem.seats},
        )
    values = h.getSolution().col_value
    quota_changes: dict[int, dict[str, Any]] = {}
    reserved_changes: list[dict[str, Any]] = []
    for kind, index, column in slack_cols:
        amount = round(values[column])
        if amount <= 0:
            continue
        if kind == "reserved":
            reservation = problem.reservations[index]
            reserved_changes.append(
                {
                    "condition": reservation.label,
                    "seats": reservation.seats,
                    "new_seats": reservation.seats - amount,
                }
            )
            continue
        quota = problem.quotas[index]
        entry = quota_changes.setdefault(
            index,
            {
                "feature": quota.feature,
                "value": quota.value,
                "min": quota.min,
                "max": quota.max,
                "new_min": quota.min,
                "new_max": quota.max,
            },
        )
        entry["new_min" if kind == "lower" else "new_max"] = (
            quota.min - amount if kind == "lower" else quota.max + amount
        )
    conflicts = [quota_changes[i] for i in sorted(quota_changes)]
    parts = [
        f"{c['feature']}={c['value']} [{c['min']},{c['max']}] -> [{c['new_min']},{c['new_max']}]"
        for c in conflicts
    ]
    parts += [f"reserved {r['condition']} {r['seats']} -> {r['new_seats']}" for r in reserved_changes]
    total_change = sum(round(values[col]) for _, _, col in slack_cols)
    return SortitionError(
        "infeasible_quotas",
        "no panel meets all quotas; conflicting quotas and the smallest relaxation "
        f"({total_change} seat(s) in total): " + "; ".join(parts),
        {"conflicts": conflicts, "reserved": reserved_changes, "total_relaxation": total_change},
    )


def apply_relaxation(
    quotas: tuple[Quota, ...], reservations: tuple[Reservation, ...], details: dict[str, Any]
) -> tuple[tuple[Quota, ...], tuple[Reservation, ...]]:
    """Quotas and reservations with the suggested relaxation applied (for re-running)."""
    new_bounds = {
        (c["feature"], c["value"]): (c["new_min"], c["new_max"]) for c in details.get("conflicts", [])
    }
    relaxed = tuple(
        Quota(q.feature, q.value, *new_bounds.get((q.feature, q.value), (q.min, q.max))) for q in quotas
    )
    new_seats = {r["condition"]: r["new_seats"] for r in details.get("reserved", [])}
    reserved = tuple(Reservation(new_seats.get(r.label, r.seats), r.conditions) for r in reservations)
    return relaxed, reserved
