"""HiGHS models over cell counts: the panel polytope, pricing and coverage checks.

HiGHS (MIT licensed, via ``highspy``) is the only solver used.  Every instance is created with
``threads=1`` and ``random_seed=0`` and no time limit, because the published lottery requires that
re-running the computation on the same inputs reproduces the same distribution bit for bit.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass

import highspy
import numpy as np
import numpy.typing as npt

from voting_engine.sortition.cells import CellModel
from voting_engine.sortition.model import Problem

__all__ = [
    "ConstraintRow",
    "PanelSolver",
    "Pricing",
    "RowSums",
    "build_model",
    "constraint_rows",
    "new_highs",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
INF = float(highspy.kHighsInf)


_BANNER_SHOWN = False
_HIGHS: Callable[[], highspy.Highs] = highspy.Highs  # highspy's __init__ is unannotated


def _first_instance() -> highspy.Highs:
    """HiGHS prints a banner on C-level stdout when the first instance is created; swallow it so
    CLI output (and JSON printed to stdout) stays clean."""
    global _BANNER_SHOWN
    if _BANNER_SHOWN:
        return _HIGHS()
    _BANNER_SHOWN = True
    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # pragma: no cover - no usable stdout
        return _HIGHS()
    try:
        with open(os.devnull, "wb") as sink:
            os.dup2(sink.fileno(), 1)
            return _HIGHS()
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def new_highs() -> highspy.Highs:
    """A silent, single-threaded, seeded HiGHS instance (determinism matters more than speed)."""
    h = _first_instance()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    h.setOptionValue("random_seed", 0)
    return h


def solve(h: highspy.Highs, accept: Callable[[], bool] | None = None) -> bool:
    """Run HiGHS; True if it reached an optimum (that ``accept`` also approves, if given).

    On any other outcome the solve is repeated once with presolve switched off: HiGHS 1.16's MIP
    presolve has been seen (by the property tests) to call small feasible models infeasible or to
    stop with a solve error after a faulty postsolve.  Deterministic, so runs stay reproducible.
    """
    h.run()
    if h.getModelStatus() == highspy.HighsModelStatus.kOptimal and (accept is None or accept()):
        return True
    h.setOptionValue("presolve", "off")
    h.run()
    h.setOptionValue("presolve", "choose")
    return bool(h.getModelStatus() == highspy.HighsModelStatus.kOptimal and (accept is None or accept()))


@dataclass(frozen=True)
class ConstraintRow:
    """``low <= sum(x[cells]) <= high``; ``label`` names it in explanations."""

    kind: str  # "total", "quota", "reserved" or "household"
    index: int
    cells: IntArray
    low: float
    high: float


def constraint_rows(model: CellModel, problem: Problem) -> list[ConstraintRow]:
    """All linear rows of the panel polytope, in a fixed order."""
    all_cells = np.arange(model.n_cells, dtype=np.int64)
    rows = [ConstraintRow("total", 0, all_cells, problem.seats, problem.seats)]
    for i, (quota, cells) in enumerate(zip(problem.quotas, model.quota_cells, strict=True)):
        rows.append(ConstraintRow("quota", i, cells, quota.min, quota.max))
    for i, (reservation, cells) in enumerate(zip(problem.reservations, model.reserved_cells, strict=True)):
        rows.append(ConstraintRow("reserved", i, cells, reservation.seats, INF))
    for i, group in enumerate(model.groups):
        if group.multi:
            cells = np.asarray(group.cells, dtype=np.int64)
            rows.append(ConstraintRow("household", i, cells, 0, len(group.households)))
    return rows


def add_rows(h: highspy.Highs, rows: list[ConstraintRow]) -> None:
    for row in rows:
        h.addRow(row.low, row.high, len(row.cells), row.cells.astype(np.int32), np.ones(len(row.cells)))


class RowSums:
    """Vectorised ``sum(x[row.cells])`` for every row (household groups are contiguous cells)."""

    def __init__(self, rows: list[ConstraintRow], n: int) -> None:
        self.dense_rows = [i for i, row in enumerate(rows) if row.kind != "household"]
        self.matrix = np.zeros((len(self.dense_rows), n), dtype=np.float64)
        for k, i in enumerate(self.dense_rows):
            self.matrix[k, rows[i].cells] = 1.0
        self.group_rows = [i for i, row in enumerate(rows) if row.kind == "household"]
        self.group_slices = [(int(rows[i].cells[0]), int(rows[i].cells[-1]) + 1) for i in self.group_rows]
        self.low = np.asarray([row.low for row in rows], dtype=np.float64)
        self.high = np.asarray([row.high for row in rows], dtype=np.float64)
        self.n_rows = len(rows)

    def __call__(self, x: npt.NDArray[np.float64] | IntArray) -> FloatArray:
        out = np.empty(self.n_rows, dtype=np.float64)
        out[self.dense_rows] = self.matrix @ x.astype(np.float64)
        for i, (a, b) in zip(self.group_rows, self.group_slices, strict=True):
            out[i] = float(x[a:b].sum())
        return out


def build_model(rows: list[ConstraintRow], sizes: IntArray, integer: bool) -> highspy.Highs:
    """The panel polytope (LP relaxation or MIP) with a maximisation sense and zero objective."""
    n = len(sizes)
    h = new_highs()
    h.addVars(n, np.zeros(n), sizes.astype(np.float64))
    if integer:
        h.setOptionValue("mip_rel_gap", 1e-9)
        h.changeColsIntegrality(
            n, np.arange(n, dtype=np.int32), np.full(n, highspy.HighsVarType.kInteger, dtype=np.uint8)
        )
    add_rows(h, rows)
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    return h


@dataclass(frozen=True)
class Pricing:
    """Best panel ``x`` for some weights, its value, and an upper bound on the true optimum."""

    x: IntArray
    value: float
    bound: float


class PanelSolver:
    """Optimises linear objectives over feasible panels (integer count vectors).

    The LP relaxation is tried first: it takes milliseconds and is usually integral at a vertex.
    Only a fractional LP optimum triggers the MIP.
    """

    def __init__(self, model: CellModel, problem: Problem) -> None:
        self.model = model
        self.rows = constraint_rows(model, problem)
        self.n = model.n_cells
        self.sizes = model.sizes
        self._cols = np.arange(self.n, dtype=np.int32)
        self.row_sums = RowSums(self.rows, self.n)
        self.lp = self._build(integer=False)
        self._mip: highspy.Highs | None = None
        self.lp_solves = 0
        self.mip_solves = 0

    def _build(self, integer: bool) -> highspy.Highs:
        return build_model(self.rows, self.sizes, integer)

    @property
    def mip(self) -> highspy.Highs:
        if self._mip is None:
            self._mip = self._build(integer=True)
        return self._mip

    def feasible(self, x: IntArray) -> bool:
        """Exact check of every constraint (sums of small integers are exact in float64)."""
        if x.shape != (self.n,) or np.any(x < 0) or np.any(x > self.sizes):
            return False
        sums = self.row_sums(x)
        return bool(np.all(sums >= self.row_sums.low) and np.all(sums <= self.row_sums.high))

    def optimise(self, weights: FloatArray, exact: bool = True) -> Pricing | None:
        """Maximise ``weights @ x`` over feasible panels; None when there is no panel at all.

        With ``exact=False`` a fractional LP optimum returns None instead of running the MIP.
        """
        self.lp.changeColsCost(self.n, self._cols, weights)
        self.lp_solves += 1
        if not solve(self.lp):
            return None
        values = np.asarray(self.lp.getSolution().col_value, dtype=np.float64)
        bound = float(self.lp.getInfo().objective_function_value)
        x = np.rint(values).astype(np.int64)
        if np.abs(values - x).max(initial=0.0) < 1e-7 and self.feasible(x):
            return Pricing(x, float(weights @ x), bound)
        if not exact:
            return None
        mip = self.mip
        mip.changeColsCost(self.n, self._cols, weights)
        self.mip_solves += 1
        if not solve(mip, lambda: self.feasible(self.solution(mip))):
            return None
        x = self.solution(mip)
        info = mip.getInfo()
        return Pricing(x, float(weights @ x), min(bound, max(float(info.mip_dual_bound), float(weights @ x))))

    def cover(self, uncovered: npt.NDArray[np.bool_]) -> IntArray | None:
        """A feasible panel containing as many distinct ``uncovered`` cells as possible."""
        targets = np.flatnonzero(uncovered).astype(np.int32)
        h = new_highs()
        h.setOptionValue("mip_rel_gap", 1e-9)
        h.addVars(self.n, np.zeros(self.n), self.sizes.astype(np.float64))
        h.changeColsIntegrality(
            self.n, self._cols, np.full(self.n, highspy.HighsVarType.kInteger, dtype=np.uint8)
        )
        add_rows(h, self.rows)
        m = len(targets)
        h.addVars(m, np.zeros(m), np.ones(m))
        flags = np.arange(self.n, self.n + m, dtype=np.int32)
        h.changeColsIntegrality(m, flags, np.full(m, highspy.HighsVarType.kInteger, dtype=np.uint8))
        for flag, cell in zip(flags, targets, strict=True):
            h.addRow(-INF, 0.0, 2, np.asarray([flag, cell], dtype=np.int32), np.asarray([1.0, -1.0]))
        h.changeColsCost(m, flags, np.ones(m))
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        if not solve(h, lambda: self.feasible(self.solution(h))):
            return None
        return self.solution(h)

    def solution(self, h: highspy.Highs) -> IntArray:
        """The first ``n`` column values rounded to integers (the cell counts)."""
        values = np.asarray(h.getSolution().col_value[: self.n], dtype=np.float64)
        return np.rint(values).astype(np.int64)

    def max_count(self, cell: int) -> int:
        """Largest number of seats ``cell`` can get in any feasible panel (0 = never selectable)."""
        weights = np.zeros(self.n)
        weights[cell] = 1.0
        result = self.optimise(weights)
        return 0 if result is None else int(result.x[cell])
