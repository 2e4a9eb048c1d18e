"""Appending checked ballots to a stage's board, many per transaction (group commit).

Why: one ballot per transaction spent most of the database's share of casting on what every
transaction repeats — taking the stage's lock, ``BEGIN``, updating the stage row, ``COMMIT`` and
its fsync — and on PostgreSQL on a round trip per statement.  Ballots that arrive while a
transaction runs wait in a queue; the next transaction appends all of them with one statement per
table and one durable commit.  Each ballot still gets its own board position, chain value, signed
tree head (of the size right after it) and inclusion proof, exactly as if it had been appended alone,
and its receipt is released only after the commit.

A ballot refused inside a batch (already on the board, a copied ciphertext, a second ballot where
only the first counts) gets its own error and takes nothing with it.  If the batch's transaction
fails as a whole (a race with another server process on a shared ciphertext), nothing of it is
written and its ballots are appended again one transaction each, which reports that race precisely.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from nacl.signing import SigningKey
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from voting_engine.core.board import chain_next
from voting_engine.core.encoding import b64decode, b64encode, canonical_json
from voting_engine.core.hashing import hash_elements, sha256
from voting_engine.core.receipts import short_code
from voting_engine.domain.ballot import SignedEnvelope
from voting_engine.domain.bulletin import leaf_data
from voting_engine.service.admin import sign_head
from voting_engine.service.context import ServiceContext, StageCache, dumps
from voting_engine.service.errors import ServiceError, not_found
from voting_engine.storage.models import BoardCiphertext, BoardEntryRow, Stage, table

RECEIPT_TAG = "pbvote/receipt/v1"
MAX_BATCH = 64
"""Ballots per transaction at most: bounds the time a receipt waits behind the others."""

_ST, _BE = table(Stage).c, table(BoardEntryRow).c
STAGE_WHERE = (_ST.election_id == bindparam("election_id")) & (_ST.id == bindparam("stage_id"))
STAGE_ROW = select(_ST.id, _ST.status, _ST.definition_json, _ST.stage_hash, _ST.board_size, _ST.last_chain).where(
    STAGE_WHERE
)
"""What casting needs of a stage's row (``ServiceContext.stage_cache`` takes it for a ``Stage``)."""
_STAGE_LOCKED = STAGE_ROW.with_for_update()
_STAGE_ADVANCE = (  # an UPDATE's bind names must differ from its columns'
    update(table(Stage))
    .where((_ST.election_id == bindparam("e")) & (_ST.id == bindparam("s")))
    .values(board_size=bindparam("size"), last_chain=bindparam("chain"))
)
_BOARD = (_BE.election_id == bindparam("election_id")) & (_BE.stage_id == bindparam("stage_id"))
_RECEIPTS = select(_BE.tracking, _BE.receipt).where(_BOARD & _BE.tracking.in_(bindparam("trackings", expanding=True)))
_VOTED = select(_BE.credential).where(_BOARD & _BE.credential.in_(bindparam("credentials", expanding=True)))
_ADD_CIPHERTEXTS = insert(table(BoardCiphertext))
_ADD_ENTRIES = insert(table(BoardEntryRow))

Outcome = dict[str, Any] | ServiceError
"""A receipt, or the error that refuses this one ballot."""


@dataclass
class _Waiting:
    ballot: SignedEnvelope
    answer: asyncio.Future[dict[str, Any]]


