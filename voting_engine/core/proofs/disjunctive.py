"""Disjunctive (CDS) proof that a ciphertext encrypts an integer in [lo, hi].

Cramer, Damgård, Schoenmakers, CRYPTO 1994, applied to exponential ElGamal as in
Cramer, Gennaro, Schoenmakers, EUROCRYPT 1997 §2.3 and ElectionGuard 2.0 §3.3.5.

For (α, β) = (r·G, m·G + r·K) and each j in [lo, hi], branch j claims (α, β − j·G) = (r·G, r·K).
The prover simulates every branch but the true one: with c_j, v_j random,
a_j = v_j·G − c_j·α and b_j = v_j·K − c_j·(β − j·G).  For the true branch a = w·G, b = w·K.
The challenge c = H(tag, ctx, K, lo, hi, α, β, a_lo, b_lo, …, a_hi, b_hi) (strong Fiat–Shamir);
the true branch gets c_m = c − Σ_{j≠m} c_j mod 2^128 and v_m = w + c_m·r.

Verification recomputes each a_j with one fixed-base and one variable-base multiplication and each
b_j with two variable-base ones: 3 variable-base + 1 fixed-base per branch instead of the
textbook 4 exponentiations.

The prover knows r and m, so it computes the same simulated commitments more cheaply: with
s_j = v_j − c_j·r, a_j = s_j·G and b_j = s_j·K + c_j·(j − m)·G (one variable-base multiplication
per simulated branch instead of three).  The points, and so the transcript, are unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

from voting_engine.core.elgamal import Ciphertext, plaintext_point
from voting_engine.core.encoding import b64decode, b64encode
from voting_engine.core.group import L, Point, Scalar, base_mul
from voting_engine.core.proofs.fiat_shamir import (
    CHALLENGE_MODULUS,
    challenge,
    decode_challenge,
    encode_challenge,
)

TAG = "pbvote/proof/range/v1"
MAX_BRANCHES = 64


class ProofFormatError(ValueError):
    """A proof's JSON does not have the documented shape."""


@dataclass(frozen=True, slots=True)
class RangeProof:
    """Branch challenges ``c`` and responses ``v``, one per value in [lo, hi]."""

    c: tuple[int, ...]
    v: tuple[Scalar, ...]

    def to_json(self) -> dict[str, list[str]]:
        return {"c": [encode_challenge(x) for x in self.c], "v": [b64encode(x.to_bytes()) for x in self.v]}

    @classmethod
    def from_json(cls, value: object) -> RangeProof:
        if not isinstance(value, dict) or set(value) != {"c", "v"}:
            raise ProofFormatError("a range proof is an object with keys c and v")
        cs, vs = value["c"], value["v"]
        if not isinstance(cs, list) or not isinstance(vs, list) or len(cs) != len(vs) or not cs:
            raise ProofFormatError("range proof lists c and v must be non-empty and of equal length")
        return cls(tuple(decode_challenge(x) for x in cs), tuple(Scalar.from_bytes(b64decode(x, 32)) for x in vs))


def peek_first_challenge(value: object) -> int:
    """c[0] of a range proof's JSON without parsing it, or 0 when absent or malformed.

    Only a hint for ``Ciphertext.from_json(multiple=…)``: the proof itself is parsed (and refused)
    later exactly as before, so this never raises.
    """
    if isinstance(value, dict):
        cs = value.get("c")
        if isinstance(cs, list) and cs and isinstance(cs[0], str):
            try:
                return decode_challenge(cs[0])
            except ValueError:
                return 0
    return 0


def _check_range(lo: int, hi: int) -> None:
    if lo < 0 or hi < lo:
        raise ValueError(f"invalid range [{lo}, {hi}]")
    if hi - lo + 1 > MAX_BRANCHES:
        raise ValueError(f"range [{lo}, {hi}] has more than {MAX_BRANCHES} values; use bit decomposition")


def prove_range(
    context_hash: bytes,
    public_key: Point,
    ciphertext: Ciphertext,
    message: int,
    nonce: Scalar,
    lo: int,
    hi: int,
) -> RangeProof:
    """Prove that ``ciphertext`` (which encrypts ``message`` with ``nonce``) holds a value in [lo, hi].

    The simulated commitments are derived from ``message`` and ``nonce``: for a ciphertext that is not
    ``encrypt(public_key, message, nonce)`` the proof fails, as the true branch's would anyway.
    """
    _check_range(lo, hi)
    if not lo <= message <= hi:
        raise ValueError(f"plaintext {message} is outside [{lo}, {hi}]; an honest proof is impossible")
    alpha, beta = ciphertext.alpha, ciphertext.beta
    r = nonce.value
    commitments: list[Point] = []
    cs: list[int] = []
    vs: list[Scalar] = []
    w = Scalar.random()
    for j in range(lo, hi + 1):
        if j == message:
            commitments += [base_mul(w), public_key * w]
            cs.append(0)
            vs.append(w)
        else:
            cj = Scalar.random().value % CHALLENGE_MODULUS
            vj = Scalar.random()
            # v_j·G − c_j·α and v_j·K − c_j·(β − j·G), using α = r·G and β = m·G + r·K.
            s = (vj.value - cj * r) % L
            commitments += [base_mul(s), public_key * s + base_mul(cj * (j - message))]
            cs.append(cj)
            vs.append(vj)
    c = challenge(TAG, context_hash, public_key, lo, hi, alpha, beta, *commitments)
    index = message - lo
    cs[index] = (c - sum(cs)) % CHALLENGE_MODULUS
    vs[index] = w + nonce * cs[index]
    return RangeProof(tuple(cs), tuple(vs))


def verify_range(
    context_hash: bytes, public_key: Point, ciphertext: Ciphertext, proof: RangeProof, lo: int, hi: int
) -> bool:
    """Check a range proof; ``False`` for any mismatch, including a wrong number of branches."""
    _check_range(lo, hi)
    if len(proof.c) != hi - lo + 1 or len(proof.v) != hi - lo + 1:
        return False
    alpha, beta = ciphertext.alpha, ciphertext.beta
    commitments: list[Point] = []
    for offset, (cj, vj) in enumerate(zip(proof.c, proof.v, strict=True)):
        if not 0 <= cj < CHALLENGE_MODULUS or not 0 <= vj.value < L:
            return False
        shifted = beta - plaintext_point(lo + offset) if lo + offset else beta
        commitments.append(base_mul(vj) - alpha * cj)
        commitments.append(public_key * vj - shifted * cj)
    c = challenge(TAG, context_hash, public_key, lo, hi, alpha, beta, *commitments)
    return c == sum(proof.c) % CHALLENGE_MODULUS
