"""Self-service credential issuance behind a pluggable identity check, with invitation codes as default.

A member of the public who is not on a pre-loaded roll proves eligibility to the service through an
``IdentityCheck`` (a government ID provider, a phone check, …); the service then issues one credential
per stable ``subject`` key.  The default check needs no outside service: an administrator generates
one-time invitation codes, hands them out (paper, mail), and the server stores only their digests with
the voter group each one admits to, so a leaked table does not reveal usable codes.

An invitation code is 16 Crockford base32 symbols (80 bits from libsodium's CSPRNG) plus the same mod-37
check symbol as credential codes, shown ``XXXX-XXXX-XXXX-XXXXC``.  80 bits make online guessing hopeless
and an offline search of the unsalted SHA-256 digests cost about 2^80 hashes.  The digest is
``hash_elements("pbvote/invitation/v1", canonical 17-symbol code)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

import nacl.utils

from voting_engine.core.credentials import (
    CredentialCodeError,
    checked_body,
    group_symbols,
    parse_checked,
)
from voting_engine.core.encoding import b64encode
from voting_engine.core.hashing import hash_elements

INVITATION_TAG = "pbvote/invitation/v1"
BODY_LENGTH = 16
CODE_LENGTH = BODY_LENGTH + 1
RANDOM_BYTES = 10
ENTROPY_BITS = BODY_LENGTH * 5
GROUPS = (4, 4, 4, 5)
"""Display grouping: three groups of four, then the last four body symbols and the check symbol."""
EVIDENCE_FIELD = "invitation_code"
MAX_BATCH = 1_000_000



class InvitationError(ValueError):
    """A typed invitation code is malformed; ``code`` is stable for UIs and translations."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def parse_invitation(text: str) -> str:
    """Validate typed text; return the canonical 17-symbol code (same rules as credential codes)."""
    try:
        return parse_checked(text, BODY_LENGTH, "invitation code")
    except CredentialCodeError as exc:
        raise InvitationError(exc.code, exc.message) from exc


def format_invitation(code: str) -> str:
    """Grouped display form ``XXXX-XXXX-XXXX-XXXXC`` of a valid code."""
    return group_symbols(parse_invitation(code), GROUPS)


def invitation_from_random(random: bytes) -> str:
    """Formatted code whose body is the 80 bits of ``random`` (10 bytes), most significant first."""
    if len(random) != RANDOM_BYTES:
        raise ValueError(f"expected {RANDOM_BYTES} random bytes, got {len(random)}")
    return format_invitation(checked_body(int.from_bytes(random, "big"), BODY_LENGTH))


def generate_invitations(count: int, random_bytes: Callable[[int], bytes] | None = None) -> list[str]:
    """``count`` distinct fresh formatted invitation codes (``random_bytes`` only for tests)."""
    if not 0 <= count <= MAX_BATCH:
        raise ValueError(f"count must be between 0 and {MAX_BATCH}")
    source = nacl.utils.random if random_bytes is None else random_bytes
    codes: dict[str, None] = {}
    attempts = 0
    while len(codes) < count:
        attempts += 1
        if attempts > 2 * count + 16:
            raise ValueError("the random source keeps repeating codes")
        codes[invitation_from_random(source(RANDOM_BYTES))] = None
    return list(codes)


def invitation_digest(code: str) -> bytes:
    """32-byte digest the server stores instead of the code; any valid spelling gives the same digest."""
    return hash_elements(INVITATION_TAG, parse_invitation(code))


def invitation_table(codes: Iterable[str], group: str) -> dict[bytes, str]:
    """Digest → voter group rows for a batch of codes admitting to ``group``."""
    return {invitation_digest(code): group for code in codes}


@dataclass(frozen=True, slots=True)
class IdentityResult:
    """Outcome of an identity check: ``subject`` keys one-person-one-credential, ``reason`` a refusal."""

    ok: bool
    subject: str | None = None
    group: str | None = None
    reason: str | None = None

    @classmethod
    def accepted(cls, subject: str, group: str) -> IdentityResult:
        return cls(True, subject, group, None)

    @classmethod
    def rejected(cls, reason: str) -> IdentityResult:
        return cls(False, None, None, reason)


class IdentityCheck(Protocol):
    """Pluggable eligibility check for self-service issuance; evidence fields depend on the check."""

    async def verify(self, evidence: Mapping[str, str]) -> IdentityResult: ...


class InvitationStore(Protocol):
    """Storage of invitation digests; ``consume`` must atomically mark a digest used."""

    async def consume(self, digest: bytes) -> str | None:
        """The voter group of an unused invitation (now marked used), or ``None`` if unknown or used."""
        ...


class InvitationCodeCheck:
    """Default ``IdentityCheck``: evidence ``{"invitation_code": …}``, each code admits once."""

    def __init__(self, store: InvitationStore) -> None:
        self.store = store

    async def verify(self, evidence: Mapping[str, str]) -> IdentityResult:
        text = evidence.get(EVIDENCE_FIELD)
        if text is None:
            return IdentityResult.rejected("missing_invitation_code")
        try:
            digest = invitation_digest(text)
        except InvitationError as exc:  # typos are reported before any store access
            return IdentityResult.rejected(f"invitation_{exc.code}")
        group = await self.store.consume(digest)
        if group is None:
            return IdentityResult.rejected("invitation_unknown_or_used")
        return IdentityResult.accepted("invitation:" + b64encode(digest), group)


class MemoryInvitationStore:
    """In-memory ``InvitationStore`` for tests and demos (no await between check and mark)."""

    def __init__(self, table: Mapping[bytes, str] | None = None) -> None:
        self._unused: dict[bytes, str] = dict(table or {})
        self._used: set[bytes] = set()

    def add(self, codes: Iterable[str], group: str) -> None:
        for digest, value in invitation_table(codes, group).items():
            if digest not in self._used:
                self._unused[digest] = value

    def remaining(self) -> int:
        return len(self._unused)

    async def consume(self, digest: bytes) -> str | None:
        group = self._unused.pop(digest, None)
        if group is not None:
            self._used.add(digest)
        return group
