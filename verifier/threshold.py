"""Threshold key ceremony and decryption checks (docs/threshold.md §3–5; docs/election-record.md C1, C2).

Every value a trustee publishes is recomputed or proved: the commitments' Schnorr proofs, the joint
key, each verification key K_ℓ, the key-share confirmations, and each partial decryption's
Chaum–Pedersen proof; totals are then recombined with Lagrange coefficients so that no secret and
no trusted arithmetic is needed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from verifier.encoding import EncodingError, b64decode, b64encode, hash_elements
from verifier.group import IDENTITY, G, H, L, add, base_mul, decode_point, mul, sub
from verifier.proofs import Ciphertext, ProofError, verify_chaum_pedersen, verify_schnorr

__all__ = [
    "Ceremony",
    "ceremony_context",
    "combine",
    "discrete_log",
    "lagrange_coefficients",
    "verify_ceremony",
    "verify_partial",
]

MAX_TRUSTEES = 100


def ceremony_context(manifest_hash: bytes, election_id: str, n: int, k: int) -> bytes:
    """ctx_c (protocol §3, threshold §1)."""
    return hash_elements("pbvote/ceremony-context/v1", "edwards25519", G, H, manifest_hash, election_id, n, k)


@dataclass
class Ceremony:
    """The recomputed public outcome of the ceremony and what was wrong with it."""

    n: int
    k: int
    joint_key: bytes | None = None
    verification_keys: dict[int, bytes] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    checked: int = 0

    def item(self, message: str | None) -> None:
        self.checked += 1
        if message:
            self.failures.append(message)


def _point(text: object, what: str) -> bytes:
    try:
        return decode_point(text)
    except EncodingError as exc:
        raise ProofError(f"{what}: {exc}") from exc


def _announcement(ann: dict[str, Any], ctx: bytes, k: int, cer: Ceremony) -> list[bytes] | None:
    """Validate one announcement (threshold §3 check 3); its commitments if all are good."""
    i = ann["trustee"]
    where = f"ceremony.json: trustee {i}"
    commitments, proofs = ann["commitments"], ann["proofs"]
    if len(commitments) != k or len(proofs) != k:
        cer.item(f"{where}: {len(commitments)} commitments and {len(proofs)} proofs, expected {k} (bad_announcement)")
        return None
    try:
        box = b64decode(ann["box_public_key"], 32)
    except EncodingError as exc:
        cer.item(f"{where}: box_public_key: {exc}")
        return None
    points: list[bytes] = []
    ok = True
    for j, (text, proof) in enumerate(zip(commitments, proofs, strict=True)):
        try:
            point = _point(text, f"commitment {j}")
            verify_schnorr(ctx, f"trustee-{i}/coefficient-{j}/box-{b64encode(box)}", point, proof)
            points.append(point)
            cer.item(None)
        except ProofError as exc:
            cer.item(f"{where}: coefficient {j}: {exc}")
            ok = False
    return points if ok else None


def verify_ceremony(doc: dict[str, Any], election_id: str, manifest_hash: bytes, n: int, k: int) -> Ceremony:
    """Checks 1–6 of threshold §3, plus the election binding and the manifest's n and k (C1, C2)."""
    cer = Ceremony(n=doc["trustees"], k=doc["threshold"])
    cer.item(None if (doc["trustees"], doc["threshold"]) == (n, k) else
             f"ceremony.json: n={doc['trustees']}, k={doc['threshold']} but the manifest says n={n}, k={k}")
    cer.item(None if doc["election_id"] == election_id else "ceremony.json: election_id is not the election's")
    cer.item(None if doc["manifest_hash"] == b64encode(manifest_hash) else
             "ceremony.json: manifest_hash is not the manifest's hash")
    n, k = cer.n, cer.k
    if not 1 <= k <= n <= MAX_TRUSTEES:
        cer.item(f"ceremony.json: parameters must satisfy 1 ≤ k ≤ n ≤ {MAX_TRUSTEES} (k={k}, n={n})")
        return cer
    indices = [a["trustee"] for a in doc["announcements"]]
    cer.item(None if sorted(indices) == list(range(1, n + 1)) else
             f"ceremony.json: announcements must be exactly one per trustee 1..{n}, got {indices}")
    ctx = ceremony_context(manifest_hash, election_id, n, k)
    sums: list[bytes] = [IDENTITY] * k
    complete = sorted(indices) == list(range(1, n + 1))
    for ann in doc["announcements"]:
        points = _announcement(ann, ctx, k, cer)
        if points is None:
            complete = False
            continue
        sums = [add(s, p) for s, p in zip(sums, points, strict=True)]
    if not complete:
        cer.item("ceremony.json: joint key and verification keys not recomputable from a faulty ceremony")
        return cer
    cer.joint_key = sums[0]
    cer.item("ceremony.json: joint key is the identity" if sums[0] == IDENTITY else None)
    cer.item(None if doc["joint_public_key"] == b64encode(sums[0]) else
             "ceremony.json: joint_public_key differs from the sum of the trustees' K_i,0")
    for ell in range(1, n + 1):
        key = IDENTITY
        for j, s in enumerate(sums):
            key = add(key, mul(pow(ell, j, L), s))
        cer.verification_keys[ell] = key
    published = doc["verification_keys"]
    for ell in range(1, n + 1):
        ok = len(published) == n and published[ell - 1] == b64encode(cer.verification_keys[ell])
        cer.item(None if ok else f"ceremony.json: verification key of trustee {ell} differs (bad_verification_key)")
    confirmations = [c["trustee"] for c in doc["confirmations"]]
    cer.item(None if sorted(confirmations) == list(range(1, n + 1)) else
             f"ceremony.json: confirmations must be exactly one per trustee 1..{n}, got {confirmations}")
    for conf in doc["confirmations"]:
        ell = conf["trustee"]
        if ell not in cer.verification_keys:
            continue
        try:
            verify_schnorr(ctx, f"trustee-{ell}/key-share", cer.verification_keys[ell], conf["proof"])
            cer.item(None)
        except ProofError as exc:
            cer.item(f"ceremony.json: key-share confirmation of trustee {ell}: {exc} (bad_key_share_proof)")
    return cer


