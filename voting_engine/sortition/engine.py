"""One entry point for a whole selection: problem + seed in, selected ids and public report out.

The CLI and the (future) admin HTTP API both call :func:`run_draw` with already-parsed inputs, so
they share validation, solving, the lottery and the report format exactly.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from voting_engine.sortition.cells import CellModel, build_cells
from voting_engine.sortition.distribution import DENOMINATOR, Distribution
from voting_engine.sortition.infeasible import explain_infeasibility
from voting_engine.sortition.lottery import expand_panel, pick_panel
from voting_engine.sortition.maximin import MaximinOptions, maximin
from voting_engine.sortition.model import Problem, SortitionError
from voting_engine.sortition.report import build_report, probability_summary
from voting_engine.sortition.solver import PanelSolver, new_highs
from voting_engine.sortition.stratified import estimate_probabilities, stratified_draw

__all__ = ["ALGORITHMS", "DrawResult", "check_feasible", "run_draw", "solver_version"]

ALGORITHMS = ("maximin", "stratified")
FloatArray = npt.NDArray[np.float64]


def solver_version() -> str:
    h = new_highs()
    return f"HiGHS {h.version()} ({h.githash()}) via highspy"


@dataclass
class DrawResult:
    """Everything a caller may want; ``report`` is the only part meant for publication."""

    selected: list[str]
    report: dict[str, Any]
    model: CellModel
    cell_probabilities: FloatArray
    distribution: Distribution | None = None
    timings: dict[str, float] = field(default_factory=dict)


def check_feasible(model: CellModel, problem: Problem) -> PanelSolver:
    """Raise the explained ``infeasible_quotas`` error unless some panel meets every constraint."""
    solver = PanelSolver(model, problem)
    if solver.optimise(np.zeros(model.n_cells)) is None:
        raise explain_infeasibility(model, problem)
    return solver


def run_draw(
    problem: Problem,
    seed: str,
    algorithm: str = "maximin",
    *,
    samples: int = 100,
    max_attempts: int = 100,
    options: MaximinOptions | None = None,
) -> DrawResult:
    """Compute the distribution, draw the panel from ``seed`` and build the report."""
    if algorithm not in ALGORITHMS:
        raise SortitionError("unknown_algorithm", f"algorithm must be one of {ALGORITHMS}, got {algorithm!r}")
    if not seed:
        raise SortitionError("seed_missing", "a public seed string is required")
    timings: dict[str, float] = {}
    start = time.perf_counter()
    model = build_cells(problem)
    check_feasible(model, problem)
    timings["setup"] = time.perf_counter() - start
    distribution: Distribution | None = None
    info: dict[str, Any] = {"name": algorithm, "cells": model.n_cells}
    if algorithm == "maximin":
        result = maximin(model, problem, options)
        distribution = result.distribution
        index = pick_panel(distribution, seed)
        counts = list(distribution.panels[index])
        cell_probs = distribution.cell_probabilities(model.sizes)
        achieved = float(cell_probs[result.coverable].min())
        info.update(
            {
                "method": result.method,
                "solver": solver_version(),
                "probability_denominator": DENOMINATOR,
                "panels": len(distribution.panels),
                "distribution_sha256": distribution.digest(),
                "drawn_panel": index,
                "upper_bound": round(result.upper_bound, 12),
                "optimality_gap": round(max(result.upper_bound - achieved, 0.0), 12),
                "rounds": result.rounds,
            }
        )
        probabilities = probability_summary(model, cell_probs, estimated=False, samples=None)
    else:
        counts = [int(v) for v in stratified_draw(model, problem, seed, max_attempts)]
        timings["draw"] = time.perf_counter() - start - timings["setup"]
        estimate = estimate_probabilities(model, problem, seed, samples, max_attempts)
        cell_probs = estimate.cell_probabilities
        info.update(
            {
                "method": "greedy-stratified",
                "estimate_samples": estimate.samples,
                "estimate_failed_attempts": estimate.failed_attempts,
            }
        )
        probabilities = probability_summary(model, cell_probs, estimated=True, samples=estimate.samples)
    timings["solve"] = time.perf_counter() - start - timings["setup"]
    selected = expand_panel(model, counts, seed)
    report = build_report(problem, selected, seed, info, probabilities)
    _assert_quotas(report)
    chosen = set(selected)
    homes = [p.household for p in problem.pool.people if p.person_id in chosen and p.household]
    if len(homes) != len(set(homes)):
        raise SortitionError("internal_error", "drawn panel has two people from one household")
    timings["total"] = time.perf_counter() - start
    return DrawResult(selected, report, model, cell_probs, distribution, timings)


def _assert_quotas(report: dict[str, Any]) -> None:
    """Defence in depth: never publish a panel that breaks a quota."""
    bad = [q for q in report["quotas"] if not q["min"] <= q["selected"] <= q["max"]]
    bad += [r for r in report["reserved"] if r["selected"] < r["seats"]]
    if bad or len(report["selected"]) != report["seats"]:
        raise SortitionError("internal_error", f"drawn panel violates constraints: {bad}")
