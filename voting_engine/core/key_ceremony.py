"""Distributed key generation for k-of-n threshold trustees (joint Feldman VSS).

Why: no party, not even the server, may ever hold the election secret.  Trustee i deals a random
polynomial P_i of degree k−1, publishes Feldman commitments K_{i,j} = a_{i,j}·G with Schnorr proofs,
and boxes P_i(ℓ) (X25519) to each other trustee ℓ, who checks P_i(ℓ)·G == Σ_j ℓ^j·K_{i,j} and keeps
s_ℓ = Σ_i P_i(ℓ).  The joint key is K = Σ_i K_{i,0}; s = Σ_i P_i(0) is never formed.  Followed:
ElectionGuard 2.0 §3.2.1–§3.2.2; Belenios specification §3.1.2, §4.5.1–§4.5.6; Feldman, FOCS 1987;
Pedersen, EUROCRYPT 1991.  Equations and JSON of every message: docs/threshold.md.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from nacl.exceptions import CryptoError
from nacl.public import Box, PrivateKey, PublicKey

from voting_engine.core.encoding import b64decode, b64encode, canonical_json
from voting_engine.core.group import IDENTITY, L, Point, PointError, Scalar, base_mul
from voting_engine.core.hashing import hash_elements
from voting_engine.core.proofs.schnorr import SchnorrProof, prove_knowledge, verify_knowledge

MAX_TRUSTEES = 100
SHARE_TAG = "pbvote/threshold/share/v1"
SECRET_SHARE_FORMAT = "pbvote/threshold/secret-share/v1"
TRUSTEE_STATE_FORMAT = "pbvote/threshold/trustee-state/v1"


class TrusteeError(ValueError):
    """A trustee's message failed a check; ``trustee`` is the party to blame, ``code`` is stable."""

    def __init__(self, trustee: int, code: str, message: str) -> None:
        super().__init__(f"trustee {trustee}: {message} [{code}]")
        self.trustee = trustee
        self.code = code


class ThresholdError(ValueError):
    """Parameters, indices or a record are wrong in a way that blames no single trustee."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{message} [{code}]")
        self.code = code


def check_parameters(trustees: int, threshold: int) -> None:
    """1 ≤ k ≤ n ≤ MAX_TRUSTEES (a cap so that hostile records cannot demand unbounded work)."""
    if type(trustees) is not int or type(threshold) is not int or not 1 <= threshold <= trustees <= MAX_TRUSTEES:
        raise ThresholdError("bad_parameters", f"need 1 <= threshold <= trustees <= {MAX_TRUSTEES}")


def check_index(index: int, trustees: int) -> None:
    """Trustee indices are 1..n: index 0 would hand out P(0), the joint secret itself."""
    if type(index) is not int or not 1 <= index <= trustees:
        raise ThresholdError("bad_index", f"trustee index {index!r} is not in 1..{trustees}")


def coefficient_label(trustee: int, j: int, box_public_key: bytes) -> str:
    """Binds each proof to its trustee, degree and box key, so a relay cannot swap the box key alone."""
    return f"trustee-{trustee}/coefficient-{j}/box-{b64encode(box_public_key)}"


def key_share_label(trustee: int) -> str:
    return f"trustee-{trustee}/key-share"


def evaluate(coefficients: Sequence[Scalar], x: int) -> Scalar:
    """P(x) = Σ_j a_j·x^j mod L by Horner's rule."""
    acc = 0
    for a in reversed(coefficients):
        acc = (acc * x + a.value) % L
    return Scalar(acc)


def share_commitment(commitments: Sequence[Point], index: int) -> Point:
    """Σ_j index^j·K_j: what P(index)·G must equal (ElectionGuard 2.0 §3.2.2, share verification)."""
    total = IDENTITY
    for j, commitment in enumerate(commitments):
        total = total + commitment * pow(index, j, L)
    return total


def json_field(value: object, key: str, kind: type[Any], trustee: int, code: str = "bad_announcement") -> Any:
    if not isinstance(value, dict) or key not in value:
        raise TrusteeError(trustee, code, f"missing field {key!r}")
    item = value[key]
    if not isinstance(item, kind) or (kind is int and isinstance(item, bool)):
        raise TrusteeError(trustee, code, f"field {key!r} must be a {kind.__name__}")
    return item


def json_index(value: object, key: str) -> int:
    index = value.get(key) if isinstance(value, dict) else None
    if type(index) is not int:
        raise TrusteeError(0, "bad_announcement", f"message has no integer {key!r}")
    return index


