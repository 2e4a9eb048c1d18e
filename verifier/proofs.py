"""Zero-knowledge proof verification of protocol §5: Schnorr, Chaum–Pedersen, CDS range, weighted sum.

Each verifier takes the proof as it appears in the JSON record and raises ``ProofError`` with a
reason, so a failure message can say which part of which proof is wrong. Every challenge hashes the
tag, the context hash, the whole statement and all commitments (strong Fiat–Shamir, protocol §3).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from verifier.encoding import CHALLENGE_BYTES, EncodingError, b64decode, challenge
from verifier.group import IDENTITY, STRICT, G, L, Points, add, base_mul, decode_scalar, mul, neg, sub

__all__ = [
    "MAX_RANGE_VALUES",
    "Ciphertext",
    "ProofError",
    "decode_ciphertext",
    "verify_chaum_pedersen",
    "verify_range",
    "verify_schnorr",
    "verify_weighted_sum",
    "weighted_sum",
]

Ciphertext = tuple[bytes, bytes]
MAX_RANGE_VALUES = 64
BIT_DECOMPOSITION_ABOVE = 8
_C_MOD = 1 << (8 * CHALLENGE_BYTES)

TAG_SCHNORR = "pbvote/proof/schnorr/v1"
TAG_CHAUM_PEDERSEN = "pbvote/proof/chaum-pedersen/v1"
TAG_RANGE = "pbvote/proof/range/v1"


class ProofError(ValueError):
    """A proof is malformed or does not verify; the message says why."""


def decode_challenge(text: object) -> int:
    """A 128-bit challenge: exactly 16 bytes little-endian (protocol §3)."""
    try:
        return int.from_bytes(b64decode(text, CHALLENGE_BYTES), "little")
    except EncodingError as exc:
        raise ProofError(f"challenge: {exc}") from exc


def _scalar(text: object, what: str) -> int:
    try:
        return decode_scalar(text)
    except EncodingError as exc:
        raise ProofError(f"{what}: {exc}") from exc


def decode_ciphertext(value: object, *, allow_identity: bool = False, points: Points = STRICT) -> Ciphertext:
    """``[α, β]`` with both points validated by ``points`` (identity only where explicitly allowed)."""
    if not isinstance(value, list) or len(value) != 2:
        raise ProofError("ciphertext is not a pair [alpha, beta]")
    try:
        alpha = points.decode(value[0], allow_identity=allow_identity)
    except EncodingError as exc:
        raise ProofError(f"alpha: {exc}") from exc
    try:
        beta = points.decode(value[1], allow_identity=allow_identity)
    except EncodingError as exc:
        raise ProofError(f"beta: {exc}") from exc
    return alpha, beta


def _fields(proof: object, *keys: str) -> list[Any]:
    if not isinstance(proof, dict) or set(proof) != set(keys):
        raise ProofError(f"malformed proof: expected an object with keys {sorted(keys)}")
    return [proof[k] for k in keys]


def verify_schnorr(ctx: bytes, label: str, x_point: bytes, proof: object) -> None:
    """Schnorr proof of knowledge of log_G X (protocol §5.1)."""
    c_text, v_text = _fields(proof, "c", "v")
    c = decode_challenge(c_text)
    v = _scalar(v_text, "v")
    a = sub(base_mul(v), mul(c, x_point))
    if challenge(TAG_SCHNORR, ctx, label, x_point, a) != c:
        raise ProofError("Schnorr challenge mismatch")


def verify_chaum_pedersen(
    ctx: bytes, label: str, b1: bytes, p1: bytes, b2: bytes, p2: bytes, proof: object
) -> None:
    """Chaum–Pedersen proof that log_B1 P1 = log_B2 P2 (protocol §5.2)."""
    c_text, v_text = _fields(proof, "c", "v")
    c = decode_challenge(c_text)
    v = _scalar(v_text, "v")
    a = sub(base_mul(v) if b1 == G else mul(v, b1), mul(c, p1))
    b = sub(mul(v, b2), mul(c, p2))
    if challenge(TAG_CHAUM_PEDERSEN, ctx, label, b1, p1, b2, p2, a, b) != c:
        raise ProofError("Chaum-Pedersen challenge mismatch")


@lru_cache(maxsize=4096)
def _small_multiple_of_g(j: int) -> bytes:
    return base_mul(j)


def verify_range(
    ctx: bytes, key: bytes, lo: int, hi: int, ct: Ciphertext, proof: object, points: Points = STRICT
) -> None:
    """CDS disjunctive proof that ``ct`` encrypts some j in [lo, hi] under ``key`` (protocol §5.3).

    ``points`` multiplies α and the shifted β, so that deferred points are validated there.
    """
    if hi < lo or hi - lo + 1 > MAX_RANGE_VALUES:
        raise ProofError(f"range [{lo}, {hi}] not provable (1 to {MAX_RANGE_VALUES} values)")
    c_list, v_list = _fields(proof, "c", "v")
    count = hi - lo + 1
    if not isinstance(c_list, list) or not isinstance(v_list, list) or len(c_list) != count or len(v_list) != count:
        raise ProofError(f"range proof must have {count} challenges and {count} responses")
    alpha, beta = ct
    elements: list[bytes | int] = [ctx, key, lo, hi, alpha, beta]
    total = 0
    for offset in range(count):
        j = lo + offset
        c = decode_challenge(c_list[offset])
        v = _scalar(v_list[offset], f"v[{offset}]")
        total += c
        shifted = beta if j == 0 else sub(beta, _small_multiple_of_g(j))
        a = sub(base_mul(v), points.mul(c, alpha))
        b = sub(mul(v, key), points.mul(c, shifted))
        elements += [a, b]
    if total % _C_MOD != challenge(TAG_RANGE, *elements):
        raise ProofError(f"range proof [{lo}, {hi}]: challenge sum mismatch")


def _scale(w: int, ct: Ciphertext) -> Ciphertext:
    if w == 1:
        return ct
    if w == -1:
        return neg(ct[0]), neg(ct[1])
    return mul(w % L, ct[0]), mul(w % L, ct[1])


def _sum(terms: Iterable[Ciphertext]) -> Ciphertext:
    """Σ of ciphertexts, starting from the first term: adding it to the identity would cost two
    additions and, for canonical points, give the same bytes back."""
    total: Ciphertext | None = None
    for sa, sb in terms:
        total = (sa, sb) if total is None else (add(total[0], sa), add(total[1], sb))
    return (IDENTITY, IDENTITY) if total is None else total


# A variable-base multiplication costs about as much as five point additions (libsodium decodes
# both inputs of an addition, and tests its input's subgroup before each multiplication).
_MUL_IN_ADDITIONS = 5


def _double_and_add(terms: Sequence[tuple[int, Ciphertext]]) -> Ciphertext:
    """Σ w·E by one shared double-and-add over the weights' bits (most significant first)."""
    total: Ciphertext | None = None
    for bit in range(max(abs(w) for w, _ in terms).bit_length() - 1, -1, -1):
        if total is not None:
            total = add(total[0], total[0]), add(total[1], total[1])
        for w, (a, b) in terms:
            if abs(w) >> bit & 1:
                if total is None:
                    total = (a, b) if w > 0 else (neg(a), neg(b))
                else:
                    op = add if w > 0 else sub
                    total = op(total[0], a), op(total[1], b)
    assert total is not None  # the top bit is set in some weight
    return total


