"""Group commit of ballots: a batch appends like one-by-one appends would, and refuses per ballot."""

from __future__ import annotations

import asyncio
import copy
from pathlib import Path
from typing import Any

import pytest

from tests.service_api.test_casting import STAGE, board_rows, open_with_policy
from voting_engine.core.board import leaf_hash, verify_inclusion
from voting_engine.core.credentials import sign_ballot
from voting_engine.core.encoding import b64decode, b64encode
from voting_engine.domain.ballot import envelope_tracking_hash, read_envelope
from voting_engine.domain.bulletin import leaf_data
from voting_engine.service.appending import append_batch, appender
from voting_engine.service.errors import ServiceError

pytestmark = pytest.mark.xdist_group("http")


def _included(receipt: dict[str, Any], envelope: dict[str, Any]) -> bool:
    position, head = receipt["position"], receipt["tree_head"]
    leaf = leaf_hash(leaf_data(position, b64decode(receipt["tracking_hash"], 32), b64decode(envelope["signature"], 64)))
    return head["tree_size"] == position + 1 and verify_inclusion(
        leaf, position, head["tree_size"], [b64decode(h, 32) for h in receipt["inclusion_proof"]],
        b64decode(head["root"], 32))


async def scenario_batch(url: str, tmp: Path, policy: str) -> None:
    e = await open_with_policy(url, tmp, "batch", policy, committee=3)
    try:
        alice, bob, carol = (e.device(c) for c in e.codes["committee"])
        a1, _ = await alice.seal(STAGE, {"approved": ["P01"]})
        a2, _ = await alice.seal(STAGE, {"approved": ["P02"]})
        b1, _ = await bob.seal(STAGE, {"approved": ["P03"]})
        copied = copy.deepcopy(b1)  # Carol's ballot repeats Bob's first ciphertext, signed by her
        copied["credential"] = carol.credential
        copied["signature"] = b64encode(sign_ballot(carol.key, e.election_id, STAGE, envelope_tracking_hash(copied)))
        svc = e.server.service
        batch = [a1, b1, a1, copied, a2]
        outcomes = await append_batch(svc, e.election_id, STAGE, [read_envelope(x) for x in batch])
        assert isinstance(outcomes[0], dict) and isinstance(outcomes[1], dict)
        assert [outcomes[0]["position"], outcomes[1]["position"]] == [0, 1]
        assert outcomes[2] == outcomes[0]  # the identical ballot again: its receipt, counted once
        assert isinstance(outcomes[3], ServiceError) and outcomes[3].code == "replayed_ciphertext"
        if policy == "last":
            assert isinstance(outcomes[4], dict) and outcomes[4]["position"] == 2
        else:
            assert isinstance(outcomes[4], ServiceError) and outcomes[4].code == "already_voted"
        appended = [(o, env) for o, env in zip(outcomes, batch, strict=True) if isinstance(o, dict)]
        assert all(_included(o, env) for o, env in appended)
        assert await board_rows(e) == (3 if policy == "last" else 2)
        # the queue: concurrent appends of one new ballot give one row and one receipt
        c1, _ = await carol.seal(STAGE, {"approved": ["P04"]})
        ballot = read_envelope(c1)
        receipts = await asyncio.gather(*(appender(svc).append(e.election_id, STAGE, ballot) for _ in range(5)))
        assert all(r == receipts[0] for r in receipts) and _included(receipts[0], c1)
        assert await board_rows(e) == (4 if policy == "last" else 3)
        # a later single append continues the same chain and log: the board verifies end to end
        await e.api.post(f"{e.prefix}/stages/{STAGE}/close")
        for tool in e.trustees[:3]:
            await tool.decrypt(STAGE)
        tally = await e.api.post(f"{e.prefix}/stages/{STAGE}/tally")
        assert tally["groups"]["committee"]["ballots"] == 3
    finally:
        await e.close()


@pytest.mark.parametrize("policy", ["last", "first"])
def test_a_batch_appends_and_refuses_per_ballot(database_url: str, tmp_path: Path, policy: str) -> None:
    asyncio.run(scenario_batch(database_url, tmp_path, policy))
