"""k-of-n threshold trustees: public ceremony check, proven partial decryptions, Lagrange combination.

Why: a tally is decrypted only by a quorum of trustees, and anyone can check every step from the
published record.  Trustee ℓ publishes M_ℓ = s_ℓ·α with a Chaum–Pedersen proof that
log_G K_ℓ == log_α M_ℓ; any set U of at least k trustees yields
m·G = β − Σ_{ℓ∈U} λ_ℓ·M_ℓ with λ_ℓ = Π_{j∈U, j≠ℓ} j/(j−ℓ) mod L.  Followed: ElectionGuard 2.0
§3.2.2 (verification keys), §3.6 (partial decryptions, their proofs, combination by Lagrange
coefficients); Belenios specification §4.5.6–§4.5.7 (key-share proofs, threshold parameters) and
§4.13–§4.14 (decryption factors, Lagrange combination).  The ceremony itself is in
``voting_engine.core.key_ceremony``; equations and JSON are in docs/threshold.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from voting_engine.core.context import ElectionContext, ceremony_context_hash
from voting_engine.core.dlog import DiscreteLogError, discrete_log
from voting_engine.core.elgamal import Ciphertext
from voting_engine.core.encoding import b64decode, b64encode
from voting_engine.core.group import IDENTITY, G, L, Point, PointError, Scalar
from voting_engine.core.hashing import hash_elements
from voting_engine.core.key_ceremony import (
    EncryptedShare,
    SecretShare,
    ThresholdError,
    Trustee,
    TrusteeAnnouncement,
    TrusteeError,
    check_index,
    check_parameters,
    index_announcements,
    json_field,
    json_index,
    key_share_label,
    parse_point,
    parse_schnorr,
    share_commitment,
    verify_announcement,
)
from voting_engine.core.proofs.chaum_pedersen import EqualityProof, prove_equality, verify_equality
from voting_engine.core.proofs.schnorr import SchnorrProof, prove_knowledge, verify_knowledge

__all__ = [
    "CeremonyRecord",
    "EncryptedShare",
    "KeyShareConfirmation",
    "PartialDecryption",
    "SecretShare",
    "ThresholdError",
    "Trustee",
    "TrusteeAnnouncement",
    "TrusteeError",
    "confirm_key_share",
    "decrypt_tally",
    "joint_public_key",
    "lagrange_coefficient",
    "partial_decrypt",
    "trustee_fingerprint",
    "verification_key",
    "verify_announcement",
    "verify_ceremony",
    "verify_partial_decryption",
]

CEREMONY_FORMAT = "pbvote/threshold/ceremony/v1"
FINGERPRINT_TAG = "pbvote/threshold/fingerprint/v1"


def verification_key(commitments: Sequence[Sequence[Point]], index: int) -> Point:
    """K_ℓ = s_ℓ·G = Σ_i Σ_j ℓ^j·K_{i,j} from public commitments only (one row per dealer)."""
    aggregate = [IDENTITY] * max((len(row) for row in commitments), default=0)
    for row in commitments:
        for j, commitment in enumerate(row):
            aggregate[j] = aggregate[j] + commitment
    return share_commitment(aggregate, index)


def joint_public_key(commitments: Sequence[Sequence[Point]]) -> Point:
    """K = Σ_i K_{i,0}, the election public key (ElectionGuard 2.0 §3.2.2)."""
    total = IDENTITY
    for row in commitments:
        total = total + row[0]
    return total


def trustee_fingerprint(announcement: TrusteeAnnouncement) -> str:
    """80-bit hex fingerprint of index, box key and commitments, for humans to compare out of band."""
    a = announcement
    text = hash_elements(FINGERPRINT_TAG, a.trustee, a.box_public_key, *a.commitments)[:10].hex()
    return "-".join(text[n : n + 4] for n in range(0, 20, 4))


@dataclass(frozen=True, slots=True)
class KeyShareConfirmation:
    """Trustee ℓ's proof of knowledge of s_ℓ for K_ℓ: it holds valid shares from every dealer."""

    trustee: int
    proof: SchnorrProof

    def to_json(self) -> dict[str, Any]:
        return {"trustee": self.trustee, "proof": self.proof.to_json()}

    @classmethod
    def from_json(cls, value: object) -> KeyShareConfirmation:
        i = json_index(value, "trustee")
        return cls(i, parse_schnorr(json_field(value, "proof", dict, i), i, "bad_key_share_proof", "key share"))


