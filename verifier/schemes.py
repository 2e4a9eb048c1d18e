"""The six ballot schemes of docs/ballot-schemes.md as data: layout, bounds, constraints, reading, scores.

A scheme is reduced to one ``Layout`` so that proof checking, Benaloh-opening checks and result
recomputation share a single reading of the document rather than six hand-written verifiers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import gcd
from typing import Any

__all__ = ["Constraint", "Layout", "SchemeError", "layout_for"]


class SchemeError(ValueError):
    """The stage's scheme or parameters are not valid; ``code`` is the stable error name.

    Codes: unknown_scheme, unknown_parameter, missing_parameter, bad_parameter,
    contradictory_parameters, bad_cost.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


@dataclass(frozen=True)
class Constraint:
    """lo ≤ Σ weights_i·x_i ≤ hi."""

    name: str
    weights: tuple[int, ...]
    lo: int
    hi: int

    def holds(self, vector: Sequence[int]) -> bool:
        value = sum(w * x for w, x in zip(self.weights, vector, strict=True))
        return self.lo <= value <= self.hi


Reader = Callable[[Sequence[int], int], tuple[dict[str, Any], dict[str, Fraction]]]


@dataclass(frozen=True)
class Layout:
    """Entry bounds, constraints and the reading of totals for one stage."""

    scheme: str
    projects: tuple[str, ...]
    bounds: tuple[int, ...]
    constraints: tuple[Constraint, ...]
    reader: Reader

    @property
    def size(self) -> int:
        return len(self.bounds)

    def read(self, totals: Sequence[int], counted: int) -> tuple[dict[str, Any], dict[str, Fraction]]:
        """Per-project results and normalised scores from the decrypted totals of ``counted`` ballots."""
        return self.reader(totals, counted)


def _int(params: Mapping[str, Any], name: str, default: int | None, minimum: int | None) -> int:
    value = params.get(name, default)
    if value is None:
        raise SchemeError("missing_parameter", f"parameter {name} is required")
    if not isinstance(value, int) or isinstance(value, bool):
        raise SchemeError("bad_parameter", f"parameter {name} must be an integer")
    if minimum is not None and value < minimum:
        raise SchemeError("bad_parameter", f"parameter {name} must be at least {minimum}")
    return value


