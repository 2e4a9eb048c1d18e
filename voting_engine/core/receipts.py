"""Ballot tracking hashes, the short codes voters compare, and the cast-order tracking chain.

The tracking hash identifies an encrypted ballot (its canonical JSON without the voter's
signature, which is made over this hash).  The election record keeps the whole 32-byte hash; a
person compares a 10-symbol short code (its first 50 bits) because 52 characters cannot be read
aloud reliably.  The short code is a convenience for eyes, not a security boundary: a substituted
ballot would also need the voter's signature over its full hash, and tools compare full hashes.
The chain links each tracking hash to all earlier ones, so reordering or dropping a ballot
changes every later chain value.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from voting_engine.core.board import chain_next, chain_start
from voting_engine.core.credentials import ALPHABET
from voting_engine.core.encoding import b64decode, b64encode
from voting_engine.core.hashing import hash_elements

TRACKING_TAG = "pbvote/tracking/v1"
TRACKING_HASH_SIZE = 32
SHORT_CODE_SYMBOLS = 10
SHORT_CODE_BITS = 5 * SHORT_CODE_SYMBOLS
_ALIASES = {"I": "1", "L": "1", "O": "0"}
_SEPARATORS = frozenset("- \t\r\n")


def tracking_hash(canonical_ballot: bytes) -> bytes:
    """32-byte tracking hash of a ballot's canonical JSON bytes (signature excluded)."""
    if not isinstance(canonical_ballot, bytes):
        raise TypeError("pass the canonical JSON bytes of the ballot")
    return hash_elements(TRACKING_TAG, canonical_ballot)


def _check_hash(value: bytes) -> None:
    if not isinstance(value, bytes) or len(value) != TRACKING_HASH_SIZE:
        raise ValueError("tracking hashes are 32 bytes")


def short_code(tracking: bytes) -> str:
    """First 50 bits of the tracking hash as Crockford base32, grouped ``XXXXX-XXXXX``."""
    _check_hash(tracking)
    value = int.from_bytes(tracking[:7], "big") >> (56 - SHORT_CODE_BITS)
    symbols = "".join(
        ALPHABET[(value >> (5 * (SHORT_CODE_SYMBOLS - 1 - i))) & 31] for i in range(SHORT_CODE_SYMBOLS)
    )
    return f"{symbols[:5]}-{symbols[5:]}"


def normalize_short_code(text: str) -> str:
    """Canonical ``XXXXX-XXXXX`` form of a typed short code; ``ValueError`` if malformed."""
    symbols: list[str] = []
    for char in text:
        if char in _SEPARATORS:
            continue
        upper = char.upper() if char.isascii() else char
        symbol = _ALIASES.get(upper, upper)
        if symbol not in ALPHABET:
            raise ValueError(f"{char!r} is not a Crockford base32 character")
        symbols.append(symbol)
    if len(symbols) != SHORT_CODE_SYMBOLS:
        raise ValueError(f"a short code has {SHORT_CODE_SYMBOLS} characters, got {len(symbols)}")
    return f"{''.join(symbols[:5])}-{''.join(symbols[5:])}"


def matches_short_code(tracking: bytes, text: str) -> bool:
    """True when a typed short code is the short code of ``tracking``."""
    try:
        return normalize_short_code(text) == short_code(tracking)
    except ValueError:
        return False


def tracking_record(tracking: bytes) -> str:
    """Record form of a tracking hash: unpadded base64url."""
    _check_hash(tracking)
    return b64encode(tracking)


def tracking_from_record(text: str) -> bytes:
    """Inverse of ``tracking_record`` (strict base64url, exactly 32 bytes)."""
    return b64decode(text, TRACKING_HASH_SIZE)


@dataclass
class TrackingChain:
    """Running chain over tracking hashes in cast order, started from the election context."""

    context_hash: bytes
    head: bytes = field(init=False)
    length: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        self.head = chain_start(self.context_hash)

    def append(self, tracking: bytes) -> bytes:
        """Extend the chain by one cast ballot; return the new chain value."""
        _check_hash(tracking)
        self.head = chain_next(self.head, tracking)
        self.length += 1
        return self.head

    def extend(self, trackings: Iterable[bytes]) -> list[bytes]:
        """Append several tracking hashes; return the chain value after each."""
        return [self.append(value) for value in trackings]


def chain_values(context_hash: bytes, trackings: Iterable[bytes]) -> list[bytes]:
    """Chain value after each ballot, recomputed from scratch (what a verifier does)."""
    return TrackingChain(context_hash).extend(trackings)
