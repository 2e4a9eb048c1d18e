"""``voting-engine serve`` and ``voting-engine admin token`` (bootstrap tokens directly in the database)."""

from __future__ import annotations

import argparse
import asyncio
import os
from pathlib import Path

from voting_engine.storage.db import DEFAULT_URL


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = sub.add_parser("serve", help="run the HTTP service")
    serve.add_argument("--database", default=os.environ.get("PBVOTE_DATABASE", DEFAULT_URL),
                       help="sqlite:///file.db (default) or postgresql://user@host/db (env PBVOTE_DATABASE)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument("--static", default=None, help="directory of the built web client, served under /app/")
    serve.add_argument("--no-rate-limits", action="store_true", help="disable rate limits (load tests only)")
    serve.add_argument("--migrate", action="store_true",
                       help="run Alembic migrations instead of creating missing tables (PostgreSQL production)")
    serve.set_defaults(handler=_serve)

    migrate = sub.add_parser("migrate", help="upgrade the database schema with Alembic")
    migrate.add_argument("--database", default=os.environ.get("PBVOTE_DATABASE", DEFAULT_URL))
    migrate.set_defaults(handler=_migrate)


def _serve(args: argparse.Namespace) -> int:
    from aiohttp import web

    from voting_engine.http.app import Settings, init_app

    if args.migrate:
        _migrate(args)
    static = Path(args.static) if args.static else _default_static()
    settings = Settings(database_url=args.database, create_schema=not args.migrate, static_dir=static,
                        rate_limits=not args.no_rate_limits)
    web.run_app(init_app(settings), host=args.host, port=args.port)
    return 0


def _default_static() -> Path | None:
    candidate = Path(__file__).resolve().parents[2] / "web" / "dist"
    return candidate if candidate.is_dir() else None


def _migrate(args: argparse.Namespace) -> int:
    from voting_engine.storage.migrate import upgrade

    asyncio.run(upgrade(args.database))
    print(f"database {args.database} is at the latest schema revision")
    return 0
