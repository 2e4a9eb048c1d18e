"""Voter sign-in: the device signs a fresh server challenge with the credential key.

The secret code never reaches the server; a session token is bound to the public credential
that signed the challenge, and only its hash is stored.  Challenges are stateless (expiry and MAC
inside the nonce); a spent nonce is recorded so it cannot be replayed.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, delete, insert, select
from sqlalchemy.exc import IntegrityError

from voting_engine.core.credentials import verify_challenge
from voting_engine.core.encoding import EncodingError, b64decode, b64encode
from voting_engine.core.hashing import sha256
from voting_engine.service.context import ServiceContext
from voting_engine.service.errors import ServiceError
from voting_engine.storage.models import Challenge, Credential, VoterSession, table

CHALLENGE_TTL = timedelta(minutes=5)
SESSION_TTL = timedelta(hours=2)
SESSION_CACHE = timedelta(seconds=30)
CHALLENGE_KEY_TAG = b"pbvote/signin-challenge-key/v1"
_RANDOM, _EXPIRY, _MAC = 12, 4, 16  # a challenge nonce: random ‖ expiry (uint32 seconds) ‖ MAC, 32 bytes

# Statements of the hot voter paths, built once (building one costs more than running it on SQLite).
_C, _S = Credential.__table__.c, VoterSession.__table__.c
CREDENTIAL_STATUS = select(_C.group, _C.revoked).where(
    _C.election_id == bindparam("election_id"), _C.public == bindparam("public")
)
_SPEND_NONCE = insert(table(Challenge))
_NEW_SESSION = insert(table(VoterSession))
_SESSION = (
    select(_S.election_id, _S.credential, _S.expires_at, _C.revoked)
    .select_from(
        VoterSession.__table__.outerjoin(
            Credential.__table__, and_(_C.election_id == _S.election_id, _C.public == _S.credential)
        )
    )
    .where(_S.token_hash == bindparam("token_hash"))
)


def _challenge_mac(board_seed: bytes, election_id: str, body: bytes) -> bytes:
    """A MAC under a key derived from the election's board secret, shared by every server process."""
    key = hmac.new(board_seed, CHALLENGE_KEY_TAG, hashlib.sha256).digest()
    return hmac.new(key, election_id.encode() + b"\x00" + body, hashlib.sha256).digest()[:_MAC]


async def new_challenge(svc: ServiceContext, election_id: str) -> dict[str, Any]:
    """A fresh nonce that the server can recognise later without having stored it.

    The nonce carries its expiry and a MAC, so asking for a challenge writes nothing (a flood of
    challenge requests cannot grow a table); a nonce is recorded only when a sign-in spends it.
    """
    async with svc.factory() as session:
        seed = bytes(await svc.board_key(session, election_id))
    expiry = int((svc.clock() + CHALLENGE_TTL).timestamp())
    body = secrets.token_bytes(_RANDOM) + expiry.to_bytes(_EXPIRY, "big")
    nonce = body + _challenge_mac(seed, election_id, body)
    return {"nonce": b64encode(nonce), "expires_in": int(CHALLENGE_TTL.total_seconds())}


def _issued_until(seed: bytes, election_id: str, nonce: bytes) -> datetime | None:
    """The expiry of a nonce this election's server issued, or None for any other bytes."""
    body, mac = nonce[: _RANDOM + _EXPIRY], nonce[_RANDOM + _EXPIRY :]
    if len(nonce) != _RANDOM + _EXPIRY + _MAC or not hmac.compare_digest(mac, _challenge_mac(seed, election_id, body)):
        return None
    return datetime.fromtimestamp(int.from_bytes(body[_RANDOM:], "big"), UTC)


async def sign_in(svc: ServiceContext, election_id: str, credential: str, nonce: str, signature: str) -> dict[str, Any]:
    try:
        public = b64decode(credential, 32)
        nonce_bytes = b64decode(nonce, 32)
        sig = b64decode(signature, 64)
    except (EncodingError, TypeError) as exc:
        raise ServiceError("schema", f"credential, nonce and signature must be base64url: {exc}") from exc
    bad_challenge = ServiceError("bad_challenge", "unknown, used or expired challenge; ask for a new one", 401)
    # every check that needs no write lock first; the write transaction only spends the nonce
    async with svc.factory() as session:
        expires = _issued_until(bytes(await svc.board_key(session, election_id)), election_id, nonce_bytes)
    now = svc.clock()
    if expires is None or expires < now:
        raise bad_challenge
    async with svc.core_reader() as conn:
        cred = (await conn.execute(CREDENTIAL_STATUS, {"election_id": election_id, "public": credential})).first()
    if cred is None:
        raise ServiceError("unknown_credential", "this credential is not on any roll of the election", 403)
    if cred.revoked:
        raise ServiceError("revoked", "the credential has been revoked", 403)
    if not verify_challenge(public, nonce_bytes, election_id, sig):
        raise ServiceError("bad_signature", "the challenge signature does not verify", 401)
    token = secrets.token_urlsafe(32)
    try:
        async with svc.core_writer(durable=False) as conn:
            # the nonce is the primary key: a second spending of it fails here, in any server process
            await conn.execute(_SPEND_NONCE, {"nonce": nonce, "election_id": election_id, "expires_at": expires,
                                              "used": True})
            await conn.execute(_NEW_SESSION, {"token_hash": b64encode(sha256(token.encode())),
                                              "election_id": election_id, "credential": credential,
                                              "expires_at": now + SESSION_TTL})
    except IntegrityError as exc:  # the nonce was spent before (or by another request at the same moment)
        raise bad_challenge from exc
    return {
        "token": token,
        "group": cred.group,
        "credential": credential,
        "expires_in": int(SESSION_TTL.total_seconds()),
    }


async def forget_spent_challenges(svc: ServiceContext) -> None:
    """Spent nonces only need remembering until they expire (the scheduler calls this)."""
    async with svc.writer(durable=False) as session:
        await session.execute(delete(Challenge).where(Challenge.expires_at < svc.clock()))


async def session_credential(svc: ServiceContext, election_id: str, token: str | None) -> str:
    """The public credential bound to a voter token, or 401."""
    if not token:
        raise ServiceError("unauthenticated", "sign in with your credential first", 401)
    key = b64encode(sha256(token.encode()))
    now = svc.clock()
    cached = svc.voter_sessions.get(key)
    if cached is not None and cached[0] == election_id and cached[2] > now and now < cached[3]:
        return cached[1]
    async with svc.core_reader() as conn:
        row = (await conn.execute(_SESSION, {"token_hash": key})).first()
    if row is None or row.election_id != election_id or row.expires_at < now:
        raise ServiceError("unauthenticated", "the session is unknown or expired; sign in again", 401)
    if row.revoked is None or row.revoked:
        raise ServiceError("revoked", "the credential has been revoked", 403)
    # remembered briefly: casting re-reads eligibility and revocation from the database anyway
    svc.voter_sessions[key] = (election_id, row.credential, row.expires_at, now + SESSION_CACHE)
    if len(svc.voter_sessions) > 200_000:
        svc.voter_sessions.clear()
    return str(row.credential)
