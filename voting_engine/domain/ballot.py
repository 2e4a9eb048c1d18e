"""The ballot envelope: encrypted choices, the voter's credential and its signature.

The device builds the envelope, computes its tracking hash over the canonical JSON without the
signature, and signs ``(election, stage, tracking hash)`` with the credential key, so the server
can neither alter a ballot nor cast one for a voter.  Format: ``docs/election-record.md`` §4.1.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from nacl.signing import SigningKey

from ballot_schemes import BallotScheme, EncryptedChoices, Opening
from ballot_schemes.errors import InvalidBallot
from voting_engine.core.context import ElectionContext
from voting_engine.core.credentials import is_valid_public_credential, sign_ballot, verify_ballot_signature
from voting_engine.core.encoding import EncodingError, b64decode, b64encode, canonical_json
from voting_engine.core.receipts import tracking_hash
from voting_engine.domain.errors import BallotRejected

ENVELOPE_VERSION = 1
ENVELOPE_KEYS = {"version", "election_id", "stage_id", "credential", "choices", "signature"}


@dataclass(frozen=True)
class SignedEnvelope:
    """An envelope whose shape, credential and signature are read, with its ciphertexts as raw bytes.

    What the casting service checks on its event loop (signature, copied ciphertexts) needs no
    parsed group elements; validating every point and checking the proofs is a verification
    worker's job (``voting_engine.service.verification``).
    """

    envelope: Mapping[str, Any]
    credential: bytes
    signature: bytes
    tracking: bytes
    ciphertext_pairs: tuple[bytes, ...]
    """The raw α‖β of every ciphertext (decoded, not yet validated as points)."""

    @property
    def stage_id(self) -> str:
        return str(self.envelope["stage_id"])

    def ciphertext_keys(self) -> list[bytes]:
        """The raw α‖β of every ciphertext, to detect a copied ciphertext (Helios replay)."""
        return list(self.ciphertext_pairs)


@dataclass(frozen=True)
class Ballot(SignedEnvelope):
    """A signed envelope with every point validated and the choices parsed."""

    choices: EncryptedChoices


def unsigned_envelope(election_id: str, stage_id: str, credential: bytes, choices: EncryptedChoices) -> dict[str, Any]:
    return {
        "version": ENVELOPE_VERSION,
        "election_id": election_id,
        "stage_id": stage_id,
        "credential": b64encode(credential),
        "choices": choices.to_json(),
    }


def envelope_tracking_hash(envelope: Mapping[str, Any]) -> bytes:
    body = {k: v for k, v in envelope.items() if k != "signature"}
    return tracking_hash(canonical_json(body))


def seal(
    scheme: BallotScheme,
    context: ElectionContext,
    signing_key: SigningKey,
    choice: Mapping[str, Any],
) -> tuple[dict[str, Any], Opening, bytes]:
    """Encrypt, prove and sign a choice on the voter's side; returns envelope, opening, tracking hash."""
    choices, opening = scheme.encrypt(context, choice)
    credential = bytes(signing_key.verify_key)
    envelope = unsigned_envelope(context.election_id, context.stage_id, credential, choices)
    tracking = envelope_tracking_hash(envelope)
    envelope["signature"] = b64encode(sign_ballot(signing_key, context.election_id, context.stage_id, tracking))
    return envelope, opening, tracking


def read_envelope(envelope: object) -> SignedEnvelope:
    """Check the envelope's shape and read its ciphertexts' bytes; ``BallotRejected`` with code ``schema``.

    Points are not validated here (``parse_envelope`` does that); a malformed point is found by
    the full parse, which reports it as ``bad_point``.
    """
    if not isinstance(envelope, Mapping) or set(envelope) != ENVELOPE_KEYS:
        raise BallotRejected("schema", f"a ballot is an object with exactly the keys {sorted(ENVELOPE_KEYS)}")
    if envelope["version"] != ENVELOPE_VERSION:
        raise BallotRejected("schema", f"ballot version must be {ENVELOPE_VERSION}")
    if not isinstance(envelope["election_id"], str) or not isinstance(envelope["stage_id"], str):
        raise BallotRejected("schema", "election_id and stage_id are strings")
    try:
        credential = b64decode(envelope["credential"], 32)
        signature = b64decode(envelope["signature"], 64)
    except EncodingError as exc:
        raise BallotRejected("schema", f"credential or signature: {exc}") from exc
    if not is_valid_public_credential(credential):
        raise BallotRejected("bad_credential", "the credential is not a valid Ed25519 public key")
    choices = envelope["choices"]
    ciphertexts = choices.get("ciphertexts") if isinstance(choices, Mapping) else None
    if not isinstance(ciphertexts, list):
        raise BallotRejected("schema", "choices must be an object with a list of ciphertexts")
    pairs = []
    for ct in ciphertexts:
        if not isinstance(ct, list) or len(ct) != 2 or not all(isinstance(v, str) for v in ct):
            raise BallotRejected("schema", "a ciphertext is a list of two base64url points")
        try:
            pairs.append(b64decode(ct[0], 32) + b64decode(ct[1], 32))
        except EncodingError as exc:
            raise BallotRejected("schema", f"ciphertext: {exc}") from exc
    return SignedEnvelope(envelope, credential, signature, envelope_tracking_hash(envelope), tuple(pairs))


def parse_choices(choices: object, *, for_proofs: bool = True) -> EncryptedChoices:
    """Parse and validate every point and scalar; ``BallotRejected`` with code ``schema`` or ``bad_point``.

    ``for_proofs=False`` when the proofs will not be checked next: the points are then validated
    on their own rather than through the products the proof check needs (cheaper on its own).
    """
    try:
        return EncryptedChoices.from_json(choices, premultiply=for_proofs)
    except InvalidBallot as exc:
        code = "bad_point" if exc.code.startswith("bad_point") else "schema"
        raise BallotRejected(code, exc.message) from exc


def parse_envelope(envelope: object, *, for_proofs: bool = True) -> Ballot:
    """Check the envelope's shape and parse every point; ``BallotRejected`` with code ``schema``/``bad_point``."""
    signed = read_envelope(envelope)
    choices = parse_choices(signed.envelope["choices"], for_proofs=for_proofs)
    return Ballot(signed.envelope, signed.credential, signed.signature, signed.tracking, signed.ciphertext_pairs,
                  choices)


def check_signature(ballot: SignedEnvelope, election_id: str, stage_id: str) -> None:
    if ballot.envelope["election_id"] != election_id or ballot.envelope["stage_id"] != stage_id:
        raise BallotRejected("wrong_stage", "the ballot was made for another election or stage")
    if not verify_ballot_signature(ballot.credential, election_id, stage_id, ballot.tracking, ballot.signature):
        raise BallotRejected("bad_signature", "the credential's signature over the ballot does not verify")


def check_proofs(ballot: Ballot, scheme: BallotScheme, context: ElectionContext) -> None:
    try:
        scheme.verify(context, ballot.choices)
    except InvalidBallot as exc:
        raise BallotRejected("invalid_proof", exc.message) from exc