def parse_point(text: object, trustee: int, what: str, *, allow_identity: bool = False) -> Point:
    """Decode and validate a base64url point, blaming ``trustee`` (code ``bad_point``) if it is bad."""
    try:
        if isinstance(text, Point):
            return Point.from_bytes(text.to_bytes(), allow_identity=allow_identity)
        if not isinstance(text, str):
            raise ValueError("not a base64url string")
        return Point.from_bytes(b64decode(text, 32), allow_identity=allow_identity)
    except PointError as exc:
        raise TrusteeError(trustee, "bad_point", f"{what}: {exc} ({exc.reason})") from exc
    except ValueError as exc:
        raise TrusteeError(trustee, "bad_point", f"{what}: {exc}") from exc


def parse_schnorr(value: object, trustee: int, code: str, what: str) -> SchnorrProof:
    try:
        if not isinstance(value, dict):
            raise ValueError("not an object")
        return SchnorrProof.from_json(value)
    except (KeyError, TypeError, ValueError) as exc:
        raise TrusteeError(trustee, code, f"{what}: malformed proof ({exc})") from exc


@dataclass(frozen=True, slots=True)
class TrusteeAnnouncement:
    """Trustee i's public message: X25519 box key, commitments K_{i,0..k−1} and their proofs."""

    trustee: int
    box_public_key: bytes
    commitments: tuple[Point, ...]
    proofs: tuple[SchnorrProof, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "trustee": self.trustee,
            "box_public_key": b64encode(self.box_public_key),
            "commitments": [b64encode(k.to_bytes()) for k in self.commitments],
            "proofs": [proof.to_json() for proof in self.proofs],
        }

    @classmethod
    def from_json(cls, value: object) -> TrusteeAnnouncement:
        i = json_index(value, "trustee")
        try:
            box_key = b64decode(json_field(value, "box_public_key", str, i), 32)
        except ValueError as exc:
            raise TrusteeError(i, "bad_announcement", f"box_public_key: {exc}") from exc
        commitments = json_field(value, "commitments", list, i)
        proofs = json_field(value, "proofs", list, i)
        return cls(
            i,
            box_key,
            tuple(parse_point(k, i, f"commitment {j}") for j, k in enumerate(commitments)),
            tuple(parse_schnorr(p, i, "bad_commitment_proof", f"coefficient {j}") for j, p in enumerate(proofs)),
        )


def verify_announcement(announcement: TrusteeAnnouncement, context_hash: bytes, threshold: int) -> None:
    """Check shape, points and every coefficient proof (ElectionGuard 2.0 §3.2.2, Verification 2)."""
    i = announcement.trustee
    if len(announcement.commitments) != threshold or len(announcement.proofs) != threshold:
        raise TrusteeError(i, "bad_announcement", f"expected {threshold} commitments and proofs")
    if len(announcement.box_public_key) != 32:
        raise TrusteeError(i, "bad_announcement", "box public key must be 32 bytes")
    for j, (commitment, proof) in enumerate(zip(announcement.commitments, announcement.proofs, strict=True)):
        parse_point(commitment, i, f"commitment {j}")
        label = coefficient_label(i, j, announcement.box_public_key)
        if not verify_knowledge(context_hash, commitment, proof, label):
            raise TrusteeError(i, "bad_commitment_proof", f"proof for coefficient {j} does not verify")


def index_announcements(announcements: Iterable[TrusteeAnnouncement], trustees: int) -> dict[int, TrusteeAnnouncement]:
    """Map index → announcement, insisting on exactly one announcement from each of 1..n."""
    by_index: dict[int, TrusteeAnnouncement] = {}
    for announcement in announcements:
        check_index(announcement.trustee, trustees)
        if announcement.trustee in by_index:
            raise ThresholdError("duplicate_trustee", f"two announcements from trustee {announcement.trustee}")
        by_index[announcement.trustee] = announcement
    missing = sorted(set(range(1, trustees + 1)) - set(by_index))
    if missing:
        raise ThresholdError("incomplete_ceremony", f"no announcement from trustees {missing}")
    return dict(sorted(by_index.items()))


@dataclass(frozen=True, slots=True)
class EncryptedShare:
    """P_dealer(recipient) in a NaCl box; the plaintext also binds ceremony, dealer and recipient."""

    dealer: int
    recipient: int
    ciphertext: bytes

    def to_json(self) -> dict[str, Any]:
        return {"dealer": self.dealer, "recipient": self.recipient, "ciphertext": b64encode(self.ciphertext)}

    @classmethod
    def from_json(cls, value: object) -> EncryptedShare:
        dealer = json_index(value, "dealer")
        try:
            data = b64decode(json_field(value, "ciphertext", str, dealer, "bad_share"))
        except ValueError as exc:
            raise TrusteeError(dealer, "bad_share", f"ciphertext: {exc}") from exc
        return cls(dealer, json_field(value, "recipient", int, dealer, "bad_share"), data)