def _only(params: Mapping[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise SchemeError("unknown_parameter", ", ".join(unknown))


def _ratio(num: int, den: int) -> Fraction:
    return Fraction(num, den) if den else Fraction(0)


def _per_project(key: str, scale: int, projects: Sequence[str]) -> Reader:
    """Reader for schemes whose entry j is project j's total, scored T_j / (N·scale)."""

    def read(totals: Sequence[int], count: int) -> tuple[dict[str, Any], dict[str, Fraction]]:
        results: dict[str, Any] = {p: {key: totals[j]} for j, p in enumerate(projects)}
        scores = {p: _ratio(totals[j], count * scale) for j, p in enumerate(projects)}
        return results, scores

    return read


def _selection(n: int, lo: int, hi: int) -> list[Constraint]:
    if lo == 0 and hi >= n:
        return []
    return [Constraint("selection_count", (1,) * n, lo, min(hi, n))]


def _approval(params: Mapping[str, Any], projects: Sequence[str], costs: Sequence[int]) -> Layout:
    n = len(projects)
    _only(params, {"min", "max"})
    lo = _int(params, "min", 0, 0)
    hi = _int(params, "max", n, 1)
    if lo > hi or lo > n:
        raise SchemeError("contradictory_parameters", "approval needs min ≤ max and min ≤ n")
    return Layout("approval", tuple(projects), (1,) * n, tuple(_selection(n, lo, hi)),
                  _per_project("approvals", 1, projects))


def _score(params: Mapping[str, Any], projects: Sequence[str], costs: Sequence[int]) -> Layout:
    _only(params, {"max_score"})
    top = _int(params, "max_score", None, 1)
    return Layout("score", tuple(projects), (top,) * len(projects), (),
                  _per_project("score", top, projects))


def _cumulative(params: Mapping[str, Any], projects: Sequence[str], costs: Sequence[int]) -> Layout:
    n = len(projects)
    _only(params, {"points", "max_per_project", "exact"})
    points = _int(params, "points", None, 1)
    per = min(_int(params, "max_per_project", points, 0), points)
    exact = params.get("exact", False)
    if not isinstance(exact, bool):
        raise SchemeError("bad_parameter", "parameter exact must be a boolean")
    constraints = [] if not exact and per * n <= points else [
        Constraint("points_total", (1,) * n, points if exact else 0, points)]
    return Layout("cumulative", tuple(projects), (per,) * n, tuple(constraints),
                  _per_project("points", points, projects))


def _budget(params: Mapping[str, Any], projects: Sequence[str], costs: Sequence[int]) -> Layout:
    n = len(projects)
    _only(params, {"budget", "min", "max"})
    budget = _int(params, "budget", None, 1)
    lo = _int(params, "min", 0, 0)
    hi = min(_int(params, "max", n, 0), n)
    if any(not isinstance(c, int) or isinstance(c, bool) or c <= 0 for c in costs):
        raise SchemeError("bad_cost", "the budget scheme needs every cost to be a positive integer")
    if lo > hi:
        raise SchemeError("contradictory_parameters", "the budget scheme needs min ≤ max")
    g = 0
    for c in costs:
        g = gcd(g, c)
    constraints: list[Constraint] = []
    if n:
        units = tuple(c // g for c in costs)
        cap = budget // g
        if sum(units) > cap:
            constraints.append(Constraint("budget_cap", units, 0, cap))
    constraints += _selection(n, lo, hi)
    return Layout("budget", tuple(projects), (1,) * n, tuple(constraints),
                  _per_project("approvals", 1, projects))


def _ranking(params: Mapping[str, Any], projects: Sequence[str], costs: Sequence[int]) -> Layout:
    n = len(projects)
    _only(params, {"max_rank", "min_rank"})
    k = min(_int(params, "max_rank", n, 1), n)
    min_rank = _int(params, "min_rank", 0, 0)
    if min_rank > k:
        raise SchemeError("contradictory_parameters", "ranking needs min_rank ≤ max_rank")

    def row(r: int, sign: int = 1) -> list[int]:
        return [sign if r * n <= i < (r + 1) * n else 0 for i in range(k * n)]

    cons = [Constraint("first_rank", tuple(row(0)), 1 if min_rank > 0 else 0, 1)]
    for r in range(k - 1):
        weights = [a + b for a, b in zip(row(r), row(r + 1, -1), strict=True)]
        cons.append(Constraint("ranks_in_order", tuple(weights), 0, 1))
    if k > 1:
        cons.append(Constraint("last_rank", tuple(row(k - 1)), 0, 1))
    if min_rank >= 2:  # docs/ballot-schemes.md, ranking constraint 4 (before project_once)
        cons.append(Constraint("min_ranks_used", tuple(row(min_rank - 1)), 1, 1))
    for j in range(n):
        cons.append(Constraint("project_once", tuple(1 if i % n == j else 0 for i in range(k * n)), 0, 1))

    def read(totals: Sequence[int], count: int) -> tuple[dict[str, Any], dict[str, Fraction]]:
        results: dict[str, Any] = {}
        scores: dict[str, Fraction] = {}
        for j, p in enumerate(projects):
            positions = [totals[r * n + j] for r in range(k)]
            borda = sum((k - r) * t for r, t in enumerate(positions))
            results[p] = {"positions": positions, "borda": borda}
            scores[p] = _ratio(borda, count * k)
        return results, scores

    return Layout("ranking", tuple(projects), (1,) * (k * n), tuple(cons), read)


def _yes_no_abstain(params: Mapping[str, Any], projects: Sequence[str], costs: Sequence[int]) -> Layout:
    n = len(projects)
    _only(params, set())
    cons = tuple(
        Constraint("one_answer", tuple(1 if i in (2 * j, 2 * j + 1) else 0 for i in range(2 * n)), 0, 1)
        for j in range(n)
    )

    def read(totals: Sequence[int], count: int) -> tuple[dict[str, Any], dict[str, Fraction]]:
        results: dict[str, Any] = {}
        scores: dict[str, Fraction] = {}
        for j, p in enumerate(projects):
            yes, no = totals[2 * j], totals[2 * j + 1]
            results[p] = {"yes": yes, "no": no, "abstain": count - yes - no}
            scores[p] = _ratio(yes, count)
        return results, scores

    return Layout("yes_no_abstain", tuple(projects), (1,) * (2 * n), cons, read)


_BUILDERS: dict[str, Callable[[Mapping[str, Any], Sequence[str], Sequence[int]], Layout]] = {
    "approval": _approval,
    "score": _score,
    "cumulative": _cumulative,
    "budget": _budget,
    "ranking": _ranking,
    "yes_no_abstain": _yes_no_abstain,
}


def layout_for(scheme: object, params: object, candidates: Sequence[tuple[str, int]]) -> Layout:
    """The layout of a stage from its ``scheme``, ``params`` and ordered (project id, cost) candidates."""
    if not isinstance(scheme, str) or scheme not in _BUILDERS:
        raise SchemeError("unknown_scheme", f"{scheme!r}")
    if not isinstance(params, dict):
        raise SchemeError("bad_parameter", "params must be an object")
    projects = [c[0] for c in candidates]
    costs = [c[1] for c in candidates]
    return _BUILDERS[scheme](params, projects, costs)
