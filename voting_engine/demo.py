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
        roll = await _roll(orchestra, committee, public, random.Random(f"{seed}:roll"))
        await _election(orchestra, manifest, modules, roll, seed, workers, min_seconds)
        results = await api.get(f"{orchestra.prefix}/results")
        await export_record(orchestra.server.service, election_id, out)
    finally:
        await orchestra.close()
    _print_results(manifest, results["final"], time.perf_counter() - started, out)
    return dict(results)


async def _election(orchestra: Orchestra, manifest: dict[str, Any], modules: list[dict[str, Any]],
                    roll: dict[str, list[tuple[str, str | None]]], seed: int, workers: int | None,
                    min_seconds: int) -> None:
    """Each voter group goes through sign-in and budget school on its own; a stage opens once its
    groups have passed school and the stage its candidates come from is tallied.

    So the public registers and studies while the committee votes, as in a real PB cycle, and the
    server's sign-in work overlaps the devices' encryption.  Every group's simulated devices run in
    a process pool of their own; random choices come from generators seeded per group and stage, so
    a seed gives the same election whatever the interleaving.
    """
    groups = list(roll)
    schooled = {g: asyncio.Event() for g in groups}
    tallied = {str(spec["id"]): asyncio.Event() for spec in manifest["stages"]}
    voters: dict[str, list[tuple[str, str]]] = {}
    spawn = multiprocessing.get_context("spawn")  # not forked: no inherited event loop or database handles
    pools = {g: ProcessPoolExecutor(max_workers=workers, mp_context=spawn) for g in groups}
    bar = {g: i for i, g in enumerate(groups)}

    async def prepare(group: str) -> None:
        rng = random.Random(f"{seed}:school:{group}")
        voters[group] = await _sign_in(orchestra, pools[group], group, roll[group], modules, bar[group])
        await asyncio.sleep(min_seconds + 0.5)  # budget school's minimum time, once for the whole group
        await _school(orchestra, pools[group], group, voters[group], modules, rng, bar[group])
        schooled[group].set()

    async def stage(spec: dict[str, Any]) -> None:
        for group in spec["groups"]:
            await schooled[group].wait()
        source = spec.get("candidates", {}).get("from_stage")
        if source:
            await tallied[source].wait()
        lead = spec["groups"][0]
        await _stage(orchestra, pools[lead], spec, voters, random.Random(f"{seed}:stage:{spec['id']}"), bar[lead])
        tallied[str(spec["id"])].set()

    try:
        await asyncio.gather(*(prepare(g) for g in groups), *(stage(spec) for spec in manifest["stages"]))
    finally:
        for pool in pools.values():
            pool.shutdown()


async def _roll(orchestra: Orchestra, committee: int, public: int,
                rng: random.Random) -> dict[str, list[tuple[str, str | None]]]:
    """Issue committee credentials from an imported roll and invitations for the public.

    Returns, per group, ``(secret code, invitation or None)``; the codes stay with the simulated devices.
    """
    lines = ["person_id,group,region,age_band,gender"]
    for i in range(committee):
        lines.append(f"C{i:05d},committee,{rng.choice(REGIONS)},{rng.choice(AGE_BANDS)},{rng.choice('FM')}")
    committee_codes = await orchestra.issue("\n".join(lines) + "\n", "committee")
    invitations = await orchestra.api.post(orchestra.prefix + "/invitations", {"group": "public", "count": public})
    print(f"Roll: {committee} committee credentials issued; {public} invitations for the public")
    return {"committee": [(code, None) for code in committee_codes],
            "public": [(generate_code(), invitation) for invitation in invitations["invitations"]]}


async def _sign_in(orchestra: Orchestra, pool: ProcessPoolExecutor, group: str,
                   people: list[tuple[str, str | None]], modules: list[dict[str, Any]],
                   position: int) -> list[tuple[str, str]]:
    """Register (with an invitation), sign in by signing a challenge, open budget school; ``(code, token)``."""
    module_ids = tuple(str(m["id"]) for m in modules)
    jobs = [SignInJob(orchestra.server.url, orchestra.election_id, chunk, module_ids) for chunk in chunks(people)]
    tokens = [t for part in await run_jobs(pool, sign_in_chunk, jobs, [len(j.voters) for j in jobs],
                                           f"{group}: register, sign in, open budget school", position)
              for t in part]
    registered = sum(1 for _, invitation in people if invitation is not None)
    print(f"{group}: {len(tokens)} voters signed in by signing a challenge"
          + (f" ({registered} registered themselves with an invitation)" if registered else ""))
    return [(code, token) for (code, _), token in zip(people, tokens, strict=True)]


async def _school(orchestra: Orchestra, pool: ProcessPoolExecutor, group: str, voters: list[tuple[str, str]],
                  modules: list[dict[str, Any]], rng: random.Random, position: int) -> None:
    """Every voter answers each quiz; about one in ten fails a quiz first and retries."""
    plans = []
    for _ in voters:
        plan = []
        for module in modules:
            right = _answers(module, True)
            attempts = (_answers(module, False), right) if rng.random() < 0.1 else (right,)
            plan.append((str(module["id"]), attempts))
        plans.append(tuple(plan))
    jobs = [QuizJob(orchestra.server.url, orchestra.election_id, vs, ps)
            for vs, ps in zip(chunks(voters), chunks(plans), strict=True)]
    failed_first = sum(await run_jobs(pool, quiz_chunk, jobs, [len(j.voters) for j in jobs],
                                      f"{group}: budget school quizzes", position))
    print(f"{group}: budget school passed by {len(voters)} voters, {len(modules)} modules each "
          f"({failed_first} failed a quiz first)")


async def _stage(orchestra: Orchestra, pool: ProcessPoolExecutor, spec: dict[str, Any],
                 voters: dict[str, list[tuple[str, str]]], rng: random.Random, position: int) -> None:
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
                              f"{spec['id']}: encrypt and cast", position))
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
