"""Bulk credential issuance for a roll, and the printable outputs that carry the secret codes.

For each eligible person a fresh credential code is drawn and its public credential (Ed25519 verify
key) derived.  The service stores only the public credential and the person → public credential
mapping (registrar table); the secret codes exist only in the returned ``IssuedCredential`` objects
and in the sheets rendered from them, which the caller prints or hands to a mail merge and then
discards.  The QR code carries the code in the URL *fragment* (``#code=…``), which browsers never
send to the server.
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import segno

from voting_engine.core.credentials import format_code, generate_code, public_credential
from voting_engine.core.encoding import b64encode
from voting_engine.registrar.roll import RollEntry

DEFAULT_CARDS_PER_PAGE = 3
MAX_CARDS_PER_PAGE = 4
CSV_COLUMNS = ("person_id", "group", "code", "qr_url")

TEXT_KO = {
    "heading": "투표 인증 코드",
    "recipient": "수령인",
    "secret": "이 코드는 비밀입니다. 행정기관이나 주최 측의 누구도 이 코드를 묻지 않습니다. "
    "다른 사람에게 알려 주거나 사진을 찍어 보내지 마세요.",
    "how": "투표 방법: 휴대전화로 QR 코드를 스캔하거나 {url} 에 접속해 위 코드를 입력하세요. 투표 후 표시되는 "
    "확인 코드를 적어 두면 공개된 투표함에 내 투표가 들어 있는지 확인할 수 있습니다.",
    "lost": "카드를 잃어버렸거나 다른 사람이 코드를 알게 되었다면 즉시 담당 부서에 알리세요. 기존 코드는 "
    "무효화되고 새 코드가 발급됩니다.",
}
TEXT_EN = {
    "heading": "Your voting code",
    "recipient": "Recipient",
    "secret": "Keep this code secret. Nobody from the administration or the organisers will ever ask you for "
    "it. Do not share it or send a photo of it.",
    "how": "How to vote: scan the QR code with your phone, or open {url} and type the code above. After voting, "
    "note the tracking code shown: it lets you check that your ballot is in the published ballot box.",
    "lost": "If you lose this card or someone else learns the code, tell the registrar at once: the code will "
    "be revoked and a new one issued.",
}


class IssuanceError(ValueError):
    """Issuance or sheet rendering was refused; ``code`` is stable for UIs."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class IssuedCredential:
    """A freshly issued credential; ``code`` is secret and must not be stored by the service."""

    person_id: str
    group: str
    code: str = field(repr=False)
    public_credential: bytes


def issue_credentials(
    entries: Iterable[RollEntry], random_bytes: Callable[[int], bytes] | None = None
) -> list[IssuedCredential]:
    """One new credential per roll entry, in roll order (``random_bytes`` only for tests)."""
    issued: list[IssuedCredential] = []
    people: set[str] = set()
    publics: set[bytes] = set()
    for entry in entries:
        if entry.person_id in people:
            raise IssuanceError("duplicate_person_id", f"person {entry.person_id!r} appears twice")
        code = generate_code(random_bytes)
        public = public_credential(code)
        if public in publics:
            raise IssuanceError("duplicate_credential", "the random source repeated a credential")
        people.add(entry.person_id)
        publics.add(public)
        issued.append(IssuedCredential(entry.person_id, entry.group, code, public))
    return issued


def public_rolls(issued: Iterable[IssuedCredential]) -> dict[str, list[str]]:
    """Base64url public credentials per group, sorted by value so the order reveals nothing of the roll."""
    groups: dict[str, list[bytes]] = {}
    for item in issued:
        groups.setdefault(item.group, []).append(item.public_credential)
    return {group: [b64encode(p) for p in sorted(publics)] for group, publics in sorted(groups.items())}


def check_voting_url(voting_url: str) -> str:
    """The voting URL, refused unless http(s) with a host and no fragment (the code goes there)."""
    parts = urlsplit(voting_url)
    if parts.scheme not in ("https", "http") or not parts.netloc or "#" in voting_url:
        raise IssuanceError("bad_voting_url", f"expected an http(s) URL without '#': {voting_url!r}")
    if any(char.isspace() or ord(char) < 32 for char in voting_url):
        raise IssuanceError("bad_voting_url", "the voting URL contains white space or control characters")
    return voting_url


def qr_url(voting_url: str, code: str) -> str:
    """``{voting_url}#code=XXXXX-…``: the fragment stays in the voter's browser."""
    return f"{check_voting_url(voting_url)}#code={format_code(code)}"


def qr_symbol(voting_url: str, code: str) -> segno.QRCode:
    """Regular (not micro) QR code of ``qr_url`` with error correction level M."""
    return segno.make_qr(qr_url(voting_url, code), error="m")


def check_cards_per_page(cards_per_page: int) -> int:
    if not 1 <= cards_per_page <= MAX_CARDS_PER_PAGE:
        raise IssuanceError("bad_layout", f"cards per page must be 1..{MAX_CARDS_PER_PAGE}")
    return cards_per_page


def ordered_titles(election_title: Mapping[str, str]) -> list[tuple[str, str]]:
    """(language, title) pairs: Korean first, then English, then the others by language tag."""
    rank = {"ko": 0, "en": 1}
    pairs = [(lang, title) for lang, title in election_title.items() if title.strip()]
    if not pairs:
        raise IssuanceError("bad_title", "the election title is empty")
    return sorted(pairs, key=lambda pair: (rank.get(pair[0], 2), pair[0]))


