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
import random
import time
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import Any

from tqdm import tqdm

from ballot_schemes.sampling import random_choice
from voting_engine.client import ApiClient, ApiError, VoterDevice
from voting_engine.core.context import ElectionContext
from voting_engine.core.credentials import derive_signing_key, generate_code
from voting_engine.core.encoding import b64decode, b64encode
from voting_engine.core.group import Point
from voting_engine.demo_data import demo_manifest
from voting_engine.domain.ballot import seal
from voting_engine.domain.manifest import scheme_for
from voting_engine.http.app import Settings
from voting_engine.http.auth import create_token
from voting_engine.http.server import start_server
from voting_engine.service.record_export import export_record
from voting_engine.trustee.ceremony_client import TrusteeTool
from voting_engine.trustee.vault import INTERACTIVE, KdfLimits

CONCURRENCY = 24
REGIONS = ("Seoul", "Busan", "Daegu", "Incheon", "Gwangju", "Daejeon", "Ulsan", "Sejong", "Gyeonggi", "Gangwon",
           "Chungbuk", "Chungnam", "Jeonbuk", "Jeonnam", "Gyeongbuk", "Gyeongnam", "Jeju")
AGE_BANDS = ("19-29", "30-39", "40-49", "50-59", "60-69", "70+")


@lru_cache(maxsize=8)
def _scheme(definition_json: str) -> Any:
    return scheme_for(json.loads(definition_json))


def device_encrypt(job: tuple[str, str, str, str, str, str, int]) -> dict[str, Any]:
    """A simulated voter device (runs in a worker process): choose, encrypt, prove, sign."""
    definition_json, election_id, manifest_hash, key, stage_hash, code, seed = job
    definition = json.loads(definition_json)
    context = ElectionContext(election_id, definition["stage_id"], b64decode(manifest_hash, 32),
                              Point.from_bytes(b64decode(key, 32)), b64decode(stage_hash, 32))
    scheme = _scheme(definition_json)
    envelope, _, _ = seal(scheme, context, derive_signing_key(code), random_choice(scheme, random.Random(seed)))
    return envelope


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


async def _gather(items: list[Any], fn: Any, desc: str) -> list[Any]:
    sem = asyncio.Semaphore(CONCURRENCY)
    bar = tqdm(total=len(items), desc=desc, leave=False)

    async def one(item: Any) -> Any:
        async with sem:
            result = await fn(item)
            bar.update()
            return result

    results = await asyncio.gather(*(one(i) for i in items))
    bar.close()
    return list(results)


async def run_demo(out: Path, committee: int, public: int, seed: int, workers: int | None = None,
                   database_url: str | None = None, min_seconds: int = 2,
                   vault_limits: KdfLimits = INTERACTIVE) -> dict[str, Any]:
    started = time.perf_counter()
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    db = database_url or f"sqlite:///{out.parent.resolve() / (out.name + '.db')}"
    if db.startswith("sqlite:///"):
        Path(db[len("sqlite:///"):]).unlink(missing_ok=True)
    server = await start_server(Settings(database_url=db, rate_limits=False))
    try:
        return await _run(server, out, committee, public, rng, workers, min_seconds, vault_limits, started)
    finally:
        await server.stop()


async def _run(server: Any, out: Path, committee: int, public: int, rng: random.Random, workers: int | None,
               min_seconds: int, vault_limits: KdfLimits, started: float) -> dict[str, Any]:
    svc = server.service
    manifest = demo_manifest()
    election_id = manifest["election_id"]
    modules = _modules(min_seconds)
    admin_token = await create_token(svc, "admin", "demo administrator")
    registrar_token = await create_token(svc, "registrar", "demo registrar")
    trustee_tokens = [await create_token(svc, "trustee", f"trustee {i}", i) for i in range(1, 6)]
    print(f"Service on {server.url} (SQLite: {svc.factory.kw['bind'].url.database})")
    async with ApiClient(server.url, admin_token) as api:
        await api.post("/api/v1/elections", {"manifest": manifest, "education_modules": modules})
        print(f"Election {election_id}: {len(manifest['projects'])} proposals, budget "
              f"{manifest['budget'] / 1e6:,.0f}M KRW, stages: {', '.join(s['id'] for s in manifest['stages'])}")
        tools = [TrusteeTool(ApiClient(server.url, trustee_tokens[i - 1], api._session), election_id, i,
                             out.parent / f"{out.name}-trustee-{i}.vault", f"demo passphrase {i}", vault_limits)
                 for i in range(1, 6)]
        for step in ("init", "send_shares", "finalize"):
            for tool in tools:
                await getattr(tool, step)()
        ceremony = await api.get(f"/api/v1/elections/{election_id}/ceremony")
        print(f"Key ceremony complete (3 of 5): joint key {ceremony['joint_public_key'][:16]}…")
        codes = await _enrol(api, registrar_token, election_id, committee, public, rng)
        devices = {g: [VoterDevice(api, election_id, c) for c in cs] for g, cs in codes.items()}
        everyone = devices["committee"] + devices["public"]
        await _gather(everyone, lambda d: d.sign_in(), "sign in")
        await _school(everyone, modules, min_seconds, rng)
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for spec in manifest["stages"]:
                await _stage(api, pool, tools, election_id, spec, devices, rng)
        results = await api.get(f"/api/v1/elections/{election_id}/results")
        await export_record(svc, election_id, out)
    _print_results(manifest, results["final"], time.perf_counter() - started, out)
    return dict(results)


