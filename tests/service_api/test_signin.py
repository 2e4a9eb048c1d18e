"""Sign-in over HTTP on SQLite and PostgreSQL: stateless challenges, each refusal with its own code."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.service_api.harness import setup_election
from tests.service_api.test_casting import expect
from voting_engine.core.credentials import derive_signing_key, sign_challenge
from voting_engine.core.encoding import b64decode, b64encode
from voting_engine.service.sessions import forget_spent_challenges
from voting_engine.storage.models import Challenge, VoterSession

pytestmark = pytest.mark.xdist_group("http")


async def scenario(url: str, tmp: Path) -> None:
    e = await setup_election(url, tmp, committee=2)
    svc = e.server.service
    try:
        code, other = e.codes["committee"]
        key = derive_signing_key(code)
        credential = b64encode(bytes(key.verify_key))

        async def answer(nonce: str, signer: object = key, cred: str = credential) -> dict[str, object]:
            signature = sign_challenge(signer, b64decode(nonce, 32), e.election_id)  # type: ignore[arg-type]
            body = {"credential": cred, "nonce": nonce, "signature": b64encode(signature)}
            result: dict[str, object] = await e.api.post(f"{e.prefix}/signin", body)
            return result

        async def fresh() -> str:
            return str((await e.api.post(f"{e.prefix}/signin/challenge"))["nonce"])

        async def rows(model: type) -> int:
            async with svc.factory() as session:
                return int((await session.execute(select(func.count()).select_from(model))).scalar_one())

        # asking for challenges writes nothing
        nonces = [await fresh() for _ in range(5)]
        assert await rows(Challenge) == 0 and len(set(nonces)) == 5
        signed_in = await answer(nonces[0])
        assert signed_in["group"] == "committee" and signed_in["credential"] == credential
        # a spent nonce cannot be replayed, not even by the same voter
        await expect("bad_challenge", 401, answer(nonces[0]))
        # bytes the server never issued, a flipped MAC bit, another election's nonce
        await expect("bad_challenge", 401, answer(b64encode(bytes(32))))
        forged = bytearray(b64decode(nonces[1], 32))
        forged[-1] ^= 1
        await expect("bad_challenge", 401, answer(b64encode(bytes(forged))))
        # a wrong signature or an unknown key does not spend the nonce
        await expect("bad_signature", 401, answer(nonces[1], derive_signing_key(other)))
        await expect("unknown_credential", 403, answer(nonces[1], cred=b64encode(bytes(32))))
        assert (await answer(nonces[1]))["credential"] == credential
        # fifty parallel sign-ins with one nonce: exactly one session
        nonce = await fresh()
        outcomes = await asyncio.gather(*(answer(nonce) for _ in range(50)), return_exceptions=True)
        assert sum(isinstance(o, dict) for o in outcomes) == 1
        assert all(getattr(o, "code", None) == "bad_challenge" for o in outcomes if not isinstance(o, dict))
        assert await rows(VoterSession) == 3
        # expiry: five minutes later the unspent nonces are refused and the spent ones forgotten
        real_clock = svc.clock
        svc.clock = lambda: real_clock() + timedelta(minutes=6)
        await expect("bad_challenge", 401, answer(nonces[2]))
        await forget_spent_challenges(svc)
        assert await rows(Challenge) == 0
    finally:
        await e.close()


def test_signin_sqlite(sqlite_url: str, tmp_path: Path) -> None:
    asyncio.run(scenario(sqlite_url, tmp_path))


@pytest.mark.postgres
def test_signin_postgres(postgres_url: str, tmp_path: Path) -> None:
    asyncio.run(scenario(postgres_url, tmp_path))
