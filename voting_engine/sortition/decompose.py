"""Fast path for maximin: an LP upper bound, a target, and an exact Carathéodory decomposition.

1. The LP relaxation of maximin (fractional counts) bounds the best achievable minimum
   probability from above by ``z_lp``.  Among its optimal solutions we take the one closest (L1) to
   proportional selection, slightly inside the quota bounds where there is room: the target
   ``e`` (expected seats per cell).
2. ``e`` is split into feasible integer panels by ray shooting inside the polytope
   ``Q = {panel constraints} ∩ {floor(e) <= x <= ceil(e)}``: find an integer point ``v`` of the
   smallest face of ``Q`` containing the current point ``p`` (an LP vertex, or a MIP if that vertex
   is fractional), walk from ``v`` through ``p`` until a new constraint becomes tight at ``p'``; then
   ``p = (1 - 1/λ) v + (1/λ) p'``.  Each step fixes at least one more constraint, so it ends after at
   most (cells + rows) steps with an exact convex combination of feasible panels.
3. Every cell then has probability ``e[c] / size[c] >= z_lp``: the distribution is maximin-optimal
   (its minimum meets the upper bound) without column generation.  If some face has no integer
   point, the panels found so far seed the column generation in :mod:`.maximin` instead.
"""

from __future__ import annotations

import highspy
import numpy as np
import numpy.typing as npt

from voting_engine.sortition.solver import INF, PanelSolver, RowSums, add_rows, build_model, new_highs, solve

