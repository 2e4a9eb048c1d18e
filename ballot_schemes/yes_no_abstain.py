"""``yes_no_abstain``: answer yes, no or abstain on every project.

Layout: entries 2j (yes) and 2j+1 (no) per project j, each 0/1; constraint ``one_answer`` per
project: yes + no ∈ [0, 1] (abstain is neither).  Abstentions are ballots − yes − no.  The
project's score for the weighted ranking is its share of yes answers among ballots.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

from ballot_schemes._params import choice_field, known_params
from ballot_schemes.base import BallotScheme, Constraint
from ballot_schemes.errors import InvalidChoice

ANSWERS = ("yes", "no", "abstain")


class YesNoAbstainScheme(BallotScheme):
    name = "yes_no_abstain"

    def check_params(self) -> None:
        known_params(self.params, set())

    def entry_bounds(self) -> list[int]:
        return [1] * (2 * len(self.projects))

    def constraints(self) -> list[Constraint]:
        out = []
        size = 2 * len(self.projects)
        for j in range(len(self.projects)):
            weights = [0] * size
            weights[2 * j] = weights[2 * j + 1] = 1
            out.append(Constraint("one_answer", tuple(weights), 0, 1))
        return out

    def validate_choice(self, choice: Mapping[str, Any]) -> None:
        answers = choice_field(choice, "answers", dict)
        for pid, answer in answers.items():
            if pid not in self.index:
                raise InvalidChoice("unknown_project", f"unknown project {pid!r}")
            if answer not in ANSWERS:
                raise InvalidChoice("bad_answer", f"answer for {pid!r} must be yes, no or abstain, got {answer!r}")

    def encode(self, choice: Mapping[str, Any]) -> list[int]:
        vector = [0] * (2 * len(self.projects))
        for pid, answer in choice["answers"].items():
            if answer == "yes":
                vector[2 * self.index[pid]] = 1
            elif answer == "no":
                vector[2 * self.index[pid] + 1] = 1
        return vector

    def decode_tally(self, totals: Sequence[int], ballots: int) -> dict[str, Any]:
        return {
            p.id: {"yes": yes, "no": no, "abstain": ballots - yes - no}
            for j, p in enumerate(self.projects)
            for yes, no in [(totals[2 * j], totals[2 * j + 1])]
        }

    def project_scores(self, totals: Sequence[int], ballots: int) -> dict[str, Fraction]:
        return {p.id: Fraction(totals[2 * j], ballots) if ballots else Fraction(0) for j, p in enumerate(self.projects)}
