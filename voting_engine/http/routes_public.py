"""Public routes: election and stage information, the boards, receipts, results, the record."""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from pathlib import Path

from aiohttp import web
from sqlalchemy import select

from voting_engine.core.encoding import b64encode
from voting_engine.http.app import SERVICE
from voting_engine.http.openapi import openapi_document
from voting_engine.service import casting, education, tally
from voting_engine.service.errors import ServiceError
from voting_engine.storage.models import BoardEntryRow, Stage

routes = web.RouteTableDef()
API = "/api/v1"


@routes.get(API + "/health")
async def health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


@routes.get(API + "/openapi.json")
async def openapi(request: web.Request) -> web.Response:
    return web.json_response(openapi_document())


@routes.get(API + "/elections/{election}")
async def election_info(request: web.Request) -> web.Response:
    svc = request.app[SERVICE]
    election_id = request.match_info["election"]
    async with svc.factory() as session:
        election = await svc.election(session, election_id)
        manifest = await svc.manifest(session, election_id)
        stages = (
            (await session.execute(select(Stage).where(Stage.election_id == election_id).order_by(Stage.ordinal)))
            .scalars()
            .all()
        )
    return web.json_response(
        {
            "election_id": election_id,
            "status": election.status,
            "manifest": manifest.to_json(),
            "manifest_hash": election.manifest_hash,
            "joint_public_key": election.joint_key,
            "board_key": b64encode(await svc.board_key_public(election_id)),
            "stages": [{"id": s.id, "status": s.status, "board_size": s.board_size} for s in stages],
        }
    )


@routes.get(API + "/elections/{election}/stages/{stage}")
async def stage_info(request: web.Request) -> web.Response:
    """Everything a voter's device needs to encrypt for this stage."""
    svc = request.app[SERVICE]
    election_id, stage_id = request.match_info["election"], request.match_info["stage"]
    async with svc.factory() as session:
        election = await svc.election(session, election_id)
        stage = await svc.stage_row(session, election_id, stage_id)
        manifest = await svc.manifest(session, election_id)
    spec = manifest.stage(stage_id)
    return web.json_response(
        {
            "election_id": election_id,
            "stage_id": stage_id,
            "status": stage.status,
            "definition": json.loads(stage.definition_json) if stage.definition_json else None,
            "stage_hash": stage.stage_hash,
            "context_hash": stage.context_hash,
            "manifest_hash": election.manifest_hash,
            "joint_public_key": election.joint_key,
            "education": list(spec.education),
            "opens_at": spec.opens_at,
            "closes_at": spec.closes_at,
            "board_size": stage.board_size,
        }
    )


@routes.get(API + "/elections/{election}/stages/{stage}/board")
async def board(request: web.Request) -> web.Response:
    svc = request.app[SERVICE]
    election_id, stage_id = request.match_info["election"], request.match_info["stage"]
    try:
        start = int(request.query.get("from", "0"))
        limit = min(1000, int(request.query.get("limit", "100")))
    except ValueError as exc:
        raise ServiceError("bad_query", "from and limit are integers") from exc
    async with svc.factory() as session:
        await svc.stage_row(session, election_id, stage_id)
        rows = (
            await session.execute(
                select(BoardEntryRow)
                .where(
                    BoardEntryRow.election_id == election_id,
                    BoardEntryRow.stage_id == stage_id,
                    BoardEntryRow.position >= start,
                )
                .order_by(BoardEntryRow.position)
                .limit(limit)
            )
        ).scalars()
        entries = [
            {"position": r.position, "tracking_hash": r.tracking, "chain": r.chain, "ballot": json.loads(r.envelope)}
            for r in rows
        ]
    return web.json_response({"entries": entries, "head": await casting.board_head(svc, election_id, stage_id)})


@routes.get(API + "/elections/{election}/stages/{stage}/board/head")
async def board_head(request: web.Request) -> web.Response:
    svc = request.app[SERVICE]
    return web.json_response(await casting.board_head(svc, request.match_info["election"], request.match_info["stage"]))


@routes.get(API + "/elections/{election}/stages/{stage}/board/inclusion")
async def inclusion(request: web.Request) -> web.Response:
    svc = request.app[SERVICE]
    try:
        position, size = int(request.query["position"]), int(request.query["tree_size"])
    except (KeyError, ValueError) as exc:
        raise ServiceError("bad_query", "position and tree_size are required integers") from exc
    proof = await casting.inclusion(svc, request.match_info["election"], request.match_info["stage"], position, size)
    return web.json_response({"position": position, "tree_size": size, "inclusion_proof": proof})


@routes.get(API + "/elections/{election}/stages/{stage}/receipts/{tracking}")
async def receipt(request: web.Request) -> web.Response:
    svc = request.app[SERVICE]
    m = request.match_info
    return web.json_response(await casting.find_receipt(svc, m["election"], m["stage"], m["tracking"]))


@routes.get(API + "/elections/{election}/results")
async def results(request: web.Request) -> web.Response:
    svc = request.app[SERVICE]
    return web.json_response(await tally.final_results(svc, request.match_info["election"]))


@routes.get(API + "/elections/{election}/education")
async def modules(request: web.Request) -> web.Response:
    svc = request.app[SERVICE]
    lang = request.query.get("lang", "ko")
    return web.json_response({"modules": await education.list_modules(svc, request.match_info["election"], lang)})


@routes.get(API + "/elections/{election}/record.zip")
async def record_zip(request: web.Request) -> web.Response:
    """The election record as a zip archive (verify it with ``python -m verifier``)."""
    from voting_engine.service.record_export import export_record

    svc = request.app[SERVICE]
    election_id = request.match_info["election"]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "record"
        await export_record(svc, election_id, out)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(out.rglob("*")):
                if path.is_file():
                    archive.write(path, path.relative_to(out).as_posix())
    return web.Response(
        body=buffer.getvalue(),
        content_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{election_id}-record.zip"'},
    )


_VERIFICATION_CACHE: dict[tuple[str, str], dict[str, object]] = {}


@routes.get(API + "/elections/{election}/verification")
async def verification(request: web.Request) -> web.Response:
    """Export the record and run the independent verifier on it in a separate process.

    The verifier shares no code with the engine; running it here only saves visitors a step, and
    anyone can repeat it on the downloaded record.  Results are cached until a board changes.
    """
    import asyncio
    import sys

    from voting_engine.service.record_export import export_record

    svc = request.app[SERVICE]
    election_id = request.match_info["election"]
    async with svc.factory() as session:
        await svc.election(session, election_id)
        stages = (await session.execute(select(Stage).where(Stage.election_id == election_id)
                                        .order_by(Stage.ordinal))).scalars().all()
    state = ";".join(f"{s.id}:{s.status}:{s.board_size}" for s in stages)
    cached = _VERIFICATION_CACHE.get((election_id, state))
    if cached is not None:
        return web.json_response(cached)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "record"
        await export_record(svc, election_id, out)
        report_path = Path(tmp) / "report.json"
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "verifier", str(out), "--json", str(report_path),
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
        await process.wait()
        if not report_path.exists():
            raise ServiceError("verifier_failed", "the verifier did not produce a report", 503)
        report = json.loads(report_path.read_text("utf-8"))
    summary = {"ok": bool(report.get("ok")), "state": state,
               "checks": [{k: c.get(k) for k in ("id", "name", "checked", "failed")} for c in report.get("checks", [])]}
    _VERIFICATION_CACHE[(election_id, state)] = summary
    return web.json_response(summary)