@dataclass
class BoardAppender:
    """Per server process: a queue of checked ballots per stage, drained one transaction at a time."""

    svc: ServiceContext
    _queues: dict[tuple[str, str], list[_Waiting]] = field(default_factory=dict)
    transactions: int = 0
    """Batches appended so far (with ``ballots``: how many ballots share a commit, for benchmarks)."""
    ballots: int = 0
    _draining: dict[tuple[str, str], asyncio.Task[None]] = field(default_factory=dict)
    """The task draining each stage's queue (kept here so it is not garbage-collected while it runs)."""

    async def append(self, election_id: str, stage_id: str, ballot: SignedEnvelope) -> dict[str, Any]:
        """The ballot's receipt once its transaction has committed; raises the ballot's own ``ServiceError``."""
        key = (election_id, stage_id)
        answer: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._queues.setdefault(key, []).append(_Waiting(ballot, answer))
        if key not in self._draining:
            self._draining[key] = asyncio.ensure_future(self._drain(key))
        # shielded: a client that hangs up does not take the ballot out of a transaction under way
        return await asyncio.shield(answer)

    async def _drain(self, key: tuple[str, str]) -> None:
        queue = self._queues[key]
        try:
            while queue:
                batch, queue[:] = queue[:MAX_BATCH], queue[MAX_BATCH:]
                self.transactions += 1
                self.ballots += len(batch)
                await self._settle(key, batch)
        finally:
            del self._draining[key]

    async def _settle(self, key: tuple[str, str], batch: list[_Waiting]) -> None:
        election_id, stage_id = key
        try:
            outcomes = await append_batch(self.svc, election_id, stage_id, [w.ballot for w in batch])
        except IntegrityError:
            self.svc.stages.pop(key, None)
            for waiting in batch:  # one transaction each: a ballot's own conflict stays its own
                try:
                    _answer(waiting, await append_alone(self.svc, election_id, stage_id, waiting.ballot))
                except Exception as exc:  # the ballot's own refusal, or a database failure
                    _answer(waiting, exc)
            return
        except Exception as exc:  # the whole transaction failed: nothing of it was written
            for waiting in batch:
                _answer(waiting, exc)
            return
        for waiting, outcome in zip(batch, outcomes, strict=True):
            _answer(waiting, outcome)


def _answer(waiting: _Waiting, outcome: dict[str, Any] | BaseException) -> None:
    if waiting.answer.done():
        return
    if isinstance(outcome, BaseException):
        waiting.answer.set_exception(outcome)
    else:
        waiting.answer.set_result(outcome)


def appender(svc: ServiceContext) -> BoardAppender:
    """The server process's appender (made on first use, on the running event loop)."""
    if svc.appender is None:
        svc.appender = BoardAppender(svc)
    assert isinstance(svc.appender, BoardAppender)
    return svc.appender


async def append_alone(svc: ServiceContext, election_id: str, stage_id: str, ballot: SignedEnvelope) -> dict[str, Any]:
    """Append one ballot in a transaction of its own; raises its refusal as a ``ServiceError``.

    A unique-key conflict means another request (or server process) committed the same ballot or a
    ballot with one of its ciphertexts meanwhile: the stored receipt, or ``replayed_ciphertext``.
    """
    try:
        (outcome,) = await append_batch(svc, election_id, stage_id, [ballot])
    except IntegrityError as exc:
        key = {"election_id": election_id, "stage_id": stage_id, "trackings": [b64encode(ballot.tracking)]}
        async with svc.core_reader() as conn:
            again = (await conn.execute(_RECEIPTS, key)).first()
        if again is not None:
            return dict(json.loads(again.receipt))
        raise ServiceError("replayed_ciphertext", "the ballot copies a ciphertext already on a board", 409) from exc
    if isinstance(outcome, ServiceError):
        raise outcome
    return outcome


async def append_batch(svc: ServiceContext, election_id: str, stage_id: str,
                       ballots: Sequence[SignedEnvelope]) -> list[Outcome]:
    """Append the ballots in order in one transaction; per ballot its receipt or its refusal.

    Raises (and writes nothing) if the transaction fails; the stage's cached Merkle log is then
    dropped, since it may hold leaves of ballots that were not committed.
    """
    try:
        return await _append_batch(svc, election_id, stage_id, ballots)
    except BaseException:
        svc.stages.pop((election_id, stage_id), None)
        raise


