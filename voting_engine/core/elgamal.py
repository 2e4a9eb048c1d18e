"""Exponential ElGamal over the Edwards25519 subgroup.

A message m under the joint key K with nonce r is ``(α, β) = (r·G, m·G + r·K)``
(ElectionGuard 2.0 specification §3.3; Cramer, Gennaro, Schoenmakers 1997).  Adding
ciphertexts adds plaintexts, which is how tallies are formed without decrypting any ballot.
Decryption yields m·G; the small integer m is recovered by ``voting_engine.core.dlog``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from voting_engine.core.encoding import b64decode, b64encode
from voting_engine.core.group import IDENTITY, Point, Scalar, base_mul


@dataclass(frozen=True, slots=True)
class Ciphertext:
    """An ElGamal pair; ``alpha`` = r·G, ``beta`` = m·G + r·K."""

    alpha: Point
    beta: Point

    @staticmethod
    def zero() -> Ciphertext:
        """The encryption of 0 with nonce 0: the neutral element of homomorphic addition."""
        return Ciphertext(IDENTITY, IDENTITY)

    def __add__(self, other: Ciphertext) -> Ciphertext:
        return Ciphertext(self.alpha + other.alpha, self.beta + other.beta)

    def __sub__(self, other: Ciphertext) -> Ciphertext:
        return Ciphertext(self.alpha - other.alpha, self.beta - other.beta)

    def __neg__(self) -> Ciphertext:
        return Ciphertext(-self.alpha, -self.beta)

    def scale(self, factor: int) -> Ciphertext:
        """Homomorphic multiplication of the plaintext by an integer constant (additions for ±1)."""
        if factor == 1:
            return self
        if factor == -1:
            return -self
        if factor == 0:
            return Ciphertext.zero()
        return Ciphertext(self.alpha * factor, self.beta * factor)

    def minus_plaintext(self, value: int) -> Ciphertext:
        """Subtract a known plaintext: (α, β − value·G)."""
        if value == 0:
            return self
        return Ciphertext(self.alpha, self.beta - base_mul(value))

    def to_json(self) -> list[str]:
        return [b64encode(self.alpha.to_bytes()), b64encode(self.beta.to_bytes())]

    @classmethod
    def from_json(cls, value: object, *, allow_identity: bool = False, multiple: int = 0) -> Ciphertext:
        """Parse ``[α, β]`` as base64url points, validating both.

        A non-zero ``multiple`` (the first branch challenge of the proof about this ciphertext)
        validates each point by computing multiple·α and multiple·β, which that proof's verification
        reuses; acceptance and error reasons are those of ``Point.from_bytes``.
        """
        if not isinstance(value, list) or len(value) != 2 or not all(isinstance(v, str) for v in value):
            raise ValueError("a ciphertext is a list of two base64url points")
        if multiple and not allow_identity:
            return cls(
                Point.from_bytes_with_multiple(b64decode(value[0], 32), multiple),
                Point.from_bytes_with_multiple(b64decode(value[1], 32), multiple),
            )
        return cls(
            Point.from_bytes(b64decode(value[0], 32), allow_identity=allow_identity),
            Point.from_bytes(b64decode(value[1], 32), allow_identity=allow_identity),
        )


@lru_cache(maxsize=4096)
def plaintext_point(value: int) -> Point:
    """j·G for a plaintext j, cached because the same few values recur in every ballot."""
    return base_mul(value)


def encrypt(public_key: Point, message: int, nonce: Scalar) -> Ciphertext:
    """Encrypt a non-negative integer ``message`` under ``public_key`` with ``nonce``."""
    if message < 0:
        raise ValueError("exponential ElGamal encrypts non-negative integers only")
    return Ciphertext(base_mul(nonce), plaintext_point(message) + public_key * nonce)


def verify_opening(public_key: Point, ciphertext: Ciphertext, message: int, nonce: Scalar) -> bool:
    """Benaloh check: does ``ciphertext`` encrypt ``message`` with ``nonce``?"""
    return message >= 0 and encrypt(public_key, message, nonce) == ciphertext


def decrypt_with_secret(secret_key: Scalar, ciphertext: Ciphertext) -> Point:
    """m·G = β − s·α, for tests and for a single-trustee setting."""
    return ciphertext.beta - ciphertext.alpha * secret_key


def sum_ciphertexts(ciphertexts: list[Ciphertext]) -> Ciphertext:
    """Homomorphic sum; the empty sum is ``Ciphertext.zero()``."""
    alpha = IDENTITY
    beta = IDENTITY
    for ciphertext in ciphertexts:
        alpha = alpha + ciphertext.alpha
        beta = beta + ciphertext.beta
    return Ciphertext(alpha, beta)
