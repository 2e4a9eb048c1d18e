"""A replay plan: one object holding what the encrypted pipeline needs to re-run a Pabulib file.

``voting-engine simulate --pabulib FILE.pb`` encrypts ``plan.choices`` under ``plan.scheme`` /
``plan.params`` / ``plan.projects``, decrypts the tally, and then only has to call
``plan.totals_from_tally`` and ``plan.selection`` to write ``summary.json``; ``plan.expected_summary``
is the same summary computed from the plaintext choices, which the encrypted run must reproduce.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ballot_schemes import BallotScheme, Project, make_scheme
from voting_engine.pabulib.convert import Conversion, VoteIssue, convert
from voting_engine.pabulib.expected import (
    FileResults,
    SelectionRule,
    file_results,
    greedy_selection,
    ordinal_points,
    result_kind,
    selection_rule,
    tally_vector,
    totals_from_results,
)
from voting_engine.pabulib.parser import PabulibElection, load_pb


@dataclass(frozen=True, slots=True)
class SimulationPlan:
    """Scheme, choices and the reading of results for one file (costs and budget already scaled)."""

    election: PabulibElection
    conversion: Conversion
    rule: SelectionRule
    points: tuple[int, ...]

    @property
    def scheme(self) -> str:
        return self.conversion.scheme

    @property
    def params(self) -> Mapping[str, Any]:
        return self.conversion.params

    @property
    def projects(self) -> tuple[Project, ...]:
        return self.conversion.projects

    @property
    def budget_int(self) -> int:
        return self.conversion.budget_int

    @property
    def scale(self) -> int:
        return self.conversion.scale

    @property
    def choices(self) -> list[dict[str, Any]]:
        return list(self.conversion.choices)

    @property
    def issues(self) -> tuple[VoteIssue, ...]:
        return self.conversion.issues

    @property
    def total_column(self) -> str:
        """The Pabulib column our totals correspond to: ``votes`` or ``score``."""
        return result_kind(self.scheme)

    def make_scheme(self) -> BallotScheme:
        return make_scheme(self.scheme, self.params, self.projects)

    def totals_from_tally(self, tally: Sequence[int] | Mapping[str, Mapping[str, Any]]) -> dict[str, int]:
        """Per-project total used for selection, from a decrypted tally.

        Accepts the raw entry-wise sum vector or the scheme's ``decode_tally`` output.
        approval/budget → approvals, cumulative → points, ranking → Σ points[r]·positions[r].
        """
        if isinstance(tally, Mapping):
            results = tally
        else:
            results = self.make_scheme().decode_tally(list(tally), len(self.conversion.choices))
        column = self.total_column
        return {pid: t[column] for pid, t in totals_from_results(self.scheme, results, self.points).items()}

    def selection(self, totals: Mapping[str, int]) -> list[str]:
        """Funded project ids, in funding order, under the file's greedy rule."""
        costs = {p.id: p.cost for p in self.projects}
        return greedy_selection(totals, costs, self.budget_int, self.rule)

    def expected_totals(self) -> dict[str, int]:
        """The totals the encrypted replay must reproduce, from the plaintext choices."""
        return self.totals_from_tally(tally_vector(self.conversion))

    def expected_summary(self) -> dict[str, Any]:
        """``{"totals": {pid: total}, "selected": [pid, …]}`` as ``summary.json`` holds it."""
        totals = self.expected_totals()
        return {"totals": totals, "selected": self.selection(totals)}

    def file_results(self) -> FileResults:
        return file_results(self.election)


def plan(election: PabulibElection) -> SimulationPlan:
    """Convert the election and fix the reading of its results."""
    conversion = convert(election)
    points: tuple[int, ...] = ()
    if conversion.scheme == "ranking":
        points = ordinal_points(election.meta, int(conversion.params["max_rank"]))
    return SimulationPlan(election, conversion, selection_rule(election), points)


def plan_file(path: str | Path) -> SimulationPlan:
    """``plan(load_pb(path))``."""
    return plan(load_pb(path))
