"""Challenge derivation shared by all proofs.

Challenges are 128-bit integers: the first 16 bytes (little-endian) of the domain-separated
SHA-256 of tag, context hash, statement and commitments.  Special soundness needs two different
challenges to differ modulo L, which holds because 2^128 < L; a 128-bit challenge keeps
soundness error at 2^-128 while halving the proof's challenge bytes (docs/protocol.md §3).
In OR-proofs the branch challenges add up to the hash challenge modulo 2^128.
"""

from __future__ import annotations

from voting_engine.core.encoding import b64decode, b64encode
from voting_engine.core.hashing import Element, hash_elements

CHALLENGE_BYTES = 16
CHALLENGE_MODULUS = 1 << (8 * CHALLENGE_BYTES)


def challenge(tag: str, context_hash: bytes, *elements: Element) -> int:
    """The 128-bit challenge for a statement and its commitments."""
    return int.from_bytes(hash_elements(tag, context_hash, *elements)[:CHALLENGE_BYTES], "little")


def encode_challenge(value: int) -> str:
    return b64encode(value.to_bytes(CHALLENGE_BYTES, "little"))


def decode_challenge(text: str) -> int:
    return int.from_bytes(b64decode(text, CHALLENGE_BYTES), "little")
