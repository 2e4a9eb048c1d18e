"""Administrator, registrar and trustee routes (API tokens with roles)."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from sqlalchemy import func, select

from voting_engine.http.app import SERVICE
from voting_engine.http.auth import principal
from voting_engine.http.errors import read_json, require
from voting_engine.service import admin, education, registrar, tally
from voting_engine.service.errors import ServiceError
from voting_engine.storage.models import BoardEntryRow, Credential, Stage

routes = web.RouteTableDef()
API = "/api/v1/elections"


@routes.post(API)
async def create_election(request: web.Request) -> web.Response:
    await principal(request.app[SERVICE], request, "admin")
    body = await read_json(request)
    require(body, "manifest")
    return web.json_response(
        await admin.create_election(request.app[SERVICE], body["manifest"], body.get("education_modules")), status=201
    )


@routes.post(API + "/{election}/stages/{stage}/{action:open|close|tally}")
async def stage_action(request: web.Request) -> web.Response:
    svc = request.app[SERVICE]
    await principal(svc, request, "admin")
    m = request.match_info
    if m["action"] == "open":
        return web.json_response(await admin.open_stage(svc, m["election"], m["stage"]))
    if m["action"] == "close":
        result = await admin.close_stage(svc, m["election"], m["stage"])
        await tally.prepare_tally(svc, m["election"], m["stage"])
        return web.json_response(result)
    return web.json_response(await tally.finalize_tally(svc, m["election"], m["stage"]))


@routes.get(API + "/{election}/turnout")
async def turnout(request: web.Request) -> web.Response:
    """Live turnout per stage and voter group: distinct credentials on the board over roll size."""
    svc = request.app[SERVICE]
    await principal(svc, request, "admin")
    election_id = request.match_info["election"]
    async with svc.factory() as session:
        roll = dict(
            (
                await session.execute(
                    select(Credential.group, func.count())
                    .where(Credential.election_id == election_id, Credential.revoked.is_(False))
                    .group_by(Credential.group)
                )
            ).all()
        )
        stages = (
            (await session.execute(select(Stage).where(Stage.election_id == election_id).order_by(Stage.ordinal)))
            .scalars()
            .all()
        )
        out: list[dict[str, Any]] = []
        for stage in stages:
            voted = dict(
                (
                    await session.execute(
                        select(Credential.group, func.count(func.distinct(BoardEntryRow.credential)))
                        .join(
                            Credential,
                            (Credential.election_id == BoardEntryRow.election_id)
                            & (Credential.public == BoardEntryRow.credential),
                        )
                        .where(BoardEntryRow.election_id == election_id, BoardEntryRow.stage_id == stage.id)
                        .group_by(Credential.group)
                    )
                ).all()
            )
            out.append(
                {
                    "stage": stage.id,
                    "status": stage.status,
                    "ballots": stage.board_size,
                    "voters": {g: int(voted.get(g, 0)) for g in roll},
                    "roll": {g: int(n) for g, n in roll.items()},
                }
            )
    return web.json_response({"stages": out})


@routes.post(API + "/{election}/invitations")
async def invitations(request: web.Request) -> web.Response:
    svc = request.app[SERVICE]
    await principal(svc, request, "admin", "registrar")
    body = await read_json(request)
    require(body, "group", "count")
    if not isinstance(body["count"], int):
        raise ServiceError("schema", "count is an integer")
    codes = await registrar.create_invitations(svc, request.match_info["election"], str(body["group"]), body["count"])
    return web.json_response({"invitations": codes}, status=201)


@routes.post(API + "/{election}/education/{module}/completions")
async def in_person(request: web.Request) -> web.Response:
    svc = request.app[SERVICE]
    who = await principal(svc, request, "admin", "registrar")
    body = await read_json(request)
    require(body, "credential")
    m = request.match_info
    return web.json_response(
        await education.record_completion(svc, m["election"], str(body["credential"]), m["module"], who.name),
        status=201,
    )


# -- registrar ------------------------------------------------------------------------------
@routes.post(API + "/{election}/roll")
async def roll(request: web.Request) -> web.Response:
    svc = request.app[SERVICE]
    await principal(svc, request, "registrar")
    text = (await request.read()).decode("utf-8-sig", errors="strict")
    return web.json_response(await registrar.import_roll(svc, request.match_info["election"], text), status=201)


@routes.post(API + "/{election}/credentials/issue")
async def issue(request: web.Request) -> web.Response:
    """Issue credentials; the secret codes appear only in this response (CSV, HTML or PDF)."""
    from voting_engine.http.sheets import render_issued

    svc = request.app[SERVICE]
    await principal(svc, request, "registrar")
    body = await read_json(request)
    fmt = str(body.get("format", "csv")) if isinstance(body, dict) else "csv"
    election_id = request.match_info["election"]
    issued = await registrar.issue_credentials(svc, election_id, body.get("group") if isinstance(body, dict) else None)
    return await render_issued(request, svc, election_id, issued, fmt, str(body.get("voting_url", "")))


@routes.post(API + "/{election}/credentials/reissue")
async def reissue(request: web.Request) -> web.Response:
    from voting_engine.http.sheets import render_issued

    svc = request.app[SERVICE]
    await principal(svc, request, "registrar")
    body = await read_json(request)
    require(body, "person_id")
    election_id = request.match_info["election"]
    issued = await registrar.revoke_and_reissue(svc, election_id, str(body["person_id"]))
    return await render_issued(
        request, svc, election_id, [issued], str(body.get("format", "csv")), str(body.get("voting_url", ""))
    )


@routes.post(API + "/{election}/credentials/revoke")
async def revoke(request: web.Request) -> web.Response:
    svc = request.app[SERVICE]
    await principal(svc, request, "registrar")
    body = await read_json(request)
    require(body, "credential")
    await registrar.revoke_public(svc, request.match_info["election"], str(body["credential"]))
    return web.json_response({"revoked": body["credential"]})


# -- trustees -------------------------------------------------------------------------------
async def _trustee(request: web.Request) -> int:
    who = await principal(request.app[SERVICE], request, "trustee")
    if who.role != "trustee" or who.trustee_index is None:
        raise ServiceError("forbidden", "only a trustee's own token can act as that trustee", 403)
    return who.trustee_index


@routes.get(API + "/{election}/ceremony")
async def ceremony(request: web.Request) -> web.Response:
    return web.json_response(await admin.ceremony_status(request.app[SERVICE], request.match_info["election"]))


@routes.get(API + "/{election}/ceremony/{kind:announcement|share|confirmation}")
async def ceremony_list(request: web.Request) -> web.Response:
    svc = request.app[SERVICE]
    m = request.match_info
    recipient = 0
    if m["kind"] == "share":
        recipient = await _trustee(request)  # shares are only handed to their recipient
    return web.json_response({"messages": await admin.ceremony_messages(svc, m["election"], m["kind"], recipient)})


@routes.post(API + "/{election}/ceremony/{kind:announcement|share|confirmation}")
async def ceremony_post(request: web.Request) -> web.Response:
    index = await _trustee(request)
    body = await read_json(request)
    m = request.match_info
    recipient = int(body.get("recipient", 0)) if m["kind"] == "share" and isinstance(body, dict) else 0
    await admin.post_ceremony_message(request.app[SERVICE], m["election"], m["kind"], index, body, recipient)
    return web.json_response({"accepted": True}, status=201)


@routes.get(API + "/{election}/stages/{stage}/tally")
async def encrypted_tally(request: web.Request) -> web.Response:
    m = request.match_info
    return web.json_response(await tally.prepare_tally(request.app[SERVICE], m["election"], m["stage"]))


@routes.post(API + "/{election}/stages/{stage}/partials")
async def partials(request: web.Request) -> web.Response:
    index = await _trustee(request)
    body = await read_json(request)
    m = request.match_info
    return web.json_response(
        await tally.post_partial(request.app[SERVICE], m["election"], m["stage"], index, body), status=201
    )