def confirm_key_share(share: SecretShare) -> KeyShareConfirmation:
    """Belenios §4.5.6 (voutput): prove knowledge of s_ℓ, labelled trustee-ℓ/key-share."""
    label = key_share_label(share.trustee)
    return KeyShareConfirmation(
        share.trustee, prove_knowledge(share.ceremony_hash, share.secret, share.verification_key, label)
    )


def _ceremony_keys(announcements: Mapping[int, TrusteeAnnouncement]) -> tuple[Point, tuple[Point, ...]]:
    rows = [a.commitments for a in announcements.values()]
    keys = tuple(verification_key(rows, index) for index in announcements)
    return joint_public_key(rows), keys


@dataclass(frozen=True, slots=True)
class CeremonyRecord:
    """Everything an independent verifier needs to re-check the key ceremony (Belenios §4.5.7)."""

    election_id: str
    manifest_hash: bytes
    trustees: int
    threshold: int
    announcements: tuple[TrusteeAnnouncement, ...]
    confirmations: tuple[KeyShareConfirmation, ...]
    joint_public_key: Point
    verification_keys: tuple[Point, ...]

    @property
    def context_hash(self) -> bytes:
        return ceremony_context_hash(self.election_id, self.manifest_hash, self.trustees, self.threshold)

    @classmethod
    def assemble(
        cls,
        election_id: str,
        manifest_hash: bytes,
        announcements: Iterable[TrusteeAnnouncement],
        confirmations: Iterable[KeyShareConfirmation],
        *,
        threshold: int,
    ) -> CeremonyRecord:
        """Sort the messages by index and derive K and every K_ℓ (check with ``verify_ceremony``)."""
        listed = list(announcements)
        by_index = index_announcements(listed, len(listed))
        joint, keys = _ceremony_keys(by_index)
        ordered = tuple(sorted(confirmations, key=lambda c: c.trustee))
        n = len(listed)
        return cls(election_id, manifest_hash, n, threshold, tuple(by_index.values()), ordered, joint, keys)

    def verification_key_map(self) -> dict[int, Point]:
        return {index: key for index, key in enumerate(self.verification_keys, start=1)}

    def to_json(self) -> dict[str, Any]:
        return {
            "format": CEREMONY_FORMAT,
            "election_id": self.election_id,
            "manifest_hash": b64encode(self.manifest_hash),
            "trustees": self.trustees,
            "threshold": self.threshold,
            "announcements": [a.to_json() for a in self.announcements],
            "confirmations": [c.to_json() for c in self.confirmations],
            "joint_public_key": b64encode(self.joint_public_key.to_bytes()),
            "verification_keys": [b64encode(k.to_bytes()) for k in self.verification_keys],
        }

    @classmethod
    def from_json(cls, value: object) -> CeremonyRecord:
        if not isinstance(value, dict) or value.get("format") != CEREMONY_FORMAT:
            raise ThresholdError("bad_record", f"expected a {CEREMONY_FORMAT!r} object")
        try:
            election_id, n, k = value["election_id"], value["trustees"], value["threshold"]
            manifest_hash = b64decode(value["manifest_hash"], 32)
            joint = Point.from_bytes(b64decode(value["joint_public_key"], 32))
            keys = tuple(parse_point(t, x, "verification key") for x, t in enumerate(value["verification_keys"], 1))
            announcements = tuple(TrusteeAnnouncement.from_json(a) for a in value["announcements"])
            confirmations = tuple(KeyShareConfirmation.from_json(c) for c in value["confirmations"])
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, TrusteeError):
                raise
            raise ThresholdError("bad_record", f"malformed ceremony record: {exc}") from exc
        if not isinstance(election_id, str):
            raise ThresholdError("bad_record", "election_id must be a string")
        check_parameters(n, k)
        return cls(election_id, manifest_hash, n, k, announcements, confirmations, joint, keys)


