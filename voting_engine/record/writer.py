"""Writes an election record directory and its signed index.

Files are written as canonical JSON (one object per file, or one per line for JSON Lines), so
their bytes are reproducible; ``record.json`` lists the SHA-256 of every file and is signed by
the board key, which ties the whole directory to the key that signed the boards.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from nacl.signing import SigningKey

from voting_engine.core.encoding import b64encode, canonical_json
from voting_engine.core.hashing import hash_elements, sha256

RECORD_FORMAT = "pbvote-record"
RECORD_VERSION = 1
INDEX_TAG = "pbvote/record-index/v1"


class RecordWriter:
    """Collects files under ``root`` and finally writes the signed ``record.json``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files: dict[str, str] = {}
        root.mkdir(parents=True, exist_ok=True)

    def _put(self, relative: str, data: bytes) -> None:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.files[relative] = b64encode(sha256(data))

    def write_json(self, relative: str, value: Any) -> None:
        self._put(relative, canonical_json(value) + b"\n")

    def write_jsonl(self, relative: str, rows: Iterable[Any]) -> None:
        self._put(relative, b"".join(canonical_json(row) + b"\n" for row in rows))

    def finish(
        self, election_id: str, manifest_hash: bytes, stages: list[str], board_key: SigningKey
    ) -> dict[str, Any]:
        index: dict[str, Any] = {
            "format": RECORD_FORMAT,
            "version": RECORD_VERSION,
            "election_id": election_id,
            "manifest_hash": b64encode(manifest_hash),
            "board_key": b64encode(bytes(board_key.verify_key)),
            "stages": stages,
            "files": dict(sorted(self.files.items())),
        }
        digest = hash_elements(INDEX_TAG, canonical_json(index))
        index["signature"] = b64encode(board_key.sign(digest).signature)
        (self.root / "record.json").write_bytes(canonical_json(index) + b"\n")
        return index


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def audit_chain(election_id: str, actions: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Hash-chained audit-log entries (§8 of the record format)."""
    previous = hash_elements("pbvote/audit-start/v1", election_id)
    out = []
    for seq, action in enumerate(actions):
        entry = {"seq": seq, **action, "prev": b64encode(previous)}
        digest = hash_elements("pbvote/audit/v1", previous, canonical_json(entry))
        entry["hash"] = b64encode(digest)
        out.append(entry)
        previous = digest
    return out
