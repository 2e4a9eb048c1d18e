"""Cast throughput over HTTP on loopback, on SQLite and on PostgreSQL.

Ballots are pre-encrypted (approval, 15 projects, at most 5) by simulated devices; voters are
signed in; then N concurrent clients cast them.  Reported: ballots/s, p50/p99 latency, and the bare
verification rate of the same ballots measured in the same run (parse + signature + proofs, one
thread per core, as many as the server's verification processes), so that the overhead of HTTP and
the database shows as a ratio.  Target: HTTP + database add at most 25% to a ballot's verification time.

The clients run in a process of their own (one aiohttp session, N requests in flight), as voters'
devices are not the server.  Throughput ratios move with whatever else the machine runs, so the CPU
time per ballot is reported too (Linux ``/proc``): the bare checks', and during casting the server
process's (event loop, HTTP, database), its verification workers', the clients' and, on PostgreSQL,
the database server's.  ``cpu overhead`` is (server + workers + database) / bare − 1: what HTTP and
the database add to a ballot's verification CPU.  ``per commit`` is how many ballots shared a
transaction (``voting_engine.service.appending``).

Run: ``python -m bench.bench_cast [--ballots N] [--clients 1,8,32] [--json] [--quick]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import statistics
import tempfile
import time
import uuid
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ballot_schemes.sampling import random_choice
from voting_engine.client import VoterDevice
from voting_engine.demo_data import demo_manifest
from voting_engine.domain.ballot import check_proofs, check_signature, parse_envelope
from voting_engine.domain.manifest import scheme_for
from voting_engine.orchestration import device_encrypt, encryption_head, gather_limited, start_election
from voting_engine.service.appending import appender
from voting_engine.trustee.vault import FAST_FOR_TESTS


def manifest(election_id: str) -> dict[str, Any]:
    data = demo_manifest(election_id)
    data["stages"] = data["stages"][:1]
    data["stages"][0]["education"] = []
    data["final_ranking"] = {"sources": [{"group": "committee", "stage": "shortlist"}]}
    return data


async def _pg_database() -> str | None:
    try:
        import asyncpg

        conn = await asyncpg.connect(host="127.0.0.1", port=5432, user="postgres", database="postgres", timeout=5)
    except Exception:  # no server: skip that backend
        return None
    name = f"pbvote_bench_{uuid.uuid4().hex[:8]}"
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    return name


async def _drop(name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(host="127.0.0.1", port=5432, user="postgres", database="postgres")
    await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await conn.close()


async def run_backend(url: str, ballots: int, clients: list[int], tmp: Path) -> list[dict[str, Any]]:
    rows = []
    for n in clients:
        orchestra = await start_election(url, manifest(f"bench-{n}"), [], tmp / "vaults", FAST_FOR_TESTS)
        try:
            roll = ["person_id,group"] + [f"B{i:06d},committee" for i in range(ballots)]
            codes = await orchestra.issue("\n".join(roll) + "\n", "committee")
            devices = [VoterDevice(orchestra.api, orchestra.election_id, c) for c in codes]
            await gather_limited(devices, lambda d: d.sign_in(), "sign in", limit=32)
            opened = await orchestra.api.post(f"{orchestra.prefix}/stages/shortlist/open")
            info = await orchestra.api.get(f"{orchestra.prefix}/stages/shortlist")
            scheme = scheme_for(opened["definition"])
            rng = random.Random(n)
            head = encryption_head(info)
            with ProcessPoolExecutor() as pool:
                envelopes = list(pool.map(device_encrypt, [(*head, d.code, json.dumps(random_choice(scheme, rng)))
                                                           for d in devices], chunksize=8))
            bare, bare_cpu = _bare_rate(envelopes, scheme, orchestra, info)
            from voting_engine.service.verification import pool as verification_pool

            workers = list(verification_pool()._processes)  # started at app start-up (warm_up)
            tokens = [d.token for d in devices]
            assert all(tokens)
            job = (orchestra.server.url, f"{orchestra.prefix}/stages/shortlist/ballots", n,
                   [(t, json.dumps(e)) for t, e in zip(tokens, envelopes, strict=True)])
            loop = asyncio.get_running_loop()
            with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as clients_process:
                await loop.run_in_executor(clients_process, _warm)
                database = _database_pids(url)
                cpu0, wcpu0, dcpu0 = time.process_time(), _cpu(workers), _cpu(database)
                latencies, elapsed, client_cpu = await loop.run_in_executor(clients_process, _cast_all, job)
                main_cpu, worker_cpu = time.process_time() - cpu0, _cpu(workers) - wcpu0
                database_cpu = _cpu(database) - dcpu0
                batching = appender(orchestra.server.service)
                per_commit = batching.ballots / max(batching.transactions, 1)
        finally:
            await orchestra.close()
        latencies.sort()
        rate = ballots / elapsed
        rows.append({
            "backend": url.split(":", 1)[0], "clients": n, "ballots": ballots, "ballots_per_s": rate,
            "p50_ms": statistics.median(latencies) * 1e3, "p99_ms": latencies[int(0.99 * (len(latencies) - 1))] * 1e3,
            "bare_verify_per_s": bare, "overhead": bare / rate - 1,
            "bare_cpu_ms": bare_cpu * 1e3, "server_cpu_ms": main_cpu / ballots * 1e3,
            "workers_cpu_ms": worker_cpu / ballots * 1e3, "clients_cpu_ms": client_cpu / ballots * 1e3,
            "database_cpu_ms": database_cpu / ballots * 1e3, "ballots_per_commit": per_commit,
            "cpu_overhead": (main_cpu + worker_cpu + database_cpu) / ballots / bare_cpu - 1,
        })
    return rows


def _warm() -> None:
    """Start the clients' process (imports) before the clock starts."""


