"""Casting: every check of a ballot, then one transaction that appends it to the board.

Checks, each with its own error code (``docs/api.md``): schema, stage open, credential eligible and
not revoked, education complete, no copied ciphertext, signature, validity proofs.  The receipt is
built inside the transaction and returned only after commit, so an acknowledged ballot is durable.
Re-submitting the identical ballot returns the stored receipt; re-voting follows the stage policy.
"""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, distinct, func, select, true

from voting_engine.core.encoding import b64decode, b64encode
from voting_engine.core.hashing import sha256
from voting_engine.core.receipts import short_code
from voting_engine.domain.ballot import (
    SignedEnvelope,
    check_signature,
    parse_choices,
    parse_envelope,
    read_envelope,
)
from voting_engine.domain.errors import BallotRejected, ManifestError
from voting_engine.service.admin import sign_head
from voting_engine.service.appending import STAGE_ROW, STAGE_WHERE, appender
from voting_engine.service.context import ServiceContext, StageCache, dumps
from voting_engine.service.errors import ServiceError, not_found
from voting_engine.service.verification import check_in_worker
from voting_engine.storage.models import (
    BoardCiphertext,
    BoardEntryRow,
    Credential,
    EducationProgressRow,
    Stage,
    table,
)


def _rejected(exc: BallotRejected) -> ServiceError:
    status = 403 if exc.code in ("not_eligible", "revoked") else 400
    if exc.code in ("replayed_ciphertext", "already_voted"):
        status = 409
    return ServiceError(exc.code, exc.message, status)


def _window_open(definition_window: tuple[str, str], now: datetime) -> str | None:
    opens, closes = definition_window
    if opens and now < datetime.fromisoformat(opens):
        return "the stage's voting window has not started"
    if closes and now >= datetime.fromisoformat(closes):
        return "the stage's voting window has ended"
    return None


# The casting path's statements, built once (on SQLite, building one costs more than running it).
_ST, _CR, _BE, _BC = table(Stage).c, table(Credential).c, table(BoardEntryRow).c, table(BoardCiphertext).c
_BOARD_KEY = (_BE.election_id == bindparam("election_id")) & (_BE.stage_id == bindparam("stage_id"))
_RECEIPT = select(_BE.receipt).where(_BOARD_KEY & (_BE.tracking == bindparam("tracking")))
_COPIED = (
    select(_BC.digest)
    .where((_BC.election_id == bindparam("election_id")) & _BC.digest.in_(bindparam("digests", expanding=True)))
    .limit(1)
)
_EP = table(EducationProgressRow).c
_CREDENTIAL_WHERE = (_CR.election_id == bindparam("election_id")) & (_CR.public == bindparam("public"))
_BALLOT_FACTS = select(
    select(_ST.status).where(STAGE_WHERE).scalar_subquery().label("stage_status"),
    select(_CR.group).where(_CREDENTIAL_WHERE).scalar_subquery().label("cred_group"),
    select(_CR.revoked).where(_CREDENTIAL_WHERE).scalar_subquery().label("revoked"),
    _RECEIPT.scalar_subquery().label("receipt"),
    _COPIED.scalar_subquery().label("copied"),
    select(func.count(distinct(_EP.module_id)))
    .where((_EP.election_id == bindparam("election_id")) & (_EP.credential == bindparam("public"))
           & _EP.module_id.in_(bindparam("modules", expanding=True)) & _EP.passed.is_(true()))
    .scalar_subquery()
    .label("modules_passed"),
)
"""What the precheck needs to know of the stage, the ballot's credential and its ciphertexts, in one round trip."""


async def _stage(conn: Any, election_id: str, stage_id: str) -> Any:
    row = (await conn.execute(STAGE_ROW, {"election_id": election_id, "stage_id": stage_id})).first()
    if row is None:
        raise not_found(f"stage {stage_id!r}")
    return row