__all__ = ["caratheodory_split", "lp_target"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
TOL = 1e-9
Bounds = tuple[FloatArray, FloatArray, FloatArray, FloatArray]


def _target_model(solver: PanelSolver, coverable: BoolArray, margin: float) -> highspy.Highs:
    n = solver.n
    h = new_highs()
    upper = np.where(coverable, solver.sizes, 0).astype(np.float64)
    h.addVars(n, np.zeros(n), upper)
    h.addVar(0.0, 1.0)  # z, column n
    shrunk = []
    for row in solver.rows:
        room = margin if row.high >= INF else min(margin, (row.high - row.low) / 4)
        shrunk.append(type(row)(row.kind, row.index, row.cells, row.low + room, row.high - room))
    add_rows(h, shrunk)
    for c in np.flatnonzero(coverable):
        h.addRow(0.0, INF, 2, np.asarray([c, n], dtype=np.int32), np.asarray([1.0, -float(solver.sizes[c])]))
    return h


def lp_target(solver: PanelSolver, coverable: BoolArray, seats: int) -> tuple[float, FloatArray] | None:
    """Return (upper bound on the maximin value, target expected counts), or None if the LP fails."""
    n = solver.n
    h = _target_model(solver, coverable, 0.0)
    h.changeColCost(n, 1.0)
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    if not solve(h):
        return None
    z_lp = float(h.getSolution().col_value[n])
    cov_sizes = np.where(coverable, solver.sizes, 0).astype(np.float64)
    proportional = seats * cov_sizes / cov_sizes.sum()
    cells = np.flatnonzero(coverable)
    for margin in (1e-4, 0.0):
        # phase 2: keep z (up to 1e-7 relative), stay a little inside the quota bounds if there is
        # room, and get as close as possible (L1) to proportional selection
        h = _target_model(solver, coverable, margin)
        h.changeColBounds(n, z_lp * (1 - 1e-7), 1.0)
        first = h.getNumCol()
        h.addVars(len(cells), np.zeros(len(cells)), np.full(len(cells), INF))
        for j, c in enumerate(cells):
            d = np.asarray([first + j, c], dtype=np.int32)
            h.addRow(-proportional[c], INF, 2, d, np.asarray([1.0, -1.0]))
            h.addRow(proportional[c], INF, 2, d, np.asarray([1.0, 1.0]))
        h.changeColsCost(
            len(cells), np.arange(first, first + len(cells), dtype=np.int32), np.ones(len(cells))
        )
        h.changeObjectiveSense(highspy.ObjSense.kMinimize)
        if solve(h):
            e = np.clip(np.asarray(h.getSolution().col_value[:n], dtype=np.float64), 0.0, solver.sizes)
            return z_lp, _snap(e)
    return None


def _snap(values: FloatArray) -> FloatArray:
    rounded = np.rint(values)
    return np.where(np.abs(values - rounded) < TOL, rounded, values)


class _Face:
    """LP and MIP over the current face of Q (bounds changed in place, bases reused)."""

    def __init__(self, solver: PanelSolver, low: FloatArray, high: FloatArray) -> None:
        self.solver = solver
        self.n = solver.n
        self.cols = np.arange(self.n, dtype=np.int32)
        self.lp = build_model(solver.rows, solver.sizes, integer=False)
        self.mip = build_model(solver.rows, solver.sizes, integer=True)
        # any integer point of the face will do, so take the first one HiGHS finds
        self.mip.setOptionValue("mip_rel_gap", 1.0)
        # a fixed, generic objective: vertices are unique and the run is reproducible
        golden = (np.sqrt(5.0) - 1) / 2
        weights = 1.0 + np.mod(np.arange(1, self.n + 1) * golden, 1.0)
        for h in (self.lp, self.mip):
            h.changeColsCost(self.n, self.cols, weights)
            h.changeColsBounds(self.n, self.cols, low, high)
        self.row_low, self.row_high = solver.row_sums.low.copy(), solver.row_sums.high.copy()

    def point(self, bounds: Bounds) -> IntArray | None:
        """An integer feasible panel inside the given bounds, or None."""
        col_low, col_high, row_low, row_high = bounds
        changed = np.flatnonzero((row_low != self.row_low) | (row_high != self.row_high))
        self.lp.changeColsBounds(self.n, self.cols, col_low, col_high)
        for h in (self.lp, self.mip):
            for row in changed:
                h.changeRowBounds(int(row), float(row_low[row]), float(row_high[row]))
        self.row_low, self.row_high = row_low.copy(), row_high.copy()
        if not solve(self.lp):
            return None
        values = np.asarray(self.lp.getSolution().col_value, dtype=np.float64)
        x = np.rint(values).astype(np.int64)
        fractional = np.abs(values - x) >= 1e-7
        if not fractional.any() and self.solver.feasible(x):
            return x
        # a fractional vertex has few fractional coordinates: first try a small MIP that keeps the
        # integral ones, then the MIP over the whole face
        keep_low = np.where(fractional, col_low, x.astype(np.float64))
        keep_high = np.where(fractional, col_high, x.astype(np.float64))
        for low, high in ((keep_low, keep_high), (col_low, col_high)):
            self.mip.changeColsBounds(self.n, self.cols, low, high)
            if solve(self.mip, lambda: self.solver.feasible(self.solver.solution(self.mip))):
                return self.solver.solution(self.mip)
        return None


def _face_bounds(point: FloatArray, box_low: FloatArray, box_high: FloatArray, sums: RowSums) -> Bounds:
    """Bounds of the smallest face of Q containing ``point``: tight coordinates and rows are fixed."""
    row_value = sums(point)
    fixed = (np.abs(point - box_low) < TOL) | (np.abs(point - box_high) < TOL)
    col_low = np.where(fixed, np.rint(point), box_low)
    col_high = np.where(fixed, np.rint(point), box_high)
    tight = (np.abs(row_value - sums.low) < TOL) | (np.abs(row_value - sums.high) < TOL)
    row_low = np.where(tight, np.rint(row_value), sums.low)
    row_high = np.where(tight, np.rint(row_value), sums.high)
    return col_low, col_high, row_low, row_high


def caratheodory_split(solver: PanelSolver, target: FloatArray) -> tuple[list[IntArray], list[float], bool]:
    """Split ``target`` into feasible panels; returns (panels, probabilities, complete?).

    When the walk reaches a face without integer points (the LP polytope is larger than the convex
    hull of panels) it stops and reports the panels found so far, with ``complete=False``.
    """
    box_low, box_high = np.floor(target), np.ceil(target)
    sums = solver.row_sums
    face = _Face(solver, box_low, box_high)
    point = target.copy()
    mass = 1.0
    panels: list[IntArray] = []
    probabilities: list[float] = []
    for _ in range(solver.n + sums.n_rows + 2):
        vertex = face.point(_face_bounds(point, box_low, box_high, sums))
        if vertex is None:
            return panels, probabilities, False
        direction = point - vertex
        if np.abs(direction).max() < TOL:
            panels.append(vertex)
            probabilities.append(mass)
            return panels, probabilities, True
        step = _longest_step(
            vertex.astype(np.float64), direction, box_low, box_high, sums(vertex), sums(direction), sums
        )
        panels.append(vertex)
        probabilities.append(mass * (1.0 - 1.0 / step))
        mass /= step
        point = np.clip(_snap(vertex + step * direction), box_low, box_high)
    return panels, probabilities, False


def _longest_step(
    start: FloatArray,
    direction: FloatArray,
    low: FloatArray,
    high: FloatArray,
    row_start: FloatArray,
    row_direction: FloatArray,
    sums: RowSums,
) -> float:
    """Largest λ with ``start + λ·direction`` inside the box and every row's bounds (λ >= 1)."""
    limits = [INF]
    up, down = direction > TOL, direction < -TOL
    if up.any():
        limits.append(float(((high[up] - start[up]) / direction[up]).min()))
    if down.any():
        limits.append(float(((low[down] - start[down]) / direction[down]).min()))
    row_low, row_high = sums.low, sums.high
    rup, rdown = row_direction > TOL, row_direction < -TOL
    if rup.any():
        limits.append(float(((row_high[rup] - row_start[rup]) / row_direction[rup]).min()))
    if rdown.any():
        limits.append(float(((row_low[rdown] - row_start[rdown]) / row_direction[rdown]).min()))
    return max(min(limits), 1.0 + TOL)
