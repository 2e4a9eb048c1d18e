"""An in-memory reference election: every step of a multi-stage PB vote, then the record.

It runs the same domain code as the service (manifest, ballot envelopes signed by credentials,
bulletin boards, re-vote policy, threshold decryption, weighted ranking) without storage or HTTP,
to produce honest records for the verifier's tests, tamper suite and benchmarks.
``simulate_election`` builds a small election with re-votes, a revoked credential and audited ballots.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nacl.signing import SigningKey

from ballot_schemes import BallotScheme, Opening
from ballot_schemes.sampling import random_choice
from voting_engine.core.context import ElectionContext, ceremony_context_hash
from voting_engine.core.credentials import derive_signing_key, generate_code
from voting_engine.core.encoding import b64encode
from voting_engine.core.key_ceremony import SecretShare, Trustee
from voting_engine.core.threshold import (
    CeremonyRecord,
    confirm_key_share,
    decrypt_tally,
    partial_decrypt,
    verify_ceremony,
)
from voting_engine.domain.ballot import check_proofs, check_signature, parse_envelope, seal
from voting_engine.domain.bulletin import StageBoard
from voting_engine.domain.counting import GroupCount, count_board
from voting_engine.domain.errors import BallotRejected
from voting_engine.domain.manifest import Manifest, load_manifest, scheme_for, stage_definition, stage_hash
from voting_engine.domain.ranking import final_ranking, parse_fraction, ranking_table, resolve_candidates
from voting_engine.domain.tally import dlog_bound, encrypted_tally, read_results, tally_labels
from voting_engine.record.writer import RecordWriter, audit_chain


def run_ceremony(election_id: str, manifest_hash: bytes, n: int, k: int) -> tuple[CeremonyRecord, list[SecretShare]]:
    """A complete k-of-n key ceremony among in-process trustees."""
    context = ceremony_context_hash(election_id, manifest_hash, n, k)
    trustees = [Trustee.generate(i, n, k, context) for i in range(1, n + 1)]
    announcements = [t.public_announcement() for t in trustees]
    for dealer in trustees:
        for recipient in trustees:
            if dealer.index != recipient.index:
                recipient.receive_share(
                    announcements[dealer.index - 1], dealer.share_for(announcements[recipient.index - 1])
                )
    shares = [t.finalize(announcements) for t in trustees]
    record = CeremonyRecord.assemble(
        election_id, manifest_hash, announcements, [confirm_key_share(s) for s in shares], threshold=k
    )
    verify_ceremony(record)
    return record, shares


@dataclass
class StageState:
    definition: dict[str, Any]
    scheme: BallotScheme
    context: ElectionContext
    board: StageBoard
    audited: list[dict[str, Any]] = field(default_factory=list)
    tally: dict[str, Any] = field(default_factory=dict)
    table: dict[str, Any] = field(default_factory=dict)


class ElectionRun:
    """State of one election held in memory, driven step by step."""

    def __init__(self, manifest: Manifest, board_key: SigningKey | None = None) -> None:
        self.manifest = manifest
        self.board_key = board_key or SigningKey.generate()
        n, k = manifest.trustees
        self.ceremony, self.shares = run_ceremony(manifest.election_id, manifest.hash, n, k)
        self.rolls: dict[str, list[bytes]] = {g: [] for g in manifest.weights}
        self.group_of: dict[bytes, str] = {}
        self.revoked: set[bytes] = set()
        self.stages: dict[str, StageState] = {}
        self.actions: list[dict[str, Any]] = []

    def log(self, role: str, action: str, **details: Any) -> None:
        self.actions.append({"at": "2026-11-23T00:00:00+00:00", "role": role, "action": action, "details": details})

    # -- eligibility ------------------------------------------------------------------------
    def issue(self, group: str, rng: random.Random) -> str:
        """Issue one credential for ``group``; returns the secret code (kept by the voter only)."""
        code = generate_code(lambda size: rng.randbytes(size))
        public = bytes(derive_signing_key(code).verify_key)
        self.rolls[group].append(public)
        self.group_of[public] = group
        return code

    def revoke(self, code: str) -> None:
        self.revoked.add(bytes(derive_signing_key(code).verify_key))
        self.log("registrar", "credential.revoke")

    # -- stages -----------------------------------------------------------------------------
    def open_stage(self, stage_id: str) -> StageState:
        spec = self.manifest.stage(stage_id)
        earlier = {sid: s.table for sid, s in self.stages.items()}
        candidates = resolve_candidates(spec.candidates, list(self.manifest.projects), earlier)
        definition = stage_definition(self.manifest, stage_id, candidates)
        context = ElectionContext(
            self.manifest.election_id,
            stage_id,
            self.manifest.hash,
            self.ceremony.joint_public_key,
            stage_hash(definition),
        )
        state = StageState(definition, scheme_for(definition), context, StageBoard(context.hash, self.board_key))
        self.stages[stage_id] = state
        self.log("admin", "stage.open", stage=stage_id)
        return state

    def cast(self, stage_id: str, envelope: Mapping[str, Any], *, proofs_checked: bool = False) -> dict[str, Any]:
        """The server side of casting: every check of the service, then the board and a receipt.

        ``proofs_checked`` says the validity proofs were already verified by the authority's own
        verification workers (a process pool), so only the sequential checks remain here.
        """
        state = self.stages[stage_id]
        ballot = parse_envelope(envelope, for_proofs=not proofs_checked)
        check_signature(ballot, self.manifest.election_id, stage_id)
        group = self.group_of.get(ballot.credential)
        if group is None or group not in state.definition["groups"]:
            raise BallotRejected("not_eligible", "the credential is not on the roll of an eligible group")
        if ballot.credential in self.revoked:
            raise BallotRejected("revoked", "the credential has been revoked")
        existing = state.board.lookup(ballot.tracking)
        if existing is None:
            state.board.check_not_replayed(ballot)
            if not proofs_checked:
                check_proofs(ballot, state.scheme, state.context)
            existing = state.board.append(ballot)
        return state.board.receipt(existing, state.board.sign_head(0))

    def vote(self, stage_id: str, code: str, choice: Mapping[str, Any]) -> tuple[dict[str, Any], Opening]:
        """The voter's device (encrypt, prove, sign) followed by casting."""
        state = self.stages[stage_id]
        envelope, opening, _ = seal(state.scheme, state.context, derive_signing_key(code), choice)
        return self.cast(stage_id, envelope), opening

    def audit(self, stage_id: str, code: str, choice: Mapping[str, Any]) -> None:
        """A Benaloh challenge: the device reveals the nonces; the ballot is published, never cast."""
        state = self.stages[stage_id]
        envelope, opening, tracking = seal(state.scheme, state.context, derive_signing_key(code), choice)
        assert state.scheme.verify_opening(state.context, parse_envelope(envelope, for_proofs=False).choices, opening)
        state.audited.append(
            {
                "ballot": envelope,
                "tracking_hash": b64encode(tracking),
                "opening": {
                    "vector": list(opening.vector),
                    "nonces": [b64encode(r.to_bytes()) for r in opening.nonces],
                },
            }
        )

    def close_and_tally(self, stage_id: str, present: Sequence[int] | None = None) -> dict[str, Any]:
        """Freeze the board, form each group's encrypted tally, decrypt with ``present`` trustees."""
        state = self.stages[stage_id]
        state.board.sign_head(1)
        self.log("admin", "stage.close", stage=stage_id, board_size=len(state.board.entries))
        entries = state.board.entries
        counts: dict[str, GroupCount] = count_board(
            ((e.position, e.ballot.credential) for e in entries),
            self.group_of,
            self.revoked,
            state.definition["revote"],
            state.definition["groups"],
        )
        _, k = self.manifest.trustees
        chosen = list(present or range(1, k + 1))
        keys = self.ceremony.verification_key_map()
        groups: dict[str, Any] = {}
        group_scores = {}
        for group, count in counts.items():
            cts = encrypted_tally(state.scheme, entries, count.counted)
            labels = tally_labels(group, len(cts))
            partials = [partial_decrypt(self.shares[i - 1], cts, state.context, labels) for i in chosen]
            ballots = len(count.counted)
            totals = decrypt_tally(
                cts, partials, keys, state.context, dlog_bound(state.scheme, ballots), threshold=k, labels=labels
            )
            groups[group] = {
                **count.to_json(),
                "ballots": ballots,
                "encrypted_tally": [c.to_json() for c in cts],
                "decryption": [p.to_json() for p in partials],
                **read_results(state.scheme, totals, ballots),
            }
            if ballots:
                group_scores[group] = {p: parse_fraction(s) for p, s in groups[group]["scores"].items()}
        self.log("trustee", "tally.decrypt", stage=stage_id, trustees=chosen)
        state.tally = {"stage_id": stage_id, "groups": groups}
        costs = {c["id"]: c["cost"] for c in state.definition["candidates"]}
        state.table = ranking_table(group_scores, self.manifest.weights, costs, self.manifest.budget)
        return state.tally

    def final_ranking(self) -> dict[str, Any]:
        manifest = self.manifest
        costs = {pid: int(p["cost"]) for pid, p in manifest.projects.items()}
        return final_ranking(manifest.data.get("final_ranking", {}).get("sources", []),
                             {sid: st.tally for sid, st in self.stages.items() if st.tally},
                             manifest.weights, costs, manifest.budget)

    # -- the record -------------------------------------------------------------------------
    def write_record(self, out: Path) -> Path:
        writer = RecordWriter(out)
        writer.write_json("manifest.json", self.manifest.to_json())
        writer.write_json("ceremony.json", self.ceremony.to_json())
        writer.write_json(
            "rolls.json",
            {
                "groups": {g: [b64encode(c) for c in creds] for g, creds in self.rolls.items()},
                "revoked": sorted(b64encode(c) for c in self.revoked),
            },
        )
        writer.write_jsonl("audit-log.jsonl", audit_chain(self.manifest.election_id, self.actions))
        results: dict[str, Any] = {"stages": {}}
        for sid, state in self.stages.items():
            base = f"stages/{sid}/"
            writer.write_json(base + "stage.json", state.definition)
            writer.write_jsonl(base + "ballots.jsonl", (e.to_json() for e in state.board.entries))
            writer.write_jsonl(base + "audited.jsonl", state.audited)
            writer.write_json(
                base + "board.json",
                {
                    "board_key": b64encode(bytes(self.board_key.verify_key)),
                    "log_id": state.board.log_id,
                    "final_tree_head": state.board.tree_heads[-1].to_dict(),
                    "tree_heads": [h.to_dict() for h in state.board.tree_heads[-4:-1]],
                },
            )
            writer.write_json(base + "tally.json", state.tally)
            results["stages"][sid] = {"ranking": state.table["ranking"], "selected": state.table["selected"]}
        results["final"] = self.final_ranking()
        writer.write_json("results.json", results)
        writer.finish(self.manifest.election_id, self.manifest.hash, list(self.stages), self.board_key)
        return out


