"""Tests for the Edwards25519 prime-order subgroup wrapper (``voting_engine.core.group``).

Invalid encodings (small-order points, points outside the subgroup, non-canonical and off-curve
encodings) are built by hand with a small pure-Python Edwards implementation (RFC 8032 §5.1),
because libsodium refuses to produce most of them.  The reference is cross-checked against
libsodium on valid points first.
"""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nacl.bindings import crypto_core_ed25519_from_uniform, crypto_core_ed25519_is_valid_point

from voting_engine.core.group import (
    G_BYTES,
    GROUP_NAME,
    H_DOMAIN,
    IDENTITY,
    IDENTITY_BYTES,
    OPS,
    P_FIELD,
    G,
    H,
    L,
    Point,
    PointError,
    Scalar,
    ScalarError,
    base_mul,
    small_multiple_table,
)

FAST = settings(max_examples=30, deadline=None)

# --- independent reference arithmetic (affine twisted Edwards, a = -1) ------------------------

P = P_FIELD
D = (-121665 * pow(121666, -1, P)) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)
Affine = tuple[int, int]
REF_IDENTITY: Affine = (0, 1)


def ref_add(a: Affine, b: Affine) -> Affine:
    (x1, y1), (x2, y2) = a, b
    t = D * x1 * x2 * y1 * y2 % P
    x3 = (x1 * y2 + y1 * x2) * pow(1 + t, -1, P) % P
    y3 = (y1 * y2 + x1 * x2) * pow(1 - t, -1, P) % P
    return x3, y3


def ref_mul(k: int, a: Affine) -> Affine:
    result = REF_IDENTITY
    addend = a
    while k:
        if k & 1:
            result = ref_add(result, addend)
        addend = ref_add(addend, addend)
        k >>= 1
    return result


def ref_encode(a: Affine) -> bytes:
    x, y = a
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


