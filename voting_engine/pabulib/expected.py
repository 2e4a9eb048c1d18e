"""What a Pabulib file says its results are, and the same results recomputed our way.

Two independent sources are compared: the file's own PROJECTS columns (``votes``, ``score``,
``selected``) and totals rebuilt from the VOTES section exactly as the engine tallies — each
choice encoded into the scheme's vector, the vectors summed, the sum read by ``decode_tally``.
Selection follows the file's greedy rule:

* ``greedy``: walk projects by total, highest first, and fund each that still fits;
* ``greedy-threshold``: the same, skipping projects below META ``min_project_score_threshold``;
* ``greedy-no-skip``: stop at the first project that does not fit.

Ties are broken by lower cost, then by project id in natural order (``2`` before ``10``); in the
real files no selection depends on it.  Other rules (``unknown``, ``equalshares``…) are computed
with plain greedy but the file's ``selected`` column is not compared.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ballot_schemes import make_scheme
from voting_engine.pabulib.convert import Conversion
from voting_engine.pabulib.parser import PabulibElection

GREEDY_RULES = ("greedy", "greedy-threshold", "greedy-no-skip")


@dataclass(frozen=True, slots=True)
class SelectionRule:
    """How winners are chosen from totals; ``compared`` says whether the file's selection is checked."""

    name: str
    threshold: int = 0
    stop_at_first_misfit: bool = False
    compared: bool = True


def selection_rule(election: PabulibElection) -> SelectionRule:
    """The greedy variant named by META ``rule`` (plain greedy, uncompared, for anything else)."""
    threshold = election.meta_int("min_project_score_threshold") or 0
    rule = election.rule
    if rule not in GREEDY_RULES:
        return SelectionRule("greedy", threshold, compared=False)
    return SelectionRule(rule, threshold, stop_at_first_misfit=rule == "greedy-no-skip")


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key putting ``P2`` before ``P10`` (numbers compared as numbers)."""
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", text) if part)


def greedy_selection(
    totals: Mapping[str, int], costs: Mapping[str, int], budget: int, rule: SelectionRule
) -> list[str]:
    """Selected project ids in the order they were funded."""
    order = sorted(costs, key=lambda pid: (-totals.get(pid, 0), costs[pid], natural_key(pid)))
    selected: list[str] = []
    remaining = budget
    for pid in order:
        if totals.get(pid, 0) < rule.threshold:
            continue
        if costs[pid] <= remaining:
            selected.append(pid)
            remaining -= costs[pid]
        elif rule.stop_at_first_misfit:
            break
    return selected


def ordinal_points(meta: Mapping[str, str], k: int) -> tuple[int, ...]:
    """Points for ranks 1..k: META ``scoring_fn`` when it states them, else Borda k, k−1, …, 1.

    Pabulib's default ``scoring_fn`` is Borda; no real file in our set states one.  Accepted
    explicit forms: ``borda`` or a comma-separated list of integers (missing ranks score 0).
    """
    raw = meta.get("scoring_fn", "").strip()
    if not raw or raw.lower() == "borda":
        return tuple(range(k, 0, -1))
    try:
        values = [int(x) for x in raw.split(",")]
    except ValueError:
        raise ValueError(f"unsupported scoring_fn {raw!r}") from None
    return tuple((values + [0] * k)[:k])


def result_kind(scheme: str) -> str:
    """Which column the file ranks by: ``votes`` for approval schemes, ``score`` otherwise."""
    return "votes" if scheme in ("approval", "budget") else "score"


def totals_from_results(
    scheme: str, results: Mapping[str, Mapping[str, Any]], points: Sequence[int] = ()
) -> dict[str, dict[str, int]]:
    """Per-project ``votes`` (and ``score``) from the engine's decoded tally.

    approval/budget: votes = approvals.  cumulative: score = points (the tally holds no count of
    supporters).  ranking: votes = appearances in any rank, score = Σ points[r]·positions[r].
    """
    out: dict[str, dict[str, int]] = {}
    for pid, res in results.items():
        if scheme in ("approval", "budget"):
            out[pid] = {"votes": int(res["approvals"])}
        elif scheme == "cumulative":
            out[pid] = {"score": int(res["points"])}
        elif scheme == "ranking":
            positions = [int(x) for x in res["positions"]]
            score = sum(p * c for p, c in zip(points, positions, strict=True))
            out[pid] = {"votes": sum(positions), "score": score}
        else:
            raise ValueError(f"no Pabulib totals for scheme {scheme!r}")
    return out


def tally_vector(conversion: Conversion) -> list[int]:
    """The plaintext analogue of the encrypted tally: the entry-wise sum of all encoded choices."""
    scheme = make_scheme(conversion.scheme, conversion.params, conversion.projects)
    index = scheme.index
    n = len(conversion.projects)
    width = len(scheme.entry_bounds())
    totals = [0] * width
    for choice in conversion.choices:  # sparse form of scheme.encode(choice), see docs/ballot-schemes.md
        if "approved" in choice:
            for pid in choice["approved"]:
                totals[index[pid]] += 1
        elif "points" in choice:
            for pid, value in choice["points"].items():
                totals[index[pid]] += value
        else:
            for r, pid in enumerate(choice["ranking"]):
                totals[r * n + index[pid]] += 1
    return totals


def computed_totals(conversion: Conversion, points: Sequence[int] = ()) -> dict[str, dict[str, int]]:
    """Our ``votes``/``score`` per project from the plaintext choices, read the engine's way."""
    scheme = make_scheme(conversion.scheme, conversion.params, conversion.projects)
    results = scheme.decode_tally(tally_vector(conversion), len(conversion.choices))
    return totals_from_results(conversion.scheme, results, points)


