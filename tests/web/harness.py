"""Browser-test plumbing: the engine on a loopback port serving web/dist under /app/, driven from
a background asyncio thread (Playwright's sync API owns the test thread), and an election set up
as in ``tests/service_api/harness.py`` but with the static directory and module timing we need.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import threading
from collections.abc import Coroutine
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

from tests.service_api.harness import Election, modules
from voting_engine.client import ApiClient
from voting_engine.demo_data import demo_manifest
from voting_engine.http.app import Settings
from voting_engine.http.auth import create_token
from voting_engine.http.server import start_server
from voting_engine.trustee.ceremony_client import TrusteeTool
from voting_engine.trustee.vault import FAST_FOR_TESTS

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"
DIST = WEB / "dist"
CHROMIUM = Path(os.environ.get("PBVOTE_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
T = TypeVar("T")


class LoopThread:
    """An asyncio event loop in a daemon thread; ``run(coro)`` waits for the result."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="web-test-loop", daemon=True)
        self.thread.start()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 120) -> T:
        future: Future[T] = asyncio.run_coroutine_threadsafe(coro, self.loop)
        return future.result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


def _newest_source_mtime() -> float:
    paths = [WEB / "package.json", WEB / "package-lock.json", WEB / "vite.config.js", *WEB.glob("*.html")]
    paths += [p for p in (WEB / "src").rglob("*") if p.is_file()]
    return max(p.stat().st_mtime for p in paths if p.exists())


def build_web() -> Path:
    """Run scripts/build-web.sh when web/dist is missing or older than the sources."""
    index = DIST / "index.html"
    if not index.exists() or index.stat().st_mtime < _newest_source_mtime():
        subprocess.run(["bash", str(ROOT / "scripts" / "build-web.sh")], check=True, cwd=ROOT)
    return DIST


async def setup_web_election(
    database_url: str,
    tmp: Path,
    *,
    committee: int = 4,
    public: int = 0,
    manifest: dict[str, Any] | None = None,
    min_seconds: dict[str, int] | None = None,
    education: list[dict[str, Any]] | None = None,
) -> Election:
    """``tests.service_api.harness.setup_election`` with ``Settings(static_dir=web/dist)``.

    ``min_seconds`` sets a study time per sample module id (the harness's default is 0);
    ``education`` replaces the sample modules altogether.
    """
    server = await start_server(Settings(database_url=database_url, rate_limits=False, static_dir=DIST))
    svc = server.service
    admin = await create_token(svc, "admin", "web test admin")
    registrar = await create_token(svc, "registrar", "web test registrar")
    api = await ApiClient(server.url, admin).__aenter__()
    data = manifest or demo_manifest("web-election")
    mods = education if education is not None else modules(0)
    for module in mods:
        module["min_seconds"] = (min_seconds or {}).get(module["id"], module.get("min_seconds", 0))
    await api.post("/api/v1/elections", {"manifest": data, "education_modules": mods})
    election_id = data["election_id"]
    tools = []
    for i in range(1, data["trustees"]["n"] + 1):
        token = await create_token(svc, "trustee", f"trustee {i}", i)
        tools.append(
            TrusteeTool(ApiClient(server.url, token, api._session), election_id, i, tmp / f"trustee-{i}.vault",
                        f"passphrase {i}", FAST_FOR_TESTS)
        )
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


async def tally(e: Election, stage: str, trustees: tuple[int, ...] = (1, 2, 3)) -> dict[str, Any]:
    """Close (if open), let trustees decrypt, finalise."""
    info = await e.api.get(f"{e.prefix}/stages/{stage}")
    if info["status"] == "open":
        await e.api.post(f"{e.prefix}/stages/{stage}/close")
    for index in trustees:
        await e.trustees[index - 1].decrypt(stage)
    result: dict[str, Any] = await e.api.post(f"{e.prefix}/stages/{stage}/tally")
    return result


def small_manifest(election_id: str) -> dict[str, Any]:
    """Four projects and one stage per remaining scheme (score, ranking, cumulative, yes/no/abstain)."""
    data = demo_manifest(election_id)
    data["projects"] = data["projects"][:4]
    window = {"opens_at": data["stages"][0]["opens_at"], "closes_at": data["stages"][0]["closes_at"]}
    common = {**window, "groups": ["committee"], "education": [], "revote": "last", "candidates": {"rule": "fixed"}}
    data["stages"] = [
        {"id": "score", "title": {"ko": "점수 투표", "en": "Score vote"}, "scheme": "score",
         "params": {"max_score": 3}, **common},
        {"id": "ranking", "title": {"ko": "순위 투표", "en": "Ranked vote"}, "scheme": "ranking",
         "params": {"max_rank": 3, "min_rank": 1}, **common},
        {"id": "cumulative", "title": {"ko": "점수 나누기", "en": "Points vote"}, "scheme": "cumulative",
         "params": {"points": 5, "max_per_project": 3}, **common},
        {"id": "yna", "title": {"ko": "찬반 투표", "en": "Yes/no vote"}, "scheme": "yes_no_abstain",
         "params": {}, **common},
    ]
    data["groups"] = [{"id": "committee", "weight": 100}]
    data["final_ranking"] = {"sources": [{"group": "committee", "stage": "score"}]}
    data["education"] = []
    return data


__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "DIST", "ROOT", "SCREENSHOTS", "WEB", "LoopThread", "build_web",
           "setup_web_election", "small_manifest", "tally"]
