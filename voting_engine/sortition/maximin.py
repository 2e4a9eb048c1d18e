"""Maximin selection (Flanigan, Gölz, Gupta, Hennig, Procaccia, Nature 596, 2021, Methods).

Goal: a probability distribution over feasible panels maximising the smallest selection
probability of any pool member who can be on some feasible panel at all.  Working on cells (see
:mod:`.cells`) makes the problem size depend on the number of distinct types, not on the pool.

The primal LP (restricted to the panels found so far)::

    max z   s.t.  sum_P p_P * x_P[c] / size[c] >= z   for every coverable cell c
                  sum_P p_P = 1,  p >= 0

Its row duals ``y`` (non-negative, summing to one) price a new panel: the panel maximising
``sum_c y[c] * x[c] / size[c]`` is the most violated dual constraint.  That pricing value is also an
upper bound on the optimum, so the loop stops once bound minus current value is below tolerance.
The exact-decomposition fast path of :mod:`.decompose` is tried first and often makes the loop
unnecessary; when it stops early its panels seed the master LP.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import highspy
import numpy as np
import numpy.typing as npt

from voting_engine.sortition.cells import CellModel
from voting_engine.sortition.decompose import caratheodory_split, lp_target
from voting_engine.sortition.distribution import Distribution, canonical_distribution
from voting_engine.sortition.model import Problem, SortitionError
from voting_engine.sortition.solver import INF, PanelSolver, new_highs, solve

__all__ = ["MaximinOptions", "MaximinResult", "coverable_cells", "maximin"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class MaximinOptions:
    """Tuning knobs; all deterministic (no wall-clock limits, which would break reproducibility)."""

    # stop when bound - value <= tolerance * value; None = 1e-6 up to 400 cells, else 1e-3 (the
    # master LP is very degenerate and its last digits are expensive on thousands of cells)
    tolerance: float | None = None
    max_rounds: int = 2000
    columns_per_round: int = 0  # 0 = automatic
    use_decomposition: bool = True


@dataclass
class MaximinResult:
    distribution: Distribution
    coverable: BoolArray
    upper_bound: float
    method: str
    rounds: int = 0
    stats: dict[str, int] = field(default_factory=dict)


def coverable_cells(
    solver: PanelSolver, known: list[IntArray] | None = None
) -> tuple[BoolArray, list[IntArray]]:
    """Which cells appear in at least one feasible panel, plus the panels that prove it.

    ``known`` feasible panels already prove some cells; the rest are covered greedily by MIPs that
    maximise the number of not-yet-covered cells, and any cell still left is checked on its own.
    """
    covered = np.zeros(solver.n, dtype=np.bool_)
    for x in known or []:
        covered |= x > 0
    panels: list[IntArray] = []
    while not covered.all():
        cover = solver.cover(~covered)
        if cover is None:
            raise SortitionError("solver_failed", "HiGHS found no feasible panel although one exists")
        if not ((cover > 0) & ~covered).any():
            break
        covered |= cover > 0
        panels.append(cover)
    for cell in np.flatnonzero(~covered):
        weights = np.zeros(solver.n)
        weights[cell] = 1.0
        result = solver.optimise(weights)
        if result is not None and result.x[cell] > 0:  # pragma: no cover - cover() is exact
            covered |= result.x > 0
            panels.append(result.x)
    return covered, panels


class _Master:
    """The restricted primal LP; columns (panels) are appended and the basis is reused."""

    def __init__(self, sizes: IntArray, coverable: BoolArray) -> None:
        self.rows = np.flatnonzero(coverable)
        self.row_of = np.full(len(sizes), -1, dtype=np.int64)
        self.row_of[self.rows] = np.arange(len(self.rows))
        self.sizes = sizes.astype(np.float64)
        m = len(self.rows)
        self.h = new_highs()
        empty_i, empty_f = np.zeros(0, dtype=np.int32), np.zeros(0)
        self.h.addRows(m, np.zeros(m), np.full(m, INF), 0, empty_i, empty_i, empty_f)
        self.h.addRow(1.0, 1.0, 0, empty_i, empty_f)
        self.h.addCol(1.0, -INF, INF, m, np.arange(m, dtype=np.int32), -np.ones(m))
        self.h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        self.panels: list[IntArray] = []
        self.seen: set[bytes] = set()

    def add(self, x: IntArray) -> bool:
        key = x.tobytes()
        if key in self.seen:
            return False
        self.seen.add(key)
        self.panels.append(x)
        cells = np.flatnonzero((x > 0) & (self.row_of >= 0))
        index = np.concatenate([self.row_of[cells], [len(self.rows)]]).astype(np.int32)
        value = np.concatenate([x[cells] / self.sizes[cells], [1.0]])
        self.h.addCol(0.0, 0.0, INF, len(index), index, value)
        return True

    def solve(self) -> tuple[float, FloatArray]:
        if not solve(self.h):
            raise SortitionError("solver_failed", "the maximin master LP did not solve to optimality")
        solution = self.h.getSolution()
        z = float(solution.col_value[0])
        duals = np.abs(np.asarray(solution.row_dual[: len(self.rows)], dtype=np.float64))
        y = np.zeros(len(self.sizes))
        y[self.rows] = duals / duals.sum() if duals.sum() > 0 else 1.0 / len(self.rows)
        return z, y

    def probabilities(self) -> list[float]:
        values = np.asarray(self.h.getSolution().col_value[1:], dtype=np.float64)
        return [max(v, 0.0) for v in values]


def _min_probability(dist: Distribution, sizes: IntArray, coverable: BoolArray) -> float:
    return float(dist.cell_probabilities(sizes)[coverable].min())


def _try_decomposition(
    solver: PanelSolver, coverable: BoolArray, seats: int
) -> tuple[Distribution | None, float, list[IntArray]]:
    """Fast path; returns (distribution if complete, LP upper bound, feasible panels found)."""
    found = lp_target(solver, coverable, seats)
    if found is None:
        return None, INF, []
    z_lp, expected = found
    if z_lp <= 0:
        return None, z_lp, []
    panels, probabilities, complete = caratheodory_split(solver, expected)
    if complete:
        return canonical_distribution(panels, probabilities), z_lp, panels
    return None, z_lp, panels


def maximin(model: CellModel, problem: Problem, options: MaximinOptions | None = None) -> MaximinResult:
    """Compute the maximin distribution over panels (deterministically)."""
    opts = options or MaximinOptions()
    solver = PanelSolver(model, problem)
    upper = INF
    seeds: list[IntArray] = []
    everyone = np.ones(solver.n, dtype=np.bool_)
    if opts.use_decomposition:
        # optimistic: if every cell gets a positive target and the split succeeds, every cell is
        # on some panel of the support, which proves coverability without per-cell checks
        dist, upper, seeds = _try_decomposition(solver, everyone, problem.seats)
        if dist is not None:
            return _done(dist, everyone, upper, "lp-bound+caratheodory", 0, solver)
    coverable, cover_panels = coverable_cells(solver, seeds)
    if opts.use_decomposition and not coverable.all():
        dist, upper, more = _try_decomposition(solver, coverable, problem.seats)
        seeds += more
        if dist is not None:
            return _done(dist, coverable, upper, "lp-bound+caratheodory", 0, solver)
    master = _Master(model.sizes, coverable)
    for x in cover_panels + seeds:
        master.add(x)
    tolerance = opts.tolerance if opts.tolerance is not None else (1e-6 if solver.n <= 400 else 1e-3)
    per_round = opts.columns_per_round or int(min(20, 2 + solver.n // 100))
    sizes = model.sizes.astype(np.float64)
    rounds = 0
    while True:
        rounds += 1
        z, y = master.solve()
        weights = y / sizes
        priced = solver.optimise(weights, exact=False)
        if priced is not None:
            upper = min(upper, priced.bound)  # LP relaxation bound: valid, maybe loose
        if upper - z > tolerance * max(z, 1e-6) and (priced is None or priced.value <= z):
            priced = solver.optimise(weights)  # fractional or not improving: settle it with the MIP
            if priced is None:
                raise SortitionError("solver_failed", "pricing found no feasible panel")
            upper = min(upper, priced.bound)
        if upper - z <= tolerance * max(z, 1e-6) or rounds >= opts.max_rounds or priced is None:
            break
        true_weights = weights
        x, value = priced.x, priced.value
        for _ in range(per_round):
            if value > z + 1e-12:
                master.add(x)
            # more panels without re-solving the master: damp the weights of the cells this panel
            # already serves, so the next pricing favours the others
            weights = np.where(x > 0, weights * 0.5, weights)
            following = solver.optimise(weights, exact=False)
            if following is None:
                break
            x, value = following.x, float(true_weights @ following.x)
    dist = canonical_distribution(master.panels, master.probabilities())
    stats = {
        "lp_solves": solver.lp_solves,
        "mip_solves": solver.mip_solves,
        "columns": len(master.panels),
        "panels": len(dist.panels),
    }
    return MaximinResult(dist, coverable, upper, "column-generation", rounds, stats)


def _done(
    dist: Distribution, coverable: BoolArray, upper: float, method: str, rounds: int, solver: PanelSolver
) -> MaximinResult:
    stats = {"lp_solves": solver.lp_solves, "mip_solves": solver.mip_solves, "panels": len(dist.panels)}
    return MaximinResult(dist, coverable, upper, method, rounds, stats)


def achieved_minimum(result: MaximinResult, sizes: IntArray) -> float:
    """Smallest probability among coverable cells under the rounded distribution."""
    return _min_probability(result.distribution, sizes, result.coverable)
