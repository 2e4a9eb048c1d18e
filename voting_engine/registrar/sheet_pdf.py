"""PDF rendering of credential sheets (fpdf2), used by ``issuance.credential_sheet_pdf``.

Korean needs a font with Hangul glyphs; none is bundled (fonts are large and licences vary), so the
system is searched for a common one (Nanum, Un, Noto Sans KR / CJK, Baekmuk, Malgun, Apple SD Gothic).
If none is found the PDF is **English-only**: it uses DejaVu Sans if present (else the PDF core font
Helvetica), and any character the font cannot show (e.g. Hangul in a person id) is printed as ``?``.
Install ``fonts-nanum`` or ``fonts-noto-cjk`` on the registrar's machine, or pass ``font_path``.
The QR code is drawn as vector rectangles from segno's module matrix, so it prints sharply.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import TTFFont

from voting_engine.core.credentials import format_code
from voting_engine.registrar.issuance import TEXT_EN, TEXT_KO, IssuedCredential, pages, qr_symbol

FONT_DIRS = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
    "~/.fonts",
    "/Library/Fonts",
    "/System/Library/Fonts",
    "C:/Windows/Fonts",
)
HANGUL_FONT_FILES = (
    "nanumgothic.ttf",
    "nanumbarungothic.ttf",
    "undotum.ttf",
    "notosanskr-regular.ttf",
    "notosanskr-regular.otf",
    "notosanscjkkr-regular.otf",
    "notosanscjk-regular.ttc",
    "gulim.ttf",
    "malgun.ttf",
    "applesdgothicneo.ttc",
)
FALLBACK_FONT_FILES = ("dejavusans.ttf",)
HANGUL_PROBE = "가힣투표코드"
PAGE_W, PAGE_H, MARGIN, GAP = 210.0, 297.0, 10.0, 3.0
FAMILY = "sheet"


@dataclass(frozen=True, slots=True)
class SheetFont:
    """The text font chosen for a sheet: a TTF/OTF file (``path``) or the core font Helvetica."""

    path: Path | None
    hangul: bool


def find_font_files(names: Sequence[str], dirs: Iterable[str] = FONT_DIRS) -> list[Path]:
    """Font files whose lower-cased name is in ``names``, in the order of ``names``."""
    wanted = {name: rank for rank, name in enumerate(names)}
    found: list[tuple[int, str, Path]] = []
    for directory in dirs:
        root = Path(directory).expanduser()
        if not root.is_dir():
            continue
        for folder, _subdirs, files in os.walk(root):
            for name in files:
                rank = wanted.get(name.lower())
                if rank is not None:
                    found.append((rank, str(Path(folder, name)), Path(folder, name)))
    return [path for _rank, _text, path in sorted(found)]


def _load(pdf: FPDF, path: Path) -> TTFFont | None:
    try:
        pdf.add_font(FAMILY, "", str(path))
    except Exception:  # unreadable or unsupported font file: try the next candidate
        return None
    font = pdf.fonts.get(FAMILY.lower())
    return font if isinstance(font, TTFFont) else None


def setup_font(pdf: FPDF, font_path: str | Path | None) -> tuple[SheetFont, set[int] | None]:
    """Register the sheet font on ``pdf``; returns it and its covered code points (None for core)."""
    fallbacks = find_font_files(FALLBACK_FONT_FILES)
    candidates = [Path(font_path)] if font_path is not None else find_font_files(HANGUL_FONT_FILES)
    for path in candidates + fallbacks:
        font = _load(pdf, path)
        if font is None:
            continue
        covered = set(font.cmap)
        hangul = all(ord(char) in covered for char in HANGUL_PROBE)
        if hangul or path in fallbacks or font_path is not None:
            return SheetFont(path, hangul), covered
        pdf.fonts.pop(FAMILY.lower(), None)  # a "Korean" file without Hangul: keep looking
    return SheetFont(None, False), None


class _Sheet:
    def __init__(self, pdf: FPDF, font: SheetFont, covered: set[int] | None, per_page: int) -> None:
        self.pdf, self.font, self.covered = pdf, font, covered
        self.small = {1: 8.5, 2: 8.0, 3: 7.5}.get(per_page, 6.2)

    def safe(self, text: str) -> str:
        """Replace characters the font cannot show by ``?`` (so nothing silently disappears)."""
        if self.covered is None:
            return text.encode("latin-1", "replace").decode("latin-1")
        return "".join(c if c.isspace() or ord(c) in self.covered else "?" for c in text)

    def renderable(self, text: str) -> bool:
        return self.safe(text) == text

    def text_font(self, size: float) -> None:
        if self.font.path is None:
            self.pdf.set_font("Helvetica", "", size)
        else:
            self.pdf.set_font(FAMILY, "", size)

    def lines(self, x: float, width: float, height: float, size: float, text: str) -> None:
        self.text_font(size)
        self.pdf.set_x(x)
        self.pdf.multi_cell(width, height, self.safe(text), align="L", new_x=XPos.LEFT, new_y=YPos.NEXT)

    def qr(self, x: float, y: float, size: float, voting_url: str, code: str) -> None:
        rows = [list(row) for row in qr_symbol(voting_url, code).matrix_iter(border=4)]
        module = size / len(rows)
        for r, row in enumerate(rows):
            c = 0
            while c < len(row):
                if not row[c]:
                    c += 1
                    continue
                start = c
                while c < len(row) and row[c]:
                    c += 1
                self.pdf.rect(x + start * module, y + r * module, (c - start) * module, module, style="F")

    def card(self, item: IssuedCredential, y: float, height: float, titles: list[tuple[str, str]], url: str) -> None:
        pdf = self.pdf
        pdf.set_dash_pattern(dash=1.5, gap=1.0)
        pdf.set_line_width(0.25)
        pdf.rect(MARGIN, y, PAGE_W - 2 * MARGIN, height, style="D")
        pdf.set_dash_pattern()
        qr_size = min(40.0, height - 8.0)
        self.qr(MARGIN + 3, y + 4, qr_size, url, item.code)
        x = MARGIN + 3 + qr_size + 4
        width = PAGE_W - MARGIN - 4 - x
        pdf.set_y(y + 4)
        shown = [pair for pair in titles if self.font.hangul or pair[0] != "ko"]
        shown = [pair for pair in shown if self.renderable(pair[1])] or titles[:1]
        self.lines(x, width, 5.0, 11.5, shown[0][1])
        for _lang, title in shown[1:]:
            self.lines(x, width, 4.0, 8.5, title)
        recipient = f"{TEXT_EN['recipient']}: {item.person_id} ({item.group})"
        if self.font.hangul:
            recipient = f"{TEXT_KO['recipient']} / {recipient}"
        self.lines(x, width, 4.0, 8.0, recipient)
        pdf.set_font("Courier", "B", 15)
        pdf.set_x(x)
        pdf.cell(width, 9.0, format_code(item.code), new_x=XPos.LEFT, new_y=YPos.NEXT)
        for texts in (TEXT_KO, TEXT_EN) if self.font.hangul else (TEXT_EN,):
            paragraph = f"{texts['heading']}: {texts['secret']}"
            for text in (paragraph, texts["how"].format(url=url), texts["lost"]):
                self.lines(x, width, self.small * 0.45, self.small, text)
            pdf.set_y(pdf.get_y() + 0.8)


def render_pdf(
    issued: Sequence[IssuedCredential],
    titles: list[tuple[str, str]],
    voting_url: str,
    cards_per_page: int,
    font_path: str | Path | None,
) -> bytes:
    """A4 PDF bytes with ``cards_per_page`` dashed-outline cards per page (validated by the caller)."""
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_creator("pbvote registrar")
    pdf.set_title(titles[0][1])
    font, covered = setup_font(pdf, font_path)
    sheet = _Sheet(pdf, font, covered, cards_per_page)
    height = (PAGE_H - 2 * MARGIN - (cards_per_page - 1) * GAP) / cards_per_page
    for page in pages(issued, cards_per_page):
        pdf.add_page()
        for slot, item in enumerate(page):
            sheet.card(item, MARGIN + slot * (height + GAP), height, titles, voting_url)
    return bytes(pdf.output())
