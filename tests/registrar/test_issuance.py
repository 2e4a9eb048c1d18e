"""Tests for bulk issuance and the printable outputs (HTML, PDF, mail-merge CSV)."""

from __future__ import annotations

import csv
import html
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voting_engine.core.credentials import format_code, is_valid_public_credential, parse_code, public_credential
from voting_engine.core.encoding import b64decode
from voting_engine.registrar.issuance import (
    CSV_COLUMNS,
    IssuanceError,
    IssuedCredential,
    credential_csv,
    credential_sheet_html,
    credential_sheet_pdf,
    issue_credentials,
    public_rolls,
    qr_url,
)
from voting_engine.registrar.roll import RollEntry
from voting_engine.registrar.sheet_pdf import FALLBACK_FONT_FILES, find_font_files

URL = "https://vote.example.kr/pb-2025"
TITLE = {"en": "2025 National Participatory Budget", "ko": "2025 국민참여예산 투표"}
HOSTILE = '<script>alert("x")</script>'
ENTRIES = [RollEntry(f"P{i:03d}", "public") for i in range(5)] + [
    RollEntry(HOSTILE, "committee"),
    RollEntry("홍길동-007", "committee"),
]
ISSUED = issue_credentials(ENTRIES)


def _pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))


def test_issued_codes_parse_and_match_public_credentials() -> None:
    assert [(i.person_id, i.group) for i in ISSUED] == [(e.person_id, e.group) for e in ENTRIES]
    for item in ISSUED:
        assert format_code(parse_code(item.code)) == item.code
        assert item.public_credential == public_credential(item.code)
        assert is_valid_public_credential(item.public_credential)
        assert item.code not in repr(item)
    assert len({i.code for i in ISSUED}) == len(ISSUED)


def test_issuance_refuses_duplicates_and_repeating_randomness() -> None:
    with pytest.raises(IssuanceError) as info:
        issue_credentials([RollEntry("A", "public"), RollEntry("A", "committee")])
    assert info.value.code == "duplicate_person_id"
    with pytest.raises(IssuanceError) as info:
        issue_credentials([RollEntry("A", "public"), RollEntry("B", "public")], random_bytes=lambda n: bytes(n))
    assert info.value.code == "duplicate_credential"


def test_public_rolls_are_sorted_by_credential_not_roll_order() -> None:
    rolls = public_rolls(ISSUED)
    assert set(rolls) == {"committee", "public"}
    for group, creds in rolls.items():
        raw = [b64decode(c, 32) for c in creds]
        assert raw == sorted(raw)
        assert set(raw) == {i.public_credential for i in ISSUED if i.group == group}


def test_qr_url_and_voting_url_checks() -> None:
    code = ISSUED[0].code
    assert qr_url(URL, parse_code(code)) == f"{URL}#code={code}"
    for bad in ("ftp://x.kr/", "https://", "https://x.kr/#a", "vote.example.kr", "https://x.kr/a b"):
        with pytest.raises(IssuanceError) as info:
            qr_url(bad, code)
        assert info.value.code == "bad_voting_url"


def test_html_sheet_contains_codes_qrs_and_escapes() -> None:
    page = credential_sheet_html(ISSUED, TITLE, URL, cards_per_page=3)
    for item in ISSUED:
        assert item.code in page
    assert page.count("<svg") == len(ISSUED)
    assert page.count('class="card"') == len(ISSUED)
    assert page.count('<section class="page">') == 3
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "홍길동-007" in page and TITLE["ko"] in page and TITLE["en"] in page
    assert "비밀" in page and "Keep this code secret" in page
    assert page.index(TITLE["ko"]) < page.index(TITLE["en"])


def test_html_escapes_titles_and_refuses_bad_layouts() -> None:
    page = credential_sheet_html(ISSUED[:1], {"en": "<b>&"}, URL)
    assert "&lt;b&gt;&amp;" in page and "<b>&" not in page
    with pytest.raises(IssuanceError):
        credential_sheet_html(ISSUED, TITLE, URL, cards_per_page=0)
    with pytest.raises(IssuanceError):
        credential_sheet_html(ISSUED, {"ko": " "}, URL)


