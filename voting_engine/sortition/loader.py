"""Thin file/bytes layer: decode CSV, hash the exact pool bytes, hand rows to :mod:`.inputs`.

The pool's SHA-256 is taken over the raw bytes as published, before any decoding, so a verifier
only needs ``sha256sum pool.csv`` to know it holds the same file.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Sequence
from pathlib import Path

from voting_engine.sortition.inputs import parse_pool, parse_quotas
from voting_engine.sortition.model import Pool, Quota, SortitionError

__all__ = ["load_pool", "load_quotas", "pool_from_bytes", "quotas_from_bytes", "read_bytes", "sha256_hex"]


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_bytes(path: str | Path, what: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise SortitionError(
            "file_unreadable", f"cannot read the {what} file {str(path)!r}: {error}"
        ) from None


def parse_csv(data: bytes, what: str) -> tuple[list[str], list[dict[str, str]]]:
    """UTF-8 (with or without BOM) CSV into a header and row dicts."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SortitionError(
            "csv_encoding", f"the {what} file is not UTF-8 (re-save it as UTF-8 CSV, e.g. from cp949/EUC-KR)"
        ) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = list(reader.fieldnames or [])
    if not header:
        raise SortitionError("csv_empty", f"the {what} file has no header row")
    rows: list[dict[str, str]] = []
    for row in reader:
        if None in row:
            raise SortitionError(
                "csv_malformed", f"{what} row {reader.line_num} has more fields than the header"
            )
        rows.append({k: (v or "") for k, v in row.items()})
    return header, rows


def pool_from_bytes(data: bytes, id_column: str, household_columns: Sequence[str] = ()) -> Pool:
    header, rows = parse_csv(data, "pool")
    return parse_pool(header, rows, id_column, household_columns, sha256=sha256_hex(data))


def quotas_from_bytes(data: bytes, seats: int) -> tuple[Quota, ...]:
    header, rows = parse_csv(data, "quota")
    return parse_quotas(header, rows, seats)


def load_pool(path: str | Path, id_column: str, household_columns: Sequence[str] = ()) -> Pool:
    return pool_from_bytes(read_bytes(path, "pool"), id_column, household_columns)


def load_quotas(path: str | Path, seats: int) -> tuple[Quota, ...]:
    return quotas_from_bytes(read_bytes(path, "quota"), seats)
