"""``ranking``: rank up to ``max_rank`` projects (k), encrypted as a k×n 0/1 matrix.

Layout: entry r·n + j is 1 when project j holds rank r+1.  Constraints (row sums R_r, column
sums C_j), all proven on homomorphic sums:
  ``first_rank``: R_0 ∈ [min_rank > 0 ? 1 : 0, 1]; ``ranks_in_order``: R_r − R_{r+1} ∈ [0, 1];
  ``last_rank``: R_{k−1} ∈ [0, 1]; ``project_once``: C_j ∈ [0, 1]; and when min_rank ≥ 2,
  ``min_ranks_used``: R_{min_rank−1} = 1.
Together they force every row sum into {0, 1} with used ranks contiguous from the first, using
k + 1 row proofs instead of 2k − 1.  The tally is per-position counts; Borda-style score gives
rank r+1 the value k − r points.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

from ballot_schemes._params import choice_field, int_param, known_params, project_list
from ballot_schemes.base import BallotScheme, Constraint
from ballot_schemes.errors import InvalidChoice, SchemeParameterError


class RankingScheme(BallotScheme):
    name = "ranking"

    def check_params(self) -> None:
        known_params(self.params, {"max_rank", "min_rank"})
        n = len(self.projects)
        self.k = min(int_param(self.params, "max_rank", default=n, minimum=1), n)
        self.min_rank = int_param(self.params, "min_rank", default=0)
        if self.min_rank > self.k:
            raise SchemeParameterError("contradictory_parameters", "min_rank exceeds max_rank")

    def _row(self, r: int, sign: int = 1) -> list[int]:
        n = len(self.projects)
        weights = [0] * (self.k * n)
        for j in range(n):
            weights[r * n + j] = sign
        return weights

    def entry_bounds(self) -> list[int]:
        return [1] * (self.k * len(self.projects))

    def constraints(self) -> list[Constraint]:
        n, k = len(self.projects), self.k
        out = [Constraint("first_rank", tuple(self._row(0)), 1 if self.min_rank else 0, 1)]
        for r in range(k - 1):
            weights = [a + b for a, b in zip(self._row(r), self._row(r + 1, -1), strict=True)]
            out.append(Constraint("ranks_in_order", tuple(weights), 0, 1))
        if k > 1:
            out.append(Constraint("last_rank", tuple(self._row(k - 1)), 0, 1))
        if self.min_rank >= 2:
            # rows are 0/1 and non-increasing, so a used row min_rank−1 means ranks 1..min_rank are all used
            out.append(Constraint("min_ranks_used", tuple(self._row(self.min_rank - 1)), 1, 1))
        for j in range(n):
            column = [0] * (k * n)
            for r in range(k):
                column[r * n + j] = 1
            out.append(Constraint("project_once", tuple(column), 0, 1))
        return out

    def validate_choice(self, choice: Mapping[str, Any]) -> None:
        ranking = choice_field(choice, "ranking", list)
        try:
            project_list(ranking, self.index)
        except InvalidChoice as exc:
            if exc.code == "duplicate_project":
                raise InvalidChoice("duplicate_rank", f"a project is ranked twice: {exc.message}") from exc
            raise
        if len(ranking) > self.k:
            raise InvalidChoice("too_many", f"{len(ranking)} projects ranked; at most {self.k} allowed")
        if len(ranking) < self.min_rank:
            raise InvalidChoice("too_few", f"{len(ranking)} projects ranked; at least {self.min_rank} required")

    def encode(self, choice: Mapping[str, Any]) -> list[int]:
        n = len(self.projects)
        vector = [0] * (self.k * n)
        for r, pid in enumerate(choice["ranking"]):
            vector[r * n + self.index[pid]] = 1
        return vector

    def positions(self, totals: Sequence[int]) -> dict[str, list[int]]:
        n = len(self.projects)
        return {p.id: [totals[r * n + j] for r in range(self.k)] for j, p in enumerate(self.projects)}

    def decode_tally(self, totals: Sequence[int], ballots: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for pid, counts in self.positions(totals).items():
            borda = sum((self.k - r) * c for r, c in enumerate(counts))
            out[pid] = {"positions": counts, "borda": borda}
        return out

    def project_scores(self, totals: Sequence[int], ballots: int) -> dict[str, Fraction]:
        top = ballots * self.k
        return {
            pid: Fraction(sum((self.k - r) * c for r, c in enumerate(counts)), top) if top else Fraction(0)
            for pid, counts in self.positions(totals).items()
        }
