"""The prime-order subgroup of Edwards25519 (protocol §1) over libsodium, with explicit identity handling.

Points are their 32-byte encodings. libsodium's scalar multiplication refuses a zero scalar, the
identity as input and an identity result, and ``is_valid_point`` refuses the identity; the wrappers
below handle those cases arithmetically so that a legitimate zero never turns into a crash, while
points received from a record are validated once, with the reason for a refusal spelled out.

The arithmetic calls libsodium through PyNaCl's compiled ``nacl._sodium`` module, as
``nacl.bindings`` itself does: its Python wrappers cost ~1.5 µs per call in argument checks, which
for a ballot's few hundred point operations is ~5% of its verification time. The one check that
matters for memory safety, that every input is 32 bytes, is kept here; failures raise the same
exception types and messages as the wrappers.
"""

from __future__ import annotations

from functools import lru_cache

import nacl.exceptions
from nacl._sodium import ffi as _ffi
from nacl._sodium import lib as _lib
from nacl.bindings import crypto_core_ed25519_from_uniform

from verifier.encoding import EncodingError, b64decode, hash_elements

__all__ = [
    "IDENTITY",
    "STRICT",
    "DeferredPoints",
    "G",
    "H",
    "L",
    "PointError",
    "Points",
    "add",
    "base_mul",
    "decode_point",
    "decode_scalar",
    "is_valid_point",
    "mul",
    "neg",
    "point_defect",
    "small_order_points",
    "sub",
]

L = 2**252 + 27742317777372353535851937790883648493
_P = 2**255 - 19
_D = (-121665 * pow(121666, -1, _P)) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)

IDENTITY = b"\x01" + b"\x00" * 31


class PointError(EncodingError):
    """A received point or scalar is refused; the message is one of the protocol §1 defect names."""


def _point_arg(*points: bytes) -> None:
    """libsodium reads 32 bytes from each point argument: refuse anything else before the call."""
    for point in points:
        if not isinstance(point, bytes) or len(point) != 32:
            raise nacl.exceptions.TypeError("Each point must be a 32 long bytes sequence")


def _result(rc: int, out: object) -> bytes:
    if rc != 0:
        raise nacl.exceptions.RuntimeError("Unexpected library error")
    return bytes(_ffi.buffer(out, 32))


def is_valid_point(data: bytes) -> bool:
    """libsodium's test: canonical, on the curve, not of small order, in the prime-order subgroup."""
    _point_arg(data)
    return bool(_lib.crypto_core_ed25519_is_valid_point(data))


def base_mul(k: int) -> bytes:
    """k·G for any integer k (reduced mod L; zero gives the identity)."""
    k %= L
    if k == 0:
        return IDENTITY
    out = _ffi.new("unsigned char[32]")
    return _result(_lib.crypto_scalarmult_ed25519_base_noclamp(out, k.to_bytes(32, "little")), out)


def mul(k: int, point: bytes) -> bytes:
    """k·P for a point of the prime-order subgroup or the identity."""
    k %= L
    if k == 0 or point == IDENTITY:
        return IDENTITY
    if k == 1:
        return point
    _point_arg(point)
    out = _ffi.new("unsigned char[32]")
    return _result(_lib.crypto_scalarmult_ed25519_noclamp(out, k.to_bytes(32, "little"), point), out)


def add(p: bytes, q: bytes) -> bytes:
    """P + Q (the identity is accepted and may be the result)."""
    _point_arg(p, q)
    out = _ffi.new("unsigned char[32]")
    return _result(_lib.crypto_core_ed25519_add(out, p, q), out)


def sub(p: bytes, q: bytes) -> bytes:
    """P − Q."""
    _point_arg(p, q)
    out = _ffi.new("unsigned char[32]")
    return _result(_lib.crypto_core_ed25519_sub(out, p, q), out)


def neg(p: bytes) -> bytes:
    """−P."""
    return sub(IDENTITY, p)


