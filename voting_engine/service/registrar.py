"""Registrar use cases: the roll, bulk credential issuance, self-service issuance, revocation.

Identities stay in the ``people`` table.  Secret credential codes exist only in the issuance
output (the printable sheet and the mail-merge CSV) and are never stored: the server keeps the
public credential alone, so it cannot sign a ballot for anyone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update

from voting_engine.core.credentials import generate_code as new_code
from voting_engine.core.credentials import is_valid_public_credential, public_credential
from voting_engine.core.encoding import EncodingError, b64decode, b64encode
from voting_engine.service.context import ServiceContext
from voting_engine.service.errors import ServiceError, conflict, not_found
from voting_engine.storage.models import Credential, Invitation, Person, table

_I, _C = Invitation.__table__.c, Credential.__table__.c
_INVITATION_WHERE = (_I.election_id == bindparam("election_id")) & (_I.digest == bindparam("digest"))
_INVITATION = select(_I.group, _I.used).where(_INVITATION_WHERE).with_for_update()
_SPEND_INVITATION = (  # an UPDATE's bind names must differ from its columns'
    update(table(Invitation))
    .where((_I.election_id == bindparam("e")) & (_I.digest == bindparam("d")))
    .values(used=True)
)
_CREDENTIAL_TAKEN = select(_C.public).where(
    (_C.election_id == bindparam("election_id")) & (_C.public == bindparam("public"))
)
_LAST_SEQ = select(func.max(_C.issued_seq)).where(_C.election_id == bindparam("election_id"))
_NEW_CREDENTIAL = insert(table(Credential))
"""Self-registration's statements, built once: every member of the public runs them."""


@dataclass(frozen=True)
class Issued:
    person_id: str
    group: str
    code: str
    public_credential: bytes


async def import_roll(svc: ServiceContext, election_id: str, csv_text: str) -> dict[str, Any]:
    from voting_engine.registrar.roll import RollError, parse_roll

    async with svc.writer() as session:
        await svc.election(session, election_id, lock=True)
        manifest = await svc.manifest(session, election_id)
        try:
            entries = parse_roll(csv_text, list(manifest.weights))
        except RollError as exc:
            raise ServiceError(exc.code, str(exc), line=getattr(exc, "line", None)) from exc
        ids = [e.person_id for e in entries]
        clash = (
            await session.execute(
                select(Person.person_id).where(Person.election_id == election_id, Person.person_id.in_(ids)).limit(1)
            )
        ).first()
        if clash is not None:
            raise conflict("duplicate_person", f"person {clash[0]!r} is already on the roll")
        for e in entries:
            session.add(
                Person(
                    election_id=election_id,
                    person_id=e.person_id,
                    group=e.group,
                    region=e.region or "",
                    age_band=e.age_band or "",
                    gender=e.gender or "",
                )
            )
        counts: dict[str, int] = {}
        for e in entries:
            counts[e.group] = counts.get(e.group, 0) + 1
        await svc.audit(session, election_id, "registrar", "roll.import", counts=counts)
        return {"imported": len(entries), "groups": counts}


async def _next_seq(session: Any, election_id: str) -> int:
    value = (
        await session.execute(select(func.max(Credential.issued_seq)).where(Credential.election_id == election_id))
    ).scalar_one()
    return int(value or 0) + 1


async def issue_credentials(svc: ServiceContext, election_id: str, group: str | None = None) -> list[Issued]:
    """Issue a credential to every person on the roll (of ``group``) who has none yet."""
    async with svc.writer() as session:
        await svc.election(session, election_id, lock=True)
        query = select(Person).where(Person.election_id == election_id)
        if group is not None:
            query = query.where(Person.group == group)
        people = (await session.execute(query.order_by(Person.person_id))).scalars().all()
        have = {
            p
            for (p,) in await session.execute(
                select(Credential.person_id).where(Credential.election_id == election_id, Credential.revoked.is_(False))
            )
        }
        seq = await _next_seq(session, election_id)
        issued: list[Issued] = []
        for person in people:
            if person.person_id in have:
                continue
            code = new_code()
            public = public_credential(code)
            session.add(
                Credential(
                    election_id=election_id,
                    public=b64encode(public),
                    group=person.group,
                    person_id=person.person_id,
                    issued_seq=seq,
                )
            )
            seq += 1
            issued.append(Issued(person.person_id, person.group, code, public))
        await svc.audit(session, election_id, "registrar", "credentials.issue", count=len(issued), group=group)
        return issued