def verify_ceremony(record: CeremonyRecord) -> Point:
    """Check every proof and recompute K and each K_ℓ from public data; return the joint key.

    ElectionGuard 2.0 §3.2.2 (Verification 2) and Belenios §4.5.6: the coefficient proofs, then each
    trustee's proof of knowledge of s_ℓ against K_ℓ = Σ_i Σ_j ℓ^j·K_{i,j}.  The caller must still
    check that ``election_id`` and ``manifest_hash`` are the election's own.
    """
    check_parameters(record.trustees, record.threshold)
    context_hash = record.context_hash
    announcements = index_announcements(record.announcements, record.trustees)
    for announcement in announcements.values():
        verify_announcement(announcement, context_hash, record.threshold)
    joint, keys = _ceremony_keys(announcements)
    if joint.is_identity:
        raise ThresholdError("bad_joint_key", "the joint public key is the identity")
    confirmations = {c.trustee: c for c in record.confirmations}
    if len(confirmations) != len(record.confirmations) or set(confirmations) != set(announcements):
        raise ThresholdError("incomplete_ceremony", "need exactly one key-share confirmation per trustee")
    for index, key in enumerate(keys, start=1):
        if not verify_knowledge(context_hash, key, confirmations[index].proof, key_share_label(index)):
            raise TrusteeError(index, "bad_key_share_proof", "key-share proof does not verify against K_ℓ")
    if record.joint_public_key != joint:
        raise ThresholdError("joint_key_mismatch", "the record's joint key is not Σ_i K_{i,0}")
    if len(record.verification_keys) != record.trustees:
        raise ThresholdError("bad_record", "need one verification key per trustee")
    for index, (claimed, actual) in enumerate(zip(record.verification_keys, keys, strict=True), start=1):
        if claimed != actual:
            raise TrusteeError(index, "bad_verification_key", "published K_ℓ does not match the commitments")
    return joint


@dataclass(frozen=True, slots=True)
class PartialDecryption:
    """Trustee ℓ's M_ℓ = s_ℓ·α for each ciphertext of a tally vector, with a proof per entry."""

    trustee: int
    shares: tuple[Point, ...]
    proofs: tuple[EqualityProof | None, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "trustee": self.trustee,
            "shares": [b64encode(m.to_bytes()) for m in self.shares],
            "proofs": [None if proof is None else proof.to_json() for proof in self.proofs],
        }

    @classmethod
    def from_json(cls, value: object) -> PartialDecryption:
        i = json_index(value, "trustee")
        shares = json_field(value, "shares", list, i, "bad_decryption_share")
        proofs: list[EqualityProof | None] = []
        for x, proof in enumerate(json_field(value, "proofs", list, i, "bad_decryption_share")):
            try:
                proofs.append(None if proof is None else EqualityProof.from_json(proof))
            except (KeyError, TypeError, ValueError) as exc:
                raise TrusteeError(i, "bad_decryption_share", f"entry {x}: malformed proof ({exc})") from exc
        points = tuple(parse_point(m, i, f"share {x}", allow_identity=True) for x, m in enumerate(shares))
        return cls(i, points, tuple(proofs))


def _labels(labels: Sequence[str] | None, count: int) -> list[str]:
    if labels is None:
        return [f"entry-{x}" for x in range(count)]
    if len(labels) != count or not all(isinstance(label, str) for label in labels):
        raise ThresholdError("bad_labels", f"need {count} string labels, one per ciphertext")
    return list(labels)


def _check_ciphertexts(ciphertexts: Sequence[Ciphertext], names: Sequence[str]) -> None:
    for ciphertext, name in zip(ciphertexts, names, strict=True):
        try:
            Point.from_bytes(ciphertext.alpha.to_bytes(), allow_identity=True)
            Point.from_bytes(ciphertext.beta.to_bytes(), allow_identity=True)
        except PointError as exc:
            raise ThresholdError("bad_ciphertext", f"{name!r}: {exc}") from exc


def decryption_label(trustee: int, label: str) -> str:
    return f"trustee-{trustee}/partial-decryption/{label}"


def partial_decrypt(
    share: SecretShare, ciphertexts: Sequence[Ciphertext], context: ElectionContext, labels: Sequence[str] | None = None
) -> PartialDecryption:
    """M_ℓ = s_ℓ·α with a Chaum–Pedersen proof (ElectionGuard 2.0 §3.6); α = O gives M = O and no proof."""
    if context.public_key != share.joint_public_key:
        raise ThresholdError("wrong_context", "the election context is not under this share's joint key")
    key = share.verification_key
    shares: list[Point] = []
    proofs: list[EqualityProof | None] = []
    names = _labels(labels, len(ciphertexts))
    _check_ciphertexts(ciphertexts, names)  # never multiply s_ℓ into a point with a torsion component
    for ciphertext, name in zip(ciphertexts, names, strict=True):
        if ciphertext.alpha.is_identity:
            shares.append(IDENTITY)
            proofs.append(None)
            continue
        m = ciphertext.alpha * share.secret
        shares.append(m)
        label = decryption_label(share.trustee, name)
        proofs.append(prove_equality(context.hash, share.secret, G, key, ciphertext.alpha, m, label))
    return PartialDecryption(share.trustee, tuple(shares), tuple(proofs))


