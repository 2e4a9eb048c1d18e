"""Append-only bulletin board log: an RFC 9162 §2.1 Merkle tree, signed tree heads and a hash chain.

The Merkle construction is exactly Certificate Transparency v2's (RFC 9162 §2.1.1) so that any
CT-style auditor can check inclusion (§2.1.3) and consistency (§2.1.4) of the board.  Complete
("perfect") subtree hashes are kept level by level in flat byte arrays: appending costs amortised
O(1) hashes, and every root, inclusion proof or consistency proof for any past tree size is built
from O(log n) stored nodes.  ``docs/board-and-credentials.md`` specifies all byte layouts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from nacl.bindings import crypto_hash_sha256
from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from voting_engine.core.encoding import EncodingError, b64decode, b64encode
from voting_engine.core.hashing import hash_elements

HASH_SIZE = 32
TREE_HEAD_TAG = "pbvote/tree-head/v1"
CHAIN_TAG = "pbvote/chain/v1"
CHAIN_START_TAG = "pbvote/chain-start/v1"

EMPTY_ROOT: bytes = crypto_hash_sha256(b"")
"""MTH({}) = SHA-256 of the empty string (RFC 9162 §2.1.1)."""


def leaf_hash(data: bytes) -> bytes:
    """MTH({d}) = SHA-256(0x00 || d); the 0x00 prefix keeps leaves and nodes apart."""
    digest: bytes = crypto_hash_sha256(b"\x00" + data)
    return digest


def node_hash(left: bytes, right: bytes) -> bytes:
    """Interior node = SHA-256(0x01 || left || right)."""
    digest: bytes = crypto_hash_sha256(b"\x01" + left + right)
    return digest


def _split(n: int) -> int:
    """Largest power of two strictly smaller than ``n`` (n >= 2), the RFC's ``k``."""
    return 1 << ((n - 1).bit_length() - 1)


