"""Closing a stage's count: encrypted tallies per group, trustees' partial decryptions, results.

After a stage closes, the counted ballots (re-vote policy, revocations) of each voter group are
summed homomorphically.  Trustees fetch these tallies, decrypt their share locally and post it;
each partial decryption is verified on arrival, and once k are in, the totals are combined,
read by the ballot scheme and ranked.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from sqlalchemy import select

from voting_engine.core.elgamal import Ciphertext
from voting_engine.core.encoding import b64decode
from voting_engine.core.group import Point
from voting_engine.core.threshold import (
    CeremonyRecord,
    PartialDecryption,
    ThresholdError,
    TrusteeError,
    decrypt_tally,
    verify_partial_decryption,
)
from voting_engine.domain.counting import count_board
from voting_engine.domain.ranking import final_ranking, parse_fraction, ranking_table
from voting_engine.domain.tally import dlog_bound, read_results, tally_labels
from voting_engine.service.context import ServiceContext, StageCache, dumps
from voting_engine.service.errors import ServiceError, conflict
from voting_engine.storage.models import BoardEntryRow, Credential, Election, PartialDecryptionRow, Stage


def _aggregate(cache: StageCache, envelopes: list[str]) -> list[Ciphertext]:
    """The entry-wise homomorphic sum of the counted ballots' ciphertexts.

    Every ballot on the board passed the full parse (each point validated) and its proofs when it
    was cast, so its ciphertexts are read here as trusted points: re-validating them and parsing
    their proofs cost ten times the additions.  The verifier recomputes this sum from the record.
    """
    totals = [Ciphertext.zero()] * len(cache.scheme.entry_bounds())
    for envelope in envelopes:
        pairs = json.loads(envelope)["choices"]["ciphertexts"]
        totals = [
            t + Ciphertext(Point(b64decode(alpha, 32)), Point(b64decode(beta, 32)))
            for t, (alpha, beta) in zip(totals, pairs, strict=True)
        ]
    return totals


async def prepare_tally(svc: ServiceContext, election_id: str, stage_id: str) -> dict[str, Any]:
    """Count the closed board per group and store the encrypted tallies (idempotent)."""
    async with svc.factory() as session:
        stage = await svc.stage_row(session, election_id, stage_id)
        if stage.status not in ("closed", "tallied"):
            raise conflict("stage_not_closed", f"stage {stage_id!r} is {stage.status}")
        if stage.tally_json:
            return dict(json.loads(stage.tally_json))
        cache = await svc.stage_cache(session, election_id, stage)
        rows = (
            await session.execute(
                select(BoardEntryRow.position, BoardEntryRow.credential, BoardEntryRow.envelope)
                .where(BoardEntryRow.election_id == election_id, BoardEntryRow.stage_id == stage_id)
                .order_by(BoardEntryRow.position)
            )
        ).all()
        creds = {
            c.public: c
            for c in (await session.execute(select(Credential).where(Credential.election_id == election_id))).scalars()
        }
    group_of = {b64decode(p, 32): c.group for p, c in creds.items()}
    revoked = {b64decode(p, 32) for p, c in creds.items() if c.revoked}
    counts = count_board(
        ((r.position, b64decode(r.credential, 32)) for r in rows),
        group_of,
        revoked,
        cache.definition["revote"],
        cache.definition["groups"],
    )
    envelopes = {r.position: r.envelope for r in rows}
    loop = asyncio.get_running_loop()
    groups: dict[str, Any] = {}
    for group, count in counts.items():
        cts = await loop.run_in_executor(None, _aggregate, cache, [envelopes[p] for p in count.counted])
        groups[group] = {
            **count.to_json(),
            "ballots": len(count.counted),
            "encrypted_tally": [c.to_json() for c in cts],
        }
    tally = {"stage_id": stage_id, "groups": groups}
    async with svc.writer() as session:
        stage = await svc.stage_row(session, election_id, stage_id, lock=True)
        if not stage.tally_json:
            stage.tally_json = dumps(tally)
            await svc.audit(
                session,
                election_id,
                "admin",
                "tally.prepare",
                stage=stage_id,
                ballots={g: t["ballots"] for g, t in groups.items()},
            )
        return dict(json.loads(stage.tally_json))


def _ceremony(election: Election) -> CeremonyRecord:
    assert election.ceremony_json is not None
    return CeremonyRecord.from_json(json.loads(election.ceremony_json))


async def post_partial(svc: ServiceContext, election_id: str, stage_id: str, trustee: int, body: Any) -> dict[str, Any]:
    """A trustee's partial decryption of every group's tally, verified before it is stored."""
    tally = await prepare_tally(svc, election_id, stage_id)
    if not isinstance(body, dict) or set(body) != set(tally["groups"]):
        raise ServiceError("schema", f"post one partial decryption per group: {sorted(tally['groups'])}")
    async with svc.writer() as session:
        election = await svc.election(session, election_id, lock=True)
        stage = await svc.stage_row(session, election_id, stage_id, lock=True)
        if stage.status != "closed":
            raise conflict("stage_not_closed", f"stage {stage_id!r} is {stage.status}")
        cache = await svc.stage_cache(session, election_id, stage)
        keys = _ceremony(election).verification_key_map()
        if trustee not in keys:
            raise ServiceError("bad_index", f"no trustee {trustee}")
        try:
            for group, raw in body.items():
                partial = PartialDecryption.from_json(raw)
                if partial.trustee != trustee:
                    raise ServiceError("bad_index", "the partial decryption names another trustee")
                cts = [Ciphertext.from_json(c, allow_identity=True) for c in tally["groups"][group]["encrypted_tally"]]
                verify_partial_decryption(partial, cts, keys[trustee], cache.context, tally_labels(group, len(cts)))
        except (TrusteeError, ThresholdError) as exc:
            raise ServiceError(getattr(exc, "code", "bad_decryption_share"), str(exc), 400, trustee=trustee) from exc
        existing = await session.get(PartialDecryptionRow, (election_id, stage_id, trustee))
        if existing is None:
            session.add(
                PartialDecryptionRow(election_id=election_id, stage_id=stage_id, trustee=trustee, body=dumps(body))
            )
        else:
            existing.body = dumps(body)
        await svc.audit(session, election_id, "trustee", "tally.partial_decryption", stage=stage_id, trustee=trustee)
    return {"accepted": True, "trustee": trustee}


async def finalize_tally(svc: ServiceContext, election_id: str, stage_id: str) -> dict[str, Any]:
    """Combine ≥ k partial decryptions, read the results and rank the candidates."""
    tally = await prepare_tally(svc, election_id, stage_id)
    async with svc.writer() as session:
        election = await svc.election(session, election_id, lock=True)
        stage = await svc.stage_row(session, election_id, stage_id, lock=True)
        if stage.status == "tallied":
            return dict(json.loads(stage.tally_json or "{}"))
        if stage.status != "closed":
            raise conflict("stage_not_closed", f"stage {stage_id!r} is {stage.status}")
        manifest = await svc.manifest(session, election_id)
        _, k = manifest.trustees
        cache = await svc.stage_cache(session, election_id, stage)
        rows = (
            (
                await session.execute(
                    select(PartialDecryptionRow)
                    .where(PartialDecryptionRow.election_id == election_id, PartialDecryptionRow.stage_id == stage_id)
                    .order_by(PartialDecryptionRow.trustee)
                )
            )
            .scalars()
            .all()
        )
        if len(rows) < k:
            raise conflict("too_few_trustees", f"{len(rows)} of the {k} needed partial decryptions are in")
        chosen = rows[:k]
        keys = _ceremony(election).verification_key_map()
        group_scores = {}
        for group, entry in tally["groups"].items():
            cts = [Ciphertext.from_json(c, allow_identity=True) for c in entry["encrypted_tally"]]
            partials = [PartialDecryption.from_json(json.loads(r.body)[group]) for r in chosen]
            labels = tally_labels(group, len(cts))
            try:
                totals = decrypt_tally(
                    cts,
                    partials,
                    keys,
                    cache.context,
                    dlog_bound(cache.scheme, entry["ballots"]),
                    threshold=k,
                    labels=labels,
                )
            except (TrusteeError, ThresholdError) as exc:
                raise ServiceError(getattr(exc, "code", "bad_decryption"), str(exc)) from exc
            entry["decryption"] = [p.to_json() for p in partials]
            entry.update(read_results(cache.scheme, totals, entry["ballots"]))
            if entry["ballots"]:
                group_scores[group] = {p: parse_fraction(s) for p, s in entry["scores"].items()}
        costs = {c["id"]: c["cost"] for c in cache.definition["candidates"]}
        table = ranking_table(group_scores, manifest.weights, costs, manifest.budget)
        stage.tally_json = dumps(tally)
        stage.table_json = dumps(table)
        stage.status = "tallied"
        await svc.audit(
            session, election_id, "admin", "tally.finalize", stage=stage_id, trustees=[r.trustee for r in chosen]
        )
        return tally


async def final_results(svc: ServiceContext, election_id: str) -> dict[str, Any]:
    """Per-stage rankings and the weighted final ranking over the manifest's sources."""
    async with svc.factory() as session:
        manifest = await svc.manifest(session, election_id)
        stages = {
            s.id: s
            for s in (
                await session.execute(select(Stage).where(Stage.election_id == election_id).order_by(Stage.ordinal))
            ).scalars()
        }
    out: dict[str, Any] = {"stages": {}}
    for sid, stage in stages.items():
        if stage.table_json:
            table = json.loads(stage.table_json)
            out["stages"][sid] = {"ranking": table["ranking"], "selected": table["selected"]}
    tallied = {sid: json.loads(st.tally_json) for sid, st in stages.items()
               if st.status == "tallied" and st.tally_json}
    costs = {pid: int(p["cost"]) for pid, p in manifest.projects.items()}
    out["final"] = final_ranking(manifest.data.get("final_ranking", {}).get("sources", []), tallied,
                                 manifest.weights, costs, manifest.budget)
    return out
