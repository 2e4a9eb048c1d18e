"""Ballot schemes: one registry of plug-ins, each a vector layout with bounds and linear rules.

``make_scheme(name, params, projects)`` is the single entry point used by the service, the demo and
the tests; ``SCHEMES`` lists what a manifest may name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ballot_schemes.approval import ApprovalScheme
from ballot_schemes.base import BallotScheme, Constraint, EncryptedChoices, Opening, Project
from ballot_schemes.budget import BudgetScheme
from ballot_schemes.cumulative import CumulativeScheme
from ballot_schemes.errors import InvalidBallot, InvalidChoice, SchemeError, SchemeParameterError
from ballot_schemes.ranking import RankingScheme
from ballot_schemes.score import ScoreScheme
from ballot_schemes.yes_no_abstain import YesNoAbstainScheme

SCHEMES: dict[str, type[BallotScheme]] = {
    cls.name: cls
    for cls in (ApprovalScheme, ScoreScheme, RankingScheme, CumulativeScheme, BudgetScheme, YesNoAbstainScheme)
}


def make_scheme(name: str, params: Mapping[str, Any], projects: Sequence[Project]) -> BallotScheme:
    """Instantiate a registered scheme; unknown names raise ``SchemeParameterError``."""
    try:
        cls = SCHEMES[name]
    except KeyError:
        known = ", ".join(sorted(SCHEMES))
        raise SchemeParameterError("unknown_scheme", f"unknown ballot scheme {name!r}; known: {known}") from None
    return cls(params, projects)


__all__ = [
    "SCHEMES",
    "BallotScheme",
    "Constraint",
    "EncryptedChoices",
    "InvalidBallot",
    "InvalidChoice",
    "Opening",
    "Project",
    "SchemeError",
    "SchemeParameterError",
    "make_scheme",
]