def _combine(terms: Sequence[tuple[int, Ciphertext]]) -> Ciphertext:
    """Σ w·E for nonzero weights, by whichever way needs fewer libsodium operations.

    Budget weights are costs with a common factor (e.g. 10^8) and bit-decomposition weights are
    powers of two: a shared double-and-add over the reduced weights plus one multiplication by their
    gcd then replaces a multiplication per term. Both ways compute the same group element.
    """
    if not terms:
        return IDENTITY, IDENTITY
    direct = sum(_MUL_IN_ADDITIONS for w, _ in terms if abs(w) != 1) + len(terms) - 1
    g = math.gcd(*(w for w, _ in terms))
    reduced = [(w // g, ct) for w, ct in terms]
    chained = (max(abs(w) for w, _ in reduced).bit_length() - 1 + sum(abs(w).bit_count() for w, _ in reduced) - 1
               + (_MUL_IN_ADDITIONS if g != 1 else 0))
    if chained >= direct:
        return _sum(_scale(w, ct) for w, ct in terms)
    alpha, beta = _double_and_add(reduced)
    return (mul(g, alpha), mul(g, beta)) if g != 1 else (alpha, beta)


def weighted_sum(cts: Sequence[Ciphertext], weights: Sequence[int]) -> Ciphertext:
    """E_S = Σ w_i·E_i (homomorphic; weights 0 and ±1 need no multiplication)."""
    return _combine([(w, ct) for ct, w in zip(cts, weights, strict=True) if w != 0])


def bit_weights(spread: int) -> list[int]:
    """u_j = 2^j for j < k−1 and u_{k−1} = R − (2^{k−1} − 1), k = bitlength(R) (protocol §5.4)."""
    k = spread.bit_length()
    return [1 << j for j in range(k - 1)] + [spread - ((1 << (k - 1)) - 1)]


def verify_weighted_sum(
    ctx: bytes,
    key: bytes,
    cts: Sequence[Ciphertext],
    weights: Sequence[int],
    lo: int,
    hi: int,
    proof: object,
    points: Points = STRICT,
) -> None:
    """Proof that lo ≤ Σ w_i·m_i ≤ hi (protocol §5.4): CDS when R+1 ≤ 8, else bit decomposition.

    The ciphertexts must have been decoded by ``points``; bit ciphertexts are decoded by it too.
    """
    if hi < lo:
        raise ProofError(f"empty range [{lo}, {hi}]")
    if len(cts) != len(weights):
        raise ProofError("weights and ciphertexts differ in number")
    total = weighted_sum(cts, weights)
    spread = hi - lo
    if spread + 1 <= BIT_DECOMPOSITION_ABOVE:
        verify_range(ctx, key, lo, hi, total, proof, points)
        return
    bits_json, bit_proofs = _fields(proof, "bits", "bit_proofs")
    u = bit_weights(spread)
    if not isinstance(bits_json, list) or not isinstance(bit_proofs, list):
        raise ProofError("bits and bit_proofs must be lists")
    if len(bits_json) != len(u) or len(bit_proofs) != len(u):
        raise ProofError(f"bit decomposition of [{lo}, {hi}] needs {len(u)} bits and proofs")
    bits: list[Ciphertext] = []
    for j, (bit_json, bit_proof) in enumerate(zip(bits_json, bit_proofs, strict=True)):
        try:
            bit = decode_ciphertext(bit_json, points=points)
        except ProofError as exc:
            raise ProofError(f"bit {j}: {exc}") from exc
        try:
            verify_range(ctx, key, 0, 1, bit, bit_proof, points)
        except ProofError as exc:
            raise ProofError(f"bit {j}: {exc}") from exc
        bits.append(bit)
    acc_a, acc_b = _combine(list(zip(u, bits, strict=True)))
    target_b = sub(total[1], base_mul(lo)) if lo else total[1]
    if acc_a != total[0] or acc_b != target_b:
        raise ProofError(f"bits do not sum to the weighted sum minus {lo}")
