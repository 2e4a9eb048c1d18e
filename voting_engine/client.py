"""An HTTP client for the API, used by the CLI, the trustee tool, the demo and the tests.

The voter side (``VoterDevice``) does what a voter's browser does: derive the key from the code,
sign the server's challenge, encrypt, prove and sign ballots locally.  The code never leaves it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import aiohttp

from ballot_schemes import Opening
from voting_engine.core.context import ElectionContext
from voting_engine.core.credentials import derive_signing_key, sign_challenge
from voting_engine.core.encoding import b64decode, b64encode
from voting_engine.core.group import Point
from voting_engine.domain.ballot import seal
from voting_engine.domain.manifest import scheme_for


class ApiError(Exception):
    """A 4xx/5xx answer: ``status``, ``code`` and the JSON body."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(f"{status} {body.get('error')}: {body.get('message')}")
        self.status = status
        self.code = str(body.get("error"))
        self.body = body


class ApiClient:
    def __init__(self, base_url: str, token: str | None = None, session: aiohttp.ClientSession | None = None) -> None:
        self.base = base_url.rstrip("/")
        self.token = token
        self._session = session
        self._own = session is None

    async def __aenter__(self) -> ApiClient:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=600))
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._own and self._session is not None:
            await self._session.close()

    async def request(self, method: str, path: str, *, json_body: Any = None, data: bytes | str | None = None,
                      token: str | None = None, raw: bool = False) -> Any:
        assert self._session is not None, "use 'async with ApiClient(...)'"
        headers = {}
        bearer = token or self.token
        if bearer:
            headers["Authorization"] = f"Bearer {bearer}"
        async with self._session.request(method, self.base + path, json=json_body, data=data,
                                         headers=headers) as response:
            body = await response.read()
            if response.status >= 400:
                try:
                    parsed = json.loads(body)
                except ValueError:
                    parsed = {"error": "http_error", "message": body.decode(errors="replace")[:200]}
                raise ApiError(response.status, parsed)
            if raw:
                return body
            return json.loads(body) if body else None

    async def get(self, path: str, **kw: Any) -> Any:
        return await self.request("GET", path, **kw)

    async def post(self, path: str, body: Any = None, **kw: Any) -> Any:
        return await self.request("POST", path, json_body=body, **kw)


class VoterDevice:
    """The voter's side: holds the code, signs in, encrypts and signs ballots locally."""

    def __init__(self, api: ApiClient, election_id: str, code: str, token: str | None = None) -> None:
        self.api = api
        self.election_id = election_id
        self.code = code
        self.key = derive_signing_key(code)
        self.credential = b64encode(bytes(self.key.verify_key))
        self.token = token  # the session token, once signed in
        self._stages: dict[str, tuple[Any, ElectionContext]] = {}

    @property
    def prefix(self) -> str:
        return f"/api/v1/elections/{self.election_id}"

    async def sign_in(self) -> dict[str, Any]:
        challenge = await self.api.post(self.prefix + "/signin/challenge")
        nonce = b64decode(challenge["nonce"], 32)
        signature = sign_challenge(self.key, nonce, self.election_id)
        result: dict[str, Any] = await self.api.post(self.prefix + "/signin", {
            "credential": self.credential, "nonce": challenge["nonce"], "signature": b64encode(signature)})
        self.token = result["token"]
        return result

    async def stage(self, stage_id: str) -> tuple[Any, ElectionContext]:
        if stage_id not in self._stages:
            info = await self.api.get(f"{self.prefix}/stages/{stage_id}")
            context = ElectionContext(self.election_id, stage_id, b64decode(info["manifest_hash"], 32),
                                      Point.from_bytes(b64decode(info["joint_public_key"], 32)),
                                      b64decode(info["stage_hash"], 32))
            self._stages[stage_id] = (scheme_for(info["definition"]), context)
        return self._stages[stage_id]

    async def seal(self, stage_id: str, choice: Mapping[str, Any]) -> tuple[dict[str, Any], Opening]:
        scheme, context = await self.stage(stage_id)
        envelope, opening, _ = seal(scheme, context, self.key, choice)
        return envelope, opening

    async def cast(self, stage_id: str, envelope: Mapping[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = await self.api.post(f"{self.prefix}/stages/{stage_id}/ballots", envelope,
                                                     token=self.token)
        return result

    async def vote(self, stage_id: str, choice: Mapping[str, Any]) -> dict[str, Any]:
        envelope, _ = await self.seal(stage_id, choice)
        return await self.cast(stage_id, envelope)

    async def audit(self, stage_id: str, envelope: Mapping[str, Any], opening: Opening) -> dict[str, Any]:
        body = {"ballot": envelope, "opening": {"vector": list(opening.vector),
                                                "nonces": [b64encode(n.to_bytes()) for n in opening.nonces]}}
        result: dict[str, Any] = await self.api.post(f"{self.prefix}/stages/{stage_id}/audits", body)
        return result

    async def start_module(self, module_id: str) -> Any:
        return await self.api.post(f"{self.prefix}/education/{module_id}/start", token=self.token)

    async def answer_quiz(self, module_id: str, answers: Mapping[str, list[str]]) -> Any:
        return await self.api.post(f"{self.prefix}/education/{module_id}/quiz", {"answers": dict(answers)},
                                   token=self.token)
