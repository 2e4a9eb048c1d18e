"""Driving a whole election over the HTTP API: used by ``demo`` and ``simulate`` (and the tests).

Every participant speaks real HTTP to an in-process server: the administrator creates the
election, five trustees run the key ceremony with vault files, the registrar issues credentials,
voters sign in and cast ballots that simulated devices encrypt in a process pool.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from tqdm import tqdm

from voting_engine.client import ApiClient, VoterDevice
from voting_engine.core.context import ElectionContext
from voting_engine.core.credentials import derive_signing_key
from voting_engine.core.encoding import b64decode
from voting_engine.core.group import Point
from voting_engine.domain.ballot import seal
from voting_engine.domain.manifest import scheme_for
from voting_engine.http.app import Settings
from voting_engine.http.auth import create_token
from voting_engine.http.server import RunningServer, start_server
from voting_engine.trustee.ceremony_client import TrusteeTool
from voting_engine.trustee.vault import INTERACTIVE, KdfLimits

CONCURRENCY = 24


@lru_cache(maxsize=8)
def _scheme(definition_json: str) -> Any:
    return scheme_for(json.loads(definition_json))


def encryption_head(info: dict[str, Any]) -> tuple[str, str, str, str, str]:
    """What a simulated device needs from ``GET …/stages/{stage}`` to encrypt: the first part of a job."""
    return (json.dumps(info["definition"]), info["election_id"], info["manifest_hash"], info["joint_public_key"],
            info["stage_hash"])


def device_encrypt(job: tuple[str, str, str, str, str, str, str]) -> dict[str, Any]:
    """A simulated voter device (in a worker process): encrypt, prove and sign one choice."""
    definition_json, election_id, manifest_hash, key, stage_hash, code, choice_json = job
    definition = json.loads(definition_json)
    context = ElectionContext(election_id, definition["stage_id"], b64decode(manifest_hash, 32),
                              Point.from_bytes(b64decode(key, 32)), b64decode(stage_hash, 32))
    envelope, _, _ = seal(_scheme(definition_json), context, derive_signing_key(code), json.loads(choice_json))
    return envelope


async def gather_limited(items: Sequence[Any], fn: Callable[[Any], Awaitable[Any]], desc: str,
                         limit: int = CONCURRENCY) -> list[Any]:
    sem = asyncio.Semaphore(limit)
    bar = tqdm(total=len(items), desc=desc, leave=False)

    async def one(item: Any) -> Any:
        async with sem:
            result = await fn(item)
        bar.update()
        return result

    try:
        return list(await asyncio.gather(*(one(i) for i in items)))
    finally:
        bar.close()


@dataclass
class Orchestra:
    server: RunningServer
    api: ApiClient
    election_id: str
    registrar: str
    trustees: list[TrusteeTool]

    @property
    def prefix(self) -> str:
        return f"/api/v1/elections/{self.election_id}"

    async def close(self) -> None:
        await self.api.__aexit__(None, None, None)
        await self.server.stop()

    async def issue(self, roll_csv: str, group: str) -> list[str]:
        """Import a roll and issue its group's credentials; returns the secret codes (for the simulated voters)."""
        await self.api.request("POST", self.prefix + "/roll", data=roll_csv, token=self.registrar)
        issued = await self.api.post(self.prefix + "/credentials/issue", {"group": group, "format": "json"},
                                     token=self.registrar)
        return [i["code"] for i in issued["issued"]]

    async def cast_all(self, pool: ProcessPoolExecutor, stage_id: str, devices: Sequence[VoterDevice],
                       choices: Sequence[Any], desc: str) -> list[dict[str, Any]]:
        """Devices encrypt in the pool while receipts come back over HTTP."""
        info = await self.api.get(f"{self.prefix}/stages/{stage_id}")
        head = encryption_head(info)
        loop = asyncio.get_running_loop()
        futures = [loop.run_in_executor(pool, device_encrypt, (*head, d.code, json.dumps(c)))
                   for d, c in zip(devices, choices, strict=True)]
        sem = asyncio.Semaphore(CONCURRENCY)
        bar = tqdm(total=len(devices), desc=desc, leave=False)

        async def cast(device: VoterDevice, future: Awaitable[dict[str, Any]]) -> dict[str, Any]:
            envelope = await future
            async with sem:
                receipt = await device.cast(stage_id, envelope)
            bar.update()
            return receipt

        try:
            return list(await asyncio.gather(*(cast(d, f) for d, f in zip(devices, futures, strict=True))))
        finally:
            bar.close()

    async def close_and_tally(self, stage_id: str, trustees: Sequence[int] = (1, 3, 5)) -> dict[str, Any]:
        await self.api.post(f"{self.prefix}/stages/{stage_id}/close")
        for index in trustees:
            await self.trustees[index - 1].decrypt(stage_id)
        result: dict[str, Any] = await self.api.post(f"{self.prefix}/stages/{stage_id}/tally")
        return result


async def start_election(database_url: str, manifest: dict[str, Any], modules: list[dict[str, Any]],
                         vault_dir: Path, vault_limits: KdfLimits = INTERACTIVE,
                         rate_limits: bool = False) -> Orchestra:
    """Start the service, create the election and run the trustees' key ceremony."""
    if database_url.startswith("sqlite:///"):
        Path(database_url[len("sqlite:///"):]).unlink(missing_ok=True)
    server = await start_server(Settings(database_url=database_url, rate_limits=rate_limits))
    svc = server.service
    admin = await create_token(svc, "admin", "administrator")
    registrar = await create_token(svc, "registrar", "registrar")
    api = await ApiClient(server.url, admin).__aenter__()
    await api.post("/api/v1/elections", {"manifest": manifest, "education_modules": modules})
    election_id = manifest["election_id"]
    n = manifest["trustees"]["n"]
    vault_dir.mkdir(parents=True, exist_ok=True)
    tools = []
    for i in range(1, n + 1):
        token = await create_token(svc, "trustee", f"trustee {i}", i)
        vault = vault_dir / f"trustee-{i}.vault"
        vault.unlink(missing_ok=True)
        tools.append(TrusteeTool(ApiClient(server.url, token, api._session), election_id, i, vault,
                                 f"passphrase of trustee {i}", vault_limits))
    for step in ("init", "send_shares", "finalize"):
        for tool in tools:
            await getattr(tool, step)()
    return Orchestra(server, api, election_id, registrar, tools)


def seeded(rng: random.Random) -> random.Random:
    return random.Random(rng.randrange(2**32))
