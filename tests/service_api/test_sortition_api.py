"""Sortition through the admin API: draw on the shared fixture, verify, import as the committee roll."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.service_api.harness import setup_election
from voting_engine.client import ApiError

pytestmark = pytest.mark.xdist_group("http")
DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "sortition"


async def scenario(url: str, tmp: Path) -> None:
    e = await setup_election(url, tmp, committee=0)
    try:
        body = {
            "pool_csv": (DATA / "candidates.csv").read_text("utf-8"),
            "quotas_csv": (DATA / "features.csv").read_text("utf-8"),
            "seats": 22, "seed": "lottery 2026-11-23", "id_column": "nationbuilder_id",
            "household_columns": ["primary_address1", "primary_zip"],
            "roll_mapping": {"region": "geo_bucket", "gender": "Gender"},
            "election": e.election_id,
        }
        drawn = await e.api.post("/api/v1/sortition/draw", body)
        report = drawn["report"]
        assert len(report["selected"]) == 22
        assert drawn["imported"]["imported"] == 22 and drawn["imported"]["groups"] == {"committee": 22}
        for row in report["quotas"]:
            assert row["min"] <= row["selected"] <= row["max"]
        check = await e.api.post("/api/v1/sortition/verify", {**body, "report": report, "election": None})
        assert check["ok"] is True, check["problems"]
        forged = {**report, "selected": sorted(report["selected"])[1:] + ["p999"]}
        check = await e.api.post("/api/v1/sortition/verify", {**body, "report": forged, "election": None})
        assert check["ok"] is False
        bad = {**body, "quotas_csv": "feature,value,min,max\nGender,Female,30,40\n", "election": None}
        with pytest.raises(ApiError) as info:
            await e.api.post("/api/v1/sortition/draw", bad)
        assert info.value.status == 400 and info.value.code
        issued = await e.api.post(f"{e.prefix}/credentials/issue", {"format": "json"}, token=e.registrar)
        assert len(issued["issued"]) == 22
    finally:
        await e.close()


def test_sortition_over_the_admin_api(sqlite_url: str, tmp_path: Path) -> None:
    asyncio.run(scenario(sqlite_url, tmp_path))
