"""Import of an eligibility roll (who may receive a credential, and in which voter group) from CSV.

The roll is the registrar's private table: person ids and demographics never enter the published
record, which only lists public credentials per group.  This module only parses and validates, so
that every problem in a municipality's export is reported with its line before anything is issued.

Format: UTF-8 (a BOM is accepted), comma separated, header row required.  Columns, in any order:
``person_id`` and ``group`` (required), ``region``, ``age_band``, ``gender`` (optional).  Header
names are case-insensitive; other columns are refused (data minimisation: the registrar should not
import more personal data than it needs, and a typo such as ``regoin`` is caught).  Cells are
stripped and NFC-normalised (Korean text exported from macOS is often NFD).

Vocabularies (blank is always allowed for the optional columns):

* ``age_band``: ``20-29`` (``~`` and en dash accepted as separators, normalised to ``-``) or an
  open band ``70+``; bounds are 0..150 and ``low <= high``.
* ``gender``: ``F``, ``M``, ``X`` (case-insensitive); Korean ``여``/``여성``, ``남``/``남성`` map to
  ``F``/``M``.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

REQUIRED_COLUMNS = ("person_id", "group")
OPTIONAL_COLUMNS = ("region", "age_band", "gender")
MAX_PERSON_ID = 128
MAX_REGION = 100
MAX_AGE = 150
_FORMULA_PREFIXES = ("=", "+", "@")
_AGE_RANGE = re.compile(r"(\d{1,3})\s*[-~\u2013\u301c\uff5e]\s*(\d{1,3})")
_AGE_OPEN = re.compile(r"(\d{1,3})\s*\+")
_GENDERS: Mapping[str, str] = {
    "F": "F",
    "M": "M",
    "X": "X",
    "FEMALE": "F",
    "WOMAN": "F",
    "MALE": "M",
    "MAN": "M",
    "NON-BINARY": "X",
    "NON-BINARY OR OTHER": "X",
    "OTHER": "X",
    "여": "F",
    "여성": "F",
    "남": "M",
    "남성": "M",
}


class RollError(ValueError):
    """A roll cannot be imported; ``code`` is stable for UIs, ``line`` is 1-based (header = 1)."""

    def __init__(self, code: str, message: str, line: int | None = None) -> None:
        where = f" (line {line})" if line is not None else ""
        super().__init__(f"{code}: {message}{where}")
        self.code = code
        self.message = message
        self.line = line


@dataclass(frozen=True, slots=True)
class RollEntry:
    """One eligible person; optional fields are ``None`` when blank or absent."""

    person_id: str
    group: str
    region: str | None = None
    age_band: str | None = None
    gender: str | None = None
    line: int = 0


def decode_roll(data: bytes) -> str:
    """UTF-8 text of a roll file, without a leading BOM."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RollError("bad_encoding", f"the roll is not UTF-8 (byte {exc.start + 1})") from exc


def normalize_age_band(value: str, line: int | None = None) -> str | None:
    """Canonical ``low-high`` / ``low+`` form, ``None`` for blank; ``bad_age_band`` otherwise."""
    if not value:
        return None
    if match := _AGE_RANGE.fullmatch(value):
        low, high = int(match.group(1)), int(match.group(2))
        if low <= high <= MAX_AGE:
            return f"{low}-{high}"
    elif (match := _AGE_OPEN.fullmatch(value)) and int(match.group(1)) <= MAX_AGE:
        return f"{int(match.group(1))}+"
    raise RollError("bad_age_band", f"age band {value!r} is not like '20-29' or '70+'", line)


def normalize_gender(value: str, line: int | None = None) -> str | None:
    """``F``/``M``/``X`` (also Female/Male/Woman/Man/Non-binary/Other, 여/남) or ``None``; else ``bad_gender``."""
    if not value:
        return None
    gender = _GENDERS.get(value.upper() if value.isascii() else value)
    if gender is None:
        raise RollError("bad_gender", f"gender {value!r} is not one of F, M, X or blank", line)
    return gender


