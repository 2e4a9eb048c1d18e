"""Map a parsed Pabulib election onto an engine ballot scheme and plaintext choices.

The engine needs integer costs and a scheme with fixed parameters; Pabulib gives decimal costs,
a ``vote_type`` and limits in META.  This module makes those choices once, documented in
``docs/pabulib.md``:

* **Integer money.** Costs and budget are multiplied by ``scale = 10**d``, where d is the largest
  number of decimals any cost or the budget really uses (trailing zeros ignored: ``400000.0``
  needs none, ``1459730.46`` needs two).  Ratios, and so every greedy outcome, are unchanged.
* **Scheme.** approval → ``approval`` (or ``budget`` when META ``max_sum_cost`` binds);
  choose-1 → ``approval`` with max 1; cumulative → ``cumulative``; ordinal → ``ranking``.
* **Duplicates** inside one vote: approval counts the project once, cumulative adds the points,
  ordinal keeps the first occurrence.  Each is reported as a (non-excluding) ``VoteIssue``.
* A vote the scheme refuses (``validate_choice``) is left out of ``choices`` and reported as an
  excluding ``VoteIssue``; no vote disappears without a record.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ballot_schemes import InvalidChoice, Project, SchemeParameterError, make_scheme
from voting_engine.pabulib.parser import PabulibElection, PabulibVote, parse_decimal


class ConversionError(ValueError):
    """The election as a whole cannot be mapped onto an engine scheme."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class VoteIssue:
    """Something about one vote; ``excluded`` says whether the vote was left out of the choices."""

    voter_id: str
    line: int
    code: str
    message: str
    excluded: bool


@dataclass(frozen=True, slots=True)
class Conversion:
    """Everything the engine needs to replay the file; ``choices[i]`` is the vote of ``voter_ids[i]``."""

    scheme: str
    params: Mapping[str, Any]
    projects: tuple[Project, ...]
    budget_int: int
    scale: int
    choices: tuple[dict[str, Any], ...]
    voter_ids: tuple[str, ...]
    issues: tuple[VoteIssue, ...]
    notes: tuple[str, ...]


def decimals_needed(value: Decimal) -> int:
    """How many decimal digits ``value`` really uses (``12.50`` → 1, ``400000.0`` → 0)."""
    if value == value.to_integral_value():
        return 0
    exponent = value.normalize().as_tuple().exponent
    assert isinstance(exponent, int)  # finite values only (checked by the parser)
    return max(0, -exponent)


def integer_money(election: PabulibElection) -> tuple[dict[str, int], int, int]:
    """(scaled cost per project, scaled budget, scale); every project cost must be positive."""
    amounts = [p.cost for p in election.projects] + [election.budget]
    scale = 10 ** max(decimals_needed(a) for a in amounts)
    costs: dict[str, int] = {}
    for p in election.projects:
        if p.cost <= 0:
            raise ConversionError("bad_cost", f"project {p.id!r} costs {p.cost}; the engine needs positive costs")
        costs[p.id] = int(p.cost * scale)
    return costs, int(election.budget * scale), scale


