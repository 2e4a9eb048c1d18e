"""Random valid choices for every scheme, for simulations, demos, benchmarks and tests."""

from __future__ import annotations

import random
from typing import Any

from ballot_schemes.approval import ApprovalScheme
from ballot_schemes.base import BallotScheme
from ballot_schemes.budget import BudgetScheme
from ballot_schemes.cumulative import CumulativeScheme
from ballot_schemes.ranking import RankingScheme
from ballot_schemes.score import ScoreScheme
from ballot_schemes.yes_no_abstain import ANSWERS, YesNoAbstainScheme


def random_choice(scheme: BallotScheme, rng: random.Random) -> dict[str, Any]:
    """A uniformly-ish random choice that satisfies every rule of ``scheme``."""
    ids = [p.id for p in scheme.projects]
    if isinstance(scheme, ApprovalScheme):
        return {"approved": rng.sample(ids, rng.randint(scheme.min, scheme.max))}
    if isinstance(scheme, BudgetScheme):
        for _ in range(100):
            picked = rng.sample(ids, rng.randint(scheme.min, scheme.max))
            cost = sum(scheme.projects[scheme.index[p]].cost for p in picked)
            if cost <= scheme.budget:
                return {"approved": picked}
        cheapest = sorted(ids, key=lambda p: scheme.projects[scheme.index[p]].cost)
        return {"approved": cheapest[: scheme.min]}
    if isinstance(scheme, ScoreScheme):
        return {"scores": {p: rng.randint(0, scheme.max_score) for p in ids if rng.random() < 0.7}}
    if isinstance(scheme, CumulativeScheme):
        target = scheme.points if scheme.exact else rng.randint(0, scheme.points)
        points: dict[str, int] = {}
        for _ in range(target):
            open_ids = [p for p in ids if points.get(p, 0) < scheme.max_per_project]
            pid = rng.choice(open_ids)
            points[pid] = points.get(pid, 0) + 1
        return {"points": points}
    if isinstance(scheme, RankingScheme):
        return {"ranking": rng.sample(ids, rng.randint(max(scheme.min_rank, 1 if scheme.k else 0), scheme.k))}
    if isinstance(scheme, YesNoAbstainScheme):
        return {"answers": {p: rng.choice(ANSWERS) for p in ids}}
    raise TypeError(f"no sampler for scheme {scheme.name!r}")
