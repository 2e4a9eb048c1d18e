"""Weighted ranking of projects, its deterministic tie-break, and selection within the budget.

Each voter group's results are first normalised per project to a share of the maximum possible
score (``BallotScheme.project_scores``), so that a group of 2,200 and one of 100,000 weigh what
the manifest says, not what their sizes say.  The combined score is
``Σ_g weight_g·score_g / Σ_g weight_g`` over the groups with at least one counted ballot.  Ties
are broken by lower cost, then by project id.  Selection walks the ranking and takes every
project that still fits in the remaining budget.  Exact rationals throughout, so the verifier
reproduces every digit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any


def fraction_text(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}"


def parse_fraction(text: str) -> Fraction:
    num, den = text.split("/")
    return Fraction(int(num), int(den))


def combine(group_scores: Mapping[str, Mapping[str, Fraction]], weights: Mapping[str, int]) -> dict[str, Fraction]:
    """Weighted mean of per-group scores; projects missing from a group score 0 there."""
    total_weight = sum(weights[g] for g in group_scores)
    projects = sorted({p for scores in group_scores.values() for p in scores})
    if total_weight == 0:
        return {p: Fraction(0) for p in projects}
    return {
        p: sum((weights[g] * scores.get(p, Fraction(0)) for g, scores in group_scores.items()), Fraction(0))
        / total_weight
        for p in projects
    }


def rank(scores: Mapping[str, Fraction], costs: Mapping[str, int]) -> list[str]:
    """Higher score first; then lower cost; then project id in code-point order."""
    return sorted(scores, key=lambda p: (-scores[p], costs[p], p))


def select_within_budget(ranking: Sequence[str], costs: Mapping[str, int], budget: int) -> list[str]:
    """Greedy down the ranking, skipping projects that no longer fit."""
    left = budget
    selected = []
    for pid in ranking:
        if costs[pid] <= left:
            selected.append(pid)
            left -= costs[pid]
    return selected


def ranking_table(
    group_scores: Mapping[str, Mapping[str, Fraction]],
    weights: Mapping[str, int],
    costs: Mapping[str, int],
    budget: int,
) -> dict[str, Any]:
    """The JSON form of a ranking with its selection (``docs/election-record.md`` §7)."""
    scores = combine(group_scores, weights)
    order = rank(scores, costs)
    selected = select_within_budget(order, costs, budget)
    chosen = set(selected)
    rows = [
        {
            "project": p,
            "score": fraction_text(scores[p]),
            "group_scores": {g: fraction_text(s.get(p, Fraction(0))) for g, s in sorted(group_scores.items())},
            "cost": costs[p],
            "selected": p in chosen,
        }
        for p in order
    ]
    return {"ranking": rows, "selected": selected, "total_cost": sum(costs[p] for p in selected)}


def resolve_candidates(rule: Mapping[str, Any], all_projects: Sequence[str], earlier: Mapping[str, Any]) -> list[str]:
    """A stage's candidates from its rule; ``earlier`` maps stage id → its ranking table."""
    kind = rule.get("rule", "fixed")
    if kind == "fixed":
        return list(rule.get("projects") or all_projects)
    table = earlier[rule["from_stage"]]
    if kind == "top_k":
        return [row["project"] for row in table["ranking"][: int(rule["k"])]]
    if kind == "selected":
        return list(table["selected"])
    raise ValueError(f"unknown candidate rule {kind!r}")


def final_ranking(
    sources: Sequence[Mapping[str, str]],
    tallies: Mapping[str, Mapping[str, Any]],
    weights: Mapping[str, int],
    costs: Mapping[str, int],
    budget: int,
) -> dict[str, Any]:
    """The weighted final ranking over the manifest's sources (``docs/election-record.md`` §7).

    ``tallies`` maps each tallied stage to its tally (``{"groups": {group: {ballots, scores}}}``);
    a source whose stage is not tallied, or whose group has no counted ballot, is left out.
    """
    group_scores: dict[str, dict[str, Fraction]] = {}
    for src in sources:
        entry = tallies.get(src["stage"], {}).get("groups", {}).get(src["group"], {})
        if entry.get("ballots"):
            group_scores[src["group"]] = {p: parse_fraction(s) for p, s in entry["scores"].items()}
    used = {g: w for g, w in weights.items() if g in group_scores}
    return {"weights": used, "budget": budget, **ranking_table(group_scores, weights, costs, budget)}