def verify_partial(
    ctx: bytes,
    key_share: bytes,
    alphas: Sequence[bytes],
    shares_json: Sequence[object],
    proofs_json: Sequence[object],
    labels: Sequence[str],
) -> tuple[list[bytes | None], list[str]]:
    """Check one trustee's partial decryption (threshold §4); the shares (None where bad) and errors."""
    errors: list[str] = []
    shares: list[bytes | None] = []
    if len(shares_json) != len(alphas) or len(proofs_json) != len(alphas):
        counts = f"{len(shares_json)} shares / {len(proofs_json)} proofs for {len(alphas)} entries"
        return [None] * len(alphas), [counts]
    for e, (alpha, text, proof, label) in enumerate(zip(alphas, shares_json, proofs_json, labels, strict=True)):
        try:
            share = decode_point(text, allow_identity=True)
        except EncodingError as exc:
            errors.append(f"entry {e}: share: {exc}")
            shares.append(None)
            continue
        if alpha == IDENTITY:
            if share != IDENTITY or proof is not None:
                errors.append(f"entry {e}: alpha is the identity, so M must be the identity and the proof null")
                shares.append(None)
            else:
                shares.append(share)
            continue
        if proof is None:
            errors.append(f"entry {e}: proof missing")
            shares.append(None)
            continue
        try:
            if share == IDENTITY:
                raise ProofError("M is the identity")
            verify_chaum_pedersen(ctx, label, G, key_share, alpha, share, proof)
            shares.append(share)
        except ProofError as exc:
            errors.append(f"entry {e}: {exc}")
            shares.append(None)
    return shares, errors


def lagrange_coefficients(indices: Sequence[int]) -> dict[int, int]:
    """λ_ℓ = Π_{m≠ℓ} m / (m − ℓ) mod L over the present set."""
    coeffs: dict[int, int] = {}
    for ell in indices:
        num, den = 1, 1
        for m in indices:
            if m != ell:
                num = num * m % L
                den = den * (m - ell) % L
        coeffs[ell] = num * pow(den, -1, L) % L
    return coeffs


def combine(ct: Ciphertext, shares: dict[int, bytes], coeffs: dict[int, int]) -> bytes:
    """T·G = β − Σ λ_ℓ·M_ℓ."""
    acc = IDENTITY
    for ell, share in shares.items():
        acc = add(acc, mul(coeffs[ell], share))
    return sub(ct[1], acc)


def discrete_log(point: bytes, bound: int, limit: int = 1 << 40) -> int | None:
    """m in [0, bound] with m·G = point by baby-step giant-step, or None (also if bound is too large)."""
    if bound < 0 or bound > limit:
        return None
    step = math.isqrt(bound) + 1
    table: dict[bytes, int] = {}
    acc = IDENTITY
    for j in range(step):
        table.setdefault(acc, j)
        acc = add(acc, G)
    giant = base_mul(step)
    current = point
    for i in range(step + 1):
        found = table.get(current)
        if found is not None and i * step + found <= bound:
            return i * step + found
        current = sub(current, giant)
    return None
