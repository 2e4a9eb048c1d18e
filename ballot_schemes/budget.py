"""``budget`` (knapsack): approve projects whose total cost stays within the budget.

Layout: one 0/1 entry per project.  Constraint ``budget_cap``: Σ cost_i·x_i ≤ budget, proven by
the weighted-sum proof.  Costs and the budget are divided by the greatest common divisor g of
the costs first (Σ (cost_i/g)·x_i ≤ ⌊budget/g⌋ is the same rule, since the left side is a
multiple of g), which shortens the bit decomposition without changing what is allowed.
The constraint is omitted when all projects together fit.  Optional ``min``/``max`` count limits.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

from ballot_schemes._params import choice_field, int_param, known_params, project_list
from ballot_schemes.base import BallotScheme, Constraint
from ballot_schemes.errors import InvalidChoice, SchemeParameterError


class BudgetScheme(BallotScheme):
    name = "budget"

    def check_params(self) -> None:
        known_params(self.params, {"budget", "min", "max"})
        self.budget = int_param(self.params, "budget", minimum=1)
        n = len(self.projects)
        self.min = int_param(self.params, "min", default=0)
        self.max = min(int_param(self.params, "max", default=n, minimum=1), n)
        if self.min > self.max:
            raise SchemeParameterError("contradictory_parameters", f"min {self.min} exceeds max {self.max}")
        for p in self.projects:
            if isinstance(p.cost, bool) or not isinstance(p.cost, int) or p.cost <= 0:
                raise SchemeParameterError("bad_cost", f"project {p.id!r} needs a positive integer cost")
        self.unit = math.gcd(*(p.cost for p in self.projects))
        self.weights = tuple(p.cost // self.unit for p in self.projects)
        self.cap = self.budget // self.unit

    def entry_bounds(self) -> list[int]:
        return [1] * len(self.projects)

    def constraints(self) -> list[Constraint]:
        out: list[Constraint] = []
        if sum(self.weights) > self.cap:
            out.append(Constraint("budget_cap", self.weights, 0, self.cap))
        if self.min > 0 or self.max < len(self.projects):
            out.append(Constraint("selection_count", (1,) * len(self.projects), self.min, self.max))
        return out

    def validate_choice(self, choice: Mapping[str, Any]) -> None:
        approved = project_list(choice_field(choice, "approved", list), self.index)
        total = sum(self.projects[self.index[pid]].cost for pid in approved)
        if total > self.budget:
            raise InvalidChoice("over_budget", f"selected projects cost {total}, above the budget {self.budget}")
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
