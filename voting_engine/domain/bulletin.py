"""A stage's bulletin board: append-only entries, their hash chain and the Merkle log over them.

Each accepted ballot gets the next position, its chain value and a Merkle leaf; a receipt is
the tracking hash, the position, a signed tree head and the inclusion proof under it
(``docs/election-record.md`` §4.3–4.4).  The service keeps the same structure in its database.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from nacl.signing import SigningKey

from voting_engine.core.board import MerkleLog, SignedTreeHead, TreeHead, chain_next, chain_start, sign_tree_head
from voting_engine.core.encoding import b64encode
from voting_engine.core.hashing import hash_elements
from voting_engine.domain.ballot import Ballot
from voting_engine.domain.errors import BallotRejected

LEAF_TAG = "pbvote/board-leaf/v1"


def leaf_data(position: int, tracking: bytes, signature: bytes) -> bytes:
    return hash_elements(LEAF_TAG, position, tracking, signature)


@dataclass(frozen=True)
class BoardEntry:
    position: int
    ballot: Ballot
    chain: bytes

    def to_json(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "ballot": dict(self.ballot.envelope),
            "tracking_hash": b64encode(self.ballot.tracking),
            "chain": b64encode(self.chain),
        }


@dataclass
class StageBoard:
    """In-memory board of one stage; ``log_id`` is the base64url stage context hash."""

    context_hash: bytes
    signing_key: SigningKey
    entries: list[BoardEntry] = field(default_factory=list)
    log: MerkleLog = field(default_factory=MerkleLog)
    tree_heads: list[SignedTreeHead] = field(default_factory=list)
    _by_tracking: dict[bytes, int] = field(default_factory=dict)
    _ciphertexts: set[bytes] = field(default_factory=set)

    @property
    def log_id(self) -> str:
        return b64encode(self.context_hash)

    def lookup(self, tracking: bytes) -> BoardEntry | None:
        position = self._by_tracking.get(tracking)
        return None if position is None else self.entries[position]

    def check_not_replayed(self, ballot: Ballot) -> None:
        """Refuse a ballot that copies a ciphertext already on the board (Helios replay attack)."""
        if any(key in self._ciphertexts for key in ballot.ciphertext_keys()):
            raise BallotRejected("replayed_ciphertext", "the ballot copies a ciphertext already on the board")

    def append(self, ballot: Ballot) -> BoardEntry:
        previous = self.entries[-1].chain if self.entries else chain_start(self.context_hash)
        entry = BoardEntry(len(self.entries), ballot, chain_next(previous, ballot.tracking))
        self.entries.append(entry)
        self.log.append(leaf_data(entry.position, ballot.tracking, ballot.signature))
        self._by_tracking[ballot.tracking] = entry.position
        self._ciphertexts.update(ballot.ciphertext_keys())
        return entry

    def sign_head(self, timestamp: int | None = None) -> SignedTreeHead:
        when = int(time.time() * 1000) if timestamp is None else timestamp
        head = TreeHead(self.log_id, self.log.size, self.log.root(), when)
        sth = sign_tree_head(head, self.signing_key)
        self.tree_heads.append(sth)
        return sth

    def receipt(self, entry: BoardEntry, sth: SignedTreeHead) -> dict[str, Any]:
        proof = self.log.inclusion_proof(entry.position, sth.head.tree_size)
        return {
            "tracking_hash": b64encode(entry.ballot.tracking),
            "position": entry.position,
            "chain": b64encode(entry.chain),
            "tree_head": sth.to_dict(),
            "inclusion_proof": [b64encode(h) for h in proof],
        }