def _has_control(text: str) -> bool:
    return any(unicodedata.category(char) in ("Cc", "Cf") for char in text)


def _check_person_id(person_id: str, line: int) -> None:
    if not person_id:
        raise RollError("empty_person_id", "the person id is empty", line)
    if len(person_id) > MAX_PERSON_ID:
        raise RollError("bad_person_id", f"the person id is longer than {MAX_PERSON_ID} characters", line)
    if _has_control(person_id):
        raise RollError("bad_person_id", "the person id contains control characters", line)
    if person_id.startswith(_FORMULA_PREFIXES):
        raise RollError("bad_person_id", "a person id may not start with '=', '+' or '@' (spreadsheet formula)", line)


def _header(row: list[str], line: int) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, raw in enumerate(row):
        name = raw.strip().lower()
        if name in columns:
            raise RollError("duplicate_column", f"column {name!r} appears twice", line)
        if name not in REQUIRED_COLUMNS and name not in OPTIONAL_COLUMNS:
            allowed = ", ".join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)
            raise RollError("unknown_column", f"unknown column {raw.strip()!r} (allowed: {allowed})", line)
        columns[name] = index
    for name in REQUIRED_COLUMNS:
        if name not in columns:
            raise RollError("missing_column", f"the header lacks the required column {name!r}", line)
    return columns


def _records(text: str) -> Iterable[tuple[int, list[str]]]:
    """CSV records with the line on which each starts (quoted cells may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    try:
        for row in reader:
            yield start, row
            start = reader.line_num + 1
    except csv.Error as exc:
        raise RollError("bad_csv", f"malformed CSV: {exc}", reader.line_num or 1) from exc


def parse_roll(text: str, allowed_groups: Collection[str]) -> list[RollEntry]:
    """Validated roll entries in file order; raises ``RollError`` at the first problem."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text:
        raise RollError("bad_csv", "the roll contains NUL characters", None)
    records = iter(_records(text))
    columns: dict[str, int] | None = None
    for line, row in records:
        if any(cell.strip() for cell in row):
            columns = _header(row, line)
            break
    if columns is None:
        raise RollError("empty", "the roll is empty (a header row is required)", 1)
    groups = set(allowed_groups)
    seen: dict[str, int] = {}
    entries: list[RollEntry] = []
    for line, row in records:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(columns):
            raise RollError("bad_field_count", f"expected {len(columns)} fields, got {len(row)}", line)
        cells = {name: unicodedata.normalize("NFC", row[index].strip()) for name, index in columns.items()}
        person_id = cells["person_id"]
        _check_person_id(person_id, line)
        if person_id in seen:
            raise RollError("duplicate_person_id", f"person id already on line {seen[person_id]}", line)
        seen[person_id] = line
        group = cells["group"]
        if group not in groups:
            raise RollError("unknown_group", f"unknown voter group {group!r}", line)
        region = cells.get("region") or None
        if region is not None and (len(region) > MAX_REGION or _has_control(region)):
            raise RollError("bad_region", f"the region must be at most {MAX_REGION} printable characters", line)
        age_band = normalize_age_band(cells.get("age_band", ""), line)
        gender = normalize_gender(cells.get("gender", ""), line)
        entries.append(RollEntry(person_id, group, region, age_band, gender, line))
    return entries


def read_roll(path: str | Path, allowed_groups: Collection[str]) -> list[RollEntry]:
    """``parse_roll`` of a UTF-8 file (BOM optional)."""
    return parse_roll(decode_roll(Path(path).read_bytes()), allowed_groups)


def group_counts(entries: Iterable[RollEntry]) -> dict[str, int]:
    """Number of people per voter group, for the registrar's import summary."""
    return dict(sorted(Counter(entry.group for entry in entries).items()))
