"""Database tables.  Registrar tables hold identities; nothing in them enters the published record.

Binary values (hashes, keys) are stored as unpadded base64url text so that rows read the same on
SQLite and PostgreSQL; JSON documents are stored as canonical JSON text.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import DateTime as _DateTime
from sqlalchemy.types import TypeDecorator


class DateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite has no time zones: store naive UTC)."""

    impl = _DateTime
    cache_ok = True

    def __init__(self, timezone: bool = True, **kw: Any) -> None:
        super().__init__(timezone=False, **kw)

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use UTC-aware ones")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    pass


def table(model: type[Base]) -> Table:
    """A model's Core table, for statements built once and run on bare connections (the hot voter paths)."""
    result = model.__table__
    assert isinstance(result, Table)
    return result


class Election(Base):
    __tablename__ = "elections"
    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    manifest_json: Mapped[str] = mapped_column(Text)
    manifest_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), default="setup")  # setup | ceremony | ready | finished
    board_seed: Mapped[str] = mapped_column(String(64))  # the board signing key (server secret)
    ceremony_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    joint_key: Mapped[str | None] = mapped_column(String(64), nullable=True)
    final_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CeremonyMessage(Base):
    """Trustee announcements, relayed encrypted shares and key-share confirmations."""

    __tablename__ = "ceremony_messages"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    election_id: Mapped[str] = mapped_column(ForeignKey("elections.id"))
    kind: Mapped[str] = mapped_column(String(20))  # announcement | share | confirmation
    sender: Mapped[int] = mapped_column(Integer)
    recipient: Mapped[int] = mapped_column(Integer, default=0)
    body: Mapped[str] = mapped_column(Text)
    __table_args__ = (UniqueConstraint("election_id", "kind", "sender", "recipient"),)


class Stage(Base):
    __tablename__ = "stages"
    election_id: Mapped[str] = mapped_column(ForeignKey("elections.id"), primary_key=True)
    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    ordinal: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending | open | closed | tallied
    definition_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    context_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    stage_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    board_size: Mapped[int] = mapped_column(Integer, default=0)
    last_chain: Mapped[str | None] = mapped_column(String(64), nullable=True)
    final_tree_head: Mapped[str | None] = mapped_column(Text, nullable=True)
    tally_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    table_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Person(Base):
    """Registrar table: the eligibility roll with identities (never published)."""

    __tablename__ = "people"
    election_id: Mapped[str] = mapped_column(ForeignKey("elections.id"), primary_key=True)
    person_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    group: Mapped[str] = mapped_column(String(50))
    region: Mapped[str] = mapped_column(String(100), default="")
    age_band: Mapped[str] = mapped_column(String(20), default="")
    gender: Mapped[str] = mapped_column(String(10), default="")


class Credential(Base):
    """Public credentials only; ``person_id`` links back to the registrar's roll and is never published."""

    __tablename__ = "credentials"
    election_id: Mapped[str] = mapped_column(ForeignKey("elections.id"), primary_key=True)
    public: Mapped[str] = mapped_column(String(64), primary_key=True)
    group: Mapped[str] = mapped_column(String(50))
    person_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    issued_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    __table_args__ = (
        Index("ix_credentials_person", "election_id", "person_id"),
        Index("ix_credentials_seq", "election_id", "issued_seq"),  # the next issue number is one index probe
    )


class Invitation(Base):
    __tablename__ = "invitations"
    election_id: Mapped[str] = mapped_column(ForeignKey("elections.id"), primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    group: Mapped[str] = mapped_column(String(50))
    used: Mapped[bool] = mapped_column(Boolean, default=False)


class Challenge(Base):
    __tablename__ = "challenges"
    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    election_id: Mapped[str] = mapped_column(String(100))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used: Mapped[bool] = mapped_column(Boolean, default=False)


class VoterSession(Base):
    __tablename__ = "voter_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    election_id: Mapped[str] = mapped_column(String(100))
    credential: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class EducationModuleRow(Base):
    __tablename__ = "education_modules"
    election_id: Mapped[str] = mapped_column(ForeignKey("elections.id"), primary_key=True)
    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    body: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))


class EducationProgressRow(Base):
    __tablename__ = "education_progress"
    election_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    credential: Mapped[str] = mapped_column(String(64), primary_key=True)
    module_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    body: Mapped[str] = mapped_column(Text)
    passed: Mapped[bool] = mapped_column(Boolean, default=False)


class BoardEntryRow(Base):
    __tablename__ = "board_entries"
    election_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    stage_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    tracking: Mapped[str] = mapped_column(String(64))
    credential: Mapped[str] = mapped_column(String(64))
    envelope: Mapped[str] = mapped_column(Text)
    chain: Mapped[str] = mapped_column(String(64))
    leaf: Mapped[str] = mapped_column(String(64))
    receipt: Mapped[str] = mapped_column(Text)
    __table_args__ = (
        UniqueConstraint("election_id", "stage_id", "tracking", name="uq_board_tracking"),
        Index("ix_board_credential", "election_id", "stage_id", "credential"),
    )


class BoardCiphertext(Base):
    """Every ciphertext on a board, unique, so a copied ciphertext (Helios replay) is refused."""

    __tablename__ = "board_ciphertexts"
    election_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    stage_id: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer)


class AuditedBallot(Base):
    __tablename__ = "audited_ballots"
    election_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    stage_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    tracking: Mapped[str] = mapped_column(String(64), primary_key=True)
    body: Mapped[str] = mapped_column(Text)
    seq: Mapped[int] = mapped_column(BigInteger)


class TreeHeadRow(Base):
    __tablename__ = "tree_heads"
    election_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    stage_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    tree_size: Mapped[int] = mapped_column(Integer, primary_key=True)
    body: Mapped[str] = mapped_column(Text)


class PartialDecryptionRow(Base):
    __tablename__ = "partial_decryptions"
    election_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    stage_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    trustee: Mapped[int] = mapped_column(Integer, primary_key=True)
    body: Mapped[str] = mapped_column(Text)


class ApiToken(Base):
    """Administrator, registrar and trustee tokens, stored only as SHA-256 hashes."""

    __tablename__ = "api_tokens"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    role: Mapped[str] = mapped_column(String(20))  # admin | registrar | trustee
    name: Mapped[str] = mapped_column(String(100))
    trustee_index: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditEntry(Base):
    __tablename__ = "audit_log"
    election_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    body: Mapped[str] = mapped_column(Text)
    hash: Mapped[str] = mapped_column(String(64))
