"""``voting-engine demo``: a complete three-stage PB election, then its record verified.

Simulated voters encrypt, prove and sign on their side in a process pool (as each voter's device
would), the election authority's side checks every ballot and keeps the boards, trustees decrypt
with 3 of 5 shares, and the independent verifier re-checks the written record.
"""

from __future__ import annotations

import random
import time
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import Any

from tqdm import tqdm

from ballot_schemes.sampling import random_choice
from voting_engine.core.context import ElectionContext
from voting_engine.core.credentials import derive_signing_key
from voting_engine.core.group import Point
from voting_engine.demo_data import demo_manifest
from voting_engine.domain.ballot import check_proofs, parse_envelope, seal
from voting_engine.domain.errors import BallotRejected
from voting_engine.domain.manifest import load_manifest, scheme_for
from voting_engine.simulation import ElectionRun

Job = tuple[str, bytes, bytes, bytes, str, int]


@lru_cache(maxsize=8)
def _stage(definition_json: str) -> Any:
    import json

    return scheme_for(json.loads(definition_json))


def _voter_device(job: tuple[str, str, bytes, bytes, bytes, str, int]) -> dict[str, Any]:
    """One voter's device: pick a choice, encrypt, prove and sign it with the credential."""
    definition_json, election_id, manifest_hash, key, stage_hash, code, seed = job
    scheme = _stage(definition_json)
    import json

    stage_id = json.loads(definition_json)["stage_id"]
    context = ElectionContext(election_id, stage_id, manifest_hash, Point.from_bytes(key), stage_hash)
    choice = random_choice(scheme, random.Random(seed))
    envelope, _, _ = seal(scheme, context, derive_signing_key(code), choice)
    return envelope


def _authority_check(job: tuple[str, str, bytes, bytes, bytes, dict[str, Any]]) -> str | None:
    """The election authority's verification worker: every validity proof of one ballot."""
    definition_json, election_id, manifest_hash, key, stage_hash, envelope = job
    import json

    stage_id = json.loads(definition_json)["stage_id"]
    context = ElectionContext(election_id, stage_id, manifest_hash, Point.from_bytes(key), stage_hash)
    try:
        check_proofs(parse_envelope(envelope), _stage(definition_json), context)
    except BallotRejected as exc:
        return exc.code
    return None


def run_demo(out: Path, committee: int, public: int, seed: int, workers: int | None = None) -> dict[str, Any]:
    import json

    started = time.perf_counter()
    rng = random.Random(seed)
    manifest = load_manifest(demo_manifest())
    print(
        f"Election {manifest.election_id}: {len(manifest.projects)} proposals, {committee} committee members, "
        f"{public} public voters; trustees {manifest.trustees[1]} of {manifest.trustees[0]}"
    )
    run = ElectionRun(manifest)
    print(f"Key ceremony done: joint key {run.ceremony.joint_public_key.to_bytes().hex()[:16]}…")
    codes = {
        "committee": [run.issue("committee", rng) for _ in tqdm(range(committee), desc="committee credentials")],
        "public": [run.issue("public", rng) for _ in tqdm(range(public), desc="public credentials")],
    }
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for spec in manifest.stages:
            state = run.open_stage(spec.id)
            definition_json = json.dumps(state.definition)
            ctx = state.context
            jobs = [
                (
                    definition_json,
                    ctx.election_id,
                    ctx.manifest_hash,
                    ctx.public_key.to_bytes(),
                    ctx.stage_hash,
                    code,
                    rng.randrange(2**32),
                )
                for group in spec.groups
                for code in codes[group]
            ]
            envelopes = list(
                tqdm(pool.map(_voter_device, jobs, chunksize=16), total=len(jobs), desc=f"{spec.id}: voters encrypt")
            )
            head = (definition_json, ctx.election_id, ctx.manifest_hash, ctx.public_key.to_bytes(), ctx.stage_hash)
            checks = pool.map(_authority_check, [(*head, e) for e in envelopes], chunksize=16)
            for envelope, error in tqdm(
                zip(envelopes, checks, strict=True), total=len(jobs), desc=f"{spec.id}: verify+cast"
            ):
                if error is not None:
                    raise RuntimeError(f"an honest ballot was rejected: {error}")
                run.cast(spec.id, envelope, proofs_checked=True)
            tally = run.close_and_tally(spec.id, present=[1, 3, 5])
            counted = {g: t["ballots"] for g, t in tally["groups"].items()}
            print(f"{spec.id}: closed, counted {counted}; decrypted by trustees 1, 3, 5")
    final = run.final_ranking()
    run.write_record(out)
    elapsed = time.perf_counter() - started
    print("\nFinal weighted ranking (committee 50% + public 50%):")
    titles = {pid: p["title"]["en"] for pid, p in manifest.projects.items()}
    for i, row in enumerate(final["ranking"], 1):
        num, den = (int(x) for x in row["score"].split("/"))
        mark = "selected" if row["selected"] else ""
        print(
            f"{i:3d}. {row['project']} {titles[row['project']][:44]:44} {num / den:6.3f} "
            f"{row['cost'] / 1e6:8,.0f}M KRW {mark}"
        )
    print(
        f"Selected {len(final['selected'])} projects, {final['total_cost'] / 1e6:,.0f}M of "
        f"{final['budget'] / 1e6:,.0f}M KRW"
    )
    print(f"Record written to {out}; election wall time {elapsed:.1f} s")
    return final


def verify_record(out: Path) -> int:
    """Run the independent verifier on the record (it imports nothing from the engine)."""
    from verifier.cli import main as verify_main

    return verify_main([str(out)])
