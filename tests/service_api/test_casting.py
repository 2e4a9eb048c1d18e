"""Casting over HTTP against SQLite and PostgreSQL: each check answers its own error code, and a
rejected request leaves no row behind."""

from __future__ import annotations

import asyncio
import copy
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.service_api.harness import Election, setup_election
from voting_engine.client import ApiError
from voting_engine.core.encoding import b64decode, b64encode
from voting_engine.core.group import G
from voting_engine.storage.models import BoardEntryRow

pytestmark = pytest.mark.xdist_group("http")
STAGE = "shortlist"


async def board_rows(e: Election) -> int:
    async with e.server.service.factory() as session:
        return int((await session.execute(select(func.count()).select_from(BoardEntryRow))).scalar_one())


async def expect(code: str, status: int, coro: Any) -> dict[str, Any]:
    with pytest.raises(ApiError) as info:
        await coro
    assert info.value.code == code, info.value.body
    assert info.value.status == status
    assert "message" in info.value.body
    return info.value.body


async def scenario_checks(url: str, tmp: Path) -> None:
    e = await setup_election(url, tmp, committee=4)
    try:
        await e.api.post(f"{e.prefix}/stages/{STAGE}/open")
        alice, bob, carol, dave = (e.device(c) for c in e.codes["committee"])
        for d in (alice, bob, carol, dave):
            await d.sign_in()
        choice = {"approved": ["P01", "P02"]}
        envelope, _ = await alice.seal(STAGE, choice)
        # education gate first: 403 listing the missing modules in the stage's order
        body = await expect("education_required", 403, alice.cast(STAGE, envelope))
        assert body["missing_modules"] == ["budget-school-1"]
        # a malformed ballot is refused as such before every other check, whether or not the server has
        # started checking it in a worker (it has, once it knows the stage; not for a stage's first ballot)
        early = copy.deepcopy(envelope)
        early["choices"]["ciphertexts"][0][0] = b64encode(bytes([1]) + bytes(31))
        await expect("bad_point", 400, alice.cast(STAGE, early))
        e.server.service.stages.clear()
        await expect("bad_point", 400, alice.cast(STAGE, early))
        del early["choices"]["entry_proofs"]
        await expect("schema", 400, alice.cast(STAGE, early))
        assert await board_rows(e) == 0
        await e.school(alice)
        await e.school(bob)
        # no session → 401; a session of another credential → 403
        await expect("unauthenticated", 401, e.api.post(f"{e.prefix}/stages/{STAGE}/ballots", envelope))
        await expect("session_mismatch", 403, bob.cast(STAGE, envelope))
        # schema, bad JSON
        await expect("schema", 400, alice.cast(STAGE, {"version": 1}))
        await expect("bad_json", 400, e.api.request("POST", f"{e.prefix}/stages/{STAGE}/ballots", data=b"{nope",
                                                    token=alice.token))
        # a small-order point anywhere in the ballot
        bad = copy.deepcopy(envelope)
        bad["choices"]["ciphertexts"][0][0] = b64encode(bytes([1]) + bytes(31))
        await expect("bad_point", 400, alice.cast(STAGE, bad))
        # a ciphertext changed without re-signing → signature fails; re-signed but unproven → proof fails
        forged = copy.deepcopy(envelope)
        alpha = b64decode(forged["choices"]["ciphertexts"][0][0], 32)
        from voting_engine.core.group import Point

        forged["choices"]["ciphertexts"][0][0] = b64encode((Point.from_bytes(alpha) + G).to_bytes())
        await expect("bad_signature", 400, alice.cast(STAGE, forged))
        from voting_engine.core.credentials import sign_ballot
        from voting_engine.domain.ballot import envelope_tracking_hash

        forged["signature"] = b64encode(sign_ballot(alice.key, e.election_id, STAGE, envelope_tracking_hash(forged)))
        await expect("invalid_proof", 400, alice.cast(STAGE, forged))
        # a ballot for another stage
        elsewhere = copy.deepcopy(envelope)
        elsewhere["stage_id"] = "committee-vote"
        await expect("wrong_stage", 400, alice.cast(STAGE, elsewhere))
        assert await board_rows(e) == 0
        # the honest ballot, then the identical one again: same receipt, counted once
        receipt = await alice.cast(STAGE, envelope)
        again = await alice.cast(STAGE, envelope)
        assert receipt == again and receipt["position"] == 0
        assert await board_rows(e) == 1
        # replay: Bob copies Alice's ciphertexts into his own signed ballot → 409
        replay, _ = await bob.seal(STAGE, choice)
        replay["choices"] = copy.deepcopy(envelope["choices"])
        replay["signature"] = b64encode(sign_ballot(bob.key, e.election_id, STAGE, envelope_tracking_hash(replay)))
        await expect("replayed_ciphertext", 409, bob.cast(STAGE, replay))
        # an invalid plaintext is refused before encryption on the device
        from ballot_schemes import InvalidChoice

        with pytest.raises(InvalidChoice):
            await bob.seal(STAGE, {"approved": ["P01", "P02", "P03", "P04", "P05", "P06"]})
        # revoked credential → 403, nothing written
        await e.api.post(f"{e.prefix}/credentials/revoke", {"credential": carol.credential}, token=e.registrar)
        carol_ballot, _ = await carol.seal(STAGE, choice)
        await expect("revoked", 403, e.api.post(f"{e.prefix}/stages/{STAGE}/ballots", carol_ballot,
                                                token=carol.token))
        # the receipt is signed and its inclusion proof checks against its tree head
        from voting_engine.core.board import leaf_hash, verify_inclusion
        from voting_engine.domain.bulletin import leaf_data

        leaf = leaf_hash(leaf_data(0, b64decode(receipt["tracking_hash"], 32), b64decode(envelope["signature"], 64)))
        head = receipt["tree_head"]
        assert verify_inclusion(leaf, 0, head["tree_size"], [b64decode(h, 32) for h in receipt["inclusion_proof"]],
                                b64decode(head["root"], 32))
        # closing: no ballot afterwards
        await e.api.post(f"{e.prefix}/stages/{STAGE}/close")
        late, _ = await bob.seal(STAGE, choice)
        await expect("stage_not_open", 409, bob.cast(STAGE, late))
        assert await board_rows(e) == 1
        # admin routes need a token of the right role
        await expect("unauthenticated", 401, e.api.post(f"{e.prefix}/stages/committee-vote/open", token="nope"))
        await expect("unauthenticated", 401, e.api.post(f"{e.prefix}/roll", token=alice.token))
        await expect("forbidden", 403, e.api.post(f"{e.prefix}/roll", token=e.trustees[0].api.token))
        await expect("not_found", 404, e.api.get("/api/v1/elections/no-such-election"))
    finally:
        await e.close()


