"""Voter routes: sign-in by challenge signature, self-service issuance, budget school, casting."""

from __future__ import annotations

from aiohttp import web

from voting_engine.core.encoding import b64decode
from voting_engine.http.app import LIMITS, SERVICE
from voting_engine.http.auth import bearer
from voting_engine.http.errors import read_json, require
from voting_engine.service import casting, education, registrar, sessions

routes = web.RouteTableDef()
API = "/api/v1/elections/{election}"


def _client(request: web.Request) -> str:
    return request.remote or "unknown"


async def _voter(request: web.Request) -> str:
    svc = request.app[SERVICE]
    return await sessions.session_credential(svc, request.match_info["election"], bearer(request))


@routes.post(API + "/signin/challenge")
async def challenge(request: web.Request) -> web.Response:
    request.app[LIMITS].check(_client(request))
    return web.json_response(await sessions.new_challenge(request.app[SERVICE], request.match_info["election"]))


@routes.post(API + "/signin")
async def signin(request: web.Request) -> web.Response:
    body = await read_json(request)
    require(body, "credential", "nonce", "signature")
    request.app[LIMITS].check(_client(request), str(body["credential"]))
    result = await sessions.sign_in(
        request.app[SERVICE], request.match_info["election"], body["credential"], body["nonce"], body["signature"]
    )
    return web.json_response(result)


@routes.post(API + "/register")
async def register(request: web.Request) -> web.Response:
    body = await read_json(request)
    require(body, "invitation", "credential")
    request.app[LIMITS].check(_client(request))
    result = await registrar.self_register(
        request.app[SERVICE], request.match_info["election"], str(body["invitation"]), str(body["credential"])
    )
    return web.json_response(result, status=201)


@routes.get(API + "/me")
async def me(request: web.Request) -> web.Response:
    credential = await _voter(request)
    svc = request.app[SERVICE]
    election_id = request.match_info["election"]
    progress = await education.progress_of(svc, election_id, credential)
    return web.json_response({"credential": credential, "education": progress})


@routes.post(API + "/education/{module}/start")
async def start_module(request: web.Request) -> web.Response:
    credential = await _voter(request)
    m = request.match_info
    return web.json_response(await education.start_module(request.app[SERVICE], m["election"], credential, m["module"]))


@routes.post(API + "/education/{module}/quiz")
async def quiz(request: web.Request) -> web.Response:
    credential = await _voter(request)
    body = await read_json(request)
    require(body, "answers")
    m = request.match_info
    result = await education.answer_quiz(
        request.app[SERVICE], m["election"], credential, m["module"], body["answers"], str(body.get("lang", "ko"))
    )
    return web.json_response(result)


@routes.post(API + "/stages/{stage}/ballots")
async def cast(request: web.Request) -> web.Response:
    credential = await _voter(request)
    request.app[LIMITS].check(_client(request), credential)
    body = await read_json(request)
    m = request.match_info
    receipt = await casting.cast(request.app[SERVICE], m["election"], m["stage"], body, b64decode(credential, 32))
    return web.json_response(receipt, status=201)


@routes.post(API + "/stages/{stage}/audits")
async def audit(request: web.Request) -> web.Response:
    body = await read_json(request)
    require(body, "ballot", "opening")
    request.app[LIMITS].check(_client(request))
    m = request.match_info
    result = await casting.audit_ballot(
        request.app[SERVICE], m["election"], m["stage"], body["ballot"], body["opening"]
    )
    return web.json_response(result, status=201)