def _decode_affine(data: bytes) -> tuple[int, int] | str:
    """RFC 8032 §5.1.3 decoding in pure Python; returns (x, y) or a defect name."""
    y = int.from_bytes(data, "little") & ((1 << 255) - 1)
    sign = data[31] >> 7
    if y >= _P:
        return "non_canonical"
    u = (y * y - 1) % _P
    v = (_D * y * y + 1) % _P
    x2 = u * pow(v, -1, _P) % _P
    x = pow(x2, (_P + 3) // 8, _P)
    if x * x % _P != x2:
        x = x * _SQRT_M1 % _P
    if x * x % _P != x2:
        return "not_on_curve"
    if x == 0 and sign == 1:
        return "non_canonical"
    if (x & 1) != sign:
        x = _P - x
    return x, y


def _affine_add(a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int]:
    (x1, y1), (x2, y2) = a, b
    t = _D * x1 * x2 * y1 * y2 % _P
    x3 = (x1 * y2 + y1 * x2) * pow(1 + t, -1, _P) % _P
    y3 = (y1 * y2 + x1 * x2) * pow(1 - t, -1, _P) % _P
    return x3, y3


def point_defect(data: object, *, allow_identity: bool = False) -> str | None:
    """None if ``data`` is an acceptable point, else the defect name of protocol §1."""
    if not isinstance(data, bytes) or len(data) != 32:
        return "bad_length"
    if data == IDENTITY:
        return None if allow_identity else "identity"
    if is_valid_point(data):
        return None
    decoded = _decode_affine(data)
    if isinstance(decoded, str):
        return decoded
    if decoded == (0, 1):
        return "non_canonical"  # a second spelling of the identity
    point = decoded
    for _ in range(3):
        point = _affine_add(point, point)
    if point == (0, 1):
        return "small_order"
    return "not_in_subgroup"


def decode_point(text: object, *, allow_identity: bool = False) -> bytes:
    """Base64url text to a validated point; raises PointError naming the defect."""
    try:
        data = b64decode(text)
    except EncodingError as exc:
        raise PointError(str(exc)) from exc
    defect = point_defect(data, allow_identity=allow_identity)
    if defect is not None:
        raise PointError(defect)
    return data


def decode_scalar(text: object) -> int:
    """Base64url text of a canonical 32-byte little-endian scalar (< L)."""
    try:
        data = b64decode(text)
    except EncodingError as exc:
        raise PointError(str(exc)) from exc
    if len(data) != 32:
        raise PointError("bad_length")
    value = int.from_bytes(data, "little")
    if value >= L:
        raise PointError("non_canonical")
    return value


class Points:
    """Strict handling of received points: each is validated when decoded (``decode_point``)."""

    def decode(self, text: object, *, allow_identity: bool = False) -> bytes:
        """A received point, validated."""
        return decode_point(text, allow_identity=allow_identity)

    def mul(self, k: int, point: bytes) -> bytes:
        """k·P (see ``mul``)."""
        return mul(k, point)


STRICT = Points()


class DeferredPoints(Points):
    """Received points whose validation is left to the scalar multiplications that use them.

    ``crypto_scalarmult_ed25519_noclamp`` runs exactly the tests of ``is_valid_point`` on its input
    (canonical, not of small order, on the curve, in the prime-order subgroup) before multiplying,
    and fails besides only for a zero scalar or an identity result — impossible for a scalar in
    [2, L) times a point of prime order L. So a successful multiplication by such a scalar validates
    the point's bytes, and repeating the test in ``decode`` would cost ~40 µs per point for nothing.
    Points never multiplied that way are tested by ``settle``. An invalid point makes ``mul`` raise
    or ``settle`` return False; the caller must then redo its checks with ``STRICT`` to learn which
    point is wrong and why, and must not trust anything computed here before ``settle`` succeeded.
    """

    def __init__(self) -> None:
        self.pending: set[bytes] = set()

    def decode(self, text: object, *, allow_identity: bool = False) -> bytes:
        """Base64url text to 32 bytes that are not the identity; validity is settled later."""
        try:
            data = b64decode(text, 32)
        except EncodingError as exc:
            raise PointError(str(exc)) from exc
        if data == IDENTITY:
            if not allow_identity:
                raise PointError("identity")
            return data
        self.pending.add(data)
        return data

    def mul(self, k: int, point: bytes) -> bytes:
        """k·P; libsodium refuses an invalid P (raising), and a success validates P."""
        product = mul(k, point)
        if k % L > 1 and point != IDENTITY:  # libsodium multiplied, so it tested ``point``
            self.pending.discard(point)
        return product

    def settle(self) -> bool:
        """True if every decoded point not yet validated by a multiplication is valid."""
        valid = all(is_valid_point(p) for p in self.pending)
        self.pending.clear()
        return valid


def _encode_affine(x: int, y: int) -> bytes:
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


@lru_cache(maxsize=1)
def small_order_points() -> tuple[bytes, ...]:
    """Canonical encodings of the 8 points of order dividing 8 (identity first), for tests and tampering."""
    order8 = _decode_affine(bytes.fromhex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"))
    assert not isinstance(order8, str)
    x8, y8 = order8
    points = [(0, 1), (0, _P - 1), (_SQRT_M1, 0), (_P - _SQRT_M1, 0)]
    points += [(x8, y8), (_P - x8, y8), (x8, _P - y8), (_P - x8, _P - y8)]
    return tuple(_encode_affine(x, y) for x, y in points)


G = bytes.fromhex("5866666666666666666666666666666666666666666666666666666666666666")
H = bytes(crypto_core_ed25519_from_uniform(hash_elements("pbvote/generator-h/v1")))
