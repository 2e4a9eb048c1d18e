"""RFC 9162 Merkle Tree Hash over a streamed board, with the roots of every requested prefix.

The verifier sees each board entry once, in order; a compact stack of complete subtrees gives the
root of any prefix at the moment that prefix is complete, so earlier signed tree heads are checked
without holding the leaves or proofs (docs/board-and-credentials.md §2–3).
"""

from __future__ import annotations

from collections.abc import Iterable

from verifier.encoding import b64decode, hash_elements, sha256

__all__ = [
    "EMPTY_ROOT",
    "MerkleAccumulator",
    "board_leaf_data",
    "decode_hash",
    "leaf_hash",
    "node_hash",
    "root_of",
    "tree_head_digest",
]

EMPTY_ROOT = sha256(b"")


def leaf_hash(data: bytes) -> bytes:
    """SHA-256(0x00 ‖ d)."""
    return sha256(b"\x00" + data)


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 ‖ left ‖ right)."""
    return sha256(b"\x01" + left + right)


def board_leaf_data(position: int, tracking_hash: bytes, signature: bytes) -> bytes:
    """Leaf data of a board entry (docs/election-record.md §4.3)."""
    return hash_elements("pbvote/board-leaf/v1", position, tracking_hash, signature)


def tree_head_digest(log_id: str, tree_size: int, root: bytes, timestamp: int) -> bytes:
    """Signing bytes of a tree head (docs/board-and-credentials.md §3); log_id is text."""
    return hash_elements("pbvote/tree-head/v1", log_id, tree_size, root, timestamp)


class MerkleAccumulator:
    """Append leaf hashes; ask for the root of the current size at any time in O(log n)."""

    def __init__(self, wanted_sizes: Iterable[int] = ()) -> None:
        self._stack: list[tuple[int, bytes]] = []  # (subtree size, hash), sizes strictly decreasing
        self.size = 0
        self._wanted = set(wanted_sizes)
        self.prefix_roots: dict[int, bytes] = {}
        if 0 in self._wanted:
            self.prefix_roots[0] = EMPTY_ROOT

    def append(self, leaf: bytes) -> None:
        """Add one leaf hash (already ``leaf_hash``-ed)."""
        node = (1, leaf)
        while self._stack and self._stack[-1][0] == node[0]:
            size, left = self._stack.pop()
            node = (size * 2, node_hash(left, node[1]))
        self._stack.append(node)
        self.size += 1
        if self.size in self._wanted:
            self.prefix_roots[self.size] = self.root()

    def root(self) -> bytes:
        """MTH of the leaves appended so far (the left-heavy RFC 9162 tree)."""
        if not self._stack:
            return EMPTY_ROOT
        acc = self._stack[-1][1]
        for _, left in reversed(self._stack[:-1]):
            acc = node_hash(left, acc)
        return acc


def root_of(leaves: Iterable[bytes]) -> bytes:
    """MTH of raw leaf data (helper for tests and small inputs)."""
    acc = MerkleAccumulator()
    for data in leaves:
        acc.append(leaf_hash(data))
    return acc.root()


def decode_hash(text: object) -> bytes:
    """A 32-byte hash in base64url."""
    return b64decode(text, 32)
