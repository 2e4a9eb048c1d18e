"""Reading a record directory (strict JSON, schemas, streamed JSON Lines) and V1's index checks.

Files are hashed exactly as read, so the V1 comparison with ``record.json`` costs no extra pass over
a large ``ballots.jsonl``; JSON Lines are yielded one line at a time so a million ballots never sit
in memory together. The index binds every file to one board-key signature, so a file swapped,
added or removed after publication is detected even when its own contents are self-consistent.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

from verifier.encoding import EncodingError, b64decode, b64encode, canonical_json, hash_elements
from verifier.report import Report
from verifier.schema import validate

__all__ = ["JsonError", "RecordDir", "check_index", "expected_files", "index_digest", "parse_json", "stage_files"]

STAGE_FILES = ("stage.json", "ballots.jsonl", "audited.jsonl", "board.json", "tally.json")
TOP_FILES = ("manifest.json", "ceremony.json", "rolls.json", "audit-log.jsonl", "results.json")
_CHUNK = 1 << 20


class JsonError(ValueError):
    """Text that is not strict JSON (syntax, duplicate keys, NaN/Infinity)."""


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise JsonError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _no_constants(name: str) -> Any:
    raise JsonError(f"non-standard constant {name}")


def parse_json(text: str | bytes) -> Any:
    """Strict JSON: refuses duplicate keys and NaN/Infinity (they would make hashes ambiguous)."""
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)
    except JsonError:
        raise
    except (ValueError, UnicodeDecodeError) as exc:
        raise JsonError(str(exc).split(":")[0]) from exc


def stage_files(stage_id: str) -> list[str]:
    """Record paths of one stage's files."""
    return [f"stages/{stage_id}/{name}" for name in STAGE_FILES]


class RecordDir:
    """A record on disk; remembers the SHA-256 of every file it read in full."""

    def __init__(self, root: Path, report: Report) -> None:
        self.root = root
        self.report = report
        self.digests: dict[str, bytes] = {}

    def path(self, rel: str) -> Path:
        return self.root.joinpath(*rel.split("/"))

    def exists(self, rel: str) -> bool:
        return self.path(rel).is_file()

    def read_bytes(self, rel: str) -> bytes | None:
        try:
            data = self.path(rel).read_bytes()
        except OSError as exc:
            self.report.fail("V1", f"{rel}: cannot be read ({exc.strerror or exc})")
            return None
        self.digests[rel] = hashlib.sha256(data).digest()
        return data

    def load(self, rel: str, schema: str) -> Any | None:
        """Parse a JSON file and validate it; one V1 item. None if missing, unparseable or invalid."""
        data = self.read_bytes(rel)
        if data is None:
            return None
        try:
            value = parse_json(data)
        except JsonError as exc:
            self.report.fail("V1", f"{rel}: not valid JSON ({exc})")
            return None
        errors = validate(value, schema)
        if errors:
            self.report.item("V1", [f"{rel}: schema {schema}: {e}" for e in errors])
            return None
        self.report.ok_item("V1")
        return value

    def lines(self, rel: str) -> Iterator[tuple[int, bytes]]:
        """(1-based line number, raw line without newline) for each non-final-empty line; hashes the file."""
        digest = hashlib.sha256()
        try:
            handle = self.path(rel).open("rb")
        except OSError as exc:
            self.report.fail("V1", f"{rel}: cannot be read ({exc.strerror or exc})")
            return
        with handle:
            for number, raw in enumerate(handle, start=1):
                digest.update(raw)
                line = raw[:-1] if raw.endswith(b"\n") else raw
                yield number, line
        self.digests[rel] = digest.digest()

    def count_lines(self, rel: str) -> int:
        """Number of lines (for progress display only)."""
        count = 0
        last = b"\n"
        try:
            with self.path(rel).open("rb") as handle:
                while block := handle.read(_CHUNK):
                    count += block.count(b"\n")
                    last = block[-1:]
        except OSError:
            return 0
        return count + (0 if last == b"\n" else 1)

    def digest_of(self, rel: str) -> bytes | None:
        """SHA-256 of a file: remembered from a full read, else computed now."""
        if rel in self.digests:
            return self.digests[rel]
        digest = hashlib.sha256()
        try:
            with self.path(rel).open("rb") as handle:
                while block := handle.read(_CHUNK):
                    digest.update(block)
        except OSError:
            return None
        self.digests[rel] = digest.digest()
        return self.digests[rel]

    def all_files(self) -> list[str]:
        """Every file under the record root except record.json, as record paths."""
        found = []
        for path in sorted(self.root.rglob("*")):
            if path.is_file():
                rel = path.relative_to(self.root).as_posix()
                if rel != "record.json":
                    found.append(rel)
        return found


def index_digest(record: dict[str, Any]) -> bytes:
    """hash_elements("pbvote/record-index/v1", canonical_json(record.json without "signature"))."""
    body = {k: v for k, v in record.items() if k != "signature"}
    return hash_elements("pbvote/record-index/v1", canonical_json(body))


def expected_files(stages: list[str]) -> list[str]:
    """The files every record has (docs/election-record.md, layout at the top)."""
    files = list(TOP_FILES)
    for stage in stages:
        files += stage_files(stage)
    return files


def check_index(rd: RecordDir, record: dict[str, Any], report: Report) -> None:
    """Listed files = present files ⊇ required files; digests match; index signature by the board key."""
    listed: dict[str, str] = record["files"]
    present = set(rd.all_files())
    for rel in expected_files(record["stages"]):
        report.item("V1", None if rel in present else f"{rel}: required file missing")
    for rel in sorted(present - set(listed)):
        report.fail("V1", f"record.json: file {rel} is present but not listed in files")
    for rel, digest_text in sorted(listed.items()):
        if rel not in present:
            report.fail("V1", f"record.json: listed file {rel} does not exist")
            continue
        digest = rd.digest_of(rel)
        report.item("V1", None if digest is not None and b64encode(digest) == digest_text else
                    f"record.json: SHA-256 of {rel} differs from the listed digest")
    try:
        key = b64decode(record["board_key"], 32)
        signature = b64decode(record["signature"], 64)
        VerifyKey(key).verify(index_digest(record), signature)
        report.ok_item("V1")
    except (EncodingError, BadSignatureError, ValueError):
        report.fail("V1", "record.json: index signature by board_key does not verify")
