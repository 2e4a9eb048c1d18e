"""V13: weighted scores, rankings, budget selections and candidate rules (docs/election-record.md §7).

Floats would make ties depend on rounding; every score here is a ``Fraction`` and is written as
``"num/den"`` in lowest terms, the form the record uses. Everything is recomputed from the
per-group scores that V12 derived from the decrypted totals, with the manifest's weights, costs and
budget; the candidate lists in stage.json are checked against the rule that produced them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from verifier.report import Report

__all__ = [
    "GroupResult",
    "RankingError",
    "StageRanking",
    "check_rankings",
    "combine_scores",
    "format_fraction",
    "parse_fraction",
    "rank_projects",
    "select_within_budget",
]

_FRACTION_RE = re.compile(r"^(0|-?[1-9][0-9]*)/([1-9][0-9]*)$")


class RankingError(ValueError):
    """A score text is not a rational in lowest terms."""


def format_fraction(value: Fraction) -> str:
    """``"num/den"`` in lowest terms (``Fraction`` is always reduced), den ≥ 1."""
    return f"{value.numerator}/{value.denominator}"


def parse_fraction(text: object) -> Fraction:
    """Strictly parse ``"num/den"``: lowest terms, den ≥ 1, no signs on the denominator."""
    if not isinstance(text, str):
        raise RankingError(f"score {text!r} is not text")
    match = _FRACTION_RE.match(text)
    if match is None:
        raise RankingError(f"score {text!r} is not of the form num/den")
    value = Fraction(int(match.group(1)), int(match.group(2)))
    if format_fraction(value) != text:
        raise RankingError(f"score {text!r} is not in lowest terms")
    return value


def combine_scores(
    sources: Sequence[tuple[int, Mapping[str, Fraction]]], projects: Iterable[str]
) -> dict[str, Fraction]:
    """Σ_g weight_g·score_g / Σ_g weight_g over the given (weight, scores) sources.

    A project missing from a source scores 0 there; with no source, or weights summing to 0, every
    score is 0.
    """
    total_weight = sum(w for w, _ in sources)
    combined: dict[str, Fraction] = {}
    for project in projects:
        if total_weight == 0:
            combined[project] = Fraction(0)
            continue
        acc = sum((w * scores.get(project, Fraction(0)) for w, scores in sources), Fraction(0))
        combined[project] = acc / total_weight
    return combined


def rank_projects(scores: Mapping[str, Fraction], costs: Mapping[str, int]) -> list[str]:
    """Higher score first; then lower cost; then project id in code-point order."""
    return sorted(scores, key=lambda p: (-scores[p], costs[p], p))


def select_within_budget(ranking: Sequence[str], costs: Mapping[str, int], budget: int) -> list[str]:
    """Walk the ranking and take every project whose cost still fits in what is left."""
    left = budget
    chosen: list[str] = []
    for project in ranking:
        if costs[project] <= left:
            chosen.append(project)
            left -= costs[project]
    return chosen


@dataclass
class GroupResult:
    """A group's recomputed reading: number of counted ballots and normalised scores per project."""

    counted: int
    scores: dict[str, Fraction]


@dataclass
class StageRanking:
    """A recomputed ranking and selection."""

    order: list[str]
    selected: list[str]


def _expected_entries(
    order: list[str], scores: dict[str, Fraction], group_scores: dict[str, dict[str, Fraction]],
    costs: dict[str, int], selected: list[str] | None,
) -> list[dict[str, Any]]:
    entries = []
    for project in order:
        entry: dict[str, Any] = {
            "project": project,
            "score": format_fraction(scores[project]),
            "group_scores": {g: format_fraction(s.get(project, Fraction(0))) for g, s in group_scores.items()},
            "cost": costs[project],
        }
        if selected is not None:
            entry["selected"] = project in selected
        entries.append(entry)
    return entries


def _compare_ranking(where: str, recorded: list[dict[str, Any]], expected: list[dict[str, Any]],
                     selection: list[str], report: Report) -> None:
    if len(recorded) != len(expected):
        report.fail("V13", f"{where}: ranking has {len(recorded)} entries, expected {len(expected)}")
        return
    for place, (got, want) in enumerate(zip(recorded, expected, strict=True)):
        # a per-stage entry may carry "selected"; it must then agree with the selection
        want = dict(want)
        if "selected" in got and "selected" not in want:
            want["selected"] = want["project"] in selection
        if got != want:
            keys = sorted(k for k in set(got) | set(want) if got.get(k) != want.get(k))
            report.fail("V13", f"{where}: ranking[{place}] differs in {keys}: got "
                               f"{ {k: got.get(k) for k in keys} }, expected { {k: want.get(k) for k in keys} }")
        else:
            report.ok_item("V13")


