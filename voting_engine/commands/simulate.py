"""``voting-engine simulate --pabulib FILE.pb --out DIR``: replay a real PB election end to end.

Every vote of the file becomes a voter with a credential, whose device encrypts, proves and
signs the vote and casts it over the HTTP API; trustees run the ceremony and decrypt 3 of 5; the
totals and greedy selection read from the decrypted tally go to ``DIR/summary.json``
(``{"totals": {project_id: total}, "selected": [...]}``), beside the record and a results ``.pb``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("simulate", help="replay a Pabulib election through the whole encrypted pipeline")
    p.add_argument("--pabulib", type=Path, required=True, help="a Pabulib .pb file")
    p.add_argument("--out", type=Path, required=True, help="output directory")
    p.add_argument("--database", default=None, help="database URL (default: SQLite file in the output directory)")
    p.add_argument("--workers", type=int, default=None, help="device-encryption processes (default: all cores)")
    p.add_argument("--limit", type=int, default=None, help="replay only the first N votes (for quick looks)")
    p.add_argument("--verify", action="store_true", help="run the independent verifier on the record")
    p.set_defaults(handler=_simulate)


def manifest_for(plan: Any, election_id: str) -> dict[str, Any]:
    now = datetime.now(UTC).replace(microsecond=0)
    projects = [{"id": p.id, "title": {"ko": p.id, "en": p.id}, "description": {"ko": "", "en": ""}, "cost": p.cost}
                for p in plan.projects]
    return {
        "version": 1, "election_id": election_id,
        "title": {"ko": election_id, "en": election_id}, "currency": str(plan.election.meta.get("currency", "")),
        "budget": plan.budget_int,
        "groups": [{"id": "public", "weight": 100}],
        "projects": projects, "education": [],
        "stages": [{"id": "vote", "title": {"ko": "투표", "en": "Vote"}, "scheme": plan.scheme,
                    "params": dict(plan.params), "groups": ["public"], "education": [], "revote": "last",
                    "opens_at": (now - timedelta(hours=1)).isoformat(),
                    "closes_at": (now + timedelta(days=1)).isoformat(),
                    "candidates": {"rule": "fixed"}}],
        "final_ranking": {"sources": [{"group": "public", "stage": "vote"}]},
        "trustees": {"n": 5, "k": 3},
    }


async def simulate(path: Path, out: Path, database_url: str | None = None, workers: int | None = None,
                   limit: int | None = None, vault_limits: Any = None) -> dict[str, Any]:
    from voting_engine.client import VoterDevice
    from voting_engine.orchestration import gather_limited, start_election
    from voting_engine.pabulib.export import save_results_pb
    from voting_engine.pabulib.plan import plan_file
    from voting_engine.service.record_export import export_record
    from voting_engine.trustee.vault import FAST_FOR_TESTS

    started = time.perf_counter()
    plan = plan_file(path)
    choices = plan.choices[:limit] if limit else plan.choices
    out.mkdir(parents=True, exist_ok=True)
    election_id = "pabulib-" + "".join(c if c.isalnum() else "-" for c in path.stem)[:80]
    manifest = manifest_for(plan, election_id)
    db = database_url or f"sqlite:///{out.resolve() / 'engine.db'}"
    orchestra = await start_election(db, manifest, [], out / "trustees", vault_limits or FAST_FOR_TESTS)
    try:
        roll = ["person_id,group"] + [f"V{i:07d},public" for i in range(len(choices))]
        codes = await orchestra.issue("\n".join(roll) + "\n", "public")
        devices = [VoterDevice(orchestra.api, election_id, c) for c in codes]
        await gather_limited(devices, lambda d: d.sign_in(), "sign in")
        await orchestra.api.post(f"{orchestra.prefix}/stages/vote/open")
        with ProcessPoolExecutor(max_workers=workers) as pool:
            await orchestra.cast_all(pool, "vote", devices, choices, f"{path.name}: encrypt and cast")
        tally = await orchestra.close_and_tally("vote")
        group = tally["groups"]["public"]
        totals = plan.totals_from_tally(group["results"])
        summary = {"totals": totals, "selected": plan.selection(totals)}
        (out / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", "utf-8")
        if plan.scheme == "ranking":
            _ranked_analysis(plan, choices, out / "ranked.json", len(summary["selected"]))
        await export_record(orchestra.server.service, election_id, out / "record")
        save_results_pb(out / "results.pb", plan, tally=group["results"])
    finally:
        await orchestra.close()
    expected = plan.expected_summary() if not limit else None
    print(f"{path.name}: {len(choices)} votes replayed in {time.perf_counter() - started:.1f} s; "
          f"{len(summary['selected'])} projects selected" +
          ("" if expected is None else f"; matches the plaintext count: {expected == summary}"))
    for issue in plan.issues[:5]:
        print(f"  note: {issue}")
    return summary


def _ranked_analysis(plan: Any, choices: list[dict[str, Any]], path: Path, seats: int) -> None:
    """Schulze and STV (py3votecore) over the file's plaintext rankings, beside the encrypted Borda count.

    The encrypted tally yields per-position counts only, from which Borda follows; Condorcet and STV
    methods need whole rankings, so they are computed from the file's own votes as a cross-check.
    """
    from voting_engine.ranked import schulze_ranking, stv_winners

    ballots = [list(c["ranking"]) for c in choices]
    candidates = [p.id for p in plan.projects]
    analysis = {
        "source": "plaintext votes of the Pabulib file (not the encrypted tally)",
        "schulze_ranking": schulze_ranking(ballots, candidates),
        "stv_winners": stv_winners(ballots, candidates, max(1, seats)),
    }
    path.write_text(json.dumps(analysis, indent=2, ensure_ascii=False) + "\n", "utf-8")


def _simulate(args: argparse.Namespace) -> int:
    asyncio.run(simulate(args.pabulib, args.out, args.database, args.workers, args.limit))
    if args.verify:
        from verifier.cli import main as verify_main

        return verify_main([str(args.out / "record")])
    return 0
