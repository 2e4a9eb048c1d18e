"""``score``: give each project 0..``max_score`` points independently.

Layout: one entry per project in [0, max_score]; no constraint.  Missing projects score 0.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

from ballot_schemes._params import choice_field, int_param, known_params, project_points
from ballot_schemes.base import BallotScheme, Constraint


class ScoreScheme(BallotScheme):
    name = "score"

    def check_params(self) -> None:
        known_params(self.params, {"max_score"})
        self.max_score = int_param(self.params, "max_score", minimum=1)

    def entry_bounds(self) -> list[int]:
        return [self.max_score] * len(self.projects)

    def constraints(self) -> list[Constraint]:
        return []

    def validate_choice(self, choice: Mapping[str, Any]) -> None:
        project_points(choice_field(choice, "scores", dict), self.index, self.max_score, "score_too_high")

    def encode(self, choice: Mapping[str, Any]) -> list[int]:
        vector = [0] * len(self.projects)
        for pid, value in choice["scores"].items():
            vector[self.index[pid]] = value
        return vector

    def decode_tally(self, totals: Sequence[int], ballots: int) -> dict[str, Any]:
        return {p.id: {"score": totals[i]} for i, p in enumerate(self.projects)}

    def project_scores(self, totals: Sequence[int], ballots: int) -> dict[str, Fraction]:
        top = ballots * self.max_score
        return {p.id: Fraction(totals[i], top) if top else Fraction(0) for i, p in enumerate(self.projects)}
