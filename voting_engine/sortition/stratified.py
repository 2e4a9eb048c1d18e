"""Baseline: the plain randomised greedy stratified draw ("legacy" style), on cell counts.

One attempt repeatedly picks a person uniformly at random, restricted — while any minimum is
unmet — to the category with the largest ratio of missing seats to remaining candidates (ties go
to the earlier quota row).  Categories that reach their maximum are closed, housemates of a chosen
person are removed, and an attempt that can no longer meet every minimum is abandoned and retried.
This meets the quotas but gives no control over individual selection probabilities, which are
therefore *estimated* by repeating the draw with independent seeds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from voting_engine.sortition.cells import CellModel
from voting_engine.sortition.lottery import SeedStream
from voting_engine.sortition.model import Problem, SortitionError

__all__ = ["Estimate", "GreedyDrawer", "RandomSource", "estimate_probabilities", "stratified_draw"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


class RandomSource(Protocol):
    def randbelow(self, n: int) -> int: ...


class GreedyDrawer:
    """Pre-computed incidence data so that each attempt only does cheap vector updates."""

    def __init__(self, model: CellModel, problem: Problem) -> None:
        self.model = model
        self.seats = problem.seats
        self.matrix_t = model.membership().T.astype(np.int64).copy()  # cells x rows
        rows = self.matrix_t.shape[1]
        self.low = np.asarray(
            [q.min for q in problem.quotas] + [r.seats for r in problem.reservations], dtype=np.int64
        ).reshape(rows)
        self.high = np.asarray(
            [q.max for q in problem.quotas] + [problem.seats for _ in problem.reservations], dtype=np.int64
        ).reshape(rows)
        labels = [f"quota:{q.feature}" for q in problem.quotas] + [
            f"reserved:{i}" for i in range(len(problem.reservations))
        ]
        names = sorted(set(labels))
        self.family = np.asarray([names.index(label) for label in labels], dtype=np.int64)
        self.n_families = len(names)
        self.row_cells = [*model.quota_cells, *model.reserved_cells]
        self.group_of = np.asarray([cell.group for cell in model.cells], dtype=np.int64)
        self.per_household = np.asarray([cell.per_household for cell in model.cells], dtype=np.int64)
        self.households = np.asarray([len(g.households) for g in model.groups], dtype=np.int64)
        self.multi = [g.multi for g in model.groups]

    def attempt(self, rng: RandomSource, chances: FloatArray | None = None) -> IntArray | None:
        """One greedy attempt; None if it got stuck.

        If ``chances`` is given, each step adds every cell's probability of being picked at that
        step (Rao-Blackwellisation: same expectation as the pick counts, far less variance).
        """
        m = self.matrix_t
        left = self.households.copy()
        rem = self.model.sizes.astype(np.int64).copy()
        blocked = np.zeros(len(rem), dtype=np.bool_)
        avail = rem @ m
        selected = np.zeros(m.shape[1], dtype=np.int64)
        closed = self.high <= 0
        for row in np.flatnonzero(closed):
            self._close(row, rem, blocked, avail)
        counts = np.zeros(len(rem), dtype=np.int64)
        for picked in range(self.seats):
            need = np.maximum(self.low - selected, 0)
            if np.any(need > avail):
                return None
            if (
                self.n_families
                and np.bincount(self.family, need, self.n_families).max() > self.seats - picked
            ):
                return None
            if need.any():
                ratios = np.where(need > 0, need / np.maximum(avail, 1), -1.0)
                row = int(np.argmax(ratios))
                candidates = self.row_cells[row]
                candidates = candidates[rem[candidates] > 0]
            else:
                candidates = np.flatnonzero(rem > 0)
            cumulative = np.cumsum(rem[candidates])
            if len(cumulative) == 0 or cumulative[-1] <= 0:
                return None
            if chances is not None:
                chances[candidates] += rem[candidates] / float(cumulative[-1])
            r = rng.randbelow(int(cumulative[-1]))
            cell = int(candidates[int(np.searchsorted(cumulative, r, side="right"))])
            counts[cell] += 1
            selected += m[cell]
            group = int(self.group_of[cell])
            left[group] -= 1
            if self.multi[group]:
                for other in self.model.groups[group].cells:
                    if not blocked[other]:
                        taken = int(self.per_household[other])
                        rem[other] -= taken
                        avail -= m[other] * taken
            else:
                rem[cell] -= 1
                avail -= m[cell]
            for row in np.flatnonzero(~closed & (selected >= self.high)):
                closed[row] = True
                self._close(int(row), rem, blocked, avail)
        return counts if np.all(selected >= self.low) else None

    def _close(self, row: int, rem: IntArray, blocked: npt.NDArray[np.bool_], avail: IntArray) -> None:
        cells = self.row_cells[row]
        cells = cells[rem[cells] > 0]
        if len(cells):
            avail -= rem[cells] @ self.matrix_t[cells]
            rem[cells] = 0
            blocked[cells] = True

    def draw(
        self, rng: RandomSource, max_attempts: int, chances: FloatArray | None = None
    ) -> tuple[IntArray | None, int]:
        """Retry until an attempt succeeds; returns (counts or None, attempts used).

        ``chances`` (if given) receives the per-step pick probabilities of the successful attempt.
        """
        for used in range(1, max_attempts + 1):
            trial = None if chances is None else np.zeros_like(chances)
            counts = self.attempt(rng, trial)
            if counts is not None:
                if chances is not None and trial is not None:
                    chances += trial
                return counts, used
        return None, max_attempts


def stratified_draw(model: CellModel, problem: Problem, seed: str, max_attempts: int = 100) -> IntArray:
    """The baseline's public draw: all attempts read the stream with purpose "stratified"."""
    counts, used = GreedyDrawer(model, problem).draw(SeedStream(seed, "stratified"), max_attempts)
    if counts is None:
        raise SortitionError(
            "stratified_failed",
            f"the greedy stratified draw failed {used} times in a row; the quotas are too tight for it "
            "(try --algorithm maximin)",
        )
    return counts


@dataclass(frozen=True)
class Estimate:
    """Monte-Carlo estimate of per-cell selection probabilities of the greedy draw."""

    cell_probabilities: FloatArray
    samples: int
    failed_attempts: int


def estimate_probabilities(
    model: CellModel, problem: Problem, seed: str, samples: int, max_attempts: int = 100
) -> Estimate:
    """Repeat the greedy draw ``samples`` times (stream purpose ``estimate/<i>``) and average.

    The estimator sums, over the steps of each successful attempt, every cell's chance of being
    picked at that step, divided by the cell size: unbiased for the pick counts of an attempt and
    much less noisy than counting picks (a type of one person selected with probability 2 % would
    otherwise often show 0).  Conditioning on the attempt succeeding adds a bias that is small
    when attempts rarely fail; ``failed_attempts`` is reported so readers can judge.
    """
    drawer = GreedyDrawer(model, problem)
    chances = np.zeros(model.n_cells, dtype=np.float64)
    done = failed = 0
    for i in range(samples):
        counts, used = drawer.draw(SeedStream(seed, f"estimate/{i}"), max_attempts, chances)
        failed += used - (counts is not None)
        done += counts is not None
    if done == 0:
        raise SortitionError("stratified_failed", "the greedy stratified draw never succeeded")
    return Estimate(chances / (done * model.sizes.astype(np.float64)), done, failed)
