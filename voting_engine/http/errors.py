"""Every rejected request answers JSON ``{"error": code, "message": ...}`` with a 4xx status.

The middleware maps service errors, malformed JSON and aiohttp's own HTTP errors to that shape;
an unexpected exception is logged and answered as ``internal_error`` without details.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from voting_engine.service.errors import ServiceError

log = logging.getLogger("voting_engine.http")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def error_response(status: int, code: str, message: str, **details: Any) -> web.Response:
    headers = {}
    if "retry_after" in details:
        headers["Retry-After"] = str(details["retry_after"])
    return web.json_response({"error": code, "message": message, **details}, status=status, headers=headers)


@web.middleware
async def json_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except ServiceError as exc:
        return error_response(exc.status, exc.code, exc.message, **exc.details)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        code = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}.get(exc.status, "http_error")
        return error_response(exc.status, code, exc.reason)
    except Exception:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500, "internal_error", "unexpected server error; nothing was recorded")


async def read_json(request: web.Request) -> Any:
    """The request body as JSON, or a 400 ``bad_json``."""
    try:
        return await request.json(loads=json.loads)
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError) as exc:
        raise ServiceError("bad_json", f"the request body is not valid JSON: {exc}") from exc


def require(body: Any, *fields: str) -> None:
    if not isinstance(body, dict):
        raise ServiceError("schema", "the request body must be a JSON object")
    missing = [f for f in fields if f not in body]
    if missing:
        raise ServiceError("schema", f"missing field(s): {', '.join(missing)}")
