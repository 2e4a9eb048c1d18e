"""A whole stage over HTTP: education, casting, receipts, audit, tally by trustees, results, record."""

from __future__ import annotations

import asyncio
import io
import zipfile
from pathlib import Path

import pytest

from tests.service_api.harness import answers, setup_election
from voting_engine.client import ApiError
from voting_engine.http.app import init_app
from voting_engine.http.openapi import OPERATIONS

pytestmark = pytest.mark.xdist_group("http")
STAGE = "shortlist"


def test_openapi_documents_every_route() -> None:
    app = init_app()
    routes = {(r.method.lower(), r.resource.canonical) for r in app.router.routes() if r.resource is not None}
    routes = {(m, p.replace("{action:open|close|tally}", "{action}").replace(
        "{kind:announcement|share|confirmation}", "{kind}")) for m, p in routes if m != "head"}
    documented = {(m, p) for m, p, *_ in OPERATIONS}
    assert routes == documented


async def scenario(url: str, tmp: Path) -> None:
    e = await setup_election(url, tmp, committee=3)
    try:
        api, prefix = e.api, e.prefix
        await api.post(f"{prefix}/stages/{STAGE}/open")
        a, b, c = (e.device(code) for code in e.codes["committee"])
        for d in (a, b, c):
            await d.sign_in()
        # quiz: a wrong attempt fails and says how many attempts are left; the right one passes
        module = e.modules[0]
        await a.start_module(module["id"])
        failed = await a.answer_quiz(module["id"], answers(module, correct=False))
        assert failed["result"]["passed"] is False
        passed = await a.answer_quiz(module["id"], answers(module))
        assert passed["result"]["passed"] is True
        # an in-person completion recorded by an administrator, with an audit-log entry
        await api.post(f"{prefix}/education/{module['id']}/completions", {"credential": b.credential})
        await e.school(c)
        receipt = await a.vote(STAGE, {"approved": ["P01", "P03"]})
        await b.vote(STAGE, {"approved": ["P03"]})
        await b.vote(STAGE, {"approved": ["P02"]})  # re-vote: the last one counts
        envelope, opening = await c.seal(STAGE, {"approved": ["P05"]})
        audited = await c.audit(STAGE, envelope, opening)
        assert audited["audited"] is True
        from voting_engine.core.encoding import b64encode

        with pytest.raises(ApiError) as info:  # a wrong opening is refused
            await api.post(f"{prefix}/stages/{STAGE}/audits", {"ballot": envelope, "opening": {
                "vector": [1 - opening.vector[0], *opening.vector[1:]],
                "nonces": [b64encode(n.to_bytes()) for n in opening.nonces]}})
        assert info.value.code == "bad_opening"
        await c.vote(STAGE, {"approved": ["P01"]})
        found = await api.get(f"{prefix}/stages/{STAGE}/receipts/{receipt['tracking_hash']}")
        assert found["receipt"] == receipt
        turnout = await api.get(f"{prefix}/turnout")
        row = next(s for s in turnout["stages"] if s["stage"] == STAGE)
        assert row["voters"]["committee"] == 3 and row["ballots"] == 4
        await api.post(f"{prefix}/stages/{STAGE}/close")
        # a forged partial decryption names the trustee
        tally = await api.get(f"{prefix}/stages/{STAGE}/tally")
        bogus = {g: {"trustee": 2, "shares": t["encrypted_tally"][0][:1] * len(t["encrypted_tally"]),
                     "proofs": [{"c": "AAAAAAAAAAAAAAAAAAAAAA", "v": "A" * 43}] * len(t["encrypted_tally"])}
                 for g, t in tally["groups"].items()}
        with pytest.raises(ApiError) as info:
            await api.post(f"{prefix}/stages/{STAGE}/partials", bogus, token=e.trustees[1].api.token)
        assert info.value.body.get("trustee") == 2
        with pytest.raises(ApiError) as info:
            await api.post(f"{prefix}/stages/{STAGE}/tally")
        assert info.value.code == "too_few_trustees"
        for index in (2, 4, 5):
            await e.trustees[index - 1].decrypt(STAGE)
        result = await api.post(f"{prefix}/stages/{STAGE}/tally")
        totals = result["groups"]["committee"]["results"]
        assert totals["P01"]["approvals"] == 2 and totals["P02"]["approvals"] == 1
        assert totals["P03"]["approvals"] == 1 and totals["P05"]["approvals"] == 0
        results = await api.get(f"{prefix}/results")
        assert results["stages"][STAGE]["ranking"][0]["project"] == "P01"
        for later in ("committee-vote", "public-survey"):  # finish the election (no ballots needed)
            await api.post(f"{prefix}/stages/{later}/open")
            await api.post(f"{prefix}/stages/{later}/close")
            for index in (1, 2, 3):
                await e.trustees[index - 1].decrypt(later)
            await api.post(f"{prefix}/stages/{later}/tally")
        status = await api.get(f"{prefix}/verification")
        assert status["ok"] is True, status
        data = await api.get(f"{prefix}/record.zip", raw=True)
        out = tmp / "record"
        zipfile.ZipFile(io.BytesIO(data)).extractall(out)
        from verifier.cli import main as verify

        assert verify([str(out)]) == 0
    finally:
        await e.close()


def test_stage_over_http(sqlite_url: str, tmp_path: Path) -> None:
    asyncio.run(scenario(sqlite_url, tmp_path))
