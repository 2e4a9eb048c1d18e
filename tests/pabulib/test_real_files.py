"""Every real Pabulib file: parse, recompute totals and selections, convert, export and re-read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ballot_schemes import make_scheme
from voting_engine.pabulib import discrepancies, file_results, parse_pb, results_pb
from voting_engine.pabulib.expected import GREEDY_RULES, SelectionRule, natural_key

from ._data import FILES, SMALL, election, plan_for, with_selected_column

# The one disagreement between a file's columns and its own VOTES section: voter 13026 lists
# project 579 four times; the file's `votes` column counts the four listings, we count the voter once.
KNOWN = {"Poland_Czestochowa_2020.pb": ["project 579: file votes 704, ours 701"]}


def test_all_sixteen_files_present() -> None:
    assert len(FILES) == 16


@pytest.mark.parametrize("name", FILES)
def test_parses_with_declared_counts(name: str) -> None:
    e = election(name)
    assert len(e.projects) == e.meta_int("num_projects")
    assert len(e.votes) == e.meta_int("num_votes")
    assert e.vote_type in ("approval", "choose-1", "cumulative", "ordinal")
    assert all(v.projects for v in e.votes)  # no empty ballots in the real set


@pytest.mark.parametrize("name", FILES)
def test_totals_and_greedy_selection_match_the_file(name: str) -> None:
    p = plan_for(name)
    assert discrepancies(p.election, p.conversion) == KNOWN.get(name, [])


@pytest.mark.parametrize("name", FILES)
def test_plan_totals_equal_the_file_ranking_column(name: str) -> None:
    p = plan_for(name)
    column = getattr(file_results(p.election), p.total_column)
    assert column is not None
    assert p.expected_totals() == column


@pytest.mark.parametrize("name", with_selected_column())
def test_selected_column_reproduced(name: str) -> None:
    p = plan_for(name)
    assert p.rule.compared and p.rule.name in GREEDY_RULES
    summary = p.expected_summary()
    assert set(summary["selected"]) == set(file_results(p.election).selected or [])


def _reference_greedy(
    totals: dict[str, int], costs: dict[str, int], budget: int, rule: SelectionRule, tie: Callable[[str], Any]
) -> set[str]:
    """An independent greedy with a pluggable tie-break, as Pabulib's checker runs it."""
    chosen, left = set(), budget
    for pid in sorted(costs, key=lambda q: (-totals[q], tie(q))):
        if totals[pid] < rule.threshold:
            continue
        if costs[pid] <= left:
            chosen.add(pid)
            left -= costs[pid]
        elif rule.stop_at_first_misfit:
            break
    return chosen


@pytest.mark.parametrize("name", with_selected_column())
def test_selection_does_not_depend_on_tie_breaking(name: str) -> None:
    p = plan_for(name)
    totals = p.expected_totals()
    costs = {q.id: q.cost for q in p.projects}
    index = {q.id: i for i, q in enumerate(p.projects)}
    ours = set(p.selection(totals))
    ties: list[Callable[[str], Any]] = [
        lambda q: (costs[q], natural_key(q)),  # ours: cheaper first, then id
        lambda q: -costs[q],  # dearer first
        lambda q: index[q],  # file order (Pabulib's checker: a stable sort of the file)
        lambda q: -index[q],
    ]
    for tie in ties:
        assert _reference_greedy(totals, costs, p.budget_int, p.rule, tie) == ours


@pytest.mark.parametrize("name", FILES)
def test_every_choice_is_valid_for_the_engine_scheme(name: str) -> None:
    p = plan_for(name)
    scheme = make_scheme(p.scheme, p.params, p.projects)
    for choice in p.choices:
        scheme.validate_choice(choice)
    assert len(p.choices) == len(p.election.votes)
    assert not [i for i in p.issues if i.excluded]
    assert all(q.cost > 0 and isinstance(q.cost, int) for q in p.projects)


@pytest.mark.parametrize("name", FILES)
def test_export_reads_back(name: str) -> None:
    p = plan_for(name)
    include_votes = name in SMALL
    back = parse_pb(results_pb(p, include_votes=include_votes, engine_info={"version": "test"}))
    summary = p.expected_summary()
    assert [q.id for q in back.projects] == [q.id for q in p.election.projects]
    assert [q.cost for q in back.projects] == [q.cost for q in p.election.projects]
    assert {q.id: getattr(q, p.total_column) for q in back.projects} == summary["totals"]
    assert {q.id for q in back.projects if q.selected == 1} == set(summary["selected"])
    assert back.meta["rule"] == p.rule.name and back.meta["engine_scheme"] == p.scheme
    assert back.meta["engine_version"] == "test"
    assert back.meta_int("num_votes") == len(p.choices)
    if include_votes:
        assert [v.voter_id for v in back.votes] == list(p.conversion.voter_ids)
        original = {v.voter_id: v for v in p.election.votes}
        for v in back.votes:  # no duplicates in the small files: the votes come back as cast
            source = original[v.voter_id]
            if p.scheme == "cumulative":
                assert dict(zip(v.projects, v.points or (), strict=True)) == dict(
                    zip(source.projects, source.points or (), strict=True)
                )
            else:
                assert v.projects == source.projects


def test_rules_found_in_the_files() -> None:
    rules = {name: election(name).rule for name in FILES}
    assert set(rules.values()) == {"greedy", "greedy-threshold", "greedy-no-skip", "unknown"}
    assert rules["Poland_Warszawa_2026.pb"] == "greedy-threshold"
    assert rules["Poland_Wroclaw_2018.pb"] == "greedy-no-skip"
    assert sorted(n for n, r in rules.items() if r == "unknown") == [n for n in FILES if "Mechanical_Turk" in n]


def test_natural_order_of_ids() -> None:
    assert sorted(["P10", "P9", "2", "10", "BO.D10.8/23", "BO.D10.28/23"], key=natural_key) == [
        "2",
        "10",
        "BO.D10.8/23",
        "BO.D10.28/23",
        "P9",
        "P10",
    ]
