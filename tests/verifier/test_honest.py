"""Honest records written by the engine's simulator verify, with any number of worker processes."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verifier.cli import main
from verifier.report import CHECKS

from .record_tools import verify

SCHEMES = ("approval", "score", "cumulative", "budget", "ranking", "yes_no_abstain")


def test_honest_record_verifies_in_process(honest_record: Path) -> None:
    report = verify(honest_record, workers=1)
    assert report.ok, report.as_json()
    for cid in ("V5", "V6", "V7", "V8", "V9", "V10", "V11", "V12", "V13", "V14", "V15"):
        assert report.results[cid].checked > 0, cid


def test_honest_record_cli_two_workers(honest_record: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.json"
    assert main([str(honest_record), "--workers", "2", "--json", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["ok"] is True
    assert [c["id"] for c in data["checks"]] == [cid for cid, _ in CHECKS]
    assert all(c["failed"] == 0 and c["failures"] == [] for c in data["checks"])
    printed = capsys.readouterr().out
    assert "V6   proofs" in printed and "the record verifies" in printed


def test_same_report_for_one_and_two_workers(honest_record: Path) -> None:
    assert verify(honest_record, workers=1).as_json() == verify(honest_record, workers=2).as_json()


def test_other_election_verifies(other_record: Path) -> None:
    assert verify(other_record).ok


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    schemes=st.lists(st.sampled_from(SCHEMES), min_size=1, max_size=3, unique=True),
    committee=st.integers(min_value=2, max_value=4),
    public=st.integers(min_value=2, max_value=4),
    seed=st.integers(min_value=0, max_value=10_000),
)
def test_random_small_elections_verify(schemes: list[str], committee: int, public: int, seed: int) -> None:
    from voting_engine.simulation import simulate_election

    with tempfile.TemporaryDirectory() as tmp:
        record = simulate_election(Path(tmp) / "record", committee=committee, public=public, seed=seed,
                                   schemes=tuple(schemes))
        report = verify(record)
        assert report.ok, report.as_json()


@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_scheme_verifies(scheme: str, tmp_path: Path) -> None:
    from voting_engine.simulation import simulate_election

    record = simulate_election(tmp_path / "record", committee=2, public=3, seed=7, schemes=(scheme,))
    assert verify(record).ok


def test_group_without_counted_ballots(tmp_path: Path) -> None:
    """A committee of nobody: its tallies are (O, O) with null proofs, its stage has no ranking."""
    from voting_engine.simulation import simulate_election

    record = simulate_election(tmp_path / "record", committee=0, public=3, seed=5)
    report = verify(record)
    assert report.ok, report.as_json()
