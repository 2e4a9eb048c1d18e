"""Shared, cached access to the real Pabulib files (parsing the largest takes about a second)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from voting_engine.pabulib import PabulibElection, SimulationPlan, load_pb, plan

PB_DIR = Path(__file__).resolve().parents[3] / "shared" / "data" / "pabulib"
FILES = sorted(p.name for p in PB_DIR.glob("*.pb"))
SMALL = [name for name in FILES if (PB_DIR / name).stat().st_size < 200_000]


@cache
def election(name: str) -> PabulibElection:
    return load_pb(PB_DIR / name)


@cache
def plan_for(name: str) -> SimulationPlan:
    return plan(election(name))


def with_selected_column() -> list[str]:
    """Files whose PROJECTS header has `selected`, found without parsing (keeps collection fast)."""
    names = []
    for name in FILES:
        with (PB_DIR / name).open(encoding="utf-8-sig") as handle:
            lines = iter(handle)
            for line in lines:
                if line.strip().upper() == "PROJECTS":
                    if "selected" in next(lines).strip().lower().split(";"):
                        names.append(name)
                    break
    return names