def _share_header(context_hash: bytes, dealer: int, recipient: int) -> bytes:
    return hash_elements(SHARE_TAG, context_hash, dealer, recipient)


@dataclass(frozen=True, slots=True)
class SecretShare:
    """Trustee ℓ's Shamir share s_ℓ of the joint secret: the only secret kept after the ceremony."""

    trustee: int
    trustees: int
    threshold: int
    ceremony_hash: bytes
    secret: Scalar = field(repr=False)
    joint_public_key: Point

    @property
    def verification_key(self) -> Point:
        return base_mul(self.secret)

    def to_bytes(self) -> bytes:
        """Canonical JSON bytes; the caller must encrypt them before they touch a disk."""
        fields = {"format": SECRET_SHARE_FORMAT, "trustee": self.trustee, "trustees": self.trustees}
        fields |= {"threshold": self.threshold, "ceremony_hash": b64encode(self.ceremony_hash)}
        fields |= {"secret": b64encode(self.secret.to_bytes())}
        fields |= {"joint_public_key": b64encode(self.joint_public_key.to_bytes())}
        return canonical_json(fields)

    @classmethod
    def from_bytes(cls, data: bytes) -> SecretShare:
        value = _load_format(data, SECRET_SHARE_FORMAT)
        try:
            share = cls(
                value["trustee"],
                value["trustees"],
                value["threshold"],
                b64decode(value["ceremony_hash"], 32),
                Scalar.from_bytes(b64decode(value["secret"], 32)),
                Point.from_bytes(b64decode(value["joint_public_key"], 32)),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ThresholdError("bad_secret_share", f"not a valid secret share: {exc}") from exc
        check_parameters(share.trustees, share.threshold)
        check_index(share.trustee, share.trustees)
        return share


def _load_format(data: bytes, expected: str) -> dict[str, Any]:
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ThresholdError("bad_format", f"not canonical JSON: {exc}") from exc
    if not isinstance(value, dict) or value.get("format") != expected:
        raise ThresholdError("bad_format", f"expected a {expected!r} document")
    return value


class Trustee:
    """One trustee's secret side of the ceremony: its polynomial, its box key and the shares it received."""

    def __init__(
        self,
        index: int,
        trustees: int,
        threshold: int,
        context_hash: bytes,
        coefficients: Sequence[Scalar],
        box_key: PrivateKey,
        received: Mapping[int, Scalar] | None = None,
    ) -> None:
        check_parameters(trustees, threshold)
        check_index(index, trustees)
        if len(coefficients) != threshold or len(context_hash) != 32:
            raise ThresholdError("bad_parameters", "need k coefficients and a 32-byte ceremony context hash")
        self.index, self.trustees, self.threshold, self.context_hash = index, trustees, threshold, context_hash
        self._coefficients = tuple(coefficients)
        self._box_key = box_key
        self._received: dict[int, Scalar] = dict(received or {})
        self._commitments = tuple(base_mul(a) for a in self._coefficients)
        self._announcement: TrusteeAnnouncement | None = None

    @classmethod
    def generate(cls, index: int, trustees: int, threshold: int, context_hash: bytes) -> Trustee:
        """Fresh random polynomial of degree k−1 and a fresh X25519 key pair."""
        coefficients = [Scalar.random() for _ in range(threshold)]
        return cls(index, trustees, threshold, context_hash, coefficients, PrivateKey.generate())

    def __repr__(self) -> str:
        return f"Trustee(index={self.index}, trustees={self.trustees}, threshold={self.threshold})"

    def public_announcement(self) -> TrusteeAnnouncement:
        """Commitments a_{i,j}·G with proofs labelled trustee-i/coefficient-j, and the box public key."""
        if self._announcement is None:
            box_public = bytes(self._box_key.public_key)
            proofs = tuple(
                prove_knowledge(self.context_hash, a, k, coefficient_label(self.index, j, box_public))
                for j, (a, k) in enumerate(zip(self._coefficients, self._commitments, strict=True))
            )
            self._announcement = TrusteeAnnouncement(self.index, box_public, self._commitments, proofs)
        return self._announcement

    def share_for(self, recipient: TrusteeAnnouncement) -> EncryptedShare:
        """P_i(ℓ) boxed to ℓ's X25519 key, taken from ℓ's verified (proof-bound) announcement."""
        recipient_index = recipient.trustee
        check_index(recipient_index, self.trustees)
        if recipient_index == self.index:
            raise ThresholdError("bad_index", "a trustee keeps its own share; it is not sent")
        verify_announcement(recipient, self.context_hash, self.threshold)
        plaintext = _share_header(self.context_hash, self.index, recipient_index)
        plaintext += evaluate(self._coefficients, recipient_index).to_bytes()
        try:
            box = Box(self._box_key, PublicKey(recipient.box_public_key))
            ciphertext = bytes(box.encrypt(plaintext))
        except (CryptoError, TypeError, ValueError) as exc:
            raise TrusteeError(recipient_index, "bad_announcement", f"unusable box public key: {exc}") from exc
        return EncryptedShare(self.index, recipient_index, ciphertext)

    def receive_share(self, dealer_announcement: TrusteeAnnouncement, encrypted_share: EncryptedShare) -> None:
        """Open and check P_i(ℓ)·G == Σ_j ℓ^j·K_{i,j} (ElectionGuard 2.0 §3.2.2; Belenios §4.5.5)."""
        i = dealer_announcement.trustee
        check_index(i, self.trustees)
        if encrypted_share.dealer != i or encrypted_share.recipient != self.index or i == self.index:
            route = f"{encrypted_share.dealer}→{encrypted_share.recipient}"
            raise TrusteeError(i, "bad_share", f"share is addressed {route}, not {i}→{self.index}")
        verify_announcement(dealer_announcement, self.context_hash, self.threshold)
        try:
            box = Box(self._box_key, PublicKey(dealer_announcement.box_public_key))
            plaintext = bytes(box.decrypt(encrypted_share.ciphertext))
        except (CryptoError, TypeError, ValueError) as exc:
            raise TrusteeError(i, "bad_share", f"share does not open with the dealer's box key: {exc}") from exc
        if len(plaintext) != 64 or plaintext[:32] != _share_header(self.context_hash, i, self.index):
            raise TrusteeError(i, "bad_share", "share is bound to another ceremony, dealer or recipient")
        try:
            value = Scalar.from_bytes(plaintext[32:])
        except ValueError as exc:
            raise TrusteeError(i, "bad_share", f"share is not a canonical scalar: {exc}") from exc
        if base_mul(value) != share_commitment(dealer_announcement.commitments, self.index):
            raise TrusteeError(i, "bad_share", f"share for trustee {self.index} does not match the commitments")
        if self._received.get(i, value) != value:
            raise TrusteeError(i, "bad_share", "dealer sent two different valid-looking shares")
        self._received[i] = value

    def finalize(self, announcements: Iterable[TrusteeAnnouncement]) -> SecretShare:
        """s_ℓ = Σ_i P_i(ℓ), re-checked against the *published* announcements to catch equivocation."""
        published = index_announcements(announcements, self.trustees)
        own = published[self.index]
        if own.commitments != self._commitments or own.box_public_key != bytes(self._box_key.public_key):
            raise TrusteeError(self.index, "bad_announcement", "the published announcement is not this trustee's")
        secret = evaluate(self._coefficients, self.index)
        for i, announcement in published.items():
            verify_announcement(announcement, self.context_hash, self.threshold)
            if i == self.index:
                continue
            value = self._received.get(i)
            if value is None:
                raise TrusteeError(i, "missing_share", f"no share received for trustee {self.index}")
            if base_mul(value) != share_commitment(announcement.commitments, self.index):
                raise TrusteeError(i, "bad_share", "received share does not match the published commitments")
            secret = secret + value
        joint = IDENTITY
        for announcement in published.values():
            joint = joint + announcement.commitments[0]
        if joint.is_identity:
            raise ThresholdError("bad_joint_key", "the joint public key is the identity")
        return SecretShare(self.index, self.trustees, self.threshold, self.context_hash, secret, joint)

    def export_state(self) -> bytes:
        """Secret in-progress state (polynomial, box key, shares) so a ceremony can span sessions."""
        state = {"format": TRUSTEE_STATE_FORMAT, "trustee": self.index, "trustees": self.trustees}
        state["threshold"], state["context_hash"] = self.threshold, b64encode(self.context_hash)
        state["coefficients"] = [b64encode(a.to_bytes()) for a in self._coefficients]
        state["box_secret_key"] = b64encode(bytes(self._box_key))
        state["received"] = {str(i): b64encode(v.to_bytes()) for i, v in sorted(self._received.items())}
        return canonical_json(state)

    @classmethod
    def import_state(cls, data: bytes) -> Trustee:
        value = _load_format(data, TRUSTEE_STATE_FORMAT)
        try:
            return cls(
                value["trustee"],
                value["trustees"],
                value["threshold"],
                b64decode(value["context_hash"], 32),
                [Scalar.from_bytes(b64decode(a, 32)) for a in value["coefficients"]],
                PrivateKey(b64decode(value["box_secret_key"], 32)),
                {int(i): Scalar.from_bytes(b64decode(v, 32)) for i, v in value["received"].items()},
            )
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise ThresholdError("bad_format", f"not a valid trustee state: {exc}") from exc
