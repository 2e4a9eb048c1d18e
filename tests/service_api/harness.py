"""An election set up over real HTTP for integration tests: ceremony done, roll imported, credentials issued."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from voting_engine.client import ApiClient, VoterDevice
from voting_engine.demo_data import demo_manifest
from voting_engine.http.app import Settings
from voting_engine.http.auth import create_token
from voting_engine.http.server import RunningServer, start_server
from voting_engine.trustee.ceremony_client import TrusteeTool
from voting_engine.trustee.vault import FAST_FOR_TESTS


def modules(min_seconds: int = 0) -> list[dict[str, Any]]:
    out = []
    for name in ("budget-school-1", "budget-school-2"):
        text = resources.files("voting_engine.education").joinpath("samples", f"{name}.json").read_text("utf-8")
        module = json.loads(text)
        module["min_seconds"] = min_seconds
        out.append(module)
    return out


def answers(module: dict[str, Any], correct: bool = True) -> dict[str, list[str]]:
    result = {}
    for q in module["quiz"]["questions"]:
        right = list(q["correct"]) if isinstance(q["correct"], list) else [q["correct"]]
        wrong = [c["id"] for c in q["choices"] if c["id"] not in right][:1]
        result[q["id"]] = right if correct else wrong
    return result


@dataclass
class Election:
    server: RunningServer
    api: ApiClient
    election_id: str
    admin: str
    registrar: str
    trustees: list[TrusteeTool]
    codes: dict[str, list[str]] = field(default_factory=dict)
    manifest: dict[str, Any] = field(default_factory=dict)
    modules: list[dict[str, Any]] = field(default_factory=list)

    @property
    def prefix(self) -> str:
        return f"/api/v1/elections/{self.election_id}"

    def device(self, code: str) -> VoterDevice:
        return VoterDevice(self.api, self.election_id, code)

    async def school(self, device: VoterDevice) -> None:
        for module in self.modules:
            await device.start_module(module["id"])
            await device.answer_quiz(module["id"], answers(module))

    async def close(self) -> None:
        await self.api.__aexit__(None, None, None)
        await self.server.stop()


async def setup_election(database_url: str, tmp: Path, committee: int = 4, public: int = 0,
                         rate_limits: bool = False, manifest: dict[str, Any] | None = None,
                         settings: Settings | None = None) -> Election:
    server = await start_server(settings or Settings(database_url=database_url, rate_limits=rate_limits))
    svc = server.service
    admin = await create_token(svc, "admin", "test admin")
    registrar = await create_token(svc, "registrar", "test registrar")
    api = await ApiClient(server.url, admin).__aenter__()
    data = manifest or demo_manifest("test-election")
    mods = modules(0)
    await api.post("/api/v1/elections", {"manifest": data, "education_modules": mods})
    election_id = data["election_id"]
    tools = []
    for i in range(1, data["trustees"]["n"] + 1):
        token = await create_token(svc, "trustee", f"trustee {i}", i)
        tools.append(TrusteeTool(ApiClient(server.url, token, api._session), election_id, i,
                                 tmp / f"trustee-{i}.vault", f"passphrase {i}", FAST_FOR_TESTS))
    for step in ("init", "send_shares", "finalize"):
        for tool in tools:
            await getattr(tool, step)()
    election = Election(server, api, election_id, admin, registrar, tools, manifest=data, modules=mods)
    lines = ["person_id,group,region,age_band,gender"]
    lines += [f"C{i:03d},committee,Seoul,30-39,F" for i in range(committee)]
    lines += [f"U{i:03d},public,Busan,40-49,M" for i in range(public)]
    await api.request("POST", election.prefix + "/roll", data="\n".join(lines) + "\n", token=registrar)
    issued = await api.post(election.prefix + "/credentials/issue", {"format": "json"}, token=registrar)
    for item in issued["issued"]:
        election.codes.setdefault(item["group"], []).append(item["code"])
    return election
