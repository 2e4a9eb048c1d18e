"""Administrator use cases: configure an election, run the key ceremony, open and close stages."""

from __future__ import annotations

import json
from typing import Any

from nacl.signing import SigningKey
from sqlalchemy import select

from voting_engine.core.board import SignedTreeHead, TreeHead, sign_tree_head
from voting_engine.core.encoding import b64encode
from voting_engine.core.threshold import (
    CeremonyRecord,
    EncryptedShare,
    KeyShareConfirmation,
    ThresholdError,
    TrusteeAnnouncement,
    TrusteeError,
    verify_ceremony,
)
from voting_engine.domain.errors import ManifestError
from voting_engine.domain.manifest import load_manifest, stage_definition, stage_hash
from voting_engine.domain.ranking import resolve_candidates
from voting_engine.service.context import ServiceContext, dumps
from voting_engine.service.errors import ServiceError, conflict
from voting_engine.storage.models import CeremonyMessage, EducationModuleRow, Election, Stage, TreeHeadRow


async def create_election(
    svc: ServiceContext, manifest_data: dict[str, Any], modules: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """Store a validated manifest, its education modules and one row per stage."""
    from voting_engine.education.model import EducationError, content_hash, load_module

    loaded = []
    try:
        for raw in modules or []:
            loaded.append((raw, load_module(raw)))
    except EducationError as exc:
        raise ServiceError(exc.code, exc.message) from exc
    data = dict(manifest_data)
    if loaded:
        data["education"] = [{"id": m.id, "content_hash": b64encode(content_hash(m))} for _, m in loaded]
    try:
        manifest = load_manifest(data)
    except ManifestError as exc:
        raise ServiceError(exc.code, exc.message) from exc
    async with svc.writer() as session:
        if (await session.get(Election, manifest.election_id)) is not None:
            raise conflict("election_exists", f"election {manifest.election_id!r} already exists")
        session.add(
            Election(
                id=manifest.election_id,
                manifest_json=dumps(manifest.to_json()),
                manifest_hash=b64encode(manifest.hash),
                status="ceremony",
                board_seed=b64encode(bytes(SigningKey.generate())),
                created_at=svc.clock(),
            )
        )
        await session.flush()
        for i, spec in enumerate(manifest.stages):
            session.add(Stage(election_id=manifest.election_id, id=spec.id, ordinal=i, status="pending"))
        for raw, module in loaded:
            session.add(
                EducationModuleRow(
                    election_id=manifest.election_id,
                    id=module.id,
                    body=dumps(raw),
                    content_hash=b64encode(content_hash(module)),
                )
            )
        await svc.audit(
            session, manifest.election_id, "admin", "election.create", manifest_hash=b64encode(manifest.hash)
        )
    return {"election_id": manifest.election_id, "manifest_hash": b64encode(manifest.hash)}


# -- key ceremony (the server only relays and checks public messages) -----------------------
async def post_ceremony_message(
    svc: ServiceContext, election_id: str, kind: str, sender: int, body: dict[str, Any], recipient: int = 0
) -> None:
    if kind not in ("announcement", "share", "confirmation"):
        raise ServiceError("bad_kind", "kind is announcement, share or confirmation")
    async with svc.writer() as session:
        election = await svc.election(session, election_id, lock=True)
        if election.status != "ceremony":
            raise conflict("ceremony_closed", "the key ceremony is over")
        manifest = await svc.manifest(session, election_id)
        n, k = manifest.trustees
        if not 1 <= sender <= n or (kind == "share" and not 1 <= recipient <= n):
            raise ServiceError("bad_index", f"trustee indices run from 1 to {n}")
        try:
            if kind == "announcement":
                from voting_engine.core.context import ceremony_context_hash
                from voting_engine.core.threshold import verify_announcement

                announcement = TrusteeAnnouncement.from_json(body)
                if announcement.trustee != sender:
                    raise ServiceError("bad_index", "announcement of another trustee")
                context = ceremony_context_hash(election_id, manifest.hash, n, k)
                verify_announcement(announcement, context, k)
            elif kind == "confirmation":
                if KeyShareConfirmation.from_json(body).trustee != sender:
                    raise ServiceError("bad_index", "confirmation of another trustee")
            else:
                share = EncryptedShare.from_json(body)
                if share.dealer != sender or share.recipient != recipient or sender == recipient:
                    raise ServiceError("bad_index", "a share goes from its dealer (the sender) to another trustee")
        except (TrusteeError, ThresholdError) as exc:
            raise ServiceError(getattr(exc, "code", "bad_message"), str(exc), trustee=sender) from exc
        existing = (
            await session.execute(
                select(CeremonyMessage).where(
                    CeremonyMessage.election_id == election_id,
                    CeremonyMessage.kind == kind,
                    CeremonyMessage.sender == sender,
                    CeremonyMessage.recipient == recipient,
                )
            )
        ).scalar_one_or_none()
        if existing is not None:
            if json.loads(existing.body) != body:
                raise conflict("already_posted", f"trustee {sender} already posted a different {kind}")
            return
        session.add(
            CeremonyMessage(election_id=election_id, kind=kind, sender=sender, recipient=recipient, body=dumps(body))
        )
        await svc.audit(session, election_id, "trustee", f"ceremony.{kind}", trustee=sender)
        if kind == "confirmation":
            await session.flush()
            await _maybe_finish_ceremony(svc, session, election)


async def ceremony_messages(svc: ServiceContext, election_id: str, kind: str, recipient: int = 0) -> list[Any]:
    async with svc.factory() as session:
        rows = (
            await session.execute(
                select(CeremonyMessage)
                .where(
                    CeremonyMessage.election_id == election_id,
                    CeremonyMessage.kind == kind,
                    CeremonyMessage.recipient == recipient,
                )
                .order_by(CeremonyMessage.sender)
            )
        ).scalars()
        return [json.loads(r.body) for r in rows]


async def _maybe_finish_ceremony(svc: ServiceContext, session: Any, election: Election) -> None:
    manifest = await svc.manifest(session, election.id)
    n, k = manifest.trustees
    rows = (
        (await session.execute(select(CeremonyMessage).where(CeremonyMessage.election_id == election.id)))
        .scalars()
        .all()
    )
    announcements = [TrusteeAnnouncement.from_json(json.loads(r.body)) for r in rows if r.kind == "announcement"]
    confirmations = [KeyShareConfirmation.from_json(json.loads(r.body)) for r in rows if r.kind == "confirmation"]
    if len(announcements) < n or len(confirmations) < n:
        return
    try:
        record = CeremonyRecord.assemble(election.id, manifest.hash, announcements, confirmations, threshold=k)
        joint = verify_ceremony(record)
    except (TrusteeError, ThresholdError) as exc:
        raise ServiceError(getattr(exc, "code", "bad_ceremony"), str(exc)) from exc
    election.ceremony_json = dumps(record.to_json())
    election.joint_key = b64encode(joint.to_bytes())
    election.status = "ready"
    await svc.audit(session, election.id, "admin", "ceremony.complete", joint_key=election.joint_key)


async def ceremony_status(svc: ServiceContext, election_id: str) -> dict[str, Any]:
    async with svc.factory() as session:
        election = await svc.election(session, election_id)
        return {
            "status": election.status,
            "joint_public_key": election.joint_key,
            "ceremony": json.loads(election.ceremony_json) if election.ceremony_json else None,
        }


# -- stages ---------------------------------------------------------------------------------
async def open_stage(svc: ServiceContext, election_id: str, stage_id: str) -> dict[str, Any]:
    """Resolve the candidates from earlier results, fix the stage definition and its context."""
    from voting_engine.core.board import chain_start
    from voting_engine.core.context import ElectionContext
    from voting_engine.core.encoding import b64decode
    from voting_engine.core.group import Point

    async with svc.writer() as session:
        election = await svc.election(session, election_id, lock=True)
        if election.joint_key is None:
            raise conflict("ceremony_incomplete", "the trustees' key ceremony is not complete")
        stage = await svc.stage_row(session, election_id, stage_id, lock=True)
        if stage.status != "pending":
            raise conflict("stage_not_pending", f"stage {stage_id!r} is {stage.status}")
        manifest = await svc.manifest(session, election_id)
        spec = manifest.stage(stage_id)
        earlier: dict[str, Any] = {}
        for row in (await session.execute(select(Stage).where(Stage.election_id == election_id))).scalars():
            if row.table_json:
                earlier[row.id] = json.loads(row.table_json)
        if spec.candidates.get("rule", "fixed") != "fixed" and spec.candidates.get("from_stage") not in earlier:
            raise conflict("earlier_stage_not_tallied", "the stage's candidates come from a stage not yet tallied")
        definition = stage_definition(
            manifest, stage_id, resolve_candidates(spec.candidates, list(manifest.projects), earlier)
        )
        s_hash = stage_hash(definition)
        context = ElectionContext(
            election_id, stage_id, manifest.hash, Point.from_bytes(b64decode(election.joint_key, 32)), s_hash
        )
        stage.definition_json = dumps(definition)
        stage.stage_hash = b64encode(s_hash)
        stage.context_hash = b64encode(context.hash)
        stage.last_chain = b64encode(chain_start(context.hash))
        stage.status = "open"
        stage.opened_at = svc.clock()
        await svc.audit(
            session,
            election_id,
            "admin",
            "stage.open",
            stage=stage_id,
            candidates=[c["id"] for c in definition["candidates"]],
        )
        return {"stage_id": stage_id, "definition": definition, "context_hash": stage.context_hash}


async def close_stage(svc: ServiceContext, election_id: str, stage_id: str) -> dict[str, Any]:
    """Freeze the board under a final signed tree head; no ballot is accepted afterwards."""
    async with svc.writer() as session:
        await svc.election(session, election_id, lock=True)
        stage = await svc.stage_row(session, election_id, stage_id, lock=True)
        if stage.status != "open":
            raise conflict("stage_not_open", f"stage {stage_id!r} is {stage.status}")
        cache = await svc.stage_cache(session, election_id, stage)
        key = await svc.board_key(session, election_id)
        sth = sign_head(cache.log.root(stage.board_size), stage.board_size, b64encode(cache.context.hash), key, svc)
        stage.final_tree_head = dumps(sth.to_dict())
        stage.status = "closed"
        stage.closed_at = svc.clock()
        await store_tree_head(session, election_id, stage_id, sth)
        await svc.audit(session, election_id, "admin", "stage.close", stage=stage_id, board_size=stage.board_size)
        return {"stage_id": stage_id, "final_tree_head": sth.to_dict()}


def sign_head(root: bytes, size: int, log_id: str, key: SigningKey, svc: ServiceContext) -> SignedTreeHead:
    return sign_tree_head(TreeHead(log_id, size, root, int(svc.clock().timestamp() * 1000)), key)


async def store_tree_head(session: Any, election_id: str, stage_id: str, sth: SignedTreeHead) -> None:
    existing = await session.get(TreeHeadRow, (election_id, stage_id, sth.head.tree_size))
    if existing is None:
        session.add(
            TreeHeadRow(
                election_id=election_id, stage_id=stage_id, tree_size=sth.head.tree_size, body=dumps(sth.to_dict())
            )
        )
    else:
        existing.body = dumps(sth.to_dict())
