"""``voting-engine simulate`` on real Pabulib files: encrypted totals equal the file's own columns."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from voting_engine.commands.simulate import simulate
from voting_engine.pabulib.plan import plan_file

pytestmark = pytest.mark.xdist_group("simulate")
DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "pabulib"


@pytest.mark.parametrize("name", ["Poland_Warszawa_2019_Las.pb", "Worldwide_Mechanical_Turk_Ranking_value_3.pb"])
def test_replay_matches_the_file(name: str, tmp_path: Path) -> None:
    path = DATA / name
    summary = asyncio.run(simulate(path, tmp_path / "out", workers=2))
    assert json.loads((tmp_path / "out" / "summary.json").read_text()) == summary
    plan = plan_file(path)
    own = plan.file_results()
    column = own.votes if plan.total_column == "votes" else own.score
    if column is not None:
        assert summary["totals"] == column
    if own.selected is not None and plan.rule.compared:
        assert sorted(summary["selected"]) == sorted(own.selected)
    assert summary == plan.expected_summary()
    if plan.scheme == "ranking":
        ranked = json.loads((tmp_path / "out" / "ranked.json").read_text())
        assert ranked["schulze_ranking"] and ranked["stv_winners"]
    from verifier.cli import main as verify

    assert verify([str(tmp_path / "out" / "record")]) == 0