async def precheck(
    svc: ServiceContext, election_id: str, stage_id: str, ballot: SignedEnvelope, session_credential: bytes | None
) -> tuple[StageCache, dict[str, Any] | None]:
    """The checks that need no write lock and no proof, in the documented order; raises ``ServiceError``."""
    from voting_engine.service.education import missing_for_stage

    credential = b64encode(ballot.credential)
    known = svc.manifests.get(election_id)  # cached after the election's first request in this process
    try:
        required = sorted(set(known.stage(stage_id).education)) if known is not None else []
    except ManifestError:
        required = []
    async with svc.core_reader() as conn:
        facts = (await conn.execute(_BALLOT_FACTS, {
            "election_id": election_id, "stage_id": stage_id, "public": credential,
            "tracking": b64encode(ballot.tracking), "digests": [b64encode(sha256(k)) for k in ballot.ciphertext_keys()],
            "modules": required,
        })).one()
        if facts.stage_status is None:
            raise not_found(f"stage {stage_id!r}")
        if facts.stage_status != "open":
            raise ServiceError("stage_not_open", f"stage {stage_id!r} is {facts.stage_status}", 409)
        manifest = await svc.manifest(conn, election_id)
        spec = manifest.stage(stage_id)
        problem = _window_open((spec.opens_at, spec.closes_at), svc.clock())
        if problem:
            raise ServiceError("stage_not_open", problem, 409)
        cache = svc.stages.get((election_id, stage_id))
        if cache is None:  # the first ballot of the stage in this process (the log is synced when appending)
            cache = await svc.stage_cache(conn, election_id, await _stage(conn, election_id, stage_id))
        if ballot.envelope["election_id"] != election_id or ballot.envelope["stage_id"] != stage_id:
            raise ServiceError("wrong_stage", "the ballot was made for another election or stage")
        if session_credential is not None and session_credential != ballot.credential:
            raise ServiceError("session_mismatch", "the ballot is signed by another credential than the session's", 403)
        if facts.cred_group is None or facts.cred_group not in cache.definition["groups"]:
            raise ServiceError("not_eligible", "the credential is not on the roll of a group voting in this stage", 403)
        if facts.revoked:
            raise ServiceError("revoked", "the credential has been revoked", 403)
        # the list of missing modules is read only when the count of passed ones falls short (or was not asked)
        everything_passed = not spec.education or (bool(required) and facts.modules_passed == len(required))
        missing = [] if everything_passed else await missing_for_stage(conn, election_id, credential,
                                                                      list(spec.education))
        if missing:
            raise ServiceError(
                "education_required", "budget school modules must be passed before voting", 403, missing_modules=missing
            )
        existing = None if facts.receipt is None else dict(json.loads(facts.receipt))
        if existing is None and facts.copied is not None:
            raise ServiceError("replayed_ciphertext", "the ballot copies a ciphertext already on a board", 409)
    try:
        check_signature(ballot, election_id, stage_id)
    except BallotRejected as exc:
        raise _rejected(exc) from exc
    return cache, existing


async def _existing_receipt(
    conn: Any, election_id: str, stage_id: str, ballot: SignedEnvelope
) -> dict[str, Any] | None:
    key = {"election_id": election_id, "stage_id": stage_id, "tracking": b64encode(ballot.tracking)}
    row = (await conn.execute(_RECEIPT, key)).first()
    return None if row is None else dict(json.loads(row[0]))


def _let_finish(task: asyncio.Future[Any]) -> None:
    """Let a check whose answer is no longer needed finish quietly."""
    task.add_done_callback(lambda t: t.cancelled() or t.exception())


async def cast(
    svc: ServiceContext, election_id: str, stage_id: str, envelope: object, session_credential: bytes | None
) -> dict[str, Any]:
    """Check, append, commit, then answer the signed receipt.

    The validity proofs are checked in a worker process while this loop runs the database checks;
    errors still come in the documented order: a malformed ballot (``schema``, ``bad_point``) before
    every other check, a failing proof (``invalid_proof``) after all of them.
    """
    try:
        ballot = read_envelope(envelope)
    except BallotRejected as exc:
        raise _rejected(exc) from exc
    cached = svc.stages.get((election_id, stage_id))
    started_for = cached.proof_key if cached is not None else None
    proofs = (asyncio.ensure_future(check_in_worker(started_for, ballot.envelope["choices"]))
              if started_for is not None else None)
    try:
        cache, existing = await precheck(svc, election_id, stage_id, ballot, session_credential)
    except ServiceError:
        if proofs is None:  # no check is running yet (the first ballot of a stage in this process): parse here
            try:
                parse_choices(ballot.envelope["choices"], for_proofs=False)
            except BallotRejected as exc:
                raise _rejected(exc) from None
        else:
            problem = await proofs
            if problem is not None and problem[0] in ("schema", "bad_point"):
                raise _rejected(BallotRejected(*problem)) from None
        raise
    if existing is not None:
        if proofs is not None:
            _let_finish(proofs)
        return existing
    if proofs is None or cache.proof_key != started_for:  # not started yet, or for another stage key
        if proofs is not None:
            _let_finish(proofs)
        proofs = asyncio.ensure_future(check_in_worker(cache.proof_key, ballot.envelope["choices"]))
    problem = await proofs
    if problem is not None:
        raise _rejected(BallotRejected(*problem))
    return await appender(svc).append(election_id, stage_id, ballot)


