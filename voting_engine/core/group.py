"""The prime-order subgroup of Edwards25519, through libsodium (PyNaCl bindings).

Why a wrapper: libsodium's point API has sharp edges that the protocols must not trip over.

* ``crypto_scalarmult_ed25519_noclamp`` refuses a zero scalar and an identity result, and
  ``crypto_core_ed25519_is_valid_point`` refuses the identity, yet g^0, an empty tally and a
  ciphertext difference are all the identity.  ``Point.identity()`` represents it explicitly and
  every operation handles it before calling libsodium.
* ``crypto_core_ed25519_add`` only checks that its inputs are on the curve.  Every point that
  comes from outside is therefore parsed once with ``Point.from_bytes``, which runs
  ``is_valid_point`` and names what is wrong (length, non-canonical, not on the curve, small
  order, outside the prime-order subgroup), or with ``Point.from_bytes_with_multiple``, which
  accepts and refuses exactly the same points but validates through a multiplication it keeps.

Scalars are integers modulo the group order L (RFC 8032 §5.1).  A module-level ``OPS`` counter
records how many variable-base and fixed-base multiplications ran, so that benchmarks can
compare a verification against the same number of bare libsodium calls.

The hot operations call PyNaCl's compiled ``nacl._sodium.lib`` directly: the public wrappers
re-check argument types and lengths on every call (a dozen ``ensure`` calls), which cost 2–4 µs
per operation, and every byte string reaching these calls is already known to be 32 bytes.
The output buffer is allocated per call (``ffi.new``), not shared, because cffi releases the GIL.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any, Final

import nacl.exceptions
from nacl._sodium import ffi as _ffi
from nacl._sodium import lib as _lib
from nacl.bindings import crypto_core_ed25519_add, crypto_core_ed25519_from_uniform

from voting_engine.core.hashing import hash_elements

L: Final = 2**252 + 27742317777372353535851937790883648493
"""Order of the prime-order subgroup (RFC 8032 §5.1)."""

P_FIELD: Final = 2**255 - 19
"""The field prime of Curve25519."""

GROUP_NAME: Final = "edwards25519"
IDENTITY_BYTES: Final = bytes([1]) + bytes(31)
_D: Final = (-121665 * pow(121666, -1, P_FIELD)) % P_FIELD


class PointError(ValueError):
    """A point from outside failed validation; ``reason`` is a stable code."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class ScalarError(ValueError):
    """A scalar from outside is not a canonical encoding of an integer below L."""


@dataclass
class OpCounts:
    """Counts of libsodium group operations, for benchmarks (not thread-safe, by design)."""

    var_mul: int = 0
    base_mul: int = 0
    add: int = 0
    validate: int = 0

    def reset(self) -> None:
        self.var_mul = self.base_mul = self.add = self.validate = 0

    def snapshot(self) -> dict[str, int]:
        return {"var_mul": self.var_mul, "base_mul": self.base_mul, "add": self.add, "validate": self.validate}


OPS: Final = OpCounts()

_new = _ffi.new
_buffer = _ffi.buffer
_lib_is_valid_point = _lib.crypto_core_ed25519_is_valid_point
_lib_add = _lib.crypto_core_ed25519_add
_lib_sub = _lib.crypto_core_ed25519_sub
_lib_mul = _lib.crypto_scalarmult_ed25519_noclamp
_lib_base_mul = _lib.crypto_scalarmult_ed25519_base_noclamp


def _library_error() -> nacl.exceptions.RuntimeError:
    """The exception PyNaCl's wrappers raise when libsodium reports failure."""
    return nacl.exceptions.RuntimeError("Unexpected library error")


def _sodium_point(function: Any, *arguments: bytes) -> bytes:
    """Call a libsodium function that writes one 32-byte point; PyNaCl's exception if it reports failure."""
    out = _new("unsigned char[32]")
    if function(out, *arguments) != 0:
        raise _library_error()
    result: bytes = _buffer(out, 32)[:]
    return result


def _sodium_add(p: bytes, q: bytes) -> bytes:
    return _sodium_point(_lib_add, p, q)


def _sodium_sub(p: bytes, q: bytes) -> bytes:
    return _sodium_point(_lib_sub, p, q)


def _sodium_mul(scalar: bytes, point: bytes) -> bytes:
    """``crypto_scalarmult_ed25519_noclamp``: fails on a zero scalar, bad point or identity result."""
    return _sodium_point(_lib_mul, scalar, point)


def _sodium_base_mul(scalar: bytes) -> bytes:
    return _sodium_point(_lib_base_mul, scalar)


