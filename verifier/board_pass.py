"""The streamed pass over one stage's board: V5 eligibility, V7 chain and duplicates, V8 Merkle log.

Workers check each ballot on its own; what depends on order or on the whole board (the hash chain,
duplicate tracking hashes and ciphertexts, the Merkle root and earlier tree heads, which credential
cast which position) is folded in here as results arrive, keeping only compact per-position data.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

from verifier.ballots import KEY_BYTES, BallotOutcome, StageSpec, check_ballot_chunk
from verifier.encoding import EncodingError, b64decode, b64encode, hash_elements
from verifier.merkle import MerkleAccumulator, tree_head_digest
from verifier.parallel import Pool, Progress
from verifier.record import RecordDir
from verifier.report import Report

__all__ = ["BoardScan", "Rolls", "scan_board", "verify_tree_heads"]

CHUNK = 32


@dataclass
class Rolls:
    """Credential → group, and the revoked set (from a checked rolls.json)."""

    group_of: dict[str, str] = field(default_factory=dict)
    revoked: set[str] = field(default_factory=set)


@dataclass
class BoardScan:
    """What later checks need from the board: per-position credentials and the board's tracking hashes."""

    entries: int = 0
    credentials: list[str | None] = field(default_factory=list)
    tracking: set[bytes] = field(default_factory=set)
    usable: bool = True  # every line parsed, so positions and the Merkle tree are meaningful
    accumulator: MerkleAccumulator | None = None


def _chunks(rd: RecordDir, rel: str) -> Iterator[list[tuple[int, bytes]]]:
    chunk: list[tuple[int, bytes]] = []
    for number, raw in rd.lines(rel):
        chunk.append((number, raw))
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _tree_head_sizes(board: dict[str, Any] | None) -> set[int]:
    if board is None:
        return set()
    heads = [board["final_tree_head"], *board["tree_heads"]]
    return {h["tree_size"] for h in heads}


class _Folder:
    """Folds ordered outcomes into the report and the scan."""

    def __init__(self, spec: StageSpec, rolls: Rolls, groups: set[str], scan: BoardScan, report: Report) -> None:
        self.spec = spec
        self.rolls = rolls
        self.groups = groups
        self.scan = scan
        self.report = report
        self.chain = hash_elements("pbvote/chain-start/v1", spec.context_hash)
        self.ct_seen: set[bytes] = set()
        self.interned: dict[str, str] = {}

    def fold(self, out: BallotOutcome) -> None:
        scan, report = self.scan, self.report
        index = out.line - 1
        scan.entries += 1
        ref = f"stages/{self.spec.stage_id}/ballots.jsonl line {out.line}"
        report.item("V1", list(out.v1))
        if out.v1:
            scan.usable = False
            scan.credentials.append(None)
            self.chain = b""
            return
        cred = self.interned.setdefault(out.credential, out.credential) if out.credential else None
        scan.credentials.append(cred)
        v5 = list(out.v5)
        group = self.rolls.group_of.get(cred) if cred else None
        if group is None:
            v5.append(f"{ref}: credential {cred} is on no roll")
        elif group not in self.groups:
            v5.append(f"{ref}: credential's group {group!r} may not vote in this stage")
        report.item("V5", v5)
        report.item("V6", list(out.v6))
        v7 = list(out.v7)
        if out.position != index:
            v7.append(f"{ref}: position {out.position}, expected {index}")
        if out.tracking_hash is not None and out.chain is not None:
            expected = hash_elements("pbvote/chain/v1", self.chain, out.tracking_hash) if self.chain else None
            if expected is not None and expected != out.chain:
                v7.append(f"{ref}: chain value is not hash(chain of line {out.line - 1}, tracking hash)")
            self.chain = out.chain
            if out.tracking_hash in scan.tracking:
                v7.append(f"{ref}: tracking hash already appears earlier on this board")
            scan.tracking.add(out.tracking_hash)
        else:
            self.chain = b""
        for i in range(0, len(out.ct_keys), KEY_BYTES):
            key = out.ct_keys[i:i + KEY_BYTES]
            if key in self.ct_seen:
                v7.append(f"{ref}: ciphertext {i // KEY_BYTES} already appears earlier on this board")
            self.ct_seen.add(key)
        report.item("V7", v7)
        if out.leaf is None:
            scan.usable = False
        elif scan.accumulator is not None:
            scan.accumulator.append(out.leaf)