def supporters(conversion: Conversion) -> dict[str, int]:
    """Ballots giving a project anything (Pabulib's cumulative ``votes``); not in the engine tally."""
    counts = {p.id: 0 for p in conversion.projects}
    for choice in conversion.choices:
        items = choice.get("approved") or choice.get("ranking") or [k for k, v in choice.get("points", {}).items() if v]
        for pid in items:
            counts[pid] += 1
    return counts


@dataclass(frozen=True, slots=True)
class FileResults:
    """The file's own PROJECTS columns; a column is None when the file lacks it for any project."""

    votes: dict[str, int] | None
    score: dict[str, int] | None
    selected: list[str] | None


def file_results(election: PabulibElection) -> FileResults:
    """``selected`` lists ids flagged 1 (a flag 2, 'selected for another reason', counts as not)."""

    def column(name: str) -> dict[str, int] | None:
        values = {p.id: getattr(p, name) for p in election.projects}
        return None if any(v is None for v in values.values()) else values

    flags = column("selected")
    selected = None if flags is None else [pid for pid, flag in flags.items() if flag == 1]
    return FileResults(column("votes"), column("score"), selected)


def discrepancies(election: PabulibElection, conversion: Conversion) -> list[str]:
    """Every difference between the file's columns and our recomputation (empty when all agree)."""
    k = int(conversion.params.get("max_rank", 0))
    ours = computed_totals(conversion, ordinal_points(election.meta, k) if conversion.scheme == "ranking" else ())
    theirs = file_results(election)
    if conversion.scheme == "cumulative":
        for pid, count in supporters(conversion).items():
            ours[pid]["votes"] = count
    problems: list[str] = []
    for name, column in (("votes", theirs.votes), ("score", theirs.score)):
        for pid, value in (column or {}).items():
            mine = ours[pid].get(name)
            if mine is not None and mine != value:
                problems.append(f"project {pid}: file {name} {value}, ours {mine}")
    rule = selection_rule(election)
    if rule.compared and theirs.selected is not None:
        key = result_kind(conversion.scheme)
        totals = {pid: t[key] for pid, t in ours.items()}
        costs = {p.id: p.cost for p in conversion.projects}
        mine_sel = set(greedy_selection(totals, costs, conversion.budget_int, rule))
        for pid in sorted(mine_sel ^ set(theirs.selected), key=natural_key):
            problems.append(f"project {pid}: file selected={pid in theirs.selected}, ours {pid in mine_sel}")
    return problems
