"""Checking ballot proofs off the event loop.

Proof verification is ~25 ms of libsodium work per ballot.  PyNaCl calls libsodium through cffi,
which releases the GIL, so a thread pool verifies ballots on every core while the aiohttp event
loop keeps serving other requests.
"""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor

from ballot_schemes import BallotScheme
from voting_engine.core.context import ElectionContext
from voting_engine.domain.ballot import Ballot, check_proofs

_POOL: ThreadPoolExecutor | None = None


def pool() -> ThreadPoolExecutor:
    global _POOL
    if _POOL is None:
        _POOL = ThreadPoolExecutor(max_workers=os.cpu_count() or 2, thread_name_prefix="verify")
    return _POOL


async def verify_proofs(ballot: Ballot, scheme: BallotScheme, context: ElectionContext) -> None:
    """Raise ``BallotRejected('invalid_proof')`` if any validity proof fails."""
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(pool(), check_proofs, ballot, scheme, context)
