"""Schnorr proof of knowledge of a discrete logarithm (Schnorr, J. Cryptology 1991).

Statement X = x·G.  Prover: w random, A = w·G, c = H(tag, ctx, X, A), v = w + c·x.
Verifier recomputes A = v·G − c·X and checks c.  Used for trustees' key shares
(ElectionGuard 2.0 §3.2.2 uses the same construction for coefficient commitments).
"""

from __future__ import annotations

from dataclasses import dataclass

from voting_engine.core.encoding import b64decode, b64encode
from voting_engine.core.group import Point, Scalar, base_mul
from voting_engine.core.proofs.fiat_shamir import challenge, decode_challenge, encode_challenge

TAG = "pbvote/proof/schnorr/v1"


@dataclass(frozen=True, slots=True)
class SchnorrProof:
    c: int
    v: Scalar

    def to_json(self) -> dict[str, str]:
        return {"c": encode_challenge(self.c), "v": b64encode(self.v.to_bytes())}

    @classmethod
    def from_json(cls, value: dict[str, str]) -> SchnorrProof:
        return cls(decode_challenge(value["c"]), Scalar.from_bytes(b64decode(value["v"], 32)))


def prove_knowledge(context_hash: bytes, secret: Scalar, public: Point, label: str = "") -> SchnorrProof:
    """Prove knowledge of ``secret`` with ``public == secret·G``; ``label`` binds the role."""
    w = Scalar.random()
    commitment = base_mul(w)
    c = challenge(TAG, context_hash, label, public, commitment)
    return SchnorrProof(c, w + secret * c)


def verify_knowledge(context_hash: bytes, public: Point, proof: SchnorrProof, label: str = "") -> bool:
    commitment = base_mul(proof.v) - public * proof.c
    return challenge(TAG, context_hash, label, public, commitment) == proof.c