def pages(issued: Sequence[IssuedCredential], cards_per_page: int) -> list[Sequence[IssuedCredential]]:
    """Consecutive chunks of ``cards_per_page`` cards."""
    return [issued[i : i + cards_per_page] for i in range(0, len(issued), cards_per_page)]


def credential_csv(issued: Iterable[IssuedCredential], voting_url: str) -> str:
    """Mail-merge CSV ``person_id,group,code,qr_url`` (RFC 4180, CRLF); as secret as the codes."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for item in issued:
        writer.writerow((item.person_id, item.group, format_code(item.code), qr_url(voting_url, item.code)))
    return out.getvalue()


_CSS = """
@page { size: A4; margin: 10mm; }
* { box-sizing: border-box; }
body { margin: 0; color: #000; font-family: "Noto Sans KR", "Noto Sans CJK KR", "NanumGothic",
  "Malgun Gothic", "Apple SD Gothic Neo", sans-serif; font-size: 8.5pt; line-height: 1.35; }
.page { break-after: page; page-break-after: always; }
.page:last-child { break-after: auto; page-break-after: auto; }
.card { display: flex; gap: 5mm; padding: 4mm 5mm; margin-bottom: 3mm; border: 0.3mm dashed #555;
  height: calc(277mm / __N__ - 3mm); overflow: hidden; break-inside: avoid; page-break-inside: avoid; }
.qr { flex: 0 0 38mm; }
.qr svg { display: block; width: 38mm; height: 38mm; }
.body { flex: 1 1 auto; min-width: 0; }
.title { margin: 0; font-size: 11pt; font-weight: bold; }
.title-alt { margin: 0 0 1mm 0; font-size: 9pt; }
.recipient { margin: 0.5mm 0; font-size: 8pt; color: #333; }
.code { margin: 1.5mm 0; font-family: "DejaVu Sans Mono", "Noto Sans Mono", Consolas, "Courier New", monospace;
  font-size: 16pt; font-weight: bold; letter-spacing: 0.04em; white-space: nowrap; }
.text p { margin: 0.6mm 0; }
.text .en { color: #222; }
"""


def _paragraphs(texts: Mapping[str, str], lang: str, url: str) -> str:
    parts = [f"<strong>{html.escape(texts['heading'])}</strong> {html.escape(texts['secret'])}"]
    parts += [html.escape(texts["how"].format(url=url)), html.escape(texts["lost"])]
    return "".join(f'<p class="{lang}" lang="{lang}">{part}</p>' for part in parts)


def _card(item: IssuedCredential, titles: list[tuple[str, str]], voting_url: str) -> str:
    svg = qr_symbol(voting_url, item.code).svg_inline(scale=1, border=4, omitsize=True, svgclass="qr-code")
    (lang, title), *others = titles
    alt = "".join(f'<p class="title-alt" lang="{html.escape(k)}">{html.escape(t)}</p>' for k, t in others)
    recipient = f"{TEXT_KO['recipient']} / {TEXT_EN['recipient']}: {item.person_id} ({item.group})"
    return (
        f'<div class="card"><div class="qr">{svg}</div><div class="body">'
        f'<p class="title" lang="{html.escape(lang)}">{html.escape(title)}</p>{alt}'
        f'<p class="recipient">{html.escape(recipient)}</p>'
        f'<p class="code" translate="no">{html.escape(format_code(item.code))}</p>'
        f'<div class="text">{_paragraphs(TEXT_KO, "ko", voting_url)}{_paragraphs(TEXT_EN, "en", voting_url)}</div>'
        "</div></div>"
    )


def credential_sheet_html(
    issued: Sequence[IssuedCredential],
    election_title: Mapping[str, str],
    voting_url: str,
    cards_per_page: int = DEFAULT_CARDS_PER_PAGE,
) -> str:
    """Printable A4 HTML: ``cards_per_page`` cut-out cards per page, each with code, QR and instructions."""
    check_voting_url(voting_url)
    titles = ordered_titles(election_title)
    per_page = check_cards_per_page(cards_per_page)
    body = "".join(
        '<section class="page">' + "".join(_card(item, titles, voting_url) for item in page) + "</section>"
        for page in pages(issued, per_page)
    )
    head_title = html.escape(f"{titles[0][1]} — {TEXT_KO['heading']} / {TEXT_EN['heading']}")
    return (
        '<!DOCTYPE html>\n<html lang="ko"><head><meta charset="utf-8">'
        '<meta name="robots" content="noindex"><meta name="referrer" content="no-referrer">'
        f"<title>{head_title}</title><style>{_CSS.replace('__N__', str(per_page))}</style></head>"
        f"<body>{body}</body></html>\n"
    )


def credential_sheet_pdf(
    issued: Sequence[IssuedCredential],
    election_title: Mapping[str, str],
    voting_url: str,
    cards_per_page: int = DEFAULT_CARDS_PER_PAGE,
    font_path: str | Path | None = None,
) -> bytes:
    """The same sheet as an A4 PDF (see ``sheet_pdf``: Korean text needs a Hangul font on the system)."""
    from voting_engine.registrar.sheet_pdf import render_pdf  # fpdf2 is only loaded when a PDF is wanted

    check_voting_url(voting_url)
    return render_pdf(
        issued, ordered_titles(election_title), voting_url, check_cards_per_page(cards_per_page), font_path
    )
