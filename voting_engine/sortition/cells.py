"""Aggregate interchangeable people into "cells" so the solver works on counts, not individuals.

Two people are interchangeable when every constraint treats them alike: same values of all quota
and reserved-seat features (their *type*) and the same kind of household.  A household's *signature*
is the sorted list of its members' types; households with equal signatures form a *group*.  A cell is
(group, type); a panel is an integer count per cell, subject to

* ``0 <= x[c] <= size[c]``, and for every group of multi-person households
  ``sum(x[c] for c in group) <= households_in_group`` (at most one person per household).

Any count vector meeting these can be realised by concrete people, and the expansion in
:mod:`voting_engine.sortition.lottery` gives every member of a cell the same chance, so the
probability of a person is ``E[x[c]] / size[c]``.  Cells are kept in a canonical order (group
signature, then type) which the published lottery procedure relies on.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from voting_engine.sortition.model import Problem

__all__ = ["Cell", "CellModel", "Group", "build_cells"]

IntArray = npt.NDArray[np.int64]
TypeKey = tuple[str, ...]


@dataclass(frozen=True)
class Group:
    """Households sharing one signature; ``households`` lists member ids, sorted, per household."""

    signature: tuple[TypeKey, ...]
    households: tuple[tuple[str, ...], ...]
    cells: tuple[int, ...]

    @property
    def multi(self) -> bool:
        return len(self.signature) > 1


@dataclass(frozen=True)
class Cell:
    """People of one type inside one household group; ``per_household`` of them in each household."""

    key: TypeKey
    group: int
    per_household: int
    size: int


@dataclass(frozen=True)
class CellModel:
    """The aggregated problem: cells, groups and which cells each constraint row counts."""

    features: tuple[str, ...]
    cells: tuple[Cell, ...]
    groups: tuple[Group, ...]
    sizes: IntArray
    quota_cells: tuple[IntArray, ...]
    reserved_cells: tuple[IntArray, ...]
    person_cell: dict[str, int]

    @property
    def n_cells(self) -> int:
        return len(self.cells)

    def members(self, household: tuple[str, ...], cell: int) -> list[str]:
        """Members of ``household`` whose type is the type of ``cell`` (sorted ids)."""
        return [pid for pid in household if self.person_cell[pid] == cell]

    def membership(self) -> npt.NDArray[np.bool_]:
        """Dense (quotas + reservations) x cells incidence matrix."""
        rows = [*self.quota_cells, *self.reserved_cells]
        matrix = np.zeros((len(rows), self.n_cells), dtype=np.bool_)
        for index, cells in enumerate(rows):
            matrix[index, cells] = True
        return matrix


def build_cells(problem: Problem) -> CellModel:
    """Group the pool into cells in canonical order (deterministic for a given pool)."""
    features = problem.type_features
    people = problem.pool.people
    key_of = {p.person_id: tuple(p.columns.get(f, "") for f in features) for p in people}
    households: dict[str, list[str]] = defaultdict(list)
    alone: list[str] = []
    for person in people:
        if person.household:
            households[person.household].append(person.person_id)
        else:
            alone.append(person.person_id)
    members_list = [(pid,) for pid in alone] + [tuple(sorted(ids)) for ids in households.values()]
    by_signature: dict[tuple[TypeKey, ...], list[tuple[str, ...]]] = defaultdict(list)
    for members in members_list:
        by_signature[tuple(sorted(key_of[pid] for pid in members))].append(members)

    cells: list[Cell] = []
    groups: list[Group] = []
    cell_index: dict[tuple[int, TypeKey], int] = {}
    for group_index, signature in enumerate(sorted(by_signature)):
        hh = tuple(sorted(by_signature[signature]))
        counts: dict[TypeKey, int] = defaultdict(int)
        for key in signature:
            counts[key] += 1
        indices: list[int] = []
        for key in sorted(counts):
            cell_index[(group_index, key)] = len(cells)
            indices.append(len(cells))
            cells.append(Cell(key, group_index, counts[key], counts[key] * len(hh)))
        groups.append(Group(signature, hh, tuple(indices)))

    person_cell: dict[str, int] = {}
    for group_index, group in enumerate(groups):
        for members in group.households:
            for pid in members:
                person_cell[pid] = cell_index[(group_index, key_of[pid])]

    def cells_where(predicate: dict[str, set[str]]) -> IntArray:
        chosen = [
            i
            for i, cell in enumerate(cells)
            if any(cell.key[features.index(f)] in values for f, values in predicate.items())
        ]
        return np.asarray(chosen, dtype=np.int64)

    quota_cells = tuple(cells_where({q.feature: {q.value}}) for q in problem.quotas)
    reserved_cells: list[IntArray] = []
    for reservation in problem.reservations:
        wanted: dict[str, set[str]] = defaultdict(set)
        for feature, value in reservation.conditions:
            wanted[feature].add(value)
        reserved_cells.append(cells_where(wanted))
    sizes = np.asarray([cell.size for cell in cells], dtype=np.int64)
    return CellModel(
        features, tuple(cells), tuple(groups), sizes, quota_cells, tuple(reserved_cells), person_cell
    )
