"""Helpers shared by the CLI commands: server URL and token options, running coroutines, output."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from voting_engine.client import ApiClient, ApiError

DEFAULT_SERVER = "http://127.0.0.1:8080"


def add_server_options(parser: argparse.ArgumentParser, token_env: str = "PBVOTE_TOKEN") -> None:
    parser.add_argument("--server", default=os.environ.get("PBVOTE_SERVER", DEFAULT_SERVER),
                        help="base URL of the service (env PBVOTE_SERVER)")
    parser.add_argument("--token", default=os.environ.get(token_env), help=f"API token (env {token_env})")


def run(coro_factory: Callable[[ApiClient], Awaitable[Any]], args: argparse.Namespace) -> int:
    """Run one API interaction; print JSON results; API errors go to stderr with exit 2."""

    async def go() -> Any:
        async with ApiClient(args.server, args.token) as api:
            return await coro_factory(api)

    try:
        result = asyncio.run(go())
    except ApiError as exc:
        print(f"error [{exc.code}]: {exc.body.get('message')}", file=sys.stderr)
        return 2
    if result is not None:
        print(json.dumps(result, indent=2, ensure_ascii=False) if not isinstance(result, str) else result)
    return 0


def load_document(path: str) -> Any:
    """A JSON or YAML document (by extension)."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    if path.endswith((".yaml", ".yml")):
        import yaml

        return yaml.safe_load(text)
    return json.loads(text)