def _cast_all(job: tuple[str, str, int, list[tuple[str, str]]]) -> tuple[list[float], float, float]:
    """In the clients' process: cast every (token, envelope JSON) with ``n`` in flight over one aiohttp session.

    Returns each ballot's latency, the wall time of the whole run and this process's CPU time: the
    voters' side stays out of the server's CPU figures.
    """
    import aiohttp

    base, path, n, items = job

    async def run() -> tuple[list[float], float]:
        latencies: list[float] = []
        sem = asyncio.Semaphore(n)
        connector = aiohttp.TCPConnector(limit=n)
        async with aiohttp.ClientSession(base, connector=connector) as session:

            async def one(token: str, body: str) -> None:
                async with sem:
                    start = time.perf_counter()
                    async with session.post(path, data=body, headers={"Authorization": f"Bearer {token}",
                                                                      "Content-Type": "application/json"}) as r:
                        await r.read()
                        if r.status != 201:
                            raise RuntimeError(f"cast answered {r.status}: {await r.text()}")
                    latencies.append(time.perf_counter() - start)

            start = time.perf_counter()
            await asyncio.gather(*(one(t, b) for t, b in items))
            return latencies, time.perf_counter() - start

    cpu = time.process_time()
    latencies, elapsed = asyncio.run(run())
    return latencies, elapsed, time.process_time() - cpu


def _database_pids(url: str) -> list[int]:
    """The local PostgreSQL server's processes (its CPU is the database's share); none for SQLite (in-process)."""
    if not url.startswith("postgresql"):
        return []
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def _cpu(pids: list[int]) -> float:
    """CPU seconds (user + system) that the processes ``pids`` have used so far (Linux ``/proc``)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # a process that ended meanwhile
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _bare_rate(envelopes: list[dict[str, Any]], scheme: Any, orchestra: Any,
               info: dict[str, Any]) -> tuple[float, float]:
    """Parse + signature + proofs of the same ballots, one thread per core (libsodium releases the GIL).

    Returns ballots per second and CPU seconds per ballot.
    """
    from voting_engine.core.context import ElectionContext
    from voting_engine.core.encoding import b64decode
    from voting_engine.core.group import Point

    context = ElectionContext(orchestra.election_id, "shortlist", b64decode(info["manifest_hash"], 32),
                              Point.from_bytes(b64decode(info["joint_public_key"], 32)),
                              b64decode(info["stage_hash"], 32))

    def verify(envelope: dict[str, Any]) -> None:
        ballot = parse_envelope(envelope)
        check_signature(ballot, orchestra.election_id, "shortlist")
        check_proofs(ballot, scheme, context)

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as threads:
        start, cpu = time.perf_counter(), time.process_time()
        list(threads.map(verify, envelopes))
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
        return len(envelopes) / wall, cpu / len(envelopes)


async def main_async(args: argparse.Namespace) -> list[dict[str, Any]]:
    clients = [int(c) for c in args.clients.split(",")]
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        rows += await run_backend(f"sqlite:///{Path(tmp) / 'bench.db'}", args.ballots, clients, Path(tmp))
        name = await _pg_database()
        if name is None:
            print("PostgreSQL not reachable on 127.0.0.1:5432: skipped")
        else:
            try:
                rows += await run_backend(f"postgresql://postgres@127.0.0.1:5432/{name}", args.ballots, clients,
                                          Path(tmp))
            finally:
                await _drop(name)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ballots", type=int, default=600)
    parser.add_argument("--clients", default="1,8,32")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--quick", action="store_true", help="60 ballots, 8 clients")
    args = parser.parse_args()
    if args.quick:
        args.ballots, args.clients = 60, "8"
    rows = asyncio.run(main_async(args))
    if args.json:
        print(json.dumps({"benchmark": "cast", "rows": rows}))
        return
    head = f"{'backend':11} {'clients':>7} {'ballots':>7} {'ballots/s':>9} {'p50 ms':>7} {'p99 ms':>7} " \
           f"{'bare verify/s':>13} {'overhead':>8} | {'CPU ms/ballot: bare':>19} {'server':>6} {'workers':>7} " \
           f"{'clients':>7} {'database':>8} {'cpu overhead':>12} {'per commit':>10}"
    print(head)
    print("-" * len(head))
    for r in rows:
        print(f"{r['backend']:11} {r['clients']:7d} {r['ballots']:7d} {r['ballots_per_s']:9.1f} {r['p50_ms']:7.1f} "
              f"{r['p99_ms']:7.1f} {r['bare_verify_per_s']:13.1f} {r['overhead']:8.0%} | {r['bare_cpu_ms']:19.1f} "
              f"{r['server_cpu_ms']:6.1f} {r['workers_cpu_ms']:7.1f} {r['clients_cpu_ms']:7.1f} "
              f"{r['database_cpu_ms']:8.1f} {r['cpu_overhead']:12.0%} {r['ballots_per_commit']:10.1f}")


if __name__ == "__main__":
    main()
