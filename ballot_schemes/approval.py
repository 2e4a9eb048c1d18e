"""``approval``: approve between ``min`` and ``max`` projects.

Layout: one 0/1 entry per project.  Constraint ``selection_count``: min ≤ Σ x_i ≤ max, omitted when
it holds for every 0/1 vector (min = 0 and max ≥ number of projects).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

from ballot_schemes._params import choice_field, int_param, known_params, project_list
from ballot_schemes.base import BallotScheme, Constraint
from ballot_schemes.errors import InvalidChoice, SchemeParameterError


class ApprovalScheme(BallotScheme):
    name = "approval"

    def check_params(self) -> None:
        known_params(self.params, {"min", "max"})
        n = len(self.projects)
        self.min = int_param(self.params, "min", default=0)
        self.max = int_param(self.params, "max", default=n, minimum=1)
        if self.min > self.max:
            raise SchemeParameterError("contradictory_parameters", f"min {self.min} exceeds max {self.max}")
        if self.min > n:
            raise SchemeParameterError("contradictory_parameters", f"min {self.min} exceeds the {n} projects")
        self.max = min(self.max, n)

    def entry_bounds(self) -> list[int]:
        return [1] * len(self.projects)

    def constraints(self) -> list[Constraint]:
        if self.min == 0 and self.max >= len(self.projects):
            return []
        return [Constraint("selection_count", (1,) * len(self.projects), self.min, self.max)]

    def validate_choice(self, choice: Mapping[str, Any]) -> None:
        approved = project_list(choice_field(choice, "approved", list), self.index)
        if len(approved) > self.max:
            raise InvalidChoice("too_many", f"{len(approved)} projects approved; at most {self.max} allowed")
        if len(approved) < self.min:
            raise InvalidChoice("too_few", f"{len(approved)} projects approved; at least {self.min} required")

    def encode(self, choice: Mapping[str, Any]) -> list[int]:
        vector = [0] * len(self.projects)
        for pid in choice["approved"]:
            vector[self.index[pid]] = 1
        return vector

    def decode_tally(self, totals: Sequence[int], ballots: int) -> dict[str, Any]:
        return {p.id: {"approvals": totals[i]} for i, p in enumerate(self.projects)}

    def project_scores(self, totals: Sequence[int], ballots: int) -> dict[str, Fraction]:
        return {p.id: Fraction(totals[i], ballots) if ballots else Fraction(0) for i, p in enumerate(self.projects)}