def _encode_scalar(value: int) -> bytes:
    return value.to_bytes(32, "little")


class Scalar:
    """An integer modulo L with its canonical 32-byte little-endian encoding."""

    __slots__ = ("value",)
    value: int

    def __init__(self, value: int) -> None:
        object.__setattr__(self, "value", value % L)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Scalar is immutable")

    @classmethod
    def from_bytes(cls, data: bytes) -> Scalar:
        """Parse a canonical encoding: exactly 32 bytes, little-endian, below L."""
        if len(data) != 32:
            raise ScalarError(f"a scalar is 32 bytes, got {len(data)}")
        value = int.from_bytes(data, "little")
        if value >= L:
            raise ScalarError("non-canonical scalar: not reduced modulo L")
        return cls(value)

    @classmethod
    def random(cls) -> Scalar:
        """A uniform non-zero scalar from the operating system's CSPRNG."""
        while True:
            value = secrets.randbelow(L)
            if value:
                return cls(value)

    @classmethod
    def from_hash(cls, digest: bytes) -> Scalar:
        """Reduce a hash output modulo L (use 64 bytes for negligible bias)."""
        return cls(int.from_bytes(digest, "little"))

    def to_bytes(self) -> bytes:
        return _encode_scalar(self.value)

    def __add__(self, other: Scalar | int) -> Scalar:
        return Scalar(self.value + (other.value if isinstance(other, Scalar) else other))

    def __sub__(self, other: Scalar | int) -> Scalar:
        return Scalar(self.value - (other.value if isinstance(other, Scalar) else other))

    def __mul__(self, other: Scalar | int) -> Scalar:
        return Scalar(self.value * (other.value if isinstance(other, Scalar) else other))

    def __neg__(self) -> Scalar:
        return Scalar(-self.value)

    def inverse(self) -> Scalar:
        if self.value == 0:
            raise ZeroDivisionError("zero has no inverse modulo L")
        return Scalar(pow(self.value, -1, L))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Scalar) and other.value == self.value

    def __hash__(self) -> int:
        return hash(("Scalar", self.value))

    def __repr__(self) -> str:
        return f"Scalar({self.value:#x})"