class MerkleLog:
    """In-memory Merkle log; ``levels[j]`` holds every complete subtree of 2**j leaves."""

    def __init__(self) -> None:
        self._levels: list[bytearray] = [bytearray()]

    @classmethod
    def from_leaf_hashes(cls, hashes: Iterable[bytes]) -> MerkleLog:
        """Rebuild a log from stored leaf hashes (e.g. when the board restarts)."""
        log = cls()
        for value in hashes:
            if not isinstance(value, bytes) or len(value) != HASH_SIZE:
                raise ValueError("leaf hashes must be 32 bytes")
            log._levels[0] += value
        log._fill()
        return log

    @property
    def size(self) -> int:
        """Number of leaves appended so far."""
        return len(self._levels[0]) // HASH_SIZE

    def __len__(self) -> int:
        return self.size

    def append(self, data: bytes) -> int:
        """Append one leaf's bytes; return its index."""
        return self.append_leaf_hash(leaf_hash(data))

    def append_leaf_hash(self, value: bytes) -> int:
        """Append an already computed leaf hash; completes the parents it closes."""
        if len(value) != HASH_SIZE:
            raise ValueError("leaf hashes must be 32 bytes")
        levels = self._levels
        index = self.size
        levels[0] += value
        position, level, current = index, 0, value
        while position & 1:
            start = (position - 1) * HASH_SIZE
            current = node_hash(bytes(levels[level][start : start + HASH_SIZE]), current)
            level += 1
            position >>= 1
            if level == len(levels):
                levels.append(bytearray())
            levels[level] += current
        return index

    def extend(self, leaves: Iterable[bytes]) -> int:
        """Append many leaves at once (faster than repeated ``append``); return the new size."""
        batch, digest = bytearray(), crypto_hash_sha256
        for data in leaves:
            batch += digest(b"\x00" + data)
        self._levels[0] += batch
        self._fill()
        return self.size

    def _fill(self) -> None:
        """Compute every complete parent that is still missing, level by level."""
        levels = self._levels
        level = 0
        while len(levels[level]) >= 2 * HASH_SIZE:
            if level + 1 == len(levels):
                levels.append(bytearray())
            child, parent = levels[level], levels[level + 1]
            have = len(parent) // HASH_SIZE
            need = len(child) // (2 * HASH_SIZE)
            view, digest = bytes(child[2 * have * HASH_SIZE : 2 * need * HASH_SIZE]), crypto_hash_sha256
            for offset in range(0, len(view), 2 * HASH_SIZE):
                parent += digest(b"\x01" + view[offset : offset + 2 * HASH_SIZE])
            level += 1

    def leaf_hash_at(self, index: int) -> bytes:
        """The stored leaf hash of leaf ``index``."""
        if not 0 <= index < self.size:
            raise IndexError("leaf index out of range")
        return bytes(self._levels[0][index * HASH_SIZE : (index + 1) * HASH_SIZE])

    def leaf_hashes(self) -> list[bytes]:
        """All leaf hashes in order (for persistence or independent recomputation)."""
        level0 = bytes(self._levels[0])
        return [level0[i : i + HASH_SIZE] for i in range(0, len(level0), HASH_SIZE)]

    def _node(self, level: int, index: int) -> bytes:
        start = index * HASH_SIZE
        return bytes(self._levels[level][start : start + HASH_SIZE])

    def _subtree(self, start: int, count: int) -> bytes:
        """MTH(D[start:start+count]) where ``start`` is aligned as in the RFC recursion."""
        if count == 0:
            return EMPTY_ROOT
        pieces: list[bytes] = []
        offset = start
        for bit in range(count.bit_length() - 1, -1, -1):
            if count >> bit & 1:
                pieces.append(self._node(bit, offset >> bit))
                offset += 1 << bit
        result = pieces.pop()
        while pieces:
            result = node_hash(pieces.pop(), result)
        return result

    def _check_size(self, tree_size: int) -> None:
        if not 0 <= tree_size <= self.size:
            raise ValueError(f"tree size {tree_size} outside 0..{self.size}")

    def root(self, tree_size: int | None = None) -> bytes:
        """Merkle Tree Hash of the first ``tree_size`` leaves (default: all)."""
        size = self.size if tree_size is None else tree_size
        self._check_size(size)
        return self._subtree(0, size)

    def inclusion_proof(self, index: int, tree_size: int | None = None) -> list[bytes]:
        """PATH(index, D[tree_size]) of RFC 9162 §2.1.3.1, leaf-side sibling first."""
        size = self.size if tree_size is None else tree_size
        self._check_size(size)
        if not 0 <= index < size:
            raise ValueError(f"leaf index {index} outside tree of size {size}")
        path: list[bytes] = []
        start, count, m = 0, size, index
        while count > 1:
            k = _split(count)
            if m < k:
                path.append(self._subtree(start + k, count - k))
                count = k
            else:
                path.append(self._subtree(start, k))
                start, m, count = start + k, m - k, count - k
        path.reverse()
        return path

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        """PROOF(old_size, D[new_size]) of RFC 9162 §2.1.4.1 (empty when old is 0 or equal)."""
        size = self.size if new_size is None else new_size
        self._check_size(size)
        if not 0 <= old_size <= size:
            raise ValueError(f"old size {old_size} outside 0..{size}")
        if old_size in (0, size):
            return []
        proof: list[bytes] = []
        start, m, count, complete = 0, old_size, size, True
        while m != count:
            k = _split(count)
            if m <= k:
                proof.append(self._subtree(start + k, count - k))
                count = k
            else:
                proof.append(self._subtree(start, k))
                start, m, count, complete = start + k, m - k, count - k, False
        if not complete:
            proof.append(self._subtree(start, m))
        proof.reverse()
        return proof


def _hashes_ok(values: Sequence[bytes]) -> bool:
    return all(isinstance(v, bytes) and len(v) == HASH_SIZE for v in values)


