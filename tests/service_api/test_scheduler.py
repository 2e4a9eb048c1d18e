"""A stage closes by itself at the end of its voting window."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.service_api.harness import setup_election
from voting_engine.service.scheduler import close_expired_stages

pytestmark = pytest.mark.xdist_group("http")


async def scenario(url: str, tmp: Path) -> None:
    e = await setup_election(url, tmp, committee=1)
    try:
        await e.api.post(f"{e.prefix}/stages/shortlist/open")
        svc = e.server.service
        assert await close_expired_stages(svc) == []
        svc.clock = lambda: datetime.now(UTC) + timedelta(days=31)
        assert await close_expired_stages(svc) == [(e.election_id, "shortlist")]
        info = await e.api.get(f"{e.prefix}/stages/shortlist")
        assert info["status"] == "closed"
    finally:
        await e.close()


def test_window_end_closes_the_stage(sqlite_url: str, tmp_path: Path) -> None:
    asyncio.run(scenario(sqlite_url, tmp_path))
