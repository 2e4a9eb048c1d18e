"""API tokens for administrators, registrars and trustees, stored only as SHA-256 hashes."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from aiohttp import web
from sqlalchemy import select

from voting_engine.core.encoding import b64encode
from voting_engine.core.hashing import sha256
from voting_engine.service.context import ServiceContext
from voting_engine.service.errors import ServiceError
from voting_engine.storage.models import ApiToken

ROLES = ("admin", "registrar", "trustee")


@dataclass(frozen=True)
class Principal:
    role: str
    name: str
    trustee_index: int | None


def token_hash(token: str) -> str:
    return b64encode(sha256(token.encode("utf-8")))


def bearer(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return header[7:].strip() or None
    return None


async def create_token(svc: ServiceContext, role: str, name: str, trustee_index: int | None = None) -> str:
    """A new random token; only its hash is stored, the token itself is shown once."""
    if role not in ROLES:
        raise ServiceError("bad_role", f"role is one of {', '.join(ROLES)}")
    token = f"pbv_{role}_{secrets.token_urlsafe(32)}"
    async with svc.writer() as session:
        session.add(
            ApiToken(
                token_hash=token_hash(token), role=role, name=name, trustee_index=trustee_index, created_at=svc.clock()
            )
        )
    return token


async def principal(svc: ServiceContext, request: web.Request, *roles: str) -> Principal:
    token = bearer(request)
    if token is None:
        raise ServiceError("unauthenticated", "an API token is required (Authorization: Bearer …)", 401)
    async with svc.factory() as session:
        row = (
            await session.execute(select(ApiToken).where(ApiToken.token_hash == token_hash(token)))
        ).scalar_one_or_none()
    if row is None:
        raise ServiceError("unauthenticated", "unknown API token", 401)
    if roles and row.role not in roles and row.role != "admin":
        raise ServiceError("forbidden", f"this action needs the role {' or '.join(roles)}", 403)
    return Principal(row.role, row.name, row.trustee_index)
