"""Closing stages whose voting window has ended (no administrator has to be awake for it); housekeeping."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import datetime

from sqlalchemy import select

from voting_engine.service.admin import close_stage
from voting_engine.service.context import ServiceContext
from voting_engine.service.errors import ServiceError
from voting_engine.service.sessions import forget_spent_challenges
from voting_engine.service.tally import prepare_tally
from voting_engine.storage.models import Election, Stage

log = logging.getLogger("voting_engine.scheduler")


async def close_expired_stages(svc: ServiceContext) -> list[tuple[str, str]]:
    """Close every open stage whose ``closes_at`` has passed; returns what was closed."""
    now = svc.clock()
    closed: list[tuple[str, str]] = []
    async with svc.factory() as session:
        rows = (await session.execute(select(Stage, Election.manifest_json).join(
            Election, Election.id == Stage.election_id).where(Stage.status == "open"))).all()
    for stage, manifest_json in rows:
        spec = next((s for s in json.loads(manifest_json)["stages"] if s["id"] == stage.id), None)
        closes = spec.get("closes_at") if spec else None
        if closes and now >= datetime.fromisoformat(closes):
            try:
                await close_stage(svc, stage.election_id, stage.id)
                await prepare_tally(svc, stage.election_id, stage.id)
                closed.append((stage.election_id, stage.id))
                log.info("closed stage %s/%s at the end of its window", stage.election_id, stage.id)
            except ServiceError as exc:  # closed concurrently by an administrator or another process
                log.info("stage %s/%s not closed: %s", stage.election_id, stage.id, exc.message)
    return closed


async def run_scheduler(svc: ServiceContext, interval: float = 15.0) -> None:
    while True:
        try:
            await close_expired_stages(svc)
            await forget_spent_challenges(svc)
        except Exception:  # keep the loop alive; the next round retries
            log.exception("scheduler round failed")
        await asyncio.sleep(interval)
