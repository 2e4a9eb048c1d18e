"""The aiohttp application: ``init_app`` wires storage, service context, limits and routes."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from voting_engine.http.errors import json_errors
from voting_engine.http.ratelimit import RateLimits, TokenBuckets
from voting_engine.service import verification
from voting_engine.service.context import ServiceContext
from voting_engine.service.scheduler import run_scheduler
from voting_engine.storage.db import DEFAULT_URL, create_schema, make_engine, sessionmaker


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_URL
    create_schema: bool = True
    static_dir: Path | None = None
    rate_limits: bool = True
    client_rate: float = 20.0
    client_burst: int = 200
    credential_rate: float = 1.0
    credential_burst: int = 60


SETTINGS = web.AppKey("settings", Settings)
SERVICE = web.AppKey("service", ServiceContext)
LIMITS = web.AppKey("limits", RateLimits)


async def _storage(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    engine = make_engine(settings.database_url)
    if settings.create_schema:
        await create_schema(engine)
    app[SERVICE] = ServiceContext(sessionmaker(engine))
    verification.warm_up()
    task = asyncio.create_task(run_scheduler(app[SERVICE]))
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    await engine.dispose()


def init_app(settings: Settings | None = None) -> web.Application:
    """Build the application; the database is opened on startup and closed on cleanup."""
    from voting_engine.http import routes_admin, routes_public, routes_sortition, routes_voter

    app = web.Application(middlewares=[json_errors], client_max_size=8 * 1024 * 1024)
    app[SETTINGS] = settings or Settings()
    cfg = app[SETTINGS]
    per_client = TokenBuckets(cfg.client_rate, cfg.client_burst)
    per_credential = TokenBuckets(cfg.credential_rate, cfg.credential_burst)
    app[LIMITS] = RateLimits(per_client, per_credential) if cfg.rate_limits else RateLimits.unlimited()
    app.cleanup_ctx.append(_storage)
    app.add_routes(routes_public.routes)
    app.add_routes(routes_voter.routes)
    app.add_routes(routes_admin.routes)
    app.add_routes(routes_sortition.routes)
    static = app[SETTINGS].static_dir
    if static is not None and static.is_dir():
        app.router.add_static("/app/", static, name="static")
    return app
