"""Exporting the published election record from the database (``docs/election-record.md``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import select

from voting_engine.record.writer import RecordWriter
from voting_engine.service.context import ServiceContext
from voting_engine.service.errors import conflict
from voting_engine.service.tally import final_results
from voting_engine.storage.models import (
    AuditedBallot,
    AuditEntry,
    BoardEntryRow,
    Credential,
    EducationModuleRow,
    Stage,
    TreeHeadRow,
)


async def export_record(svc: ServiceContext, election_id: str, out: Path) -> dict[str, Any]:
    """Write the record of every stage opened so far; ballots stream from the database."""
    writer = RecordWriter(out)
    async with svc.factory() as session:
        election = await svc.election(session, election_id)
        if election.ceremony_json is None:
            raise conflict("ceremony_incomplete", "no record before the key ceremony is complete")
        manifest = await svc.manifest(session, election_id)
        key = await svc.board_key(session, election_id)
        writer.write_json("manifest.json", manifest.to_json())
        writer.write_json("ceremony.json", json.loads(election.ceremony_json))
        rolls: dict[str, list[str]] = {g: [] for g in manifest.weights}
        revoked: list[str] = []
        for cred in (
            await session.execute(
                select(Credential)
                .where(Credential.election_id == election_id)
                .order_by(Credential.issued_seq, Credential.public)
            )
        ).scalars():
            rolls[cred.group].append(cred.public)
            if cred.revoked:
                revoked.append(cred.public)
        writer.write_json("rolls.json", {"groups": rolls, "revoked": sorted(revoked)})
        audit = (
            await session.execute(
                select(AuditEntry).where(AuditEntry.election_id == election_id).order_by(AuditEntry.seq)
            )
        ).scalars()
        writer.write_jsonl("audit-log.jsonl", ({**json.loads(a.body), "hash": a.hash} for a in audit))
        modules = (
            await session.execute(
                select(EducationModuleRow)
                .where(EducationModuleRow.election_id == election_id)
                .order_by(EducationModuleRow.id)
            )
        ).scalars()
        for module in modules:
            writer.write_json(f"education/{module.id}.json", json.loads(module.body))
        stages = (
            (await session.execute(select(Stage).where(Stage.election_id == election_id).order_by(Stage.ordinal)))
            .scalars()
            .all()
        )
        published = []
        for stage in stages:
            if stage.definition_json is None:
                continue
            published.append(stage.id)
            base = f"stages/{stage.id}/"
            writer.write_json(base + "stage.json", json.loads(stage.definition_json))
            entries = await session.stream(
                select(BoardEntryRow)
                .where(BoardEntryRow.election_id == election_id, BoardEntryRow.stage_id == stage.id)
                .order_by(BoardEntryRow.position)
            )
            rows = []
            async for (row,) in entries:
                rows.append(
                    {
                        "position": row.position,
                        "ballot": json.loads(row.envelope),
                        "tracking_hash": row.tracking,
                        "chain": row.chain,
                    }
                )
            writer.write_jsonl(base + "ballots.jsonl", rows)
            audited = (
                await session.execute(
                    select(AuditedBallot)
                    .where(AuditedBallot.election_id == election_id, AuditedBallot.stage_id == stage.id)
                    .order_by(AuditedBallot.seq)
                )
            ).scalars()
            writer.write_jsonl(base + "audited.jsonl", (json.loads(a.body) for a in audited))
            heads = (
                (
                    await session.execute(
                        select(TreeHeadRow)
                        .where(TreeHeadRow.election_id == election_id, TreeHeadRow.stage_id == stage.id)
                        .order_by(TreeHeadRow.tree_size)
                    )
                )
                .scalars()
                .all()
            )
            final = json.loads(stage.final_tree_head) if stage.final_tree_head else None
            writer.write_json(
                base + "board.json",
                {
                    "board_key": _b64(bytes(key.verify_key)),
                    "log_id": stage.context_hash,
                    "final_tree_head": final,
                    "tree_heads": [json.loads(h.body) for h in heads if final is None or json.loads(h.body) != final],
                },
            )
            if stage.status == "tallied" and stage.tally_json:
                writer.write_json(base + "tally.json", json.loads(stage.tally_json))
    results = await final_results(svc, election_id)
    writer.write_json("results.json", results)
    return writer.finish(election_id, manifest.hash, published, key)


def _b64(data: bytes) -> str:
    from voting_engine.core.encoding import b64encode

    return b64encode(data)