def test_cast_checks(database_url: str, tmp_path: Path) -> None:
    asyncio.run(scenario_checks(database_url, tmp_path))


async def open_with_policy(url: str, tmp: Path, name: str, policy: str, committee: int) -> Election:
    """An election whose first stage, open, counts a credential's ``policy`` ("last" or "first") ballot."""
    from voting_engine.demo_data import demo_manifest

    manifest = demo_manifest(f"{name}-{policy}")
    manifest["stages"][0]["revote"] = policy
    e = await setup_election(url, tmp, committee=committee, manifest=manifest)
    await e.api.post(f"{e.prefix}/stages/{STAGE}/open")
    return e


async def scenario_parallel(url: str, tmp: Path, policy: str) -> None:
    e = await open_with_policy(url, tmp, "parallel", policy, committee=1)
    try:
        voter = e.device(e.codes["committee"][0])
        await voter.sign_in()
        await e.school(voter)
        envelopes = [(await voter.seal(STAGE, {"approved": [f"P{i % 15 + 1:02d}"]}))[0] for i in range(50)]

        async def one(env: dict[str, Any]) -> str:
            try:
                await voter.cast(STAGE, env)
                return "ok"
            except ApiError as exc:
                return exc.code

        outcomes = await asyncio.gather(*(one(env) for env in envelopes))
        rows = await board_rows(e)
        if policy == "last":
            assert outcomes.count("ok") == 50 and rows == 50
        else:
            assert outcomes.count("ok") == 1 and rows == 1
            assert set(outcomes) == {"ok", "already_voted"}
        await e.api.post(f"{e.prefix}/stages/{STAGE}/close")
        for tool in e.trustees[:3]:
            await tool.decrypt(STAGE)
        tally = await e.api.post(f"{e.prefix}/stages/{STAGE}/tally")
        assert tally["groups"]["committee"]["ballots"] == 1
        assert sum(tally["groups"]["committee"]["totals"]) == 1
    finally:
        await e.close()


@pytest.mark.parametrize("policy", ["last", "first"])
def test_fifty_parallel_submissions(database_url: str, tmp_path: Path, policy: str) -> None:
    asyncio.run(scenario_parallel(database_url, tmp_path, policy))


async def scenario_rate_limit(url: str, tmp: Path) -> None:
    from voting_engine.http.app import Settings

    settings = Settings(database_url=url, client_rate=0.5, client_burst=400, credential_rate=0.5, credential_burst=3)
    e = await setup_election(url, tmp, committee=1, settings=settings)
    try:
        voter = e.device(e.codes["committee"][0])
        await voter.sign_in()
        statuses = []
        for _ in range(10):  # per credential: a burst of 3 sign-ins/casts, then 429
            try:
                await voter.sign_in()
                statuses.append(200)
            except ApiError as exc:
                statuses.append(exc.status)
                assert exc.code == "rate_limited"
                assert int(exc.body["retry_after"]) >= 1
                break
        assert statuses[-1] == 429
    finally:
        await e.close()


def test_rate_limit(sqlite_url: str, tmp_path: Path) -> None:
    asyncio.run(scenario_rate_limit(sqlite_url, tmp_path))


async def scenario_partial_school(url: str, tmp: Path) -> None:
    """A stage needing two modules: passing one is not enough, and the answer names exactly the other."""
    from tests.service_api.harness import answers
    from voting_engine.demo_data import demo_manifest

    manifest = demo_manifest("partial-school")
    manifest["stages"][0]["education"] = ["budget-school-2", "budget-school-1"]
    e = await setup_election(url, tmp, committee=2, manifest=manifest)
    try:
        await e.api.post(f"{e.prefix}/stages/{STAGE}/open")
        alice = e.device(e.codes["committee"][0])
        await alice.sign_in()
        module = next(m for m in e.modules if m["id"] == "budget-school-1")
        await alice.start_module(module["id"])
        await alice.answer_quiz(module["id"], answers(module))
        envelope, _ = await alice.seal(STAGE, {"approved": ["P01"]})
        for _ in range(2):  # with and without the stage's facts cached in the server process
            body = await expect("education_required", 403, alice.cast(STAGE, envelope))
            assert body["missing_modules"] == ["budget-school-2"]
        await e.school(alice)
        assert (await alice.cast(STAGE, envelope))["position"] == 0
    finally:
        await e.close()


def test_every_required_module_must_be_passed(database_url: str, tmp_path: Path) -> None:
    asyncio.run(scenario_partial_school(database_url, tmp_path))
