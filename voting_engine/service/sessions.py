"""Voter sign-in: the device signs a fresh server challenge with the credential key.

The secret code never reaches the server; a session token is bound to the public credential
that signed the challenge, and only its hash is stored.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import delete

from voting_engine.core.credentials import verify_challenge
from voting_engine.core.encoding import EncodingError, b64decode, b64encode
from voting_engine.core.hashing import sha256
from voting_engine.service.context import ServiceContext
from voting_engine.service.errors import ServiceError
from voting_engine.storage.models import Challenge, Credential, VoterSession

CHALLENGE_TTL = timedelta(minutes=5)
SESSION_TTL = timedelta(hours=2)
SESSION_CACHE = timedelta(seconds=30)


async def new_challenge(svc: ServiceContext, election_id: str) -> dict[str, Any]:
    nonce = secrets.token_bytes(32)
    async with svc.writer() as session:
        await svc.election(session, election_id)
        now = svc.clock()
        await session.execute(delete(Challenge).where(Challenge.expires_at < now))
        session.add(Challenge(nonce=b64encode(nonce), election_id=election_id, expires_at=now + CHALLENGE_TTL))
    return {"nonce": b64encode(nonce), "expires_in": int(CHALLENGE_TTL.total_seconds())}


async def sign_in(svc: ServiceContext, election_id: str, credential: str, nonce: str, signature: str) -> dict[str, Any]:
    try:
        public = b64decode(credential, 32)
        nonce_bytes = b64decode(nonce, 32)
        sig = b64decode(signature, 64)
    except (EncodingError, TypeError) as exc:
        raise ServiceError("schema", f"credential, nonce and signature must be base64url: {exc}") from exc
    async with svc.writer() as session:
        challenge = await session.get(Challenge, nonce)
        now = svc.clock()
        if challenge is None or challenge.used or challenge.election_id != election_id or challenge.expires_at < now:
            raise ServiceError("bad_challenge", "unknown, used or expired challenge; ask for a new one", 401)
        challenge.used = True
        cred = await session.get(Credential, (election_id, credential))
        if cred is None:
            raise ServiceError("unknown_credential", "this credential is not on any roll of the election", 403)
        if cred.revoked:
            raise ServiceError("revoked", "the credential has been revoked", 403)
        if not verify_challenge(public, nonce_bytes, election_id, sig):
            raise ServiceError("bad_signature", "the challenge signature does not verify", 401)
        token = secrets.token_urlsafe(32)
        session.add(
            VoterSession(
                token_hash=b64encode(sha256(token.encode())),
                election_id=election_id,
                credential=credential,
                expires_at=now + SESSION_TTL,
            )
        )
        return {
            "token": token,
            "group": cred.group,
            "credential": credential,
            "expires_in": int(SESSION_TTL.total_seconds()),
        }


async def session_credential(svc: ServiceContext, election_id: str, token: str | None) -> str:
    """The public credential bound to a voter token, or 401."""
    if not token:
        raise ServiceError("unauthenticated", "sign in with your credential first", 401)
    key = b64encode(sha256(token.encode()))
    now = svc.clock()
    cached = svc.voter_sessions.get(key)
    if cached is not None and cached[0] == election_id and cached[2] > now and now < cached[3]:
        return cached[1]
    async with svc.factory() as session:
        row = await session.get(VoterSession, key)
        if row is None or row.election_id != election_id or row.expires_at < now:
            raise ServiceError("unauthenticated", "the session is unknown or expired; sign in again", 401)
        cred = await session.get(Credential, (election_id, row.credential))
        if cred is None or cred.revoked:
            raise ServiceError("revoked", "the credential has been revoked", 403)
        # remembered briefly: casting re-reads eligibility and revocation from the database anyway
        svc.voter_sessions[key] = (election_id, row.credential, row.expires_at, now + SESSION_CACHE)
        if len(svc.voter_sessions) > 200_000:
            svc.voter_sessions.clear()
        return row.credential