async def revoke_and_reissue(svc: ServiceContext, election_id: str, person_id: str) -> Issued:
    """A lost credential: revoke every active one of this person and issue a new one."""
    async with svc.writer() as session:
        await svc.election(session, election_id, lock=True)
        person = await session.get(Person, (election_id, person_id))
        if person is None:
            raise not_found("person")
        for cred in (
            await session.execute(
                select(Credential).where(
                    Credential.election_id == election_id,
                    Credential.person_id == person_id,
                    Credential.revoked.is_(False),
                )
            )
        ).scalars():
            cred.revoked = True
        svc.voter_sessions.clear()
        code = new_code()
        public = public_credential(code)
        session.add(
            Credential(
                election_id=election_id,
                public=b64encode(public),
                group=person.group,
                person_id=person_id,
                issued_seq=await _next_seq(session, election_id),
            )
        )
        await svc.audit(session, election_id, "registrar", "credential.revoke_and_reissue", group=person.group)
        return Issued(person_id, person.group, code, public)


async def revoke_public(svc: ServiceContext, election_id: str, public: str) -> None:
    async with svc.writer() as session:
        await svc.election(session, election_id, lock=True)
        cred = await session.get(Credential, (election_id, public))
        if cred is None:
            raise not_found("credential")
        cred.revoked = True
        svc.voter_sessions.clear()
        await svc.audit(session, election_id, "registrar", "credential.revoke", credential=public)


async def create_invitations(svc: ServiceContext, election_id: str, group: str, count: int) -> list[str]:
    from voting_engine.registrar.invitations import generate_invitations, invitation_digest

    if not 1 <= count <= 100_000:
        raise ServiceError("bad_count", "count must be between 1 and 100000")
    async with svc.writer() as session:
        await svc.election(session, election_id, lock=True)
        manifest = await svc.manifest(session, election_id)
        if group not in manifest.weights:
            raise ServiceError("unknown_group", f"unknown voter group {group!r}")
        codes = generate_invitations(count)
        for code in codes:
            session.add(Invitation(election_id=election_id, digest=b64encode(invitation_digest(code)), group=group))
        await svc.audit(session, election_id, "admin", "invitations.create", group=group, count=count)
        return codes


async def self_register(svc: ServiceContext, election_id: str, invitation: str, credential_b64: str) -> dict[str, Any]:
    """Self-service issuance: the voter's device made the code; only its public key arrives here."""
    from voting_engine.registrar.invitations import InvitationError, invitation_digest

    try:
        public = b64decode(credential_b64, 32)
    except (EncodingError, TypeError) as exc:
        raise ServiceError("schema", f"credential: {exc}") from exc
    if not is_valid_public_credential(public):
        raise ServiceError("bad_credential", "the credential is not a valid Ed25519 public key")
    try:
        digest = b64encode(invitation_digest(invitation))
    except InvitationError as exc:
        raise ServiceError(exc.code, str(exc)) from exc
    key = {"election_id": election_id, "digest": digest}
    async with svc.core_writer() as conn:
        row = (await conn.execute(_INVITATION, key)).first()
        if row is None or row.used:
            raise ServiceError("bad_invitation", "unknown or already used invitation code", 403)
        taken = {"election_id": election_id, "public": credential_b64}
        if (await conn.execute(_CREDENTIAL_TAKEN, taken)).first() is not None:
            raise conflict("credential_exists", "this credential is already registered")
        await conn.execute(_SPEND_INVITATION, {"e": election_id, "d": digest})
        seq = int((await conn.execute(_LAST_SEQ, {"election_id": election_id})).scalar_one() or 0) + 1
        await conn.execute(_NEW_CREDENTIAL, {"election_id": election_id, "public": credential_b64, "group": row.group,
                                             "person_id": None, "revoked": False, "issued_seq": seq})
        return {"group": row.group, "credential": credential_b64}