DEFAULT_PARAMS: dict[str, dict[str, Any]] = {
    "approval": {"max": 3},
    "score": {"max_score": 3},
    "ranking": {"max_rank": 3},
    "cumulative": {"points": 5},
    "yes_no_abstain": {},
}


def sample_manifest(election_id: str, schemes: Sequence[str], projects: int = 6, seed: int = 1) -> dict[str, Any]:
    """A small manifest: one stage per scheme; the first shortlists for the others."""
    rng = random.Random(seed)
    costs = [rng.randint(1, 9) * 100_000_000 for _ in range(projects)]
    budget = sum(costs) // 2
    stages: list[dict[str, Any]] = []
    for i, name in enumerate(schemes):
        params = dict(DEFAULT_PARAMS.get(name, {}))
        if name == "budget":
            params = {"budget": budget}
        stage: dict[str, Any] = {
            "id": f"stage-{i + 1}-{name}",
            "scheme": name,
            "params": params,
            "title": {"ko": f"{i + 1}단계", "en": f"Stage {i + 1}"},
            "opens_at": "2026-05-01T00:00:00+09:00",
            "closes_at": "2026-05-14T18:00:00+09:00",
            "education": [],
            "revote": "last" if i % 2 == 0 else "first",
        }
        if i == 0:
            stage["groups"] = ["committee", "public"]
            stage["candidates"] = {"rule": "fixed"}
        else:
            stage["groups"] = ["committee"] if i % 2 else ["public"]
            stage["candidates"] = {"rule": "top_k", "from_stage": stages[0]["id"], "k": max(2, projects - 1)}
        stages.append(stage)
    last = {
        g: next((s["id"] for s in reversed(stages) if g in s["groups"]), stages[0]["id"])
        for g in ("committee", "public")
    }
    return {
        "version": 1,
        "election_id": election_id,
        "title": {"ko": "모의 선거", "en": "Simulated election"},
        "currency": "KRW",
        "budget": budget,
        "groups": [{"id": "committee", "weight": 50}, {"id": "public", "weight": 50}],
        "projects": [
            {
                "id": f"P{j + 1:02d}",
                "title": {"ko": f"사업 {j + 1}", "en": f"Project {j + 1}"},
                "description": {"ko": "", "en": ""},
                "cost": costs[j],
                "area": "social_welfare",
                "ministry": "MOEF",
            }
            for j in range(projects)
        ],
        "education": [],
        "stages": stages,
        "final_ranking": {"sources": [{"group": g, "stage": s} for g, s in last.items()]},
        "trustees": {"n": 5, "k": 3},
    }