async def audit_ballot(
    svc: ServiceContext, election_id: str, stage_id: str, envelope: object, opening: Any
) -> dict[str, Any]:
    """Publish a Benaloh-audited ballot with its opening; it is never cast or counted."""
    from ballot_schemes import Opening
    from voting_engine.core.group import Scalar, ScalarError

    try:
        ballot = parse_envelope(envelope, for_proofs=False)  # an audited ballot's opening is checked, not proofs
    except BallotRejected as exc:
        raise _rejected(exc) from exc
    try:
        vector = [int(x) for x in opening["vector"]]
        nonces = [Scalar.from_bytes(b64decode(n, 32)) for n in opening["nonces"]]
    except (KeyError, TypeError, ValueError, ScalarError) as exc:
        raise ServiceError("schema", f"opening is {{vector: [int], nonces: [scalar]}}: {exc}") from exc
    async with svc.factory() as session:
        stage = await svc.stage_row(session, election_id, stage_id)
        cache = await svc.stage_cache(session, election_id, stage)
        if await _existing_receipt(session, election_id, stage_id, ballot) is not None:
            raise ServiceError("already_cast", "a cast ballot cannot be audited", 409)
    if not cache.scheme.verify_opening(cache.context, ballot.choices, Opening(tuple(vector), tuple(nonces))):
        raise ServiceError("bad_opening", "the opening does not re-encrypt to the ballot's ciphertexts")
    body = {
        "ballot": dict(ballot.envelope),
        "tracking_hash": b64encode(ballot.tracking),
        "opening": {"vector": vector, "nonces": [b64encode(n.to_bytes()) for n in nonces]},
    }
    from voting_engine.storage.models import AuditedBallot

    async with svc.writer() as session:
        if await session.get(AuditedBallot, (election_id, stage_id, b64encode(ballot.tracking))) is None:
            seq = int(svc.clock().timestamp() * 1_000_000)
            session.add(
                AuditedBallot(
                    election_id=election_id,
                    stage_id=stage_id,
                    tracking=b64encode(ballot.tracking),
                    body=dumps(body),
                    seq=seq,
                )
            )
    return {"audited": True, "tracking_hash": b64encode(ballot.tracking), "short_code": short_code(ballot.tracking)}


async def find_receipt(svc: ServiceContext, election_id: str, stage_id: str, tracking: str) -> dict[str, Any]:
    """The stored receipt of a ballot, plus the latest tree head, for the "check my ballot" page."""
    async with svc.factory() as session:
        row = (
            await session.execute(
                select(BoardEntryRow).where(
                    BoardEntryRow.election_id == election_id,
                    BoardEntryRow.stage_id == stage_id,
                    BoardEntryRow.tracking == tracking,
                )
            )
        ).scalar_one_or_none()
        if row is None:
            raise ServiceError("not_found", "no ballot with this tracking code on the board", 404)
        stored = json.loads(row.receipt)
    return {"receipt": stored, "current": await board_head(svc, election_id, stage_id)}


async def board_head(svc: ServiceContext, election_id: str, stage_id: str) -> dict[str, Any]:
    """The final tree head of a closed stage, or a fresh signed head of the open board."""

    async with svc.factory() as session:
        stage = await svc.stage_row(session, election_id, stage_id)
        if stage.final_tree_head:
            return {"final": True, "tree_head": json.loads(stage.final_tree_head)}
        cache = await svc.stage_cache(session, election_id, stage)
        key = await svc.board_key(session, election_id)
        size = min(cache.log.size, stage.board_size)
        sth = sign_head(cache.log.root(size), size, b64encode(cache.context.hash), key, svc)
        return {"final": False, "tree_head": sth.to_dict()}


async def inclusion(svc: ServiceContext, election_id: str, stage_id: str, position: int, size: int) -> list[str]:
    async with svc.factory() as session:
        stage = await svc.stage_row(session, election_id, stage_id)
        cache = await svc.stage_cache(session, election_id, stage)
        if not 0 <= position < size <= cache.log.size:
            raise ServiceError("bad_range", "position and tree size are out of range")
        return [b64encode(h) for h in cache.log.inclusion_proof(position, size)]
