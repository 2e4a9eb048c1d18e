"""The PrefLib reader on the four stored files and on malformed input."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from voting_engine.preflib import PreflibError, load_preflib, parse_preflib

PREFLIB = Path(__file__).resolve().parents[3] / "shared" / "data" / "preflib"


def test_stored_files_match_their_headers() -> None:
    expected = {
        "00002-00000006.soi": ("soi", 5, 436, 101),
        "00002-00000006.toc": ("toc", 5, 436, None),
        "00002-00000008.soi": ("soi", 8, 143, 125),
        "00004-00000006.soc": ("soc", 3, 940, 6),
    }
    for name, (kind, alternatives, voters, orders) in expected.items():
        profile = load_preflib(PREFLIB / name)
        assert profile.data_type == kind
        assert len(profile.alternatives) == alternatives and profile.voters == voters
        assert orders is None or len(profile.orders) == orders
    assert load_preflib(PREFLIB / "00002-00000008.soi").alternatives[2] == "Swirl"


def test_toc_is_the_soi_with_unranked_tied_at_the_bottom() -> None:
    soi = load_preflib(PREFLIB / "00002-00000006.soi")
    toc = load_preflib(PREFLIB / "00002-00000006.toc")
    assert any(len(group) > 1 for order in toc.orders for group in order)
    completed = soi.completed()
    assert completed.data_type == "toc"
    assert Counter(dict(zip(completed.orders, completed.counts, strict=True))) == Counter(
        dict(zip(toc.orders, toc.counts, strict=True))
    )


def test_ballot_views() -> None:
    toc = load_preflib(PREFLIB / "00002-00000006.toc")
    assert ["1", ["2", "3", "4", "5"]] in toc.ballots()
    with pytest.raises(PreflibError):
        toc.strict_ballots()
    soc = load_preflib(PREFLIB / "00004-00000006.soc")
    assert soc.strict_ballots()[0] == ["2", "1", "3"] and soc.candidates() == ["1", "2", "3"]


HEAD = (
    "# DATA TYPE: {kind}\n# NUMBER ALTERNATIVES: 3\n"
    "# ALTERNATIVE NAME 1: A\n# ALTERNATIVE NAME 2: B\n# ALTERNATIVE NAME 3: C\n"
)


@pytest.mark.parametrize(
    ("kind", "body", "code", "line"),
    [
        ("soc", "2: 1,2\n", "incomplete_order", 6),
        ("soi", "2: 1,{2,3}\n", "ties_in_strict", 6),
        ("soi", "2: 1,4\n", "unknown_alternative", 6),
        ("soi", "2: 1,1\n", "repeated_alternative", 6),
        ("toc", "2: 1,{2,3\n", "bad_order", 6),
        ("soi", "x: 1\n", "bad_line", 6),
        ("xyz", "1: 1\n", "data_type", 0),
    ],
)
def test_malformed_input(kind: str, body: str, code: str, line: int) -> None:
    with pytest.raises(PreflibError) as info:
        parse_preflib(HEAD.format(kind=kind) + body)
    assert (info.value.code, info.value.line) == (code, line)


def test_declared_totals_are_checked() -> None:
    text = HEAD.format(kind="soi") + "# NUMBER VOTERS: 5\n2: 1,2\n"
    with pytest.raises(PreflibError) as info:
        parse_preflib(text)
    assert info.value.code == "count_mismatch"
    ok = parse_preflib(HEAD.format(kind="toi") + "# NUMBER VOTERS: 3\n2: {1,2}\n1: 3\n")
    assert ok.orders == (((1, 2),), ((3,),)) and ok.ballots() == [[["1", "2"]], ["3"]]