@pytest.mark.parametrize("per_page", [1, 2, 3, 4])
def test_pdf_has_one_page_per_n_cards(per_page: int) -> None:
    pdf = credential_sheet_pdf(ISSUED, TITLE, URL, cards_per_page=per_page)
    assert pdf.startswith(b"%PDF")
    assert _pdf_pages(pdf) == -(-len(ISSUED) // per_page)


def test_pdf_with_core_font_fallback(tmp_path: Path) -> None:
    bogus = tmp_path / "not-a-font.ttf"
    bogus.write_bytes(b"nope")
    pdf = credential_sheet_pdf(ISSUED[:2], {"ko": "국민참여예산"}, URL, font_path=bogus)
    assert pdf.startswith(b"%PDF") and _pdf_pages(pdf) == 1


@pytest.mark.skipif(not find_font_files(FALLBACK_FONT_FILES), reason="DejaVu Sans not installed")
def test_pdf_with_explicit_unicode_font() -> None:
    pdf = credential_sheet_pdf(ISSUED, TITLE, URL, font_path=find_font_files(FALLBACK_FONT_FILES)[0])
    assert _pdf_pages(pdf) == 3


@pytest.mark.skipif(not (shutil.which("pdftoppm") and shutil.which("zbarimg")), reason="poppler/zbar not installed")
def test_pdf_qr_codes_decode(tmp_path: Path) -> None:
    (tmp_path / "sheet.pdf").write_bytes(credential_sheet_pdf(ISSUED[:3], TITLE, URL))
    subprocess.run(["pdftoppm", "-r", "150", "-png", "sheet.pdf", "page"], cwd=tmp_path, check=True, timeout=60)
    images = sorted(str(p) for p in tmp_path.glob("page*.png"))
    out = subprocess.run(["zbarimg", "-q", "--raw", *images], capture_output=True, text=True, timeout=60).stdout
    assert sorted(out.split()) == sorted(qr_url(URL, i.code) for i in ISSUED[:3])


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="chromium not installed")
def test_html_sheet_renders_in_chromium(tmp_path: Path) -> None:
    (tmp_path / "sheet.html").write_text(credential_sheet_html(ISSUED, TITLE, URL), encoding="utf-8")
    png = tmp_path / "sheet.png"
    command = ["/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", f"--screenshot={png}"]
    command += ["--window-size=900,1300", (tmp_path / "sheet.html").as_uri()]
    subprocess.run(command, check=True, timeout=60, capture_output=True)
    assert png.read_bytes().startswith(b"\x89PNG")


def test_csv_round_trips() -> None:
    rows = list(csv.reader(io.StringIO(credential_csv(ISSUED, URL), newline="")))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert rows[1:] == [[i.person_id, i.group, i.code, qr_url(URL, i.code)] for i in ISSUED]


_person = st.text(st.characters(codec="utf-8"), min_size=1, max_size=30)


@settings(max_examples=25, deadline=None)
@given(st.lists(_person, min_size=1, max_size=6, unique=True))
def test_outputs_for_arbitrary_person_ids(people: list[str]) -> None:
    issued = issue_credentials([RollEntry(p, "public") for p in people])
    rows = list(csv.DictReader(io.StringIO(credential_csv(issued, URL), newline="")))
    assert [(r["person_id"], r["code"]) for r in rows] == [(i.person_id, i.code) for i in issued]
    page = credential_sheet_html(issued, TITLE, URL)
    assert page.count("<svg") == len(issued)
    assert all(i.code in page for i in issued)
    assert all(html.escape(p) in page for p in people)
    assert "<script" not in page.lower()


def test_issued_credential_is_frozen() -> None:
    item = IssuedCredential("A", "public", ISSUED[0].code, ISSUED[0].public_credential)
    with pytest.raises(AttributeError):
        item.code = "x"  # type: ignore[misc]