def _scheme_and_params(
    election: PabulibElection, costs: Mapping[str, int], scale: int
) -> tuple[str, dict[str, Any], list[str]]:
    """Scheme name, parameters and notes (META rules the engine does not enforce, inferred limits)."""
    meta, n, notes = election.meta, len(election.projects), []
    kind = election.vote_type
    min_length, max_length = election.meta_int("min_length"), election.meta_int("max_length")
    if kind in ("approval", "choose-1"):
        params: dict[str, Any] = {"min": min_length or 0, "max": 1 if kind == "choose-1" else (max_length or n)}
        if kind == "choose-1" and max_length not in (None, 1):
            notes.append(f"choose-1 file states max_length {max_length}; the engine allows one project")
        if meta.get("min_sum_cost"):
            notes.append("META min_sum_cost is not enforced by the engine")
        if meta.get("max_sum_cost"):
            cap = int(parse_decimal(meta["max_sum_cost"], "max_sum_cost") * scale)
            if cap < sum(costs.values()):
                params["budget"] = cap
                return "budget", params, notes
            notes.append("META max_sum_cost does not bind (all projects fit); plain approval used")
        return "approval", params, notes
    if kind == "cumulative":
        if not any(v.points is not None for v in election.votes) and election.votes:
            raise ConversionError("missing_points", "cumulative file without a points column")
        merged = [_merge_points(v) for v in election.votes]
        points = election.meta_int("max_sum_points")
        if points is None:
            points = max([sum(m.values()) for m in merged] + [1])
            notes.append(f"META has no max_sum_points; using the largest vote total {points}")
        params = {"points": points, "max_per_project": min(election.meta_int("max_points") or points, points)}
        min_sum = election.meta_int("min_sum_points") or 0
        if min_sum == points:
            params["exact"] = True
        elif min_sum > 0:
            notes.append(f"META min_sum_points {min_sum} is not enforced by the engine (only exact totals are)")
        if election.meta_int("min_points"):
            notes.append("META min_points is not enforced by the engine")
        return "cumulative", params, notes
    if kind == "ordinal":
        k = max_length
        if k is None:
            k = max([len(_first_occurrences(v.projects)) for v in election.votes] + [1])
            notes.append(f"META has no max_length; using the longest ranking {k}")
        return "ranking", {"max_rank": min(k, n), "min_rank": min_length or 0}, notes
    raise ConversionError("unsupported_vote_type", f"vote_type {kind!r} has no engine scheme")


def _first_occurrences(items: tuple[str, ...]) -> list[str]:
    return list(dict.fromkeys(items))


def _merge_points(vote: PabulibVote) -> dict[str, int]:
    """Points per project with repeated listings added; zero-point entries dropped."""
    merged: dict[str, int] = {}
    for pid, value in zip(vote.projects, vote.points or (), strict=True):
        merged[pid] = merged.get(pid, 0) + value
    return {pid: value for pid, value in merged.items() if value != 0}


def vote_to_choice(kind: str, vote: PabulibVote) -> tuple[dict[str, Any], str | None]:
    """The engine choice for one vote and, when a duplicate policy applied, what it did."""
    repeated = len(set(vote.projects)) < len(vote.projects)
    choice: dict[str, Any]
    if kind in ("approval", "choose-1"):
        policy, choice = (
            "a project listed more than once is approved once",
            {"approved": _first_occurrences(vote.projects)},
        )
    elif kind == "cumulative":
        policy, choice = "points of a project listed more than once are added", {"points": _merge_points(vote)}
    elif kind == "ordinal":
        policy, choice = "a repeated project keeps its first rank", {"ranking": _first_occurrences(vote.projects)}
    else:
        raise ConversionError("unsupported_vote_type", f"vote_type {kind!r} has no engine scheme")
    return choice, policy if repeated else None


def convert(election: PabulibElection) -> Conversion:
    """Map the election; raises ``ConversionError`` only for problems of the whole file."""
    costs, budget_int, scale = integer_money(election)
    scheme_name, params, notes = _scheme_and_params(election, costs, scale)
    projects = tuple(Project(p.id, costs[p.id]) for p in election.projects)
    try:
        scheme = make_scheme(scheme_name, params, projects)
    except SchemeParameterError as exc:
        raise ConversionError(f"scheme:{exc.code}", f"META limits give no valid {scheme_name} scheme: {exc}") from exc
    choices: list[dict[str, Any]] = []
    voter_ids: list[str] = []
    issues: list[VoteIssue] = []
    for vote in election.votes:
        choice, policy = vote_to_choice(election.vote_type, vote)
        if policy:
            issues.append(VoteIssue(vote.voter_id, vote.line, "duplicate_project", policy, excluded=False))
        try:
            scheme.validate_choice(choice)
        except InvalidChoice as exc:
            message = f"not representable in {scheme_name} {dict(params)}: {exc.message}"
            issues.append(VoteIssue(vote.voter_id, vote.line, exc.code, message, excluded=True))
            continue
        choices.append(choice)
        voter_ids.append(vote.voter_id)
    return Conversion(
        scheme=scheme_name,
        params=params,
        projects=projects,
        budget_int=budget_int,
        scale=scale,
        choices=tuple(choices),
        voter_ids=tuple(voter_ids),
        issues=tuple(issues),
        notes=tuple(notes),
    )
