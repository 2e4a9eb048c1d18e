"""Checking ballot proofs in worker processes, off the event loop and out of its GIL.

Proof verification is 15-35 ms per ballot.  Most of it is libsodium, which releases the GIL, but
about a third is Python around those calls, which holds it.  In a thread pool that third queued
behind the event loop's own Python work (HTTP, SQLAlchemy), so casting over HTTP ran at 28
ballots/s while the same checks alone ran at 64/s on 2 cores (``bench/bench_cast.py``).  Worker
processes verify with a core each; what crosses to them is the stage's definition and context
(cached there) and the ballot's ``choices`` JSON, which the worker parses and checks itself.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import lru_cache
from typing import Any

from ballot_schemes import BallotScheme
from ballot_schemes.errors import InvalidBallot
from voting_engine.core.context import ElectionContext
from voting_engine.core.group import Point
from voting_engine.domain.ballot import parse_choices
from voting_engine.domain.errors import BallotRejected
from voting_engine.domain.manifest import scheme_for

_POOL: ProcessPoolExecutor | None = None
StageKey = tuple[str, str, str, bytes, bytes, bytes]  # definition JSON, election, stage, manifest hash, key, stage hash


def pool() -> ProcessPoolExecutor:
    """One pool per server process, started on the first ballot (spawned: the server has threads and sockets)."""
    global _POOL
    if _POOL is None:
        _POOL = ProcessPoolExecutor(max_workers=os.cpu_count() or 2, mp_context=multiprocessing.get_context("spawn"))
    return _POOL


def _ready() -> int:
    return os.getpid()


def warm_up() -> None:
    """Start the workers now (each imports the schemes), so the first voter does not wait for them."""
    workers = pool()
    for _ in range(os.cpu_count() or 2):
        workers.submit(_ready)


@lru_cache(maxsize=64)
def _stage(key: StageKey) -> tuple[BallotScheme, ElectionContext]:
    import json

    definition_json, election_id, stage_id, manifest_hash, public_key, stage_hash = key
    context = ElectionContext(election_id, stage_id, manifest_hash, Point.from_bytes(public_key), stage_hash)
    return scheme_for(json.loads(definition_json)), context


def check_choices(key: StageKey, choices: Any) -> tuple[str, str] | None:
    """In a worker: parse the ballot's choices and check every proof; the failure's (code, message), or None.

    The code is ``schema`` or ``bad_point`` for a malformed ballot and ``invalid_proof`` for a proof
    that fails, as ``docs/api.md`` lists them.
    """
    scheme, context = _stage(key)
    try:
        parsed = parse_choices(choices)
    except BallotRejected as exc:
        return exc.code, exc.message
    try:
        scheme.verify(context, parsed)
    except InvalidBallot as exc:
        return "invalid_proof", exc.message
    return None


def stage_key(definition_json: str, context: ElectionContext) -> StageKey:
    return (definition_json, context.election_id, context.stage_id, context.manifest_hash,
            context.public_key.to_bytes(), context.stage_hash)


async def check_in_worker(key: StageKey, choices: Any) -> tuple[str, str] | None:
    """``check_choices`` in a worker process; a pool whose worker died (killed, out of memory) is replaced."""
    global _POOL
    loop = asyncio.get_running_loop()
    try:
        return await loop.run_in_executor(pool(), check_choices, key, choices)
    except BrokenProcessPool:
        _POOL = None
        return await loop.run_in_executor(pool(), check_choices, key, choices)