def ref_decode(data: bytes) -> Affine | None:
    """RFC 8032 §5.1.3 decoding; ``None`` for non-canonical or off-curve input."""
    value = int.from_bytes(data, "little")
    sign, y = value >> 255, value & ((1 << 255) - 1)
    if y >= P:
        return None
    x2 = (y * y - 1) * pow(D * y * y + 1, -1, P) % P
    x = pow(x2, (P + 3) // 8, P)
    if x * x % P != x2:
        x = x * SQRT_M1 % P
    if x * x % P != x2:
        return None
    if x == 0 and sign:
        return None
    if x & 1 != sign:
        x = P - x
    return x, y


def on_curve(a: Affine) -> bool:
    x, y = a
    return (-x * x + y * y - 1 - D * x * x * y * y) % P == 0


def order_of_torsion(a: Affine) -> int:
    """Order of a point known to be in the 8-torsion subgroup."""
    for k in (1, 2, 4, 8):
        if ref_mul(k, a) == REF_IDENTITY:
            return k
    raise AssertionError("not a torsion point")


def find_order8_point() -> Affine:
    """L·Q for curve points Q until one has order 8 (L·Q lies in the 8-torsion subgroup)."""
    y = 2
    while True:
        q = ref_decode(y.to_bytes(32, "little"))
        if q is not None:
            t = ref_mul(L, q)
            if order_of_torsion(t) == 8:
                return t
        y += 1


T8 = find_order8_point()
SMALL_ORDER = [ref_mul(k, T8) for k in range(8)]
SMALL_ORDER_BYTES = [ref_encode(t) for t in SMALL_ORDER]
_REF_G = ref_decode(G_BYTES)
assert _REF_G is not None
REF_G: Affine = _REF_G


def first_off_curve_encoding() -> bytes:
    y = 2
    while ref_decode(y.to_bytes(32, "little")) is not None:
        y += 1
    return y.to_bytes(32, "little")


# --- the reference itself ----------------------------------------------------------------------


def test_reference_matches_libsodium() -> None:
    assert G_BYTES.hex() == "5866666666666666666666666666666666666666666666666666666666666666"
    assert on_curve(REF_G)
    for k in (1, 2, 3, 7, 2**200 + 12345, L - 1):
        assert ref_encode(ref_mul(k, REF_G)) == base_mul(k).to_bytes()
    assert ref_mul(L, REF_G) == REF_IDENTITY
    a, b = base_mul(11), base_mul(31)
    ra, rb = ref_decode(a.to_bytes()), ref_decode(b.to_bytes())
    assert ra is not None and rb is not None
    assert ref_encode(ref_add(ra, rb)) == (a + b).to_bytes()


def test_small_order_points_are_the_eight_torsion_points() -> None:
    assert len(set(SMALL_ORDER_BYTES)) == 8
    orders = sorted(order_of_torsion(t) for t in SMALL_ORDER)
    assert orders == [1, 2, 4, 4, 8, 8, 8, 8]
    assert SMALL_ORDER_BYTES[0] == IDENTITY_BYTES
    for data in SMALL_ORDER_BYTES:
        decoded = ref_decode(data)
        assert decoded is not None and on_curve(decoded)
        assert ref_encode(decoded) == data  # canonical


# --- scalars -------------------------------------------------------------------------------------


@FAST
@given(st.integers(min_value=0, max_value=L - 1))
def test_scalar_round_trip(value: int) -> None:
    encoded = Scalar(value).to_bytes()
    assert len(encoded) == 32
    assert encoded == value.to_bytes(32, "little")
    assert Scalar.from_bytes(encoded) == Scalar(value)
    assert Scalar.from_bytes(encoded).value == value


@FAST
@given(st.integers(min_value=L, max_value=2**256 - 1))
def test_non_canonical_scalar_refused(value: int) -> None:
    with pytest.raises(ScalarError):
        Scalar.from_bytes(value.to_bytes(32, "little"))


@pytest.mark.parametrize("length", [0, 1, 31, 33, 64])
def test_scalar_wrong_length_refused(length: int) -> None:
    with pytest.raises(ScalarError):
        Scalar.from_bytes(bytes(length))


def test_scalar_edges() -> None:
    assert Scalar.from_bytes((L - 1).to_bytes(32, "little")).value == L - 1
    with pytest.raises(ScalarError):
        Scalar.from_bytes(L.to_bytes(32, "little"))
    assert Scalar(L).value == 0
    assert Scalar(-1).value == L - 1
    with pytest.raises(ZeroDivisionError):
        Scalar(0).inverse()
    with pytest.raises(AttributeError):
        Scalar(1).value = 2


@FAST
@given(st.integers(min_value=-(2**300), max_value=2**300), st.integers(min_value=-(2**300), max_value=2**300))
def test_scalar_arithmetic_is_modulo_l(a: int, b: int) -> None:
    sa, sb = Scalar(a), Scalar(b)
    assert (sa + sb).value == (a + b) % L
    assert (sa - sb).value == (a - b) % L
    assert (sa * sb).value == (a * b) % L
    assert (sa + b) == sa + sb
    assert (-sa).value == (-a) % L
    if a % L:
        assert (sa * sa.inverse()).value == 1
    assert hash(sa) == hash(Scalar(a + L))


def test_scalar_random_and_from_hash() -> None:
    values = {Scalar.random().value for _ in range(50)}
    assert len(values) == 50 and 0 not in values
    assert all(0 < v < L for v in values)
    digest = hashlib.sha512(b"x").digest()
    assert Scalar.from_hash(digest).value == int.from_bytes(digest, "little") % L


# --- points: valid ----------------------------------------------------------------------------


@FAST
@given(st.integers(min_value=1, max_value=L - 1))
def test_point_round_trip(k: int) -> None:
    point = base_mul(k)
    data = point.to_bytes()
    assert len(data) == 32
    parsed = Point.from_bytes(data)
    assert parsed == point and parsed.to_bytes() == data
    assert not parsed.is_identity
    assert ref_encode(ref_mul(k, REF_G)) == data


@FAST
@given(st.integers(min_value=0, max_value=L - 1), st.integers(min_value=0, max_value=L - 1))
def test_group_laws(a: int, b: int) -> None:
    pa, pb = base_mul(a), base_mul(b)
    assert pa + pb == base_mul(a + b)
    assert pa + pb == pb + pa
    assert pa - pb == base_mul(a - b)
    assert pa * b == base_mul(a * b)
    assert G * a == pa
    assert b * pa == pa * Scalar(b)
    assert -pa == base_mul(-a)
    assert (pa + pb) + G == pa + (pb + G)


def test_identity_handling() -> None:
    p = base_mul(1234567)
    assert IDENTITY.is_identity and Point.identity() is IDENTITY
    assert IDENTITY.to_bytes() == IDENTITY_BYTES
    assert p * 0 == IDENTITY
    assert p * L == IDENTITY
    assert p * Scalar(0) == IDENTITY
    assert base_mul(0) == IDENTITY and base_mul(L) == IDENTITY
    assert G * 0 == IDENTITY
    assert p - p == IDENTITY and (p - p).is_identity
    assert p + (-p) == IDENTITY
    assert IDENTITY + p == p and p + IDENTITY == p
    assert IDENTITY + IDENTITY == IDENTITY
    assert p - IDENTITY == p
    assert IDENTITY - p == -p
    assert -IDENTITY == IDENTITY
    negated = -p
    assert -negated == p and negated != p
    assert IDENTITY * 5 == IDENTITY and IDENTITY * Scalar(7) == IDENTITY and 9 * IDENTITY == IDENTITY
    assert Point.from_bytes(IDENTITY_BYTES, allow_identity=True) is IDENTITY
    with pytest.raises(PointError) as info:
        Point.from_bytes(IDENTITY_BYTES)
    assert info.value.reason == "identity"


def test_point_is_immutable_and_hashable() -> None:
    p = base_mul(5)
    with pytest.raises(AttributeError):
        p._data = b""
    assert len({p, base_mul(5), base_mul(6)}) == 2
    assert p != p.to_bytes()
    assert repr(p).startswith("Point(")


def test_small_multiple_table() -> None:
    table = small_multiple_table(6)
    assert table == [base_mul(i) for i in range(7)]
    assert small_multiple_table(0) == [IDENTITY]


def test_ops_counter() -> None:
    OPS.reset()
    base_mul(3)
    _ = base_mul(3) * 5
    _ = base_mul(3) + base_mul(4)
    Point.from_bytes(G_BYTES)
    snap = OPS.snapshot()
    assert snap["base_mul"] == 4 and snap["var_mul"] == 1 and snap["add"] == 1 and snap["validate"] == 1
    OPS.reset()
    assert OPS.snapshot() == {"var_mul": 0, "base_mul": 0, "add": 0, "validate": 0}


# --- points: invalid encodings ----------------------------------------------------------------


def reason_of(data: object, *, allow_identity: bool = False) -> str:
    with pytest.raises(PointError) as info:
        Point.from_bytes(data, allow_identity=allow_identity)  # type: ignore[arg-type]
    return info.value.reason


@pytest.mark.parametrize("length", [0, 1, 31, 33, 64])
def test_point_bad_length(length: int) -> None:
    assert reason_of(bytes(length)) == "bad_length"
    assert reason_of(G_BYTES[:length] if length < 32 else G_BYTES + bytes(length - 32)) == "bad_length"


def test_point_not_bytes() -> None:
    assert reason_of(G_BYTES.hex()) == "bad_length"
    assert reason_of(bytearray(G_BYTES)) == "bad_length"


@pytest.mark.parametrize("offset", [0, 1, 2, 10, 18])
@pytest.mark.parametrize("sign", [0, 1])
def test_point_non_canonical_y(offset: int, sign: int) -> None:
    y = P + offset  # y >= p: the same field element as ``offset``, encoded non-canonically
    data = (y | (sign << 255)).to_bytes(32, "little")
    assert reason_of(data) == "non_canonical"
    assert not crypto_core_ed25519_is_valid_point(data)


def test_point_negative_zero_x_is_non_canonical() -> None:
    # x = 0 with the sign bit set: the identity and the order-2 point with "negative zero".
    for y in (1, P - 1):
        data = (y | (1 << 255)).to_bytes(32, "little")
        assert ref_decode(data) is None
        assert reason_of(data) == "non_canonical"
        assert reason_of(data, allow_identity=True) == "non_canonical"


def test_point_not_on_curve() -> None:
    data = first_off_curve_encoding()
    assert reason_of(data) == "not_on_curve"
    signed = bytes(data[:31]) + bytes([data[31] | 0x80])
    assert reason_of(signed) == "not_on_curve"


@FAST
@given(st.binary(min_size=32, max_size=32))
def test_random_bytes_classified(data: bytes) -> None:
    """Every 32-byte string either parses to a subgroup point or is refused with a known reason."""
    decoded = ref_decode(data)
    try:
        point = Point.from_bytes(data)
    except PointError as exc:
        y = int.from_bytes(data, "little") & ((1 << 255) - 1)
        if y >= P:
            assert exc.reason == "non_canonical"
        elif decoded is None:
            assert exc.reason in {"not_on_curve", "non_canonical"}
        else:
            assert exc.reason in {"small_order", "not_in_subgroup", "identity"}
            assert ref_mul(L, decoded) != REF_IDENTITY or exc.reason in {"small_order", "identity"}
    else:
        assert decoded is not None and ref_mul(L, decoded) == REF_IDENTITY
        assert point.to_bytes() == data


@pytest.mark.parametrize("index", range(8))
def test_small_order_points_rejected(index: int) -> None:
    data = SMALL_ORDER_BYTES[index]
    assert not crypto_core_ed25519_is_valid_point(data)
    if data == IDENTITY_BYTES:
        assert reason_of(data) == "identity"
        assert Point.from_bytes(data, allow_identity=True).is_identity
    else:
        assert reason_of(data) == "small_order"
        assert reason_of(data, allow_identity=True) == "small_order"


@pytest.mark.parametrize("index", range(1, 8))
@pytest.mark.parametrize("k", [1, 2, 987654321])
def test_point_outside_subgroup_rejected(index: int, k: int) -> None:
    """P + T with P in the prime-order subgroup and T a non-identity torsion point."""
    ref_p = ref_decode(base_mul(k).to_bytes())
    assert ref_p is not None
    mixed = ref_encode(ref_add(ref_p, SMALL_ORDER[index]))
    assert on_curve(ref_add(ref_p, SMALL_ORDER[index]))
    assert not crypto_core_ed25519_is_valid_point(mixed)
    assert reason_of(mixed) == "not_in_subgroup"
    assert reason_of(mixed, allow_identity=True) == "not_in_subgroup"


# --- generators -------------------------------------------------------------------------------


def test_generator_h() -> None:
    assert GROUP_NAME == "edwards25519"
    assert H_DOMAIN == "pbvote/generator-h/v1"
    framed = len(H_DOMAIN).to_bytes(4, "big") + H_DOMAIN.encode()
    expected = crypto_core_ed25519_from_uniform(hashlib.sha256(framed).digest())
    assert H.to_bytes() == expected
    assert Point.from_bytes(H.to_bytes()) == H
    assert H != G and not H.is_identity
    assert H * L == IDENTITY
    decoded = ref_decode(H.to_bytes())
    assert decoded is not None and ref_mul(L, decoded) == REF_IDENTITY
    for k in range(1, 50):  # H is not a small multiple of G
        assert base_mul(k) != H and base_mul(-k) != H
    assert Point.from_bytes(G_BYTES) == G


# --- validating through a multiplication ------------------------------------------------------


def bad_encodings() -> list[bytes]:
    """One encoding per refusal reason: small order, outside the subgroup, non-canonical, off-curve."""
    ref_p = ref_decode(base_mul(987654321).to_bytes())
    assert ref_p is not None
    mixed = [ref_encode(ref_add(ref_p, t)) for t in SMALL_ORDER[1:]]
    non_canonical = [((P + offset) | (sign << 255)).to_bytes(32, "little") for offset in (0, 1, 18) for sign in (0, 1)]
    negative_zero = [(y | (1 << 255)).to_bytes(32, "little") for y in (1, P - 1)]
    off_curve = first_off_curve_encoding()
    return [*SMALL_ORDER_BYTES, *mixed, *non_canonical, *negative_zero, off_curve, bytes([off_curve[0]]) + bytes(31)]


@pytest.mark.parametrize("scalar", [1, 2**127 + 5, L - 1, 0])
def test_from_bytes_with_multiple_refuses_exactly_like_from_bytes(scalar: int) -> None:
    for data in bad_encodings():
        try:
            Point.from_bytes(data)
        except PointError as exc:
            expected = exc.reason
        else:
            continue  # an arbitrary encoding that happens to be valid is covered below
        with pytest.raises(PointError) as info:
            Point.from_bytes_with_multiple(data, scalar)
        assert info.value.reason == expected
    wrong: list[object] = [bytes(31), G_BYTES.hex()]
    for bad in wrong:
        with pytest.raises(PointError) as info:
            Point.from_bytes_with_multiple(bad, scalar)  # type: ignore[arg-type]
        assert info.value.reason == "bad_length"


@FAST
@given(st.binary(min_size=32, max_size=32), st.integers(min_value=1, max_value=2**128 - 1))
def test_from_bytes_with_multiple_on_random_bytes(data: bytes, scalar: int) -> None:
    try:
        expected: Point | str = Point.from_bytes(data)
    except PointError as exc:
        expected = exc.reason
    try:
        got: Point | str = Point.from_bytes_with_multiple(data, scalar)
    except PointError as exc:
        got = exc.reason
    assert got == expected


@pytest.mark.parametrize("scalar", [1, 3, 2**128 - 1, L - 1])
def test_from_bytes_with_multiple_keeps_the_product(scalar: int) -> None:
    point = base_mul(424242)
    parsed = Point.from_bytes_with_multiple(point.to_bytes(), scalar)
    assert parsed == point and hash(parsed) == hash(point) and parsed.to_bytes() == point.to_bytes()
    expected = Point(point.to_bytes()) * scalar
    OPS.reset()
    assert parsed * scalar == expected and parsed * Scalar(scalar) == expected and scalar * parsed == expected
    assert OPS.var_mul == 0  # served from the validation's product
    assert parsed * 5 == Point(point.to_bytes()) * 5 and parsed * 0 == IDENTITY
    assert parsed + IDENTITY == point and parsed - point == IDENTITY
