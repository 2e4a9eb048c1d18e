"""The real-data quirks found in the sixteen files, each pinned by a test."""

from __future__ import annotations

from decimal import Decimal

from voting_engine.pabulib import file_results

from ._data import FILES, PB_DIR, election, plan_for


def test_non_integer_budget_is_scaled_exactly() -> None:
    p = plan_for("Poland_Krakow_2023_Swoszowice.pb")
    assert p.election.budget == Decimal("1459730.46")
    assert p.scale == 100 and p.budget_int == 145973046
    assert {q.id: q.cost for q in p.projects}["BO.D10.19/23"] == 237000 * 100


def test_integral_decimal_budget_and_costs_need_no_scaling() -> None:
    p = plan_for("France_Toulouse_2022_7_-_Sept_Deniers_Ginestous-Sesquieres_Lalande.pb")
    assert p.election.meta["budget"] == "400000.0"
    assert p.election.project("88").cost == Decimal("55000.0")
    assert p.scale == 1 and p.budget_int == 400000
    assert {q.id: q.cost for q in p.projects}["88"] == 55000


def test_only_one_file_needs_a_scale() -> None:
    assert [n for n in FILES if plan_for(n).scale != 1] == ["Poland_Krakow_2023_Swoszowice.pb"]


def test_non_numeric_project_ids() -> None:
    zabrze = plan_for("Poland_Zabrze_2021_Makoszowy.pb")
    assert [q.id for q in zabrze.projects] == ["P0009", "P0004"]
    assert zabrze.expected_summary() == {"totals": {"P0009": 169, "P0004": 103}, "selected": ["P0009"]}
    krakow = election("Poland_Krakow_2023_Swoszowice.pb")
    assert "BO.D10.28/23" in {q.id for q in krakow.projects}
    assert all(pid.startswith("BO.D10.") for v in krakow.votes for pid in v.projects)


def test_duplicate_listing_voter_in_czestochowa() -> None:
    p = plan_for("Poland_Czestochowa_2020.pb")
    vote = next(v for v in p.election.votes if v.voter_id == "13026")
    assert vote.projects == ("579", "579", "579", "579") and vote.points == (1, 1, 1, 1)
    [issue] = p.issues
    assert (issue.voter_id, issue.code, issue.excluded, issue.line) == ("13026", "duplicate_project", False, vote.line)
    choice = p.choices[p.conversion.voter_ids.index("13026")]
    assert choice == {"points": {"579": 4}}  # cumulative: repeated listings add their points
    assert p.expected_totals()["579"] == 5437 == p.election.project("579").score
    assert p.election.project("579").votes == 704  # the file counts listings, not voters (701)
    assert sum(1 for v in p.election.votes if "579" in v.projects) == 701


def test_no_other_file_has_a_repeated_project_in_a_vote() -> None:
    repeated = {n for n in FILES for v in election(n).votes if len(set(v.projects)) != len(v.projects)}
    assert repeated == {"Poland_Czestochowa_2020.pb"}


def test_quoted_fields_with_separator_and_quotes() -> None:
    stogi = election("Poland_Gdansk_2020_Stogi.pb")
    assert stogi.project("4").name == "4 Stogi Pusty Staw; sport, rekreacja, wypoczynek"
    gdansk = election("Poland_Gdansk_2020.pb")
    assert (gdansk.project("20").name or "").startswith('"BEZPIECZNY GDAŃSK" - Zajęcia')


def test_line_endings_and_trailing_separators() -> None:
    raw = (PB_DIR / "Poland_Czestochowa_2020.pb").read_bytes()
    assert b"\r\n" not in raw and b";\n" in raw  # LF file whose empty last field leaves a trailing ';'
    assert b"\r\n" in (PB_DIR / "Poland_Gdansk_2020.pb").read_bytes()
    cz = election("Poland_Czestochowa_2020.pb")
    assert cz.vote_columns == ("voter_id", "vote", "points", "district")
    assert any(v.extra["district"] == "" for v in cz.votes)


def test_mechanical_turk_scores_are_borda_of_full_rankings() -> None:
    for name in [n for n in FILES if "Mechanical_Turk" in n]:
        p = plan_for(name)
        assert "scoring_fn" not in p.election.meta  # META states no points rule: Pabulib's default, Borda
        assert p.election.meta["min_length"] == p.election.meta["max_length"] == "10"
        assert p.points == (10, 9, 8, 7, 6, 5, 4, 3, 2, 1)
        assert p.expected_totals() == file_results(p.election).score
        assert not p.rule.compared  # rule 'unknown', no selected column


def test_krakow_points_are_three_two_one() -> None:
    for name in [n for n in FILES if "Krakow" in n]:
        p = plan_for(name)
        assert p.params == {"max_rank": 3, "min_rank": 3} and p.points == (3, 2, 1)


def test_cost_caps_and_thresholds_in_meta() -> None:
    amsterdam = plan_for("Netherlands_Amsterdam_621.pb")
    assert amsterdam.scheme == "budget" and amsterdam.params["budget"] == 450000  # max_sum_cost binds
    las = plan_for("Poland_Warszawa_2019_Las.pb")
    assert las.scheme == "approval" and any("max_sum_cost" in n for n in las.conversion.notes)
    warszawa = plan_for("Poland_Warszawa_2026.pb")
    assert warszawa.rule.threshold == 3000
    summary = warszawa.expected_summary()
    assert "1664" not in summary["selected"]  # fits the budget but has fewer than 3000 votes
    assert summary["totals"]["1664"] < 3000


def test_no_skip_rule_stops_at_first_misfit() -> None:
    p = plan_for("Poland_Wroclaw_2018.pb")
    assert p.rule.stop_at_first_misfit
    assert p.expected_summary()["selected"] == ["7", "4", "416", "28"]


def test_vote_types_map_to_schemes() -> None:
    mapping = {(election(n).vote_type, plan_for(n).scheme) for n in FILES}
    assert mapping == {
        ("approval", "approval"),
        ("approval", "budget"),
        ("choose-1", "approval"),
        ("cumulative", "cumulative"),
        ("ordinal", "ranking"),
    }
    toulouse = plan_for("France_Toulouse_2019.pb")
    assert toulouse.params == {"points": 7, "max_per_project": 3}  # max_sum_points, max_points
    assert plan_for("Poland_Gdansk_2020.pb").params == {"min": 1, "max": 1}