def simulate_election(
    out_dir: Path,
    *,
    committee: int = 12,
    public: int = 20,
    seed: int = 1,
    schemes: tuple[str, ...] | None = None,
    election_id: str | None = None,
) -> Path:
    """Run a complete small election (re-votes, a revocation, audits) and write its record."""
    rng = random.Random(seed)
    manifest = load_manifest(
        sample_manifest(election_id or f"sim-{seed}", schemes or ("approval", "budget", "ranking"), seed=seed)
    )
    run = ElectionRun(manifest)
    codes = {
        "committee": [run.issue("committee", rng) for _ in range(committee)],
        "public": [run.issue("public", rng) for _ in range(public)],
    }
    lost = codes["committee"][0] if committee else None
    revoked_once = False
    for spec in manifest.stages:
        state = run.open_stage(spec.id)
        for group in spec.groups:
            voters = codes[group]
            for code in voters:
                run.vote(spec.id, code, random_choice(state.scheme, rng))
            for code in voters[1:3]:  # a few voters change their minds
                run.vote(spec.id, code, random_choice(state.scheme, rng))
            if voters:
                run.audit(spec.id, voters[-1], random_choice(state.scheme, rng))
        if lost is not None and not revoked_once and "committee" in spec.groups:
            run.revoke(lost)
            revoked_once = True
            codes["committee"][0] = run.issue("committee", rng)
            run.vote(spec.id, codes["committee"][0], random_choice(state.scheme, rng))
        n, k = manifest.trustees
        run.close_and_tally(spec.id, present=[1, 2, 4][:k] if n >= 4 else None)
    return run.write_record(out_dir)
