"""Running the application: ``voting-engine serve`` and an in-process server for demos and tests."""

from __future__ import annotations

import socket
from dataclasses import dataclass

from aiohttp import web

from voting_engine.http.app import SERVICE, Settings, init_app
from voting_engine.service.context import ServiceContext


@dataclass
class RunningServer:
    runner: web.AppRunner
    url: str
    app: web.Application

    @property
    def service(self) -> ServiceContext:
        return self.app[SERVICE]

    async def stop(self) -> None:
        await self.runner.cleanup()


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


async def start_server(settings: Settings, host: str = "127.0.0.1", port: int | None = None) -> RunningServer:
    """Start the app on a real loopback port (so clients speak real HTTP) and return its URL."""
    app = init_app(settings)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    chosen = port or free_port(host)
    site = web.TCPSite(runner, host, chosen, backlog=1024)
    await site.start()
    return RunningServer(runner, f"http://{host}:{chosen}", app)
