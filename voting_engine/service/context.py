"""What every use case needs: the session factory, the clock, per-stage caches and the audit log."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from nacl.signing import SigningKey
from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from ballot_schemes import BallotScheme
from voting_engine.core.board import MerkleLog
from voting_engine.core.context import ElectionContext
from voting_engine.core.encoding import b64decode, b64encode, canonical_json
from voting_engine.core.group import Point
from voting_engine.core.hashing import hash_elements
from voting_engine.domain.manifest import Manifest, load_manifest, scheme_for
from voting_engine.service.errors import ServiceError, not_found
from voting_engine.service.verification import StageKey, stage_key
from voting_engine.storage.db import core_reader, core_transaction, transaction
from voting_engine.storage.models import AuditEntry, BoardEntryRow, Election, Stage, table


def utcnow() -> datetime:
    return datetime.now(UTC)


def dumps(value: Any) -> str:
    return canonical_json(value).decode("utf-8")


_E = table(Election).c
_ELECTION_FACTS = select(_E.manifest_json, _E.manifest_hash, _E.joint_key, _E.board_seed).where(
    _E.id == bindparam("election_id")
)


@dataclass
class StageCache:
    """Derived, immutable-once-open facts about a stage, plus its Merkle log (synced from the table)."""

    definition: dict[str, Any]
    scheme: BallotScheme
    context: ElectionContext
    proof_key: StageKey  # what a verification worker needs to rebuild scheme and context
    log: MerkleLog = field(default_factory=MerkleLog)


@dataclass
class ServiceContext:
    factory: async_sessionmaker[AsyncSession]
    clock: Callable[[], datetime] = utcnow
    stages: dict[tuple[str, str], StageCache] = field(default_factory=dict)
    manifests: dict[str, Manifest] = field(default_factory=dict)
    board_keys: dict[str, SigningKey] = field(default_factory=dict)
    voter_sessions: dict[str, tuple[str, str, datetime, datetime]] = field(default_factory=dict)
    modules: dict[tuple[str, str], Any] = field(default_factory=dict)
    appender: Any = None
    """The process's ``appending.BoardAppender`` (group commit of ballots), made on first use."""

    def writer(self, durable: bool = True) -> Any:
        """A write transaction (see ``voting_engine.storage.db.transaction``)."""
        return transaction(self.factory, durable)

    @property
    def engine(self) -> AsyncEngine:
        bind = self.factory.kw["bind"]
        assert isinstance(bind, AsyncEngine)
        return bind

    def core_writer(self, durable: bool = True) -> Any:
        """A write transaction on a bare connection (``voting_engine.storage.db.core_transaction``)."""
        return core_transaction(self.engine, durable)

    def core_reader(self) -> Any:
        """A read-only connection (``voting_engine.storage.db.core_reader``)."""
        return core_reader(self.engine)

    async def election(self, session: AsyncSession, election_id: str, *, lock: bool = False) -> Election:
        query = select(Election).where(Election.id == election_id)
        if lock:
            query = query.with_for_update()
        row = (await session.execute(query)).scalar_one_or_none()
        if row is None:
            raise not_found(f"election {election_id!r}")
        return row

    async def _election_facts(self, session: AsyncSession | AsyncConnection, election_id: str) -> Any:
        """The election's immutable columns as a row; works on an ORM session and on a bare connection."""
        row = (await session.execute(_ELECTION_FACTS, {"election_id": election_id})).first()
        if row is None:
            raise not_found(f"election {election_id!r}")
        return row

    async def manifest(self, session: AsyncSession | AsyncConnection, election_id: str) -> Manifest:
        cached = self.manifests.get(election_id)
        if cached is None:
            row = await self._election_facts(session, election_id)
            cached = load_manifest(json.loads(row.manifest_json))
            self.manifests[election_id] = cached
        return cached

    async def stage_row(self, session: AsyncSession, election_id: str, stage_id: str, *, lock: bool = False) -> Stage:
        query = select(Stage).where(Stage.election_id == election_id, Stage.id == stage_id)
        if lock:
            query = query.with_for_update()
        row = (await session.execute(query)).scalar_one_or_none()
        if row is None:
            raise not_found(f"stage {stage_id!r}")
        return row

    async def stage_cache(self, session: AsyncSession | AsyncConnection, election_id: str, stage: Any) -> StageCache:
        """The stage's cache; ``stage`` is a ``Stage`` or a row with its id, definition, hash and board size."""
        key = (election_id, stage.id)
        cached = self.stages.get(key)
        if cached is None:
            if stage.definition_json is None or stage.stage_hash is None:
                raise ServiceError("stage_not_open", f"stage {stage.id!r} has not been opened", 409)
            election = await self._election_facts(session, election_id)
            assert election.joint_key is not None
            definition = json.loads(stage.definition_json)
            context = ElectionContext(
                election_id,
                stage.id,
                b64decode(election.manifest_hash, 32),
                Point.from_bytes(b64decode(election.joint_key, 32)),
                b64decode(stage.stage_hash, 32),
            )
            cached = StageCache(definition, scheme_for(definition), context, stage_key(stage.definition_json, context))
            self.stages[key] = cached
        if cached.log.size < stage.board_size:
            rows = await session.execute(
                select(BoardEntryRow.leaf)
                .where(
                    BoardEntryRow.election_id == election_id,
                    BoardEntryRow.stage_id == stage.id,
                    BoardEntryRow.position >= cached.log.size,
                )
                .order_by(BoardEntryRow.position)
            )
            for (leaf,) in rows:
                cached.log.append_leaf_hash(b64decode(leaf, 32))
        return cached

    async def board_key(self, session: AsyncSession | AsyncConnection, election_id: str) -> SigningKey:
        key = self.board_keys.get(election_id)
        if key is None:
            row = await self._election_facts(session, election_id)
            key = self.board_keys[election_id] = SigningKey(b64decode(row.board_seed, 32))
        return key

    async def board_key_public(self, election_id: str) -> bytes:
        """The board's Ed25519 verify key, which signs tree heads, receipts and the record index."""
        async with self.factory() as session:
            return bytes((await self.board_key(session, election_id)).verify_key)

    async def audit(self, session: AsyncSession, election_id: str, role: str, action: str, **details: Any) -> None:
        """Append a hash-chained audit entry (no voter identities) in the caller's transaction."""
        last = (
            await session.execute(
                select(AuditEntry).where(AuditEntry.election_id == election_id).order_by(AuditEntry.seq.desc()).limit(1)
            )
        ).scalar_one_or_none()
        if last is None:
            seq, previous = 0, hash_elements("pbvote/audit-start/v1", election_id)
        else:
            seq, previous = last.seq + 1, b64decode(last.hash, 32)
        entry = {
            "seq": seq,
            "at": self.clock().isoformat(),
            "role": role,
            "action": action,
            "details": details,
            "prev": b64encode(previous),
        }
        digest = hash_elements("pbvote/audit/v1", previous, canonical_json(entry))
        session.add(AuditEntry(election_id=election_id, seq=seq, body=dumps(entry), hash=b64encode(digest)))

    async def count(self, session: AsyncSession, query: Any) -> int:
        return int((await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one())
