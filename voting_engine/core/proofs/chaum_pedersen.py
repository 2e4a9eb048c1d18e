"""Chaum–Pedersen proof of equal discrete logarithms (Chaum, Pedersen, CRYPTO 1992).

Statement: P1 = x·B1 and P2 = x·B2.  Prover: w random, a = w·B1, b = w·B2,
c = H(tag, ctx, label, B1, P1, B2, P2, a, b), v = w + c·x.  Verifier recomputes
a = v·B1 − c·P1 and b = v·B2 − c·P2.  A trustee's partial decryption M_i = s_i·α is proven
against its public share K_i = s_i·G with B1 = G, B2 = α (ElectionGuard 2.0 §3.6.3).
"""

from __future__ import annotations

from dataclasses import dataclass

from voting_engine.core.encoding import b64decode, b64encode
from voting_engine.core.group import Point, Scalar
from voting_engine.core.proofs.fiat_shamir import challenge, decode_challenge, encode_challenge

TAG = "pbvote/proof/chaum-pedersen/v1"


@dataclass(frozen=True, slots=True)
class EqualityProof:
    c: int
    v: Scalar

    def to_json(self) -> dict[str, str]:
        return {"c": encode_challenge(self.c), "v": b64encode(self.v.to_bytes())}

    @classmethod
    def from_json(cls, value: dict[str, str]) -> EqualityProof:
        return cls(decode_challenge(value["c"]), Scalar.from_bytes(b64decode(value["v"], 32)))


def prove_equality(
    context_hash: bytes, secret: Scalar, b1: Point, p1: Point, b2: Point, p2: Point, label: str = ""
) -> EqualityProof:
    """Prove log_{b1} p1 == log_{b2} p2 == ``secret``."""
    w = Scalar.random()
    c = challenge(TAG, context_hash, label, b1, p1, b2, p2, b1 * w, b2 * w)
    return EqualityProof(c, w + secret * c)


def verify_equality(
    context_hash: bytes, b1: Point, p1: Point, b2: Point, p2: Point, proof: EqualityProof, label: str = ""
) -> bool:
    a = b1 * proof.v - p1 * proof.c
    b = b2 * proof.v - p2 * proof.c
    return challenge(TAG, context_hash, label, b1, p1, b2, p2, a, b) == proof.c
