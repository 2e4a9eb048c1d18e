"""Simulated voters in worker processes: each worker runs its own HTTP client and voter devices.

Why: the demo's service runs in the main process, and on 2 cores a voter's client-side work
(HTTP requests, and above all encrypting and proving a ballot) should run on the other core rather
than queue behind the server on one event loop.  A worker takes a chunk of voters, opens its own
aiohttp session to the service and does what each voter's device does: self-register with an
invitation, sign in by signing the server's challenge, open budget-school modules, answer quizzes,
encrypt, prove, sign and cast ballots.  Secret codes stay in the worker; only session tokens and
counts come back.  Every function here is a top-level picklable job for a ``ProcessPoolExecutor``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from tqdm import tqdm

from voting_engine.client import ApiClient, VoterDevice
from voting_engine.orchestration import device_encrypt

PER_WORKER = 12
"""Requests in flight per worker process."""

CHUNK = 100
"""Voters per job: small enough for a smooth progress bar, large enough to amortise a session."""

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class SignInJob:
    base_url: str
    election_id: str
    voters: tuple[tuple[str, str | None], ...]  # (secret code, invitation code to self-register with, or None)
    modules: tuple[str, ...]  # budget-school modules to open after signing in


@dataclass(frozen=True)
class QuizJob:
    base_url: str
    election_id: str
    voters: tuple[tuple[str, str], ...]  # (secret code, session token)
    attempts: tuple[tuple[tuple[str, tuple[dict[str, list[str]], ...]], ...], ...]  # per voter: (module, answers...)


@dataclass(frozen=True)
class CastJob:
    base_url: str
    election_id: str
    stage_id: str
    head: tuple[str, str, str, str, str]  # definition JSON, election, manifest hash, joint key, stage hash
    voters: tuple[tuple[str, str, str], ...]  # (secret code, session token, choice JSON)


async def _each(items: Sequence[T], fn: Callable[[T], Awaitable[R]], limit: int = PER_WORKER) -> list[R]:
    sem = asyncio.Semaphore(limit)

    async def one(item: T) -> R:
        async with sem:
            return await fn(item)

    return list(await asyncio.gather(*(one(i) for i in items)))


async def _sign_in(job: SignInJob) -> list[str]:
    async with ApiClient(job.base_url) as api:

        async def one(voter: tuple[str, str | None]) -> str:
            code, invitation = voter
            device = VoterDevice(api, job.election_id, code)
            if invitation is not None:
                await api.post(device.prefix + "/register", {"invitation": invitation, "credential": device.credential})
            await device.sign_in()
            for module in job.modules:
                await device.start_module(module)
            assert device.token is not None
            return device.token

        return await _each(job.voters, one)


def sign_in_chunk(job: SignInJob) -> list[str]:
    """Register (public voters), sign in and open the modules; returns the session tokens."""
    return asyncio.run(_sign_in(job))


async def _quizzes(job: QuizJob) -> int:
    async with ApiClient(job.base_url) as api:

        async def one(pair: tuple[tuple[str, str], tuple[tuple[str, tuple[dict[str, list[str]], ...]], ...]]) -> int:
            (code, token), plan = pair
            device = VoterDevice(api, job.election_id, code, token)
            failed = 0
            for module, answer_sets in plan:
                for i, answers in enumerate(answer_sets):
                    result = await device.answer_quiz(module, answers)
                    last = i == len(answer_sets) - 1
                    if bool(result["result"]["passed"]) != last:
                        raise AssertionError(f"quiz {module}: attempt {i + 1} graded {result['result']}")
                failed += len(answer_sets) > 1
            return failed

        return sum(await _each(list(zip(job.voters, job.attempts, strict=True)), one))


def quiz_chunk(job: QuizJob) -> int:
    """Answer the planned quiz attempts (all but the last wrong); returns how many voters failed first."""
    return asyncio.run(_quizzes(job))


async def _cast(job: CastJob) -> int:
    async with ApiClient(job.base_url) as api:

        async def one(voter: tuple[str, str, str]) -> int:
            code, token, choice = voter
            envelope = device_encrypt((*job.head, code, choice))  # on this worker's core
            receipt = await VoterDevice(api, job.election_id, code, token).cast(job.stage_id, envelope)
            return int(receipt["position"])

        return len(await _each(job.voters, one))


def cast_chunk(job: CastJob) -> int:
    """Encrypt, prove, sign and cast each voter's ballot; returns the number of receipts."""
    return asyncio.run(_cast(job))


def chunks(items: Sequence[T], size: int = CHUNK) -> list[tuple[T, ...]]:
    return [tuple(items[i : i + size]) for i in range(0, len(items), size)]


async def run_jobs(pool: ProcessPoolExecutor, fn: Callable[[Any], R], jobs: Sequence[Any], sizes: Sequence[int],
                   desc: str, position: int = 0) -> list[R]:
    """Run the jobs in the pool, in order, with one progress bar counted in voters (on line ``position``)."""
    loop = asyncio.get_running_loop()
    bar = tqdm(total=sum(sizes), desc=desc, leave=False, position=position)

    async def one(job: Any, size: int) -> R:
        result = await loop.run_in_executor(pool, fn, job)
        bar.update(size)
        return result

    try:
        return list(await asyncio.gather(*(one(j, s) for j, s in zip(jobs, sizes, strict=True))))
    finally:
        bar.close()
