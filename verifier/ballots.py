"""Per-ballot work (V1 line schema, V5 signature, V6 proofs, V7 tracking hash), run in worker processes.

These functions are pure and picklable: a worker receives the stage's public parameters and a chunk
of raw JSON Lines and returns compact outcomes (hashes, the credential, failure messages), so the
parent never holds parsed ballots and the expensive curve arithmetic spreads over all cores.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

from nacl.exceptions import BadSignatureError, CryptoError
from nacl.signing import VerifyKey

from verifier.encoding import EncodingError, b64decode, canonical_json, hash_elements, sha256
from verifier.group import IDENTITY, STRICT, DeferredPoints, Points, add, point_defect
from verifier.merkle import board_leaf_data, leaf_hash
from verifier.proofs import Ciphertext, ProofError, decode_ciphertext, verify_weighted_sum
from verifier.record import JsonError, parse_json
from verifier.schema import validate
from verifier.schemes import Layout, SchemeError, layout_for

__all__ = [
    "BallotOutcome",
    "StageSpec",
    "check_ballot_chunk",
    "ciphertext_key",
    "layout_of",
    "signature_message",
    "sum_ciphertext_chunk",
    "tracking_hash",
]

KEY_BYTES = 16


@dataclass(frozen=True)
class StageSpec:
    """What a worker needs to check one stage's ballots; small enough to send with every chunk."""

    election_id: str
    stage_id: str
    context_hash: bytes
    joint_key: bytes | None
    stage_json: str  # canonical JSON of stage.json, from which the layout is rebuilt


class BallotOutcome(NamedTuple):
    """The compact result of checking one board line."""

    line: int
    position: int | None
    credential: str | None
    tracking_hash: bytes | None  # as recorded
    chain: bytes | None  # as recorded
    leaf: bytes | None  # RFC 9162 leaf hash of this entry
    ct_keys: bytes  # KEY_BYTES per ciphertext, for duplicate detection
    v1: tuple[str, ...]
    v5: tuple[str, ...]
    v6: tuple[str, ...]
    v7: tuple[str, ...]


@lru_cache(maxsize=16)
def layout_of(stage_json: str) -> Layout:
    """The scheme layout of a stage (cached per worker)."""
    stage = json.loads(stage_json)
    candidates = [(c["id"], c["cost"]) for c in stage["candidates"]]
    return layout_for(stage["scheme"], stage["params"], candidates)


def tracking_hash(envelope: dict[str, Any]) -> bytes:
    """hash_elements("pbvote/tracking/v1", canonical_json(envelope without "signature"))."""
    body = {k: v for k, v in envelope.items() if k != "signature"}
    return hash_elements("pbvote/tracking/v1", canonical_json(body))


def signature_message(election_id: str, stage_id: str, tracking: bytes) -> bytes:
    """The 32-byte digest a credential signs for a ballot (board-and-credentials §7)."""
    return hash_elements("pbvote/ballot-signature/v1", election_id, stage_id, tracking)


def ciphertext_key(ct: Sequence[object]) -> bytes:
    """A short digest of a ciphertext's text, to find a ciphertext used twice on a board."""
    return sha256(f"{ct[0]}.{ct[1]}".encode())[:KEY_BYTES]


def verify_signature(credential: str, signature: object, message: bytes) -> str | None:
    """None if the Ed25519 signature is valid, else why not."""
    try:
        key = b64decode(credential, 32)
        sig = b64decode(signature, 64)
    except EncodingError as exc:
        return f"credential or signature: {exc}"
    defect = point_defect(key)
    if defect is not None:
        return f"credential: {defect}"
    try:
        VerifyKey(key).verify(message, sig)
    except (BadSignatureError, ValueError):
        return "signature does not verify"
    return None


def check_choices(spec: StageSpec, choices: dict[str, Any]) -> list[str]:
    """Protocol §6: every point parses, counts match the layout, every entry and constraint proof verifies."""
    try:
        layout = layout_of(spec.stage_json)
    except SchemeError as exc:
        return [f"stage scheme: {exc}"]
    if spec.joint_key is None:
        return ["no valid joint key to verify proofs against"]
    cts_json, entry_proofs, cons_proofs = choices["ciphertexts"], choices["entry_proofs"], choices["constraint_proofs"]
    if len(cts_json) != layout.size or len(entry_proofs) != layout.size:
        return [f"{len(cts_json)} ciphertexts and {len(entry_proofs)} entry proofs, layout has {layout.size} entries"]
    if len(cons_proofs) != len(layout.constraints):
        return [f"{len(cons_proofs)} constraint proofs, layout has {len(layout.constraints)} constraints"]
    deferred = DeferredPoints()
    with contextlib.suppress(Exception):  # e.g. libsodium refused an invalid point: the strict pass names it
        if not _proof_errors(spec.context_hash, spec.joint_key, layout, choices, deferred) and deferred.settle():
            return []
    return _proof_errors(spec.context_hash, spec.joint_key, layout, choices, STRICT)