def verify_inclusion(leaf_hash: bytes, index: int, tree_size: int, proof: Sequence[bytes], root: bytes) -> bool:
    """RFC 9162 §2.1.3.2; ``tree_size`` must come from a verified signed tree head."""
    if not _hashes_ok([leaf_hash, root, *proof]) or not 0 <= index < tree_size:
        return False
    fn, sn, r = index, tree_size - 1, leaf_hash
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2, extended to the trivial cases old = 0 and old = new (empty proof)."""
    if not _hashes_ok([old_root, new_root, *proof]) or not 0 <= old_size <= new_size:
        return False
    if old_size == 0:
        return not proof and old_root == EMPTY_ROOT
    if old_size == new_size:
        return not proof and old_root == new_root
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == old_root and sr == new_root and sn == 0


def _plain_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


@dataclass(frozen=True)
class TreeHead:
    """A statement "the log ``log_id`` had ``tree_size`` leaves with this root at ``timestamp``"."""

    log_id: str
    tree_size: int
    root: bytes
    timestamp: int

    def __post_init__(self) -> None:
        if not isinstance(self.log_id, str) or not self.log_id:
            raise ValueError("log_id must be a non-empty string")
        if not _plain_int(self.tree_size) or not _plain_int(self.timestamp):
            raise ValueError("tree_size and timestamp must be non-negative integers")
        if not isinstance(self.root, bytes) or len(self.root) != HASH_SIZE:
            raise ValueError("root must be 32 bytes")

    def signing_bytes(self) -> bytes:
        """The 32-byte digest that Ed25519 signs."""
        return hash_elements(TREE_HEAD_TAG, self.log_id, self.tree_size, self.root, self.timestamp)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form with the root as base64url."""
        return {
            "log_id": self.log_id,
            "tree_size": self.tree_size,
            "root": b64encode(self.root),
            "timestamp": self.timestamp,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TreeHead:
        """Strict inverse of ``to_dict``; raises ``EncodingError`` on any deviation."""
        _expect_keys(data, {"log_id", "tree_size", "root", "timestamp"})
        try:
            return cls(data["log_id"], data["tree_size"], b64decode(data["root"], HASH_SIZE), data["timestamp"])
        except (TypeError, ValueError) as exc:
            raise EncodingError(f"invalid tree head: {exc}") from exc


@dataclass(frozen=True)
class SignedTreeHead:
    """A tree head with the log's Ed25519 signature over ``head.signing_bytes()``."""

    head: TreeHead
    signature: bytes

    def to_dict(self) -> dict[str, Any]:
        """The head's fields plus ``signature`` (base64url)."""
        return {**self.head.to_dict(), "signature": b64encode(self.signature)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SignedTreeHead:
        """Strict inverse of ``to_dict``."""
        _expect_keys(data, {"log_id", "tree_size", "root", "timestamp", "signature"})
        head = TreeHead.from_dict({k: v for k, v in data.items() if k != "signature"})
        return cls(head, b64decode(data["signature"], 64))


def _expect_keys(data: object, keys: set[str]) -> None:
    if not isinstance(data, dict) or set(data) != keys:
        raise EncodingError(f"expected an object with exactly the keys {sorted(keys)}")


def sign_tree_head(head: TreeHead, signing_key: SigningKey) -> SignedTreeHead:
    """Sign a tree head with the log's Ed25519 key."""
    signature: bytes = signing_key.sign(head.signing_bytes()).signature
    return SignedTreeHead(head, signature)


def verify_tree_head(sth: SignedTreeHead, verify_key: VerifyKey) -> bool:
    """True when the signature is a valid Ed25519 signature by ``verify_key`` over the head."""
    if not isinstance(sth.signature, bytes) or len(sth.signature) != 64:
        return False
    try:
        verify_key.verify(sth.head.signing_bytes(), sth.signature)
    except BadSignatureError:
        return False
    return True


def chain_start(context_hash: bytes) -> bytes:
    """First chain value, bound to the election context so chains of two elections differ."""
    return hash_elements(CHAIN_START_TAG, context_hash)


def chain_next(previous_chain: bytes, tracking_hash: bytes) -> bytes:
    """Next chain value after a ballot with ``tracking_hash`` was cast."""
    if len(previous_chain) != HASH_SIZE or len(tracking_hash) != HASH_SIZE:
        raise ValueError("chain values and tracking hashes are 32 bytes")
    return hash_elements(CHAIN_TAG, previous_chain, tracking_hash)