async def _append_batch(svc: ServiceContext, election_id: str, stage_id: str,
                        ballots: Sequence[SignedEnvelope]) -> list[Outcome]:
    board = {"election_id": election_id, "stage_id": stage_id}
    async with svc.core_writer() as conn:
        stage = (await conn.execute(_STAGE_LOCKED, board)).first()
        if stage is None:
            raise not_found(f"stage {stage_id!r}")
        if stage.status != "open":
            return [ServiceError("stage_not_open", f"stage {stage_id!r} is {stage.status}", 409) for _ in ballots]
        cache = await svc.stage_cache(conn, election_id, stage)
        if cache.log.size != stage.board_size:
            svc.stages.pop((election_id, stage_id), None)
            raise ServiceError("board_out_of_sync", "the board cache was out of sync; please retry", 503)
        trackings = [b64encode(b.tracking) for b in ballots]
        stored = {t: json.loads(r) for t, r in await conn.execute(_RECEIPTS, {**board, "trackings": trackings})}
        first_only = cache.definition["revote"] == "first"
        voted: set[str] = set()
        if first_only:
            credentials = [b64encode(b.credential) for b in ballots]
            voted = {c for (c,) in await conn.execute(_VOTED, {**board, "credentials": credentials})}
        key_ = await svc.board_key(conn, election_id)
        position, chain = stage.board_size, b64decode(stage.last_chain, 32)
        outcomes: list[Outcome] = []
        in_batch: dict[str, dict[str, Any]] = {}
        digests_taken: set[str] = set()
        entries: list[dict[str, Any]] = []
        ciphertexts: list[dict[str, Any]] = []
        for ballot, tracking in zip(ballots, trackings, strict=True):
            earlier = stored.get(tracking) or in_batch.get(tracking)
            if earlier is not None:  # the identical ballot again: its receipt, counted once
                outcomes.append(earlier)
                continue
            credential = b64encode(ballot.credential)
            if first_only and credential in voted:
                outcomes.append(ServiceError("already_voted", "this stage counts only a credential's first ballot",
                                             409))
                continue
            digests = [b64encode(sha256(k)) for k in ballot.ciphertext_keys()]
            if digests_taken.intersection(digests):  # copies a ciphertext of a ballot earlier in this batch
                outcomes.append(ServiceError("replayed_ciphertext",
                                             "the ballot copies a ciphertext already on a board", 409))
                continue
            chain = chain_next(chain, ballot.tracking)
            cache.log.append(leaf_data(position, ballot.tracking, ballot.signature))
            receipt = _receipt(svc, cache, key_, election_id, stage_id, ballot, position, chain)
            ciphertexts += [{"election_id": election_id, "digest": d, "stage_id": stage_id, "position": position}
                            for d in digests]
            entries.append({
                "election_id": election_id, "stage_id": stage_id, "position": position, "tracking": tracking,
                "credential": credential, "envelope": dumps(dict(ballot.envelope)), "chain": b64encode(chain),
                "leaf": b64encode(cache.log.leaf_hash_at(position)), "receipt": dumps(receipt),
            })
            digests_taken.update(digests)
            voted.add(credential)
            in_batch[tracking] = receipt
            outcomes.append(receipt)
            position += 1
        if entries:
            await conn.execute(_ADD_CIPHERTEXTS, ciphertexts)
            await conn.execute(_ADD_ENTRIES, entries)
            await conn.execute(_STAGE_ADVANCE, {"e": election_id, "s": stage_id, "size": position,
                                                "chain": b64encode(chain)})
        return outcomes


def _receipt(svc: ServiceContext, cache: StageCache, key: SigningKey, election_id: str, stage_id: str,
             ballot: SignedEnvelope, position: int, chain: bytes) -> dict[str, Any]:
    """The signed receipt of the ballot just appended at ``position`` (the log's last leaf)."""
    size = position + 1
    sth = sign_head(cache.log.root(size), size, b64encode(cache.context.hash), key, svc)
    receipt: dict[str, Any] = {
        "election_id": election_id,
        "stage_id": stage_id,
        "tracking_hash": b64encode(ballot.tracking),
        "short_code": short_code(ballot.tracking),
        "position": position,
        "chain": b64encode(chain),
        "tree_head": sth.to_dict(),
        "inclusion_proof": [b64encode(h) for h in cache.log.inclusion_proof(position, size)],
    }
    digest = hash_elements(RECEIPT_TAG, canonical_json(receipt))
    receipt["server_signature"] = b64encode(key.sign(digest).signature)
    return receipt
