"""``voting-engine demo`` end to end at a small size: voters in worker processes, record verified."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from voting_engine.demo import run_demo, verify_record
from voting_engine.trustee.vault import FAST_FOR_TESTS

pytestmark = pytest.mark.xdist_group("http")


def test_small_demo_verifies(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "record"
    results = asyncio.run(run_demo(out, committee=30, public=40, seed=7, workers=2, min_seconds=1,
                                   vault_limits=FAST_FOR_TESTS))
    printed = capsys.readouterr().out
    assert "30 committee credentials issued; 40 invitations for the public" in printed
    assert "committee: 30 voters signed in by signing a challenge" in printed
    assert "public: 40 voters signed in by signing a challenge (40 registered themselves with an invitation)" in printed
    for group, n in (("committee", 30), ("public", 40)):
        assert f"{group}: budget school passed by {n} voters, 2 modules each" in printed
    for stage, n in (("shortlist", 30), ("committee-vote", 30), ("public-survey", 40)):
        assert f"{stage}: {n} ballots encrypted by voter devices and cast over HTTP" in printed
    final = results["final"]
    assert final["selected"] and sum(r["cost"] for r in final["ranking"] if r["selected"]) <= final["budget"]
    assert verify_record(out) == 0
    assert json.loads((out / "manifest.json").read_text())["election_id"] == "kr-pb-demo-2026"


def test_a_seed_gives_the_same_election_whatever_the_interleaving(tmp_path: Path) -> None:
    """Groups and stages run concurrently; their random choices come from per-group and per-stage seeds."""

    def run(name: str) -> dict[str, object]:
        results = asyncio.run(run_demo(tmp_path / name, committee=12, public=15, seed=11, workers=1, min_seconds=1,
                                       vault_limits=FAST_FOR_TESTS))
        return {"final": results["final"], "stages": results.get("stages")}

    assert run("first") == run("second")
