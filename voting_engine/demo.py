"""``voting-engine demo``: a complete three-stage PB election over the HTTP API on embedded SQLite.

The service runs in-process on a loopback port; every participant talks to it over real HTTP:
the administrator configures the election, five trustees run a 3-of-5 key ceremony (each with a
passphrase-sealed vault file), the registrar imports the roll and issues committee credentials,
members of the public register themselves with invitation codes, voters sign in with their
credential keys, pass budget school (some fail a quiz first), and cast ballots that their devices
encrypt, prove and sign (simulated devices run in a process pool).  Trustees 1, 3 and 5 decrypt
each stage's tallies; the record is exported and checked by the independent verifier.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import random
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from ballot_schemes.sampling import random_choice
from voting_engine.client import ApiError, VoterDevice
from voting_engine.core.credentials import generate_code
from voting_engine.crowd import CastJob, QuizJob, SignInJob, cast_chunk, chunks, quiz_chunk, run_jobs, sign_in_chunk
from voting_engine.demo_data import demo_manifest
from voting_engine.domain.manifest import scheme_for
from voting_engine.orchestration import Orchestra, encryption_head, start_election
from voting_engine.service.record_export import export_record
from voting_engine.trustee.vault import INTERACTIVE, KdfLimits

REGIONS = ("Seoul", "Busan", "Daegu", "Incheon", "Gwangju", "Daejeon", "Ulsan", "Sejong", "Gyeonggi", "Gangwon",
           "Chungbuk", "Chungnam", "Jeonbuk", "Jeonnam", "Gyeongbuk", "Gyeongnam", "Jeju")
AGE_BANDS = ("19-29", "30-39", "40-49", "50-59", "60-69", "70+")


def _modules(min_seconds: int) -> list[dict[str, Any]]:
    from importlib import resources

    out = []
    for name in ("budget-school-1", "budget-school-2"):
        text = resources.files("voting_engine.education").joinpath("samples", f"{name}.json").read_text("utf-8")
        module = json.loads(text)
        module["min_seconds"] = min_seconds
        out.append(module)
    return out


def _answers(module: dict[str, Any], correct: bool) -> dict[str, list[str]]:
    answers = {}
    for q in module["quiz"]["questions"]:
        right = list(q["correct"]) if isinstance(q["correct"], list) else [q["correct"]]
        wrong = [c["id"] for c in q["choices"] if c["id"] not in right][:1]
        answers[q["id"]] = right if correct else wrong
    return answers


async def run_demo(out: Path, committee: int, public: int, seed: int, workers: int | None = None,
                   database_url: str | None = None, min_seconds: int = 2,
                   vault_limits: KdfLimits = INTERACTIVE) -> dict[str, Any]:
    started = time.perf_counter()
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    db = database_url or f"sqlite:///{out.parent.resolve() / (out.name + '.db')}"
    manifest = demo_manifest()
    modules = _modules(min_seconds)
    orchestra = await start_election(db, manifest, modules, out.parent / f"{out.name}-trustees", vault_limits)
    try:
        api, election_id = orchestra.api, orchestra.election_id
        print(f"Service on {orchestra.server.url}, database {db}")
        print(f"Election {election_id}: {len(manifest['projects'])} proposals, budget "
              f"{manifest['budget'] / 1e6:,.0f}M KRW, stages: {', '.join(s['id'] for s in manifest['stages'])}")
        ceremony = await api.get(f"{orchestra.prefix}/ceremony")
        print(f"Key ceremony complete (3 of 5): joint key {ceremony['joint_public_key'][:16]}…")
        # spawned, not forked: a child must not inherit the running event loop or open database handles
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            voters = await _enrol(orchestra, pool, committee, public, modules, rng)
            await asyncio.sleep(min_seconds + 0.5)  # budget school's minimum time, once for everyone
            await _school(orchestra, pool, voters, modules, rng)
            for spec in manifest["stages"]:
                await _stage(orchestra, pool, spec, voters, rng)
        results = await api.get(f"{orchestra.prefix}/results")
        await export_record(orchestra.server.service, election_id, out)
    finally:
        await orchestra.close()
    _print_results(manifest, results["final"], time.perf_counter() - started, out)
    return dict(results)


async def _enrol(orchestra: Orchestra, pool: ProcessPoolExecutor, committee: int, public: int,
                 modules: list[dict[str, Any]], rng: random.Random) -> dict[str, list[tuple[str, str]]]:
    """Issue committee credentials, let the public self-register, sign everyone in and open budget school.

    Returns ``(secret code, session token)`` per voter and group; the codes stay with the simulated devices.
    """
    lines = ["person_id,group,region,age_band,gender"]
    for i in range(committee):
        lines.append(f"C{i:05d},committee,{rng.choice(REGIONS)},{rng.choice(AGE_BANDS)},{rng.choice('FM')}")
    committee_codes = await orchestra.issue("\n".join(lines) + "\n", "committee")
    invitations = await orchestra.api.post(orchestra.prefix + "/invitations", {"group": "public", "count": public})
    public_voters = [(generate_code(), invitation) for invitation in invitations["invitations"]]
    everyone: list[tuple[str, str | None]] = [(code, None) for code in committee_codes] + public_voters
    module_ids = tuple(str(m["id"]) for m in modules)
    jobs = [SignInJob(orchestra.server.url, orchestra.election_id, chunk, module_ids) for chunk in chunks(everyone)]
    tokens = [t for part in await run_jobs(pool, sign_in_chunk, jobs, [len(j.voters) for j in jobs],
                                           "register, sign in, open budget school") for t in part]
    print(f"Roll: {committee} committee credentials issued; {public} members of the public registered; "
          f"{len(tokens)} voters signed in by signing a challenge")
    pairs = [(code, token) for (code, _), token in zip(everyone, tokens, strict=True)]
    return {"committee": pairs[:committee], "public": pairs[committee:]}


async def _school(orchestra: Orchestra, pool: ProcessPoolExecutor, voters: dict[str, list[tuple[str, str]]],
                  modules: list[dict[str, Any]], rng: random.Random) -> None:
    """Every voter answers each quiz; about one in ten fails a quiz first and retries."""
    everyone = voters["committee"] + voters["public"]
    plans = []
    for _ in everyone:
        plan = []
        for module in modules:
            right = _answers(module, True)
            attempts = (_answers(module, False), right) if rng.random() < 0.1 else (right,)
            plan.append((str(module["id"]), attempts))
        plans.append(tuple(plan))
    jobs = [QuizJob(orchestra.server.url, orchestra.election_id, vs, ps)
            for vs, ps in zip(chunks(everyone), chunks(plans), strict=True)]
    failed_first = sum(await run_jobs(pool, quiz_chunk, jobs, [len(j.voters) for j in jobs], "budget school quizzes"))
    print(f"Budget school: {len(everyone)} voters passed {len(modules)} modules ({failed_first} failed a quiz first)")


async def _stage(orchestra: Orchestra, pool: ProcessPoolExecutor, spec: dict[str, Any],
                 voters: dict[str, list[tuple[str, str]]], rng: random.Random) -> None:
    api, prefix = orchestra.api, f"{orchestra.prefix}/stages/{spec['id']}"
    await api.post(prefix + "/open")
    info = await api.get(prefix)
    scheme = scheme_for(info["definition"])
    head = encryption_head(info)
    stage_voters = [v for g in spec["groups"] for v in voters[g]]
    ballots = [(code, token, json.dumps(random_choice(scheme, rng))) for code, token in stage_voters]
    jobs = [CastJob(orchestra.server.url, orchestra.election_id, spec["id"], head, chunk) for chunk in chunks(ballots)]
    started = time.perf_counter()
    cast = sum(await run_jobs(pool, cast_chunk, jobs, [len(j.voters) for j in jobs],
                              f"{spec['id']}: encrypt and cast"))
    elapsed = time.perf_counter() - started
    devices = [VoterDevice(orchestra.api, orchestra.election_id, code, token)
               for code, token in stage_voters[:3] + stage_voters[-1:]]
    for device in devices[:3]:  # a few voters change their minds (the stage's re-vote policy decides)
        try:
            await device.vote(spec["id"], random_choice(scheme, rng))
        except ApiError as exc:
            if exc.code != "already_voted":
                raise
    auditor = devices[-1]
    envelope, opening = await auditor.seal(spec["id"], random_choice(scheme, rng))
    await auditor.audit(spec["id"], envelope, opening)
    tally = await orchestra.close_and_tally(spec["id"])
    counted = {g: t["ballots"] for g, t in tally["groups"].items()}
    print(f"{spec['id']}: {cast} ballots encrypted by voter devices and cast over HTTP in {elapsed:.1f} s "
          f"({cast / max(elapsed, 1e-9):.0f}/s), 3 re-votes, 1 audited; counted {counted}; "
          "decrypted by trustees 1, 3, 5")


def _print_results(manifest: dict[str, Any], final: dict[str, Any], elapsed: float, out: Path) -> None:
    titles = {p["id"]: p["title"]["en"] for p in manifest["projects"]}
    print("\nFinal weighted ranking (committee 50% + public 50%):")
    for i, row in enumerate(final["ranking"], 1):
        num, den = (int(x) for x in row["score"].split("/"))
        mark = "selected" if row["selected"] else ""
        print(f"{i:3d}. {row['project']} {titles[row['project']][:44]:44} {num / den:6.3f} "
              f"{row['cost'] / 1e6:8,.0f}M KRW {mark}")
    print(f"Selected {len(final['selected'])} projects, {final['total_cost'] / 1e6:,.0f}M of "
          f"{final['budget'] / 1e6:,.0f}M KRW")
    print(f"Record written to {out}; election wall time {elapsed:.1f} s")


def verify_record(out: Path) -> int:
    """Run the independent verifier on the record (it imports nothing from the engine)."""
    from verifier.cli import main as verify_main

    status: int = verify_main([str(out)])
    return status