def verify_partial_decryption(
    partial: PartialDecryption,
    ciphertexts: Sequence[Ciphertext],
    verification_key: Point,
    context: ElectionContext,
    labels: Sequence[str] | None = None,
) -> None:
    """Raise ``TrusteeError`` naming the trustee if any M_ℓ is not a valid point or not proven."""
    i = partial.trustee
    if len(partial.shares) != len(ciphertexts) or len(partial.proofs) != len(ciphertexts):
        raise TrusteeError(i, "bad_decryption_share", f"expected {len(ciphertexts)} shares and proofs")
    for x, label in enumerate(_labels(labels, len(ciphertexts))):
        alpha, proof = ciphertexts[x].alpha, partial.proofs[x]
        m = parse_point(partial.shares[x], i, f"share for {label!r}", allow_identity=True)
        if alpha.is_identity:
            if not m.is_identity or proof is not None:
                raise TrusteeError(i, "bad_decryption_share", f"{label!r}: α is the identity, so M must be too")
            continue
        full_label = decryption_label(i, label)
        if proof is None or not verify_equality(context.hash, G, verification_key, alpha, m, proof, full_label):
            raise TrusteeError(i, "bad_decryption_share", f"{label!r}: partial decryption proof does not verify")


def lagrange_coefficient(index: int, present: Iterable[int]) -> Scalar:
    """λ_ℓ = Π_{j∈U, j≠ℓ} j/(j−ℓ) mod L (ElectionGuard 2.0 §3.6; Belenios §4.14)."""
    numerator, denominator = 1, 1
    for j in present:
        if j != index:
            numerator = numerator * j % L
            denominator = denominator * (j - index) % L
    return Scalar(numerator * pow(denominator, -1, L))


def _present(
    partials: Mapping[int, PartialDecryption] | Sequence[PartialDecryption], trustees: int, threshold: int
) -> dict[int, PartialDecryption]:
    if isinstance(partials, Mapping):
        for index, partial in partials.items():
            if index != partial.trustee:
                raise ThresholdError("bad_index", f"partial decryption of trustee {partial.trustee} filed as {index}")
        partials = list(partials.values())
    by_index: dict[int, PartialDecryption] = {}
    for partial in partials:
        check_index(partial.trustee, trustees)
        if partial.trustee in by_index:
            raise ThresholdError("duplicate_trustee", f"two partial decryptions from trustee {partial.trustee}")
        by_index[partial.trustee] = partial
    if len(by_index) < threshold:
        raise ThresholdError("too_few_trustees", f"{len(by_index)} trustees present, {threshold} needed")
    return dict(sorted(by_index.items()))


def decrypt_tally(
    ciphertexts: Sequence[Ciphertext],
    partials: Mapping[int, PartialDecryption] | Sequence[PartialDecryption],
    verification_keys: Mapping[int, Point],
    context: ElectionContext,
    bound: int,
    *,
    threshold: int,
    labels: Sequence[str] | None = None,
) -> list[int]:
    """Verify every partial, then m·G = β − Σ λ_ℓ·M_ℓ over the present set and m = dlog(m·G) ≤ bound."""
    trustees = len(verification_keys)
    check_parameters(trustees, threshold)
    if set(verification_keys) != set(range(1, trustees + 1)):
        raise ThresholdError("bad_index", "verification keys must be indexed 1..n")
    present = _present(partials, trustees, threshold)
    names = _labels(labels, len(ciphertexts))
    _check_ciphertexts(ciphertexts, names)
    lambdas = {index: lagrange_coefficient(index, present) for index in present}
    recombined = IDENTITY
    for index, weight in lambdas.items():
        recombined = recombined + verification_keys[index] * weight
    if recombined != context.public_key:
        raise ThresholdError("key_mismatch", "Σ λ_ℓ·K_ℓ is not the election's joint public key")
    for index, partial in present.items():
        verify_partial_decryption(partial, ciphertexts, verification_keys[index], context, names)
    results: list[int] = []
    for x, ciphertext in enumerate(ciphertexts):
        point = ciphertext.beta
        for index, weight in lambdas.items():
            point = point - present[index].shares[x] * weight
        try:
            results.append(discrete_log(point, bound))
        except DiscreteLogError as exc:
            raise ThresholdError("tally_out_of_range", f"{names[x]!r}: {exc}") from exc
    return results
