"""Helpers for editing copies of records in tests: JSON/JSONL I/O, re-hashing the index, re-sealing a board."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

from verifier.ballots import tracking_hash
from verifier.encoding import b64encode, hash_elements
from verifier.group import decode_point
from verifier.report import Report
from verifier.setup_checks import context_hash, manifest_hash, stage_hash
from verifier.verify import verify_record


def copy_record(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def write_json(path: Path, value: Any) -> None:
    path.write_text(json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False), encoding="utf-8")


def read_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def write_lines(path: Path, values: list[dict[str, Any]]) -> None:
    text = "".join(json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n" for v in values)
    path.write_text(text, encoding="utf-8")


def rehash(record: Path) -> None:
    """Recompute record.json's file digests (its signature then no longer verifies: V1 fails by design)."""
    index = read_json(record / "record.json")
    files = {}
    for path in sorted(record.rglob("*")):
        rel = path.relative_to(record).as_posix()
        if path.is_file() and rel != "record.json":
            files[rel] = b64encode(hashlib.sha256(path.read_bytes()).digest())
    index["files"] = files
    write_json(record / "record.json", index)


def stage_ids(record: Path) -> list[str]:
    return list(read_json(record / "record.json")["stages"])


def stage_context(record: Path, stage_id: str) -> bytes:
    manifest = read_json(record / "manifest.json")
    key = decode_point(read_json(record / "ceremony.json")["joint_public_key"])
    stage = read_json(record / "stages" / stage_id / "stage.json")
    return context_hash(key, manifest_hash(manifest), manifest["election_id"], stage_id, stage_hash(stage))


def reseal_board(record: Path, stage_id: str, entries: list[dict[str, Any]]) -> None:
    """Write board entries with positions, tracking hashes and chain recomputed (signatures untouched)."""
    chain = hash_elements("pbvote/chain-start/v1", stage_context(record, stage_id))
    for position, entry in enumerate(entries):
        entry["position"] = position
        th = tracking_hash(entry["ballot"])
        entry["tracking_hash"] = b64encode(th)
        chain = hash_elements("pbvote/chain/v1", chain, th)
        entry["chain"] = b64encode(chain)
    write_lines(record / "stages" / stage_id / "ballots.jsonl", entries)


def verify(record: Path, workers: int = 1) -> Report:
    return verify_record(record, workers=workers)