def _candidate_rule(stage: dict[str, Any], manifest: dict[str, Any], done: dict[str, StageRanking],
                    order: list[str]) -> list[str] | str:
    rule = stage["candidates"]
    if rule["rule"] == "fixed":
        return list(rule.get("projects") or [p["id"] for p in manifest["projects"]])
    source = rule.get("from_stage")
    if source not in order or order.index(source) >= order.index(stage["id"]):
        return f"candidates.from_stage {source!r} is not an earlier stage"
    if source not in done:
        return f"stage {source!r} has no verified ranking to take candidates from"
    if rule["rule"] == "top_k":
        if "k" not in rule:
            return "top_k rule without k"
        return done[source].order[: rule["k"]]
    return list(done[source].selected)


def check_rankings(
    manifest: dict[str, Any],
    stage_docs: dict[str, dict[str, Any]],
    groups: dict[str, dict[str, GroupResult]],
    results: dict[str, Any] | None,
    report: Report,
) -> None:
    """V13 over all stages, then the final weighted ranking."""
    weights = {g["id"]: g["weight"] for g in manifest["groups"]}
    costs = {c["id"]: c["cost"] for doc in stage_docs.values() for c in doc["candidates"]}
    costs.update({p["id"]: p["cost"] for p in manifest["projects"]})  # the manifest's costs rule (V2 compares)
    budget = manifest["budget"]
    order = [s["id"] for s in manifest["stages"]]
    done: dict[str, StageRanking] = {}
    if results is not None and set(results["stages"]) != set(order):
        report.fail("V13", f"results.json: stages {sorted(results['stages'])}, expected {sorted(order)}")
    for stage in manifest["stages"]:
        sid = stage["id"]
        doc = stage_docs.get(sid)
        expected_candidates = _candidate_rule(stage, manifest, done, order)
        if doc is not None:
            got = [c["id"] for c in doc["candidates"]]
            if isinstance(expected_candidates, str):
                report.fail("V13", f"stages/{sid}/stage.json: {expected_candidates}")
            else:
                report.item("V13", None if got == expected_candidates else
                            f"stages/{sid}/stage.json: candidates {got}, the {stage['candidates']['rule']} rule "
                            f"gives {expected_candidates}")
        if doc is None or sid not in groups or any(g not in groups[sid] for g in stage["groups"]):
            report.fail("V13", f"results.json: stage {sid}: ranking not recomputable (its tally did not verify)")
            continue
        used = {g: groups[sid][g].scores for g in stage["groups"] if groups[sid][g].counted > 0}
        # No group with a counted ballot: the formula is 0/0 and the stage has no ranking (doc gap, see report).
        projects = [c["id"] for c in doc["candidates"]] if used else []
        scores = combine_scores([(weights.get(g, 0), s) for g, s in used.items()], projects)
        ranking = rank_projects(scores, costs)
        selection = select_within_budget(ranking, costs, budget)
        done[sid] = StageRanking(ranking, selection)
        if results is None or sid not in results["stages"]:
            continue
        recorded = results["stages"][sid]
        where = f"results.json: stages.{sid}"
        _compare_ranking(where, recorded["ranking"], _expected_entries(ranking, scores, used, costs, None),
                         selection, report)
        report.item("V13", None if recorded["selected"] == selection else
                    f"{where}: selected {recorded['selected']}, expected {selection}")
    if results is not None:
        _check_final(manifest, stage_docs, groups, results["final"], weights, costs, report)


def _check_final(
    manifest: dict[str, Any], stage_docs: dict[str, dict[str, Any]], groups: dict[str, dict[str, GroupResult]],
    final: dict[str, Any], weights: dict[str, int], costs: dict[str, int], report: Report,
) -> None:
    where = "results.json: final"
    sources = manifest["final_ranking"]["sources"]
    projects: list[str] = []
    used: dict[str, dict[str, Fraction]] = {}
    terms: list[tuple[int, dict[str, Fraction]]] = []
    for source in sources:
        sid, group = source["stage"], source["group"]
        if sid not in stage_docs or group not in groups.get(sid, {}):
            report.fail("V13", f"{where}: source {group}@{sid} is not a verified stage group")
            return
        for c in stage_docs[sid]["candidates"]:
            if c["id"] not in projects:
                projects.append(c["id"])
        result = groups[sid][group]
        if result.counted > 0:
            used[group] = result.scores
            terms.append((weights.get(group, 0), result.scores))
    scores = combine_scores(terms, projects if terms else [])
    ranking = rank_projects(scores, costs)
    selection = select_within_budget(ranking, costs, manifest["budget"])
    # the weights actually used: those of the sources with at least one counted ballot
    expected_weights = {g: weights.get(g, 0) for g in used}
    report.item("V13", None if final["weights"] == expected_weights else
                f"{where}: weights {final['weights']}, expected {expected_weights}")
    report.item("V13", None if final["budget"] == manifest["budget"] else
                f"{where}: budget {final['budget']}, the manifest's is {manifest['budget']}")
    _compare_ranking(where, final["ranking"], _expected_entries(ranking, scores, used, costs, selection),
                     selection, report)
    report.item("V13", None if final["selected"] == selection else
                f"{where}: selected {final['selected']}, expected {selection}")
    total = sum(costs[p] for p in selection)
    report.item("V13", None if final["total_cost"] == total else
                f"{where}: total_cost {final['total_cost']}, the selection costs {total}")
