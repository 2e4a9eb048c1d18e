"""Committee sortition through the admin API: draw, verify, and turn the panel into the committee roll.

The solver runs in a worker thread (HiGHS releases the GIL), so the event loop keeps serving.
Inputs are the same files the CLI takes, sent as text in JSON: the pool CSV, the quota CSV, the
seats, the public seed, reserved seats and the algorithm.
"""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from voting_engine.http.app import SERVICE
from voting_engine.http.auth import principal
from voting_engine.http.errors import read_json, require
from voting_engine.service.errors import ServiceError

routes = web.RouteTableDef()


def _draw(body: dict[str, Any]) -> tuple[dict[str, Any], str]:
    from voting_engine.sortition.engine import run_draw
    from voting_engine.sortition.inputs import build_problem, parse_reservation
    from voting_engine.sortition.loader import pool_from_bytes, quotas_from_bytes
    from voting_engine.sortition.model import SortitionError
    from voting_engine.sortition.roll import committee_roll, roll_csv

    try:
        seats = int(body["seats"])
        pool = pool_from_bytes(str(body["pool_csv"]).encode("utf-8"), str(body.get("id_column", "id")),
                               [str(c) for c in body.get("household_columns", [])])
        quotas = quotas_from_bytes(str(body["quotas_csv"]).encode("utf-8"), seats)
        reserved = [parse_reservation(str(r)) for r in body.get("reserved", [])]
        problem = build_problem(pool, quotas, seats, reserved)
        result = run_draw(problem, str(body["seed"]), str(body.get("algorithm", "maximin")))
        roll = roll_csv(committee_roll(pool, result.selected, body.get("roll_mapping") or None))
    except SortitionError as exc:
        raise ServiceError(exc.code, exc.message, 400, **exc.details) from exc
    except (TypeError, ValueError) as exc:
        raise ServiceError("schema", f"bad sortition request: {exc}") from exc
    return result.report, roll


@routes.post("/api/v1/sortition/draw")
async def draw(request: web.Request) -> web.Response:
    """Draw a panel; with ``election`` given, import it as that election's committee roll."""
    svc = request.app[SERVICE]
    await principal(svc, request, "admin")
    body = await read_json(request)
    require(body, "pool_csv", "quotas_csv", "seats", "seed")
    report, roll = await asyncio.get_running_loop().run_in_executor(None, _draw, body)
    answer: dict[str, Any] = {"report": report, "roll_csv": roll}
    if body.get("election"):
        from voting_engine.service.registrar import import_roll

        answer["imported"] = await import_roll(svc, str(body["election"]), roll)
    return web.json_response(answer, status=201)


@routes.post("/api/v1/sortition/verify")
async def verify(request: web.Request) -> web.Response:
    """Re-run a published draw from the same inputs and seed; ``ok`` says whether the reports agree."""
    svc = request.app[SERVICE]
    await principal(svc, request, "admin")
    body = await read_json(request)
    require(body, "pool_csv", "quotas_csv", "seats", "seed", "report")
    report, _ = await asyncio.get_running_loop().run_in_executor(None, _draw, body)
    from voting_engine.sortition.report import compare_reports

    problems = compare_reports(body["report"] if isinstance(body["report"], dict) else {}, report)
    return web.json_response({"ok": not problems, "problems": problems, "report": report})
