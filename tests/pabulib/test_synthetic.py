"""Small hand-written files: error reporting, conversion policies, plan reading, export round trip."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ballot_schemes import make_scheme
from voting_engine.pabulib import ConversionError, PabulibError, convert, discrepancies, parse_pb, plan, results_pb
from voting_engine.pabulib.export import write_pb

M = "META\nkey;value\nbudget;1\nvote_type;approval\n"
HEAD = "META\nkey;value\nbudget;{budget}\nvote_type;{kind}\nrule;greedy\n{meta}PROJECTS\n"


def pb(kind: str, projects: str, votes: str, *, budget: str = "100", meta: str = "") -> str:
    return HEAD.format(budget=budget, kind=kind, meta=meta) + projects + "VOTES\n" + votes


APPROVAL_PROJECTS = "project_id;cost;votes;name\na;40;2;A\nb;50;2;B\nc;30;1;C\n"


def test_minimal_approval_file_round_trip() -> None:
    text = pb("approval", APPROVAL_PROJECTS, "voter_id;vote\n1;a,b\n2;a,c\n3;b\n")
    p = plan(parse_pb(text))
    assert p.scheme == "approval" and p.params == {"min": 0, "max": 3}
    assert p.expected_summary() == {"totals": {"a": 2, "b": 2, "c": 1}, "selected": ["a", "b"]}
    assert discrepancies(p.election, p.conversion) == []


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        ("META\nkey;value\nbudget;x\nvote_type;approval\nPROJECTS\nproject_id;cost\na;1\n", "bad_number", 0),
        ("PROJECTS\nproject_id;cost\na;1\n", "missing_section", 0),
        ("hello\nMETA\n", "no_section", 1),
        ("META\nkey;value\nbudget;1\nvote_type;ranked\nPROJECTS\nproject_id;cost\na;1\n", "unknown_vote_type", 0),
        (M + "PROJECTS\nproject_id;cost\na;1\na;2\n", "duplicate_project", 8),
        (M + "PROJECTS\nproject_id;cost\na;-1\n", "bad_number", 7),
        ("META\nkey;value\nbudget;1\nbudget;2\n", "duplicate_meta", 4),
        (M + "PROJECTS\nproject_id;cost;votes\na;1;2.5\n", "not_integer", 7),
        (M + "PROJECTS\nproject_id;cost\na;1;x\n", "too_many_fields", 7),
        (M + "num_projects;2\nPROJECTS\nproject_id;cost\na;1\n", "count_mismatch", 0),
        ("META\nfoo;bar\n", "bad_header", 2),
    ],
)
def test_malformed_files_name_the_defect(text: str, code: str, line: int) -> None:
    with pytest.raises(PabulibError) as info:
        parse_pb(text)
    assert info.value.code == code and info.value.line == line


@pytest.mark.parametrize(
    ("votes", "code", "line"),
    [
        ("voter_id;vote\n1;a\n1;b\n", "duplicate_voter", 14),
        ("voter_id;vote\n1;a\n2;z\n", "unknown_project", 14),
        ("voter_id;vote;points\n1;a,b;3\n", "points_mismatch", 13),
        ("voter_id;vote;points\n1;a;x\n", "bad_number", 13),
    ],
)
def test_vote_errors_carry_line_numbers(votes: str, code: str, line: int) -> None:
    with pytest.raises(PabulibError) as info:
        parse_pb(pb("approval", APPROVAL_PROJECTS, votes))
    assert (info.value.code, info.value.line) == (code, line)
    assert f"line {line}" in str(info.value)


def test_multi_line_quoted_field_keeps_line_numbers() -> None:
    text = (
        "META\r\nkey;value\r\n\r\nbudget;1\r\nvote_type;approval\r\nPROJECTS\r\nproject_id;cost;name\r\n"
        'a;1;"x\r\ny"\r\nb;-1;z\r\n'
    )
    with pytest.raises(PabulibError) as info:
        parse_pb(text)
    assert (info.value.code, info.value.line) == ("bad_number", 10)


def test_tolerated_variations() -> None:
    text = (
        "\ufeffMETA\r\nkey; value\r\nbudget; 100,5\r\nvote_type; approval\r\n\r\nPROJECTS\r\n"
        'project_id; cost; votes; selected;\r\na; 40.25; 1; none\r\n"b;1"; 50; none; 1\r\nVOTES\r\nvoter_id;vote\r\n'
        '1; "a,b;1,"\r\n'
    )
    e = parse_pb(text)
    assert str(e.budget) == "100.5" and e.project("a").cost == 40.25
    assert e.project("a").selected is None and e.project("b;1").selected == 1 and e.project("b;1").votes is None
    assert e.votes[0].projects == ("a", "b;1")
    p = plan(e)
    assert p.scale == 100 and p.budget_int == 10050 and [q.cost for q in p.projects] == [4025, 5000]


def test_approval_duplicates_count_once_and_limits_exclude_with_a_report() -> None:
    meta = "min_length;1\nmax_length;2\n"
    e = parse_pb(pb("approval", APPROVAL_PROJECTS, "voter_id;vote\n1;a,a\n2;a,b,c\n3;\n4;b\n", meta=meta))
    c = convert(e)
    assert c.choices == ({"approved": ["a"]}, {"approved": ["b"]})
    assert c.voter_ids == ("1", "4")
    assert [(i.voter_id, i.code, i.excluded) for i in c.issues] == [
        ("1", "duplicate_project", False),
        ("2", "too_many", True),
        ("3", "too_few", True),
    ]


def test_binding_max_sum_cost_uses_the_budget_scheme() -> None:
    e = parse_pb(pb("approval", APPROVAL_PROJECTS, "voter_id;vote\n1;a,c\n2;a,b,c\n", meta="max_sum_cost;80\n"))
    c = convert(e)
    assert c.scheme == "budget" and c.params == {"min": 0, "max": 3, "budget": 80}
    assert [(i.voter_id, i.code) for i in c.issues] == [("2", "over_budget")]


def test_choose_one_and_ordinal_policies() -> None:
    choose = convert(parse_pb(pb("choose-1", APPROVAL_PROJECTS, "voter_id;vote\n1;a\n2;a,b\n")))
    assert choose.params == {"min": 0, "max": 1} and [i.code for i in choose.issues] == ["too_many"]
    ordinal = plan(parse_pb(pb("ordinal", APPROVAL_PROJECTS, "voter_id;vote\n1;b,a,b\n2;c\n")))
    assert ordinal.params == {"max_rank": 2, "min_rank": 0}  # no max_length: the longest ranking
    assert ordinal.choices == [{"ranking": ["b", "a"]}, {"ranking": ["c"]}]
    assert ordinal.points == (2, 1)
    assert ordinal.expected_totals() == {"a": 1, "b": 2, "c": 2}


def test_ordinal_scoring_fn_stated_in_meta() -> None:
    text = pb("ordinal", APPROVAL_PROJECTS, "voter_id;vote\n1;b,a\n2;c,b\n", meta="max_length;2\nscoring_fn;5,1\n")
    assert plan(parse_pb(text)).expected_totals() == {"a": 1, "b": 6, "c": 5}


def test_cumulative_points_and_limits() -> None:
    projects = "project_id;cost;votes;score\na;40;2;5\nb;50;1;2\nc;30;0;0\n"
    votes = "voter_id;vote;points\n1;a,b,a;2,2,1\n2;a;2\n3;a,b;4,1\n4;c;0\n"
    c = convert(parse_pb(pb("cumulative", projects, votes, meta="max_sum_points;5\nmax_points;3\n")))
    assert c.params == {"points": 5, "max_per_project": 3}
    assert c.choices == ({"points": {"a": 3, "b": 2}}, {"points": {"a": 2}}, {"points": {}})
    assert [(i.voter_id, i.code, i.excluded) for i in c.issues] == [
        ("1", "duplicate_project", False),
        ("3", "too_many_points", True),
    ]
    exact_meta = "max_sum_points;3\nmin_sum_points;3\n"
    exact = convert(parse_pb(pb("cumulative", projects, "voter_id;vote;points\n1;a;3\n", meta=exact_meta)))
    assert exact.params == {"points": 3, "max_per_project": 3, "exact": True}
    inferred = convert(parse_pb(pb("cumulative", projects, "voter_id;vote;points\n1;a,b;3,4\n")))
    assert inferred.params == {"points": 7, "max_per_project": 7} and inferred.notes


def test_whole_file_conversion_errors() -> None:
    with pytest.raises(ConversionError, match="positive"):
        convert(parse_pb(pb("approval", "project_id;cost\na;0\n", "voter_id;vote\n")))
    with pytest.raises(ConversionError) as info:
        convert(parse_pb(pb("scoring", "project_id;cost\na;1\n", "voter_id;vote;points\n1;a;1\n")))
    assert info.value.code == "unsupported_vote_type"
    with pytest.raises(ConversionError) as info:
        convert(parse_pb(pb("approval", APPROVAL_PROJECTS, "voter_id;vote\n", meta="min_length;5\n")))
    assert info.value.code.startswith("scheme:")


@pytest.mark.parametrize(
    ("kind", "votes"),
    [
        ("approval", "voter_id;vote\n1;a,b\n2;c\n3;b,c\n"),
        ("cumulative", "voter_id;vote;points\n1;a,b;2,1\n2;c;3\n"),
        ("ordinal", "voter_id;vote\n1;b,a,c\n2;c,a\n3;a\n"),
    ],
)
def test_plan_reads_raw_and_decoded_tallies_alike(kind: str, votes: str) -> None:
    p = plan(parse_pb(pb(kind, APPROVAL_PROJECTS, votes, meta="max_sum_points;3\n")))
    scheme = make_scheme(p.scheme, p.params, p.projects)
    vector = [sum(col) for col in zip(*(scheme.encode(c) for c in p.choices), strict=True)]
    decoded = scheme.decode_tally(vector, len(p.choices))
    assert p.totals_from_tally(vector) == p.totals_from_tally(decoded) == p.expected_totals()
    assert p.selection(p.expected_totals()) == p.expected_summary()["selected"]


def test_threshold_and_no_skip_rules() -> None:
    projects = "project_id;cost;votes\na;60;3\nb;50;2\nc;30;1\n"
    votes = "voter_id;vote\n1;a,b,c\n2;a,b\n3;a\n"
    base = pb("approval", projects, votes).replace("rule;greedy", "rule;{rule}")
    assert plan(parse_pb(base.format(rule="greedy"))).expected_summary()["selected"] == ["a", "c"]
    assert plan(parse_pb(base.format(rule="greedy-no-skip"))).expected_summary()["selected"] == ["a"]
    threshold = base.format(rule="greedy-threshold").replace("PROJECTS", "min_project_score_threshold;2\nPROJECTS")
    assert plan(parse_pb(threshold)).expected_summary()["selected"] == ["a"]
    other = plan(parse_pb(base.format(rule="equalshares")))
    assert not other.rule.compared and other.expected_summary()["selected"] == ["a", "c"]


def test_export_without_votes_keeps_counted_ballots() -> None:
    p = plan(parse_pb(pb("approval", APPROVAL_PROJECTS, "voter_id;vote\n1;a,b\n2;a,c\n")))
    back = parse_pb(results_pb(p))
    assert back.votes == () and back.meta["num_votes"] == "2" and back.vote_columns == ()
    assert [(q.id, q.votes, q.selected) for q in back.projects] == [("a", 2, 1), ("b", 1, 0), ("c", 1, 1)]


_text = st.text(alphabet=string.ascii_letters + string.digits + ' ;,"-./ąę', min_size=1, max_size=12).map(str.strip)


_ident = st.text(alphabet=string.ascii_letters + string.digits + "./-", min_size=1, max_size=6)


@settings(max_examples=60, deadline=None)
@given(
    ids=st.lists(_ident, min_size=1, max_size=6, unique=True),
    names=st.lists(_text, min_size=6, max_size=6),
    costs=st.lists(st.decimals(min_value=1, max_value=10**6, places=2), min_size=6, max_size=6),
)
def test_written_files_parse_back(ids: list[str], names: list[str], costs: list[object]) -> None:
    rows = [{"project_id": i, "cost": str(c), "name": n} for i, n, c in zip(ids, names, costs, strict=False)]
    votes = [{"voter_id": f"v{k}", "vote": ",".join(ids[: k + 1])} for k in range(len(ids))]
    meta = {"description": names[0] or "x", "budget": "1000", "vote_type": "approval", "num_votes": str(len(votes))}
    back = parse_pb(write_pb(meta, ["project_id", "cost", "name"], rows, ["voter_id", "vote"], votes))
    assert [(q.id, str(q.cost), q.name or "") for q in back.projects] == [
        (r["project_id"], r["cost"], r["name"]) for r in rows
    ]
    assert [v.projects for v in back.votes] == [tuple(ids[: k + 1]) for k in range(len(ids))]
    assert back.meta["description"] == meta["description"]