def _point_reason(data: bytes) -> tuple[str, str]:
    """Explain why ``data`` is not a valid subgroup point (called only on failure)."""
    y = int.from_bytes(data, "little") & ((1 << 255) - 1)
    if y >= P_FIELD:
        return "non_canonical", "point encoding is not canonical (y >= 2^255 - 19)"
    # Recover x^2 = (y^2 - 1) / (d y^2 + 1) and test whether it is a square (RFC 8032 §5.1.3).
    y2 = y * y % P_FIELD
    x2 = (y2 - 1) * pow(_D * y2 + 1, -1, P_FIELD) % P_FIELD
    if x2 != 0 and pow(x2, (P_FIELD - 1) // 2, P_FIELD) != 1:
        return "not_on_curve", "point is not on the Edwards25519 curve"
    if x2 == 0 and data[31] & 0x80:
        return "non_canonical", "point encoding is not canonical (negative zero x)"
    try:
        crypto_core_ed25519_add(data, data)
    except Exception:
        return "not_on_curve", "point is not on the Edwards25519 curve"
    doubled = data
    for _ in range(3):
        doubled = crypto_core_ed25519_add(doubled, doubled)
    if doubled == IDENTITY_BYTES:
        if data == IDENTITY_BYTES:
            return "identity", "the identity point is not allowed here"
        return "small_order", "point has small order (a multiple of it is the identity)"
    return "not_in_subgroup", "point is outside the prime-order subgroup"


class Point:
    """An element of the prime-order subgroup, or the identity, kept in canonical encoding."""

    __slots__ = ("_data",)
    _data: bytes

    def __init__(self, data: bytes) -> None:
        """Trusted constructor for bytes that came out of libsodium; use ``from_bytes`` otherwise."""
        object.__setattr__(self, "_data", data)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Point is immutable")

    @classmethod
    def from_bytes(cls, data: bytes, *, allow_identity: bool = False) -> Point:
        """Parse and validate a point from outside; raises ``PointError`` naming the defect."""
        if not isinstance(data, bytes) or len(data) != 32:
            raise PointError("bad_length", "a point is 32 bytes")
        if allow_identity and data == IDENTITY_BYTES:
            return IDENTITY
        OPS.validate += 1
        if _lib_is_valid_point(data) != 1:
            reason, message = _point_reason(data)
            raise PointError(reason, message)
        return cls(data)

    @classmethod
    def from_bytes_with_multiple(cls, data: bytes, scalar: int) -> Point:
        """``from_bytes(data)`` that validates by computing ``scalar·P``, which the caller needs next.

        ``crypto_scalarmult_ed25519_noclamp`` runs the checks of ``is_valid_point`` (canonical, not of
        small order, on the curve, in the prime-order subgroup) and fails otherwise only for a zero
        scalar or an identity result, impossible for 0 < scalar < L and a subgroup point.  So its
        success proves validity, and on failure ``from_bytes`` refuses the point and names the defect
        exactly as always.  One multiplication thus replaces a validation plus a multiplication.
        """
        if isinstance(data, bytes) and len(data) == 32 and 0 < scalar < L:
            out = _new("unsigned char[32]")
            OPS.var_mul += 1
            if _lib_mul(out, _encode_scalar(scalar), data) == 0:
                product: bytes = _buffer(out, 32)[:]
                return _PointWithMultiple(data, scalar, product)
        return cls.from_bytes(data)

    @staticmethod
    def identity() -> Point:
        return IDENTITY

    @property
    def is_identity(self) -> bool:
        return self._data == IDENTITY_BYTES

    def to_bytes(self) -> bytes:
        return self._data

    def __add__(self, other: Point) -> Point:
        if self._data == IDENTITY_BYTES:
            return other
        if other._data == IDENTITY_BYTES:
            return self
        OPS.add += 1
        return Point(_sodium_add(self._data, other._data))

    def __sub__(self, other: Point) -> Point:
        if other._data == IDENTITY_BYTES:
            return self
        OPS.add += 1
        if self._data == IDENTITY_BYTES:
            return Point(_sodium_sub(IDENTITY_BYTES, other._data))
        return Point(_sodium_sub(self._data, other._data))

    def __neg__(self) -> Point:
        return IDENTITY - self

    def __mul__(self, scalar: Scalar | int) -> Point:
        """Variable-base multiplication ``scalar · self``; zero scalar or identity give the identity."""
        value = scalar.value if isinstance(scalar, Scalar) else scalar % L
        if value == 0 or self._data == IDENTITY_BYTES:
            return IDENTITY
        if self._data == G_BYTES:
            OPS.base_mul += 1
            return Point(_sodium_base_mul(_encode_scalar(value)))
        OPS.var_mul += 1
        return Point(_sodium_mul(_encode_scalar(value), self._data))

    __rmul__ = __mul__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Point) and other._data == self._data

    def __hash__(self) -> int:
        return hash(self._data)

    def __repr__(self) -> str:
        return f"Point({self._data.hex()})"


class _PointWithMultiple(Point):
    """A parsed point that remembers one multiple ``scalar·P`` computed while validating it."""

    __slots__ = ("_product", "_scalar")
    _scalar: int
    _product: bytes

    def __init__(self, data: bytes, scalar: int, product: bytes) -> None:
        object.__setattr__(self, "_data", data)
        object.__setattr__(self, "_scalar", scalar)
        object.__setattr__(self, "_product", product)

    def __mul__(self, scalar: Scalar | int) -> Point:
        value = scalar.value if isinstance(scalar, Scalar) else scalar % L
        if value == self._scalar:
            return Point(self._product)
        return Point.__mul__(self, value)

    __rmul__ = __mul__


def base_mul(scalar: Scalar | int) -> Point:
    """Fixed-base multiplication ``scalar · G`` (libsodium's faster precomputed-table path)."""
    value = scalar.value if isinstance(scalar, Scalar) else scalar % L
    if value == 0:
        return IDENTITY
    OPS.base_mul += 1
    return Point(_sodium_base_mul(_encode_scalar(value)))


IDENTITY: Final = Point(IDENTITY_BYTES)
G_BYTES: Final = _sodium_base_mul(_encode_scalar(1))
G: Final = Point(G_BYTES)
"""The standard Ed25519 base point (RFC 8032 §5.1)."""

H_DOMAIN: Final = "pbvote/generator-h/v1"
H: Final = Point(crypto_core_ed25519_from_uniform(hash_elements(H_DOMAIN)))
"""Second generator: Elligator 2 hash-to-curve of a published string, so no one knows log_G(H)."""


def small_multiple_table(limit: int) -> list[Point]:
    """``[0·G, 1·G, …, limit·G]`` by repeated addition, for decoding and proof branches."""
    table = [IDENTITY]
    current = IDENTITY
    for _ in range(limit):
        current = current + G
        table.append(current)
    return table
