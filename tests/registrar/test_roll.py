"""Tests for eligibility roll parsing: valid rolls, vocabularies and every error with its line."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voting_engine.registrar.roll import (
    RollEntry,
    RollError,
    decode_roll,
    group_counts,
    normalize_age_band,
    normalize_gender,
    parse_roll,
    read_roll,
)

GROUPS = {"committee", "public"}


def test_minimal_roll() -> None:
    entries = parse_roll("person_id,group\nA1,public\nA2,committee\n", GROUPS)
    assert entries == [RollEntry("A1", "public", line=2), RollEntry("A2", "committee", line=3)]


def test_full_roll_with_korean_bom_crlf_and_blank_lines() -> None:
    text = (
        "\ufeffPerson_ID , Group,region,age_band,gender\r\n"
        "\r\n"
        "홍길동-001,public,서울특별시 종로구,20-29,여\r\n"
        '"P,2",committee,부산,70+,M\r\n'
        "P3,public,,,\r\n"
        "P4,public,대구, 30~39 ,x\r\n"
    )
    entries = parse_roll(text, GROUPS)
    assert [e.person_id for e in entries] == ["홍길동-001", "P,2", "P3", "P4"]
    assert entries[0] == RollEntry("홍길동-001", "public", "서울특별시 종로구", "20-29", "F", 3)
    assert (entries[1].age_band, entries[1].gender, entries[1].line) == ("70+", "M", 4)
    assert (entries[2].region, entries[2].age_band, entries[2].gender) == (None, None, None)
    assert (entries[3].age_band, entries[3].gender) == ("30-39", "X")
    assert group_counts(entries) == {"committee": 1, "public": 3}


def test_columns_in_any_order_and_nfc() -> None:
    decomposed = "\u1112\u1169\u11bc"  # 홍 in NFD (macOS exports)
    entries = parse_roll(f"group,person_id\npublic,{decomposed}\n", GROUPS)
    assert entries[0].person_id == "홍"


def test_header_only_gives_empty_roll() -> None:
    assert parse_roll("person_id,group\n", GROUPS) == []


def test_decode_roll_bom_and_bad_bytes(tmp_path: Path) -> None:
    data = "person_id,group\n김,public\n".encode()
    assert decode_roll(b"\xef\xbb\xbf" + data) == data.decode()
    path = tmp_path / "roll.csv"
    path.write_bytes(b"\xef\xbb\xbf" + data)
    assert read_roll(path, GROUPS)[0].person_id == "김"
    with pytest.raises(RollError) as info:
        decode_roll("person_id,group\n김,public\n".encode("euc-kr"))
    assert info.value.code == "bad_encoding"


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        ("", "empty", 1),
        ("\n\n", "empty", 1),
        ("person_id\nA,public\n", "missing_column", 1),
        ("id,group\nA,public\n", "unknown_column", 1),
        ("person_id,group,name\nA,public,Kim\n", "unknown_column", 1),
        ("person_id,group,group\nA,public,public\n", "duplicate_column", 1),
        ("\nperson_id,grp\n", "unknown_column", 2),
        ("person_id,group\nA,public\n,public\n", "empty_person_id", 3),
        ("person_id,group\nA,public\n  ,public\n", "empty_person_id", 3),
        ("person_id,group\nA,public\nB,public\nA,committee\n", "duplicate_person_id", 4),
        ("person_id,group\nA,public\nB,citizens\n", "unknown_group", 3),
        ("person_id,group\nA,Public\n", "unknown_group", 2),
        ("person_id,group\nA,public,extra\n", "bad_field_count", 2),
        ("person_id,group,region\nA,public\n", "bad_field_count", 2),
        ("person_id,group\n=cmd(),public\n", "bad_person_id", 2),
        ("person_id,group\nA\u200bB,public\n", "bad_person_id", 2),
        ("person_id,group\n" + "x" * 129 + ",public\n", "bad_person_id", 2),
        ("person_id,group,age_band\nA,public,30-20\n", "bad_age_band", 2),
        ("person_id,group,age_band\nA,public,twenties\n", "bad_age_band", 2),
        ("person_id,group,age_band\nA,public,20-200\n", "bad_age_band", 2),
        ("person_id,group,gender\nA,public,alien\n", "bad_gender", 2),
        ("person_id,group,region\nA,public," + "r" * 101 + "\n", "bad_region", 2),
        ('person_id,group\n"A,public\n', "bad_csv", 2),
        ('person_id,group\nA,public\n"B"x,public\n', "bad_csv", 3),
    ],
)
def test_errors_report_code_and_line(text: str, code: str, line: int) -> None:
    with pytest.raises(RollError) as info:
        parse_roll(text, GROUPS)
    assert info.value.code == code
    assert info.value.line == line
    assert f"line {line}" in str(info.value)


def test_duplicate_message_names_first_line() -> None:
    with pytest.raises(RollError, match="already on line 2"):
        parse_roll("person_id,group\nA,public\nA,public\n", GROUPS)


def test_duplicate_after_nfc_normalisation() -> None:
    with pytest.raises(RollError) as info:
        parse_roll("person_id,group\n홍,public\n\u1112\u1169\u11bc,public\n", GROUPS)
    assert info.value.code == "duplicate_person_id"


def test_multiline_cell_is_reported_at_its_first_line() -> None:
    text = 'person_id,group,region\nA,public,x\nB,public,"two\nlines"\nC,public,x\n'
    with pytest.raises(RollError) as info:
        parse_roll(text, GROUPS)
    assert (info.value.code, info.value.line) == ("bad_region", 3)


@pytest.mark.parametrize(
    ("raw", "expected"), [("", None), ("0-9", "0-9"), ("20–29", "20-29"), ("65 ~ 69", "65-69"), ("80+", "80+")]
)
def test_age_bands(raw: str, expected: str | None) -> None:
    assert normalize_age_band(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [("", None), ("f", "F"), ("M", "M"), ("x", "X"), ("남성", "M")])
def test_genders(raw: str, expected: str | None) -> None:
    assert normalize_gender(raw) == expected


_ids = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cf", "Cs", "Zs", "Zl", "Zp")),
    min_size=1,
    max_size=20,
).filter(lambda s: s == s.strip() and not s.startswith(("=", "+", "@")))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_ids, st.sampled_from(sorted(GROUPS))), max_size=15, unique_by=lambda p: p[0]))
def test_written_rolls_parse_back(rows: list[tuple[str, str]]) -> None:
    import unicodedata

    rows = [(unicodedata.normalize("NFC", pid), group) for pid, group in rows]
    if len({pid for pid, _ in rows}) != len(rows):
        return
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["person_id", "group"])
    writer.writerows(rows)
    entries = parse_roll(out.getvalue(), GROUPS)
    assert [(e.person_id, e.group) for e in entries] == rows