def scan_board(
    rd: RecordDir,
    spec: StageSpec,
    rolls: Rolls,
    groups: set[str],
    board: dict[str, Any] | None,
    report: Report,
    pool: Pool,
    progress: bool,
) -> BoardScan:
    """Run the per-ballot checks over a stage's board and fold the order-dependent ones (V1, V5–V8)."""
    rel = f"stages/{spec.stage_id}/ballots.jsonl"
    scan = BoardScan(accumulator=MerkleAccumulator(_tree_head_sizes(board)))
    if not rd.exists(rel):
        report.fail("V1", f"{rel}: missing")
        scan.usable = False
        return scan
    folder = _Folder(spec, rolls, groups, scan, report)
    bar = Progress(progress, f"{spec.stage_id}: ballots", rd.count_lines(rel) if progress else 0)
    tasks = ((spec, chunk) for chunk in _chunks(rd, rel))
    for outcomes in pool.map_ordered(check_ballot_chunk, tasks):
        for out in outcomes:
            folder.fold(out)
        bar.update(len(outcomes))
    bar.close()
    return scan


def _signature_ok(key: bytes, head: dict[str, Any], log_id: str) -> str | None:
    try:
        root = b64decode(head["root"], 32)
        sig = b64decode(head["signature"], 64)
    except EncodingError as exc:
        return f"root or signature: {exc}"
    if head["log_id"] != log_id:
        return "log_id is not the stage's context hash"
    digest = tree_head_digest(head["log_id"], head["tree_size"], root, head["timestamp"])
    try:
        VerifyKey(key).verify(digest, sig)
    except (BadSignatureError, ValueError):
        return "signature by board_key does not verify"
    return None


def verify_tree_heads(
    stage_id: str, board: dict[str, Any], board_key_text: str, scan: BoardScan, context_hash: bytes, report: Report
) -> None:
    """V8: final tree head = root of all entries, signed; earlier heads are signed prefix roots."""
    where = f"stages/{stage_id}/board.json"
    log_id = b64encode(context_hash)
    report.item("V8", None if board["log_id"] == log_id else f"{where}: log_id is not the stage's context hash")
    report.item("V8", None if board["board_key"] == board_key_text else
                f"{where}: board_key differs from record.json's")
    try:
        key = b64decode(board_key_text, 32)
    except EncodingError:
        report.fail("V8", f"{where}: board key is not valid")
        return
    acc = scan.accumulator
    heads = [("final_tree_head", board["final_tree_head"])]
    heads += [(f"tree_heads[{i}]", h) for i, h in enumerate(board["tree_heads"])]
    for name, head in heads:
        problems: list[str] = []
        sig_problem = _signature_ok(key, head, log_id)
        if sig_problem:
            problems.append(f"{where}: {name}: {sig_problem}")
        size = head["tree_size"]
        if name == "final_tree_head" and size != scan.entries:
            problems.append(f"{where}: final tree size {size}, but the board has {scan.entries} entries")
        if not scan.usable or acc is None:
            problems.append(f"{where}: {name}: root not checkable, the board has unreadable entries")
        elif size > scan.entries:
            problems.append(f"{where}: {name}: tree size {size} exceeds the board's {scan.entries} entries")
        elif b64encode(acc.prefix_roots.get(size, b"")) != head["root"]:
            problems.append(f"{where}: {name}: root of size {size} does not match the board's entries")
        report.item("V8", problems)