async def _enrol(api: ApiClient, registrar: str, election_id: str, committee: int, public: int,
                 rng: random.Random) -> dict[str, list[str]]:
    prefix = f"/api/v1/elections/{election_id}"
    lines = ["person_id,group,region,age_band,gender"]
    for i in range(committee):
        lines.append(f"C{i:05d},committee,{rng.choice(REGIONS)},{rng.choice(AGE_BANDS)},{rng.choice('FM')}")
    await api.request("POST", prefix + "/roll", data="\n".join(lines) + "\n", token=registrar)
    issued = await api.post(prefix + "/credentials/issue", {"group": "committee", "format": "json"}, token=registrar)
    committee_codes = [i["code"] for i in issued["issued"]]
    invitations = (await api.post(prefix + "/invitations", {"group": "public", "count": public}))["invitations"]
    public_codes = [generate_code() for _ in range(public)]

    async def register(pair: tuple[str, str]) -> None:
        invitation, code = pair
        public_key = b64encode(bytes(derive_signing_key(code).verify_key))
        await api.post(prefix + "/register", {"invitation": invitation, "credential": public_key})

    await _gather(list(zip(invitations, public_codes, strict=True)), register, "public self-registration")
    print(f"Roll: {committee} committee credentials issued; {public} members of the public registered")
    return {"committee": committee_codes, "public": public_codes}


async def _school(devices: list[VoterDevice], modules: list[dict[str, Any]], min_seconds: int,
                  rng: random.Random) -> None:
    for module in modules:
        await _gather(devices, lambda d, m=module: d.start_module(m["id"]), f"start {module['id']}")
    await asyncio.sleep(min_seconds + 0.5)
    failed_first = 0
    for module in modules:
        async def attempt(device: VoterDevice, m: dict[str, Any] = module) -> bool:
            if rng.random() < 0.1:
                result = await device.answer_quiz(m["id"], _answers(m, False))
                assert not result["result"]["passed"]
                result = await device.answer_quiz(m["id"], _answers(m, True))
                return True
            result = await device.answer_quiz(m["id"], _answers(m, True))
            assert result["result"]["passed"]
            return False

        failed_first += sum(await _gather(devices, attempt, f"quiz {module['id']}"))
    print(f"Budget school: {len(devices)} voters passed {len(modules)} modules ({failed_first} failed a quiz first)")


async def _stage(api: ApiClient, pool: ProcessPoolExecutor, tools: list[TrusteeTool], election_id: str,
                 spec: dict[str, Any], devices: dict[str, list[VoterDevice]], rng: random.Random) -> None:
    prefix = f"/api/v1/elections/{election_id}/stages/{spec['id']}"
    opened = await api.post(prefix + "/open")
    info = await api.get(prefix)
    voters = [d for g in spec["groups"] for d in devices[g]]
    definition_json = json.dumps(opened["definition"])
    jobs = [(definition_json, election_id, info["manifest_hash"], info["joint_public_key"], info["stage_hash"],
             "", rng.randrange(2**32)) for _ in voters]
    loop = asyncio.get_running_loop()
    started = time.perf_counter()
    codes = {id(d): c for d, c in ((d, _code_of(d)) for d in voters)}
    futures = [loop.run_in_executor(pool, device_encrypt, (*job[:5], codes[id(d)], job[6]))
               for job, d in zip(jobs, voters, strict=True)]
    bar = tqdm(total=len(voters), desc=f"{spec['id']}: encrypt on devices, cast over HTTP", leave=False)
    sem = asyncio.Semaphore(CONCURRENCY)

    async def cast(device: VoterDevice, future: Any) -> dict[str, Any]:
        envelope = await future
        async with sem:
            receipt = await device.cast(spec["id"], envelope)
        bar.update()
        return receipt

    receipts = await asyncio.gather(*(cast(d, f) for d, f in zip(voters, futures, strict=True)))
    bar.close()
    elapsed = time.perf_counter() - started
    for device in voters[:3]:  # a few voters change their minds (the stage's re-vote policy decides)
        try:
            await device.vote(spec["id"], random_choice((await device.stage(spec["id"]))[0], rng))
        except ApiError as exc:
            if exc.code != "already_voted":
                raise
    auditor = voters[-1]
    envelope, opening = await auditor.seal(spec["id"], random_choice((await auditor.stage(spec["id"]))[0], rng))
    await auditor.audit(spec["id"], envelope, opening)
    await api.post(prefix + "/close")
    for tool in (tools[0], tools[2], tools[4]):
        await tool.decrypt(spec["id"])
    tally = await api.post(prefix + "/tally")
    counted = {g: t["ballots"] for g, t in tally["groups"].items()}
    print(f"{spec['id']}: {len(receipts)} ballots in {elapsed:.1f} s ({len(receipts) / elapsed:.0f}/s), "
          f"1 audited; counted {counted}; decrypted by trustees 1, 3, 5")


def _code_of(device: VoterDevice) -> str:
    return device._code  # the simulated device hands its code to its own worker process


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
