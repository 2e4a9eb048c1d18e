"""``cumulative``: distribute at most (or exactly) ``points`` points over the projects.

Layout: one entry per project in [0, points].  Constraint ``points_total``: Σ x_i ≤ points, or
= points when ``exact`` is true (then the proof is a one-branch disjunctive proof).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

from ballot_schemes._params import choice_field, int_param, known_params, project_points
from ballot_schemes.base import BallotScheme, Constraint
from ballot_schemes.errors import InvalidChoice, SchemeParameterError


class CumulativeScheme(BallotScheme):
    name = "cumulative"

    def check_params(self) -> None:
        known_params(self.params, {"points", "exact", "max_per_project"})
        self.points = int_param(self.params, "points", minimum=1)
        self.max_per_project = int_param(self.params, "max_per_project", default=self.points, minimum=1)
        self.max_per_project = min(self.max_per_project, self.points)
        exact = self.params.get("exact", False)
        if not isinstance(exact, bool):
            raise SchemeParameterError("bad_parameter", "parameter 'exact' must be true or false")
        self.exact = exact
        if self.exact and self.max_per_project * len(self.projects) < self.points:
            raise SchemeParameterError("contradictory_parameters", "exactly `points` points cannot be placed")

    def entry_bounds(self) -> list[int]:
        return [self.max_per_project] * len(self.projects)

    def constraints(self) -> list[Constraint]:
        if not self.exact and self.max_per_project * len(self.projects) <= self.points:
            return []
        lo = self.points if self.exact else 0
        return [Constraint("points_total", (1,) * len(self.projects), lo, self.points)]

    def validate_choice(self, choice: Mapping[str, Any]) -> None:
        given = choice_field(choice, "points", dict)
        points = project_points(given, self.index, self.max_per_project, "too_many_points")
        total = sum(points.values())
        if total > self.points:
            raise InvalidChoice("too_many_points", f"{total} points given; at most {self.points} allowed")
        if self.exact and total != self.points:
            raise InvalidChoice("points_not_exact", f"{total} points given; exactly {self.points} required")

    def encode(self, choice: Mapping[str, Any]) -> list[int]:
        vector = [0] * len(self.projects)
        for pid, value in choice["points"].items():
            vector[self.index[pid]] = value
        return vector

    def decode_tally(self, totals: Sequence[int], ballots: int) -> dict[str, Any]:
        return {p.id: {"points": totals[i]} for i, p in enumerate(self.projects)}

    def project_scores(self, totals: Sequence[int], ballots: int) -> dict[str, Fraction]:
        top = ballots * self.points
        return {p.id: Fraction(totals[i], top) if top else Fraction(0) for i, p in enumerate(self.projects)}