def _proof_errors(ctx: bytes, key: bytes, layout: Layout, choices: dict[str, Any], points: Points) -> list[str]:
    """Decode the ciphertexts and verify every entry and constraint proof (counts already checked).

    Run first with ``DeferredPoints``, which skips the separate validation of the many points that a
    scalar multiplication validates anyway; only a ballot that fails that pass is checked again with
    ``STRICT``, whose messages are the ones reported, so both passes must report the same failures.
    """
    cts: list[Ciphertext] = []
    for i, ct_json in enumerate(choices["ciphertexts"]):
        try:
            cts.append(decode_ciphertext(ct_json, points=points))
        except ProofError as exc:
            return [f"ciphertext {i}: {exc}"]
    errors: list[str] = []
    for i, (ct, proof) in enumerate(zip(cts, choices["entry_proofs"], strict=True)):
        try:
            verify_weighted_sum(ctx, key, [ct], [1], 0, layout.bounds[i], proof, points)
        except ProofError as exc:
            errors.append(f"entry proof {i}: {exc}")
    for c, (cons, proof) in enumerate(zip(layout.constraints, choices["constraint_proofs"], strict=True)):
        try:
            verify_weighted_sum(ctx, key, cts, cons.weights, cons.lo, cons.hi, proof, points)
        except ProofError as exc:
            errors.append(f"constraint proof {c} ({cons.name}): {exc}")
    return errors


def check_ballot_line(spec: StageSpec, line: int, raw: bytes) -> BallotOutcome:
    """All per-ballot checks of one board line (line numbers are 1-based; entry index is line − 1)."""
    where = f"stages/{spec.stage_id}/ballots.jsonl line {line}"
    try:
        entry = parse_json(raw)
    except JsonError as exc:
        return BallotOutcome(line, None, None, None, None, None, b"", (f"{where}: not valid JSON ({exc})",), (), (), ())
    schema_errors = validate(entry, "board-entry")
    if schema_errors:
        v1 = tuple(f"{where}: schema board-entry: {e}" for e in schema_errors)
        return BallotOutcome(line, None, None, None, None, None, b"", v1, (), (), ())
    envelope = entry["ballot"]
    position = entry["position"]
    ref = f"{where} (position {position})"
    v5: list[str] = []
    v7: list[str] = []
    recorded = b64decode(entry["tracking_hash"]) if _is_b64(entry["tracking_hash"]) else None
    chain = b64decode(entry["chain"]) if _is_b64(entry["chain"]) else None
    if recorded is None or chain is None:
        v7.append(f"{ref}: tracking_hash or chain is not canonical base64url")
    try:
        computed = tracking_hash(envelope)
    except EncodingError as exc:
        return BallotOutcome(line, position, None, recorded, chain, None, b"", (f"{ref}: {exc}",), (), (), ())
    if recorded is not None and recorded != computed:
        v7.append(f"{ref}: tracking_hash differs from the hash of the envelope")
    if envelope["election_id"] != spec.election_id:
        v5.append(f"{ref}: election_id {envelope['election_id']!r} is not this election's")
    if envelope["stage_id"] != spec.stage_id:
        v5.append(f"{ref}: stage_id {envelope['stage_id']!r} is not this stage's")
    problem = verify_signature(envelope["credential"], envelope["signature"],
                               signature_message(envelope["election_id"], envelope["stage_id"], computed))
    if problem:
        v5.append(f"{ref}: {problem}")
    v6 = [f"{ref}: {e}" for e in check_choices(spec, envelope["choices"])]
    leaf = None
    if _is_b64(envelope["signature"]):
        signature = b64decode(envelope["signature"])
        leaf = leaf_hash(board_leaf_data(line - 1, recorded if recorded is not None else computed, signature))
    keys = b"".join(ciphertext_key(ct) for ct in envelope["choices"]["ciphertexts"])
    return BallotOutcome(line, position, envelope["credential"], recorded, chain, leaf, keys,
                         (), tuple(v5), tuple(v6), tuple(v7))


def _is_b64(text: object) -> bool:
    try:
        b64decode(text)
    except EncodingError:
        return False
    return True


def check_ballot_chunk(spec: StageSpec, chunk: Sequence[tuple[int, bytes]]) -> list[BallotOutcome]:
    """Worker entry point: check a chunk of board lines (a line that breaks the checker fails V1, never the run)."""
    outcomes = []
    for line, raw in chunk:
        try:
            outcomes.append(check_ballot_line(spec, line, raw))
        except Exception as exc:  # hostile input must not crash the verifier
            message = f"stages/{spec.stage_id}/ballots.jsonl line {line}: unreadable ({type(exc).__name__}: {exc})"
            outcomes.append(BallotOutcome(line, None, None, None, None, None, b"", (message,), (), (), ()))
    return outcomes


def sum_ciphertext_chunk(
    chunk: Sequence[tuple[str, int, bytes]], size: int
) -> tuple[dict[str, list[Ciphertext]], list[str]]:
    """Worker entry point for V10: per-group homomorphic sums of the given (group, line, raw) ballots."""
    sums: dict[str, list[Ciphertext]] = {}
    errors: list[str] = []
    for group, line, raw in chunk:
        try:
            cts = json.loads(raw)["ballot"]["choices"]["ciphertexts"]
            if len(cts) != size:
                raise ValueError(f"{len(cts)} ciphertexts, expected {size}")
            acc = sums.setdefault(group, [(IDENTITY, IDENTITY)] * size)
            sums[group] = [
                (add(a, b64decode(ct[0], 32)), add(b, b64decode(ct[1], 32)))
                for (a, b), ct in zip(acc, cts, strict=True)
            ]
        except (ValueError, KeyError, TypeError, IndexError, CryptoError) as exc:
            errors.append(f"line {line}: ciphertexts cannot be added ({exc})")
    return sums, errors
