"""Write engine results back out as a Pabulib ``.pb`` file that ``parse_pb`` (and pabutools) can read.

A results export republishes the file's META (with ``rule`` set to the rule we applied and the
engine's own keys added) and its PROJECTS with our ``votes``/``score`` and ``selected`` columns.
Individual votes are optional: an election result need not — and for a secret ballot usually
should not — republish ballots, so VOTES is written only when asked for (then ``num_votes``
counts them; without it ``num_votes`` states how many ballots were counted).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from voting_engine.pabulib.expected import tally_vector, totals_from_results
from voting_engine.pabulib.plan import SimulationPlan

ENGINE_NAME = "pb-voting-engine"
_CORE_PROJECT_COLUMNS = ("project_id", "cost", "votes", "score", "name", "selected")


def write_pb(
    meta: Mapping[str, str],
    project_columns: Sequence[str],
    projects: Sequence[Mapping[str, str]],
    vote_columns: Sequence[str] = (),
    votes: Sequence[Mapping[str, str]] | None = None,
) -> str:
    """Serialise the three sections; fields holding ``;`` or ``"`` are quoted CSV-style."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quotechar='"', lineterminator="\n")
    writer.writerow(["META"])
    writer.writerow(["key", "value"])
    for key, value in meta.items():
        writer.writerow([key, value])
    writer.writerow(["PROJECTS"])
    writer.writerow(project_columns)
    for row in projects:
        writer.writerow([row.get(c, "") for c in project_columns])
    if votes is not None:
        writer.writerow(["VOTES"])
        writer.writerow(vote_columns)
        for row in votes:
            writer.writerow([row.get(c, "") for c in vote_columns])
    return buffer.getvalue()


def _vote_row(voter_id: str, choice: Mapping[str, Any]) -> dict[str, str]:
    if "points" in choice:
        items = list(choice["points"].items())
        return {
            "voter_id": voter_id,
            "vote": ",".join(pid for pid, _ in items),
            "points": ",".join(str(v) for _, v in items),
        }
    listed = choice.get("approved", choice.get("ranking", []))
    return {"voter_id": voter_id, "vote": ",".join(listed)}


def results_pb(
    plan: SimulationPlan,
    tally: Sequence[int] | Mapping[str, Mapping[str, Any]] | None = None,
    *,
    include_votes: bool = False,
    engine_info: Mapping[str, str] | None = None,
) -> str:
    """The ``.pb`` text for a plan's results.

    ``tally`` is the decrypted tally (raw vector or ``decode_tally`` output); without it the
    plaintext choices are tallied (the expected result).  ``engine_info`` adds ``engine_*`` keys.
    """
    scheme = plan.make_scheme()
    ballots = len(plan.conversion.choices)
    if tally is None:
        tally = tally_vector(plan.conversion)
    results = tally if isinstance(tally, Mapping) else scheme.decode_tally(list(tally), ballots)
    columns = totals_from_results(plan.scheme, results, plan.points)
    totals = {pid: c[plan.total_column] for pid, c in columns.items()}
    selected = set(plan.selection(totals))

    meta = dict(plan.election.meta)
    if meta.get("rule") != plan.rule.name:
        meta["source_rule"] = meta.get("rule", "")
    meta["rule"] = plan.rule.name
    meta["num_projects"] = str(len(plan.projects))
    meta["num_votes"] = str(ballots)
    meta["engine"] = ENGINE_NAME
    meta["engine_scheme"] = plan.scheme
    meta["engine_params"] = json.dumps(dict(plan.params), sort_keys=True, separators=(",", ":"))
    meta["engine_cost_scale"] = str(plan.scale)
    for key, value in (engine_info or {}).items():
        meta[key if key.startswith("engine") else f"engine_{key}"] = value

    present = [c for c in ("votes", "score") if all(c in v for v in columns.values())]
    extras = [c for c in plan.election.project_columns if c not in _CORE_PROJECT_COLUMNS]
    project_columns = ["project_id", "cost", *present, "name", "selected", *extras]
    rows = []
    for p in plan.election.projects:
        row = {"project_id": p.id, "cost": str(p.cost), "name": p.name or ""}
        row["selected"] = "1" if p.id in selected else "0"
        row.update({c: str(columns[p.id][c]) for c in present})
        row.update({c: p.extra.get(c, "") for c in extras})
        rows.append(row)

    vote_rows = None
    vote_columns: list[str] = []
    if include_votes:
        vote_columns = ["voter_id", "vote"] + (["points"] if plan.scheme == "cumulative" else [])
        vote_rows = [_vote_row(v, c) for v, c in zip(plan.conversion.voter_ids, plan.conversion.choices, strict=True)]
    return write_pb(meta, project_columns, rows, vote_columns, vote_rows)


def save_results_pb(path: str | Path, plan: SimulationPlan, **kwargs: Any) -> Path:
    """Write ``results_pb(plan, **kwargs)`` to ``path`` (UTF-8)."""
    target = Path(path)
    target.write_text(results_pb(plan, **kwargs), encoding="utf-8")
    return target
