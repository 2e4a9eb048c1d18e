"""Session fixtures: honest records written by the engine's simulator (generated once per test run)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def honest_record(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A multi-stage election (approval → budget/ranking by top_k) with re-votes, a revocation, audits."""
    from voting_engine.simulation import simulate_election

    return simulate_election(tmp_path_factory.mktemp("honest") / "record", committee=4, public=6, seed=1)


@pytest.fixture(scope="session")
def other_record(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A second honest election with a different seed and election id (for cross-election replays)."""
    from voting_engine.simulation import simulate_election

    return simulate_election(tmp_path_factory.mktemp("other") / "record", committee=3, public=4, seed=2,
                             election_id="other-election")
