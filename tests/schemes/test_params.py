"""Scheme parameters: malformed or contradictory parameters raise ``SchemeParameterError`` with a code."""

from __future__ import annotations

from typing import Any

import pytest

from ballot_schemes import Project, SchemeError, SchemeParameterError, make_scheme
from ballot_schemes.budget import BudgetScheme
from ballot_schemes.cumulative import CumulativeScheme
from ballot_schemes.ranking import RankingScheme

from ._helpers import PROJECTS3, PROJECTS4

PARAMETER_ERRORS: list[tuple[str, dict[str, Any], tuple[Project, ...], str]] = [
    ("approval", {"maxx": 2}, PROJECTS4, "unknown_parameter"),
    ("approval", {"min": 3, "max": 2}, PROJECTS4, "contradictory_parameters"),
    ("approval", {"min": 5}, PROJECTS4, "contradictory_parameters"),
    ("approval", {"max": 0}, PROJECTS4, "bad_parameter"),
    ("approval", {"min": -1}, PROJECTS4, "bad_parameter"),
    ("approval", {"max": "2"}, PROJECTS4, "bad_parameter"),
    ("approval", {"max": 2.0}, PROJECTS4, "bad_parameter"),
    ("approval", {"max": True}, PROJECTS4, "bad_parameter"),
    ("score", {}, PROJECTS4, "missing_parameter"),
    ("score", {"max_score": 0}, PROJECTS4, "bad_parameter"),
    ("score", {"max_score": 3, "min_score": 1}, PROJECTS4, "unknown_parameter"),
    ("ranking", {"min_rank": 4, "max_rank": 3}, PROJECTS4, "contradictory_parameters"),
    ("ranking", {"min_rank": 5}, PROJECTS4, "contradictory_parameters"),
    ("ranking", {"max_rank": 0}, PROJECTS4, "bad_parameter"),
    ("ranking", {"top": 2}, PROJECTS4, "unknown_parameter"),
    ("cumulative", {}, PROJECTS3, "missing_parameter"),
    ("cumulative", {"points": 0}, PROJECTS3, "bad_parameter"),
    ("cumulative", {"points": 5, "exact": "yes"}, PROJECTS3, "bad_parameter"),
    ("cumulative", {"points": 5, "exact": 1}, PROJECTS3, "bad_parameter"),
    ("cumulative", {"points": 10, "exact": True, "max_per_project": 3}, PROJECTS3, "contradictory_parameters"),
    ("cumulative", {"points": 5, "max_per_project": 0}, PROJECTS3, "bad_parameter"),
    ("budget", {}, PROJECTS4, "missing_parameter"),
    ("budget", {"max": 2}, PROJECTS4, "missing_parameter"),
    ("budget", {"budget": 0}, PROJECTS4, "bad_parameter"),
    ("budget", {"budget": 500, "min": 3, "max": 2}, PROJECTS4, "contradictory_parameters"),
    ("budget", {"budget": 500, "min": 5}, PROJECTS4, "contradictory_parameters"),
    ("budget", {"budget": 500, "limit": 1}, PROJECTS4, "unknown_parameter"),
    ("budget", {"budget": 500}, (Project("a", 100), Project("b", 0)), "bad_cost"),
    ("budget", {"budget": 500}, (Project("a", 100), Project("b", -50)), "bad_cost"),
    ("budget", {"budget": 500}, (Project("a"),), "bad_cost"),
    ("budget", {"budget": 500}, (Project("a", True),), "bad_cost"),
    ("budget", {"budget": 500}, (Project("a", 1.5),), "bad_cost"),  # type: ignore[arg-type]
    ("yes_no_abstain", {"min": 1}, PROJECTS3, "unknown_parameter"),
    ("plurality", {}, PROJECTS3, "unknown_scheme"),
    ("", {}, PROJECTS3, "unknown_scheme"),
    ("approval", {}, (), "no_projects"),
    ("score", {"max_score": 3}, (Project("a"), Project("a")), "duplicate_project"),
]


@pytest.mark.parametrize(
    ("name", "params", "projects", "code"),
    PARAMETER_ERRORS,
    ids=[f"{e[0] or 'empty'}-{e[3]}-{i}" for i, e in enumerate(PARAMETER_ERRORS)],
)
def test_parameter_errors(name: str, params: dict[str, Any], projects: tuple[Project, ...], code: str) -> None:
    with pytest.raises(SchemeParameterError) as info:
        make_scheme(name, params, projects)
    assert info.value.code == code
    assert isinstance(info.value, SchemeError) and isinstance(info.value, ValueError)
    assert info.value.message


def test_defaults_and_caps() -> None:
    approval = make_scheme("approval", {"max": 10}, PROJECTS3)
    assert approval.constraints() == []  # max capped at n, min 0: no constraint
    ranking = make_scheme("ranking", {"max_rank": 10}, PROJECTS3)
    assert isinstance(ranking, RankingScheme) and ranking.k == 3
    cumulative = make_scheme("cumulative", {"points": 4, "max_per_project": 9}, PROJECTS3)
    assert isinstance(cumulative, CumulativeScheme) and cumulative.max_per_project == 4
    assert cumulative.entry_bounds() == [4, 4, 4]
    loose = make_scheme("cumulative", {"points": 9, "max_per_project": 3}, PROJECTS3)
    assert loose.constraints() == []  # 3 projects x 3 points never exceed 9
    budget = make_scheme("budget", {"budget": 10_000}, PROJECTS4)
    assert isinstance(budget, BudgetScheme) and budget.constraints() == []  # everything fits
    assert budget.unit == 50 and budget.weights == (2, 5, 8, 3)


def test_params_are_copied() -> None:
    params = {"max_score": 3}
    scheme = make_scheme("score", params, PROJECTS3)
    params["max_score"] = 100
    assert scheme.entry_bounds() == [3, 3, 3]
