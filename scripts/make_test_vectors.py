"""Generate the versioned test vectors of the cryptographic core and the ballot schemes.

What it produces
    One JSON document, ``{"version": 1, "group": "edwards25519", ...}``, with inputs and expected
    outputs — valid and invalid — for every primitive, proof and ballot scheme of the engine:
    length framing and ``hash_elements``; base64url and canonical JSON; scalar and point encodings
    (each invalid kind with the reason code the engine reports); the generators G and H; scalar
    multiplications and point additions; ElGamal encryptions with fixed nonces; discrete logs; the
    election-context and ceremony-context hashes; challenge derivation; Schnorr, Chaum–Pedersen,
    disjunctive range and weighted-sum proofs (valid proofs plus variants with one field altered);
    and, for each of the six ballot schemes, one encrypted ballot for a fixed choice with its stage
    definition, election context, the test secret key, the Benaloh opening, the expected tally
    reading and tampered variants with the error code the engine reports.  The format is described
    in ``docs/test-vectors.md``; ``tests/core/test_vectors.py`` checks the file against the code.

How to run it (from the repository root, in the project's virtual environment)
    python scripts/make_test_vectors.py > voting_engine/core/vectors/test-vectors-v1.json
    python scripts/make_test_vectors.py --out voting_engine/core/vectors/test-vectors-v1.json

    Deterministic outputs (hashes, encodings, encryptions with fixed nonces) never depend on
    randomness.  Proofs and ballot nonces need random numbers; by default they are drawn from a
    SHA-256 counter-mode generator seeded with ``--seed`` (default ``pbvote/test-vectors/v1``), so
    re-running the script reproduces the committed file byte for byte as long as the provers draw
    their randomness in the same order.  ``--os-random`` uses the operating system's CSPRNG
    instead (the vectors are then equally valid, just different).  The seeded generator replaces
    ``secrets`` inside ``voting_engine.core.group`` for the duration of this script only: it exists
    for reproducible test data and must never be used to make real ballots or keys.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any
from unittest import mock

from nacl.bindings import crypto_core_ed25519_from_uniform

from ballot_schemes import BallotScheme, EncryptedChoices, InvalidChoice, Project, SchemeParameterError, make_scheme
from voting_engine.core import group
from voting_engine.core.context import CEREMONY_TAG, CONTEXT_TAG, ElectionContext, ceremony_context_hash
from voting_engine.core.dlog import DiscreteLogError, discrete_log
from voting_engine.core.elgamal import Ciphertext, decrypt_with_secret, encrypt, sum_ciphertexts
from voting_engine.core.encoding import EncodingError, b64decode, b64encode, canonical_json
from voting_engine.core.group import (
    GROUP_NAME,
    H_DOMAIN,
    IDENTITY,
    IDENTITY_BYTES,
    P_FIELD,
    G,
    H,
    L,
    Point,
    PointError,
    Scalar,
    ScalarError,
    base_mul,
)
from voting_engine.core.hashing import Element, frame, hash_elements
from voting_engine.core.proofs import chaum_pedersen, disjunctive, schnorr
from voting_engine.core.proofs.chaum_pedersen import prove_equality, verify_equality
from voting_engine.core.proofs.disjunctive import MAX_BRANCHES, RangeProof, prove_range, verify_range
from voting_engine.core.proofs.fiat_shamir import CHALLENGE_BYTES, CHALLENGE_MODULUS, challenge, encode_challenge
from voting_engine.core.proofs.schnorr import prove_knowledge, verify_knowledge
from voting_engine.core.proofs.weighted_sum import (
    CDS_LIMIT,
    SumProof,
    bit_weights,
    prove_weighted_sum,
    verify_weighted_sum,
)

VERSION = 1
DEFAULT_SEED = "pbvote/test-vectors/v1"
DEFAULT_OUT = Path("voting_engine/core/vectors/test-vectors-v1.json")
STAGE_TAG = "pbvote/stage/v1"
MANIFEST_TAG = "pbvote/manifest/v1"

Json = Any


# --- reproducible randomness ----------------------------------------------------------------------


class SeededRandom:
    """``randbelow`` from SHA-256 in counter mode: reproducible test data only, never for real use."""

    def __init__(self, seed: str) -> None:
        self._key = hashlib.sha256(seed.encode("utf-8")).digest()
        self._counter = 0

    def _bytes(self, count: int) -> bytes:
        out = b""
        while len(out) < count:
            self._counter += 1
            out += hashlib.sha256(self._key + self._counter.to_bytes(8, "big")).digest()
        return out[:count]

    def randbelow(self, n: int) -> int:
        bits = n.bit_length()
        while True:
            value = int.from_bytes(self._bytes((bits + 7) // 8), "little") & ((1 << bits) - 1)
            if value < n:
                return value


@contextlib.contextmanager
def randomness(seed: str | None) -> Iterator[None]:
    if seed is None:
        yield
        return
    with mock.patch.object(group, "secrets", SeededRandom(seed)):
        yield


# --- small helpers ---------------------------------------------------------------------------------


def b64(data: bytes | Point | Scalar) -> str:
    return b64encode(data if isinstance(data, bytes) else data.to_bytes())


def fixed_scalar(label: str) -> Scalar:
    """A fixed, reproducible scalar: SHA-512 of a label reduced modulo L."""
    return Scalar.from_hash(hashlib.sha512(f"pbvote/test-vectors/v1/{label}".encode()).digest())


def element_json(element: Element) -> dict[str, str]:
    if isinstance(element, bytes):
        return {"bytes": b64encode(element)}
    if isinstance(element, str):
        return {"str": element}
    if isinstance(element, int) and not isinstance(element, bool):
        return {"int": str(element)}
    return {"bytes": b64encode(element.to_bytes())}


def ct_json(ct: Ciphertext) -> list[str]:
    return ct.to_json()


SECRET_KEY = fixed_scalar("secret-key")
PUBLIC_KEY = base_mul(SECRET_KEY)


# --- pure-Python Edwards25519 (only to build invalid encodings that libsodium will not produce) ----

_P = P_FIELD
_D = (-121665 * pow(121666, -1, _P)) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)
Affine = tuple[int, int]


def _add(a: Affine, b: Affine) -> Affine:
    (x1, y1), (x2, y2) = a, b
    t = _D * x1 * x2 * y1 * y2 % _P
    return (x1 * y2 + y1 * x2) * pow(1 + t, -1, _P) % _P, (y1 * y2 + x1 * x2) * pow(1 - t, -1, _P) % _P


def _mul(k: int, a: Affine) -> Affine:
    result, addend = (0, 1), a
    while k:
        if k & 1:
            result = _add(result, addend)
        addend = _add(addend, addend)
        k >>= 1
    return result


def _encode(a: Affine) -> bytes:
    return (a[1] | ((a[0] & 1) << 255)).to_bytes(32, "little")


def _decode(data: bytes) -> Affine | None:
    value = int.from_bytes(data, "little")
    sign, y = value >> 255, value & ((1 << 255) - 1)
    if y >= _P:
        return None
    x2 = (y * y - 1) * pow(_D * y * y + 1, -1, _P) % _P
    x = pow(x2, (_P + 3) // 8, _P)
    if x * x % _P != x2:
        x = x * _SQRT_M1 % _P
    if x * x % _P != x2 or (x == 0 and sign):
        return None
    return (_P - x if x & 1 != sign else x), y


def _torsion_points() -> list[Affine]:
    """The eight points of order dividing 8, as k·T for a point T of order 8."""
    y = 2
    while True:
        q = _decode(y.to_bytes(32, "little"))
        if q is not None:
            t = _mul(L, q)
            if _mul(4, t) != (0, 1):
                return [_mul(k, t) for k in range(8)]
        y += 1


def _off_curve_encoding() -> bytes:
    y = 2
    while _decode(y.to_bytes(32, "little")) is not None:
        y += 1
    return y.to_bytes(32, "little")


# --- sections ---------------------------------------------------------------------------------------


def constants_section() -> Json:
    return {
        "L": str(L),
        "p": str(P_FIELD),
        "G": b64(G),
        "H": b64(H),
        "h_domain": H_DOMAIN,
        "h_uniform_input": b64(hash_elements(H_DOMAIN)),
        "identity": b64(IDENTITY_BYTES),
        "challenge_bytes": CHALLENGE_BYTES,
        "cds_limit": CDS_LIMIT,
        "max_branches": MAX_BRANCHES,
        "tags": {
            "context": CONTEXT_TAG,
            "ceremony_context": CEREMONY_TAG,
            "schnorr": schnorr.TAG,
            "chaum_pedersen": chaum_pedersen.TAG,
            "range": disjunctive.TAG,
            "stage": STAGE_TAG,
            "manifest": MANIFEST_TAG,
        },
    }


def base64url_section() -> Json:
    valid = [bytes(0), b"\x00", b"\xfb\xff", b"\xff\xff\xff", bytes(range(32)), bytes(16), b"hello world"]
    invalid = [
        ("AA==", "padding"),
        ("+/8", "standard alphabet (+ and /)"),
        ("AB", "non-zero trailing bits: not canonical"),
        ("A", "impossible length"),
        ("AA AA", "whitespace"),
        ("AA*A", "character outside the alphabet"),
    ]
    return {
        "valid": [{"hex": data.hex(), "text": b64encode(data)} for data in valid],
        "invalid": [{"text": text, "note": note} for text, note in invalid],
    }


def canonical_json_section() -> Json:
    values: list[Json] = [
        {"b": 1, "a": [True, None, "x"], "c": {"z": -1, "y": 2**70}},
        {"é": "ü", "emoji": "🗳", "": ""},
        [1, "two", [3], {}],
        'a"b\\c\n',
        0,
    ]
    return {
        "valid": [{"value": v, "canonical": canonical_json(v).decode("utf-8")} for v in values],
        "invalid": [
            {"json": '{"a": 1.5}', "note": "floats are not allowed"},
            {"json": "[1e3]", "note": "floats are not allowed (exponent form)"},
        ],
    }


def hashing_section() -> Json:
    cases: list[tuple[str, list[Element]]] = [
        ("pbvote/test", []),
        ("pbvote/test", ["", b"", 0]),
        ("pbvote/test", ["ab", "c"]),
        ("pbvote/test", ["a", "bc"]),
        ("pbvote/test", [-1, 12345678901234567890123, "é"]),
        ("pbvote/test", [bytes(range(40))]),
        ("pbvote/test", [G, Scalar(5)]),
        (H_DOMAIN, []),
    ]
    return [
        {
            "tag": tag,
            "elements": [element_json(e) for e in elements],
            "framed": b64encode(frame((tag, *elements))),
            "hash": b64encode(hash_elements(tag, *elements)),
        }
        for tag, elements in cases
    ]


def scalars_section() -> Json:
    values = [0, 1, 2, 255, 256, 2**128, L - 1, fixed_scalar("scalar-a").value]
    invalid = [
        (L.to_bytes(32, "little"), "non_canonical", "L itself"),
        ((L + 1).to_bytes(32, "little"), "non_canonical", "L + 1"),
        ((2**256 - 1).to_bytes(32, "little"), "non_canonical", "all bits set"),
        ((L + 2**252).to_bytes(32, "little"), "non_canonical", "value ≥ L with bit 253 set"),
        (bytes(31), "bad_length", "31 bytes"),
        (bytes(33), "bad_length", "33 bytes"),
    ]
    return {
        "valid": [{"value": str(v), "encoding": b64encode(v.to_bytes(32, "little"))} for v in values],
        "invalid": [{"encoding": b64encode(d), "reason": r, "note": n} for d, r, n in invalid],
    }


def points_section() -> Json:
    torsion = _torsion_points()
    torsion_bytes = [_encode(t) for t in torsion]
    g_affine = _decode(G.to_bytes())
    assert g_affine is not None
    valid: list[Json] = [
        {"encoding": b64(G), "note": "G"},
        {"encoding": b64(H), "note": "H"},
        {"encoding": b64(base_mul(2)), "note": "2·G"},
        {"encoding": b64(base_mul(L - 1)), "note": "(L-1)·G = -G"},
        {"encoding": b64(PUBLIC_KEY), "note": "the test public key"},
        {"encoding": b64(IDENTITY_BYTES), "note": "identity, only where allowed", "allow_identity": True},
    ]
    invalid: list[tuple[bytes, str, str]] = [
        (bytes(31), "bad_length", "31 bytes"),
        (bytes(33), "bad_length", "33 bytes"),
        (b"", "bad_length", "empty"),
        (P_FIELD.to_bytes(32, "little"), "non_canonical", "y = p"),
        ((P_FIELD + 2).to_bytes(32, "little"), "non_canonical", "y = p + 2 (2 non-canonically)"),
        (((P_FIELD + 1) | (1 << 255)).to_bytes(32, "little"), "non_canonical", "y = p + 1 with sign bit"),
        ((1 | (1 << 255)).to_bytes(32, "little"), "non_canonical", "identity with sign bit set (x = -0)"),
        (_off_curve_encoding(), "not_on_curve", "y with no matching x"),
        (IDENTITY_BYTES, "identity", "identity where it is not allowed"),
    ]
    for k, data in enumerate(torsion_bytes):
        if k:
            order = 8 if k % 2 else 4 if k % 4 else 2
            invalid.append((data, "small_order", f"{k}·T8, a point of order {order}"))
    for k in (1, 4, 6):
        mixed = _encode(_add(_mul(3, g_affine), torsion[k]))
        invalid.append((mixed, "not_in_subgroup", f"3·G + {k}·T8 (outside the prime-order subgroup)"))
    records = []
    for data, reason, note in invalid:
        try:
            Point.from_bytes(data)
        except PointError as exc:
            assert exc.reason == reason, (note, exc.reason)
        else:
            raise AssertionError(f"{note} was accepted")
        records.append({"encoding": b64encode(data), "reason": reason, "note": note})
    return {"valid": valid, "invalid": records}


def scalar_mult_section() -> Json:
    out = []
    for base_name, base in (("G", G), ("H", H)):
        for k in (0, 1, 2, 3, 8, 1000, 2**128 + 1, L - 1, L, fixed_scalar("mul").value):
            out.append({"base": base_name, "scalar": str(k), "result": b64(base * k)})
    p = base_mul(fixed_scalar("point-p"))
    for k in (1, 7, fixed_scalar("mul-2").value):
        out.append({"base": b64(p), "scalar": str(k), "result": b64(p * k)})
    return out


def point_add_section() -> Json:
    pairs = [
        (G, G),
        (G, H),
        (base_mul(5), base_mul(L - 5)),
        (base_mul(fixed_scalar("add-a")), base_mul(fixed_scalar("add-b"))),
        (H, base_mul(3)),
    ]
    return [{"a": b64(a), "b": b64(b), "sum": b64(a + b), "difference": b64(a - b)} for a, b in pairs]


def elgamal_section() -> Json:
    encryptions = []
    cts = []
    for m, nonce in ((0, Scalar(1)), (1, Scalar(2)), (5, fixed_scalar("nonce-5")), (1000, fixed_scalar("nonce-1000"))):
        ct = encrypt(PUBLIC_KEY, m, nonce)
        cts.append((m, nonce, ct))
        encryptions.append({"message": m, "nonce": b64(nonce), "ciphertext": ct_json(ct)})
    total = sum_ciphertexts([ct for _, _, ct in cts])
    sums = [
        {
            "ciphertexts": [ct_json(ct) for _, _, ct in cts],
            "sum": ct_json(total),
            "message": sum(m for m, _, _ in cts),
            "nonce": b64(Scalar(sum(n.value for _, n, _ in cts))),
        }
    ]
    decryptions = []
    for m, _, ct in cts:
        decryptions.append(
            {"ciphertext": ct_json(ct), "plaintext_point": b64(decrypt_with_secret(SECRET_KEY, ct)), "message": m}
        )
    return {
        "secret_key": b64(SECRET_KEY),
        "public_key": b64(PUBLIC_KEY),
        "encryptions": encryptions,
        "sums": sums,
        "decryptions": decryptions,
    }


def dlog_section() -> Json:
    out = []
    for m, bound in ((0, 0), (1, 1), (7, 10), (10, 10), (11, 10), (99, 100), (12345, 20000), (20001, 20000)):
        try:
            result: int | None = discrete_log(base_mul(m), bound)
        except DiscreteLogError:
            result = None
        out.append({"point": b64(base_mul(m)), "bound": bound, "result": result})
    out.append({"point": b64(H), "bound": 1000, "result": None})
    return out


def context_json(ctx: ElectionContext) -> Json:
    return {
        "election_id": ctx.election_id,
        "stage_id": ctx.stage_id,
        "manifest_hash": b64(ctx.manifest_hash),
        "public_key": b64(ctx.public_key),
        "stage_hash": b64(ctx.stage_hash),
        "hash": b64(ctx.hash),
    }


MANIFEST_HASH = hash_elements(MANIFEST_TAG, canonical_json({"election_id": "test-vectors", "note": "placeholder"}))
BASE_CONTEXT = ElectionContext("test-election", "vote", MANIFEST_HASH, PUBLIC_KEY, hashlib.sha256(b"stage").digest())
OTHER_CONTEXT = ElectionContext("test-election", "vote-2", MANIFEST_HASH, PUBLIC_KEY, BASE_CONTEXT.stage_hash)


def contexts_section() -> Json:
    contexts = [
        BASE_CONTEXT,
        OTHER_CONTEXT,
        ElectionContext("other-election", "vote", MANIFEST_HASH, PUBLIC_KEY, BASE_CONTEXT.stage_hash),
        ElectionContext("test-election", "vote", MANIFEST_HASH, PUBLIC_KEY, b""),
    ]
    ceremony = [
        {
            "election_id": eid,
            "manifest_hash": b64(MANIFEST_HASH),
            "trustees": n,
            "threshold": k,
            "hash": b64(ceremony_context_hash(eid, MANIFEST_HASH, n, k)),
        }
        for eid, n, k in (("test-election", 3, 2), ("test-election", 5, 3))
    ]
    return {"election": [context_json(c) for c in contexts], "ceremony": ceremony}


def challenges_section() -> Json:
    ctx = BASE_CONTEXT.hash
    cases: list[tuple[str, list[Element]]] = [
        (schnorr.TAG, ["", PUBLIC_KEY, G]),
        (disjunctive.TAG, [PUBLIC_KEY, 0, 1, G, H]),
        ("pbvote/test", [b"", "x", -3]),
    ]
    out = []
    for tag, elements in cases:
        c = challenge(tag, ctx, *elements)
        out.append(
            {
                "tag": tag,
                "context_hash": b64(ctx),
                "elements": [element_json(e) for e in elements],
                "challenge": str(c),
                "encoded": encode_challenge(c),
            }
        )
    return out


# --- proofs ----------------------------------------------------------------------------------------


def _bump_c(text: str) -> str:
    value = int.from_bytes(b64decode(text, CHALLENGE_BYTES), "little")
    return encode_challenge((value + 1) % CHALLENGE_MODULUS)


def _bump_v(text: str) -> str:
    return b64(Scalar.from_bytes(b64decode(text, 32)) + 1)


def _non_canonical_v(text: str) -> str:
    return b64encode((Scalar.from_bytes(b64decode(text, 32)).value + L).to_bytes(32, "little"))


def _shift_point(text: str) -> str:
    return b64(Point.from_bytes(b64decode(text, 32)) + G)


def _shift_field(name: str) -> Callable[[Json], None]:
    def change(record: Json) -> None:
        record[name] = _shift_point(record[name])

    return change


def _variant(base: Json, note: str, change: Callable[[Json], None], error: str = "verify") -> Json:
    record = json.loads(json.dumps(base))
    record["valid"] = False
    record["note"] = note
    record["error"] = error
    change(record)
    return record


def schnorr_section() -> Json:
    x = fixed_scalar("schnorr-secret")
    public = base_mul(x)
    ctx = BASE_CONTEXT.hash
    proof = prove_knowledge(ctx, x, public, "trustee-1")
    assert verify_knowledge(ctx, public, proof, "trustee-1")
    base = {
        "valid": True,
        "note": "honest proof",
        "context_hash": b64(ctx),
        "label": "trustee-1",
        "public": b64(public),
        "proof": proof.to_json(),
    }
    variants = [
        _variant(base, "challenge c + 1", lambda r: r["proof"].update(c=_bump_c(r["proof"]["c"]))),
        _variant(base, "response v + 1", lambda r: r["proof"].update(v=_bump_v(r["proof"]["v"]))),
        _variant(base, "public key + G", lambda r: r.update(public=_shift_point(r["public"]))),
        _variant(base, "other context (stage vote-2)", lambda r: r.update(context_hash=b64(OTHER_CONTEXT.hash))),
        _variant(base, "other label", lambda r: r.update(label="trustee-2")),
        _variant(
            base,
            "response v + L (non-canonical)",
            lambda r: r["proof"].update(v=_non_canonical_v(r["proof"]["v"])),
            "parse",
        ),
    ]
    wrong = prove_knowledge(ctx, x + 1, public, "trustee-1")
    variants.append(
        {**base, "valid": False, "error": "verify", "note": "proof made with a wrong secret", "proof": wrong.to_json()}
    )
    return [base, *variants]


def chaum_pedersen_section() -> Json:
    x = fixed_scalar("cp-secret")
    alpha = base_mul(fixed_scalar("cp-alpha"))
    b1, p1, b2, p2 = G, base_mul(x), alpha, alpha * x
    ctx = BASE_CONTEXT.hash
    proof = prove_equality(ctx, x, b1, p1, b2, p2, "share-1")
    assert verify_equality(ctx, b1, p1, b2, p2, proof, "share-1")
    base = {
        "valid": True,
        "note": "honest proof (partial decryption: B1 = G, P1 = x·G, B2 = α, P2 = x·α)",
        "context_hash": b64(ctx),
        "label": "share-1",
        "b1": b64(b1),
        "p1": b64(p1),
        "b2": b64(b2),
        "p2": b64(p2),
        "proof": proof.to_json(),
    }
    variants = [
        _variant(base, "challenge c + 1", lambda r: r["proof"].update(c=_bump_c(r["proof"]["c"]))),
        _variant(base, "response v + 1", lambda r: r["proof"].update(v=_bump_v(r["proof"]["v"]))),
        *[_variant(base, f"{name} + G", _shift_field(name)) for name in ("b1", "p1", "b2", "p2")],
        _variant(base, "other context (stage vote-2)", lambda r: r.update(context_hash=b64(OTHER_CONTEXT.hash))),
        _variant(base, "other label", lambda r: r.update(label="share-2")),
    ]
    false_p2 = alpha * (x + 1)
    lying = prove_equality(ctx, x, b1, p1, b2, false_p2, "share-1")
    variants.append(
        {
            **base,
            "valid": False,
            "error": "verify",
            "note": "false statement: P2 = (x+1)·B2",
            "p2": b64(false_p2),
            "proof": lying.to_json(),
        }
    )
    return [base, *variants]


def _range_record(ct: Ciphertext, proof: RangeProof, lo: int, hi: int, note: str) -> Json:
    return {
        "valid": True,
        "note": note,
        "context_hash": b64(BASE_CONTEXT.hash),
        "public_key": b64(PUBLIC_KEY),
        "ciphertext": ct_json(ct),
        "lo": lo,
        "hi": hi,
        "proof": proof.to_json(),
    }


def range_section() -> Json:
    ctx = BASE_CONTEXT.hash
    records = []
    main: Json = None
    main_r = Scalar(0)
    for m, lo, hi in ((0, 0, 1), (1, 0, 1), (3, 2, 5), (0, 0, 0), (7, 0, 7)):
        r = Scalar.random()
        ct = encrypt(PUBLIC_KEY, m, r)
        proof = prove_range(ctx, PUBLIC_KEY, ct, m, r, lo, hi)
        assert verify_range(ctx, PUBLIC_KEY, ct, proof, lo, hi)
        record = _range_record(ct, proof, lo, hi, f"honest proof: encrypts {m} in [{lo}, {hi}]")
        records.append(record)
        if (lo, hi) == (2, 5):
            main, main_r = record, r

    def set_c(j: int) -> Callable[[Json], None]:
        return lambda r: r["proof"]["c"].__setitem__(j, _bump_c(r["proof"]["c"][j]))

    def set_v(j: int) -> Callable[[Json], None]:
        return lambda r: r["proof"]["v"].__setitem__(j, _bump_v(r["proof"]["v"][j]))

    def swap(r: Json) -> None:
        r["proof"]["c"][0], r["proof"]["c"][1] = r["proof"]["c"][1], r["proof"]["c"][0]
        r["proof"]["v"][0], r["proof"]["v"][1] = r["proof"]["v"][1], r["proof"]["v"][0]

    variants = [
        _variant(main, "branch challenge c[1] (the true branch) + 1", set_c(1)),
        _variant(main, "branch challenge c[3] + 1", set_c(3)),
        _variant(main, "branch response v[0] + 1", set_v(0)),
        _variant(main, "branch response v[1] (the true branch) + 1", set_v(1)),
        _variant(
            main, "ciphertext alpha + G", lambda r: r["ciphertext"].__setitem__(0, _shift_point(r["ciphertext"][0]))
        ),
        _variant(
            main, "ciphertext beta + G", lambda r: r["ciphertext"].__setitem__(1, _shift_point(r["ciphertext"][1]))
        ),
        _variant(main, "public key + G", lambda r: r.update(public_key=_shift_point(r["public_key"]))),
        _variant(main, "other context (stage vote-2)", lambda r: r.update(context_hash=b64(OTHER_CONTEXT.hash))),
        _variant(main, "range shifted to [3, 6] (same number of branches)", lambda r: r.update(lo=3, hi=6)),
        _variant(main, "range widened to [2, 6] (branch count mismatch)", lambda r: r.update(hi=6)),
        _variant(main, "range narrowed to [2, 4] (branch count mismatch)", lambda r: r.update(hi=4)),
        _variant(main, "branches 0 and 1 swapped", swap),
        _variant(
            main,
            "ciphertext replaced by an encryption of 6 (out of range) with the same nonce",
            lambda r: r.update(ciphertext=ct_json(encrypt(PUBLIC_KEY, 6, main_r))),
        ),
        _variant(
            main,
            "non-canonical response v[2] + L",
            lambda r: r["proof"]["v"].__setitem__(2, _non_canonical_v(r["proof"]["v"][2])),
            "parse",
        ),
        _variant(
            main, "challenge c[0] of 15 bytes", lambda r: r["proof"]["c"].__setitem__(0, b64encode(bytes(15))), "parse"
        ),
        _variant(main, "c and v lists of different length", lambda r: r["proof"]["v"].pop(), "parse"),
    ]
    # A prover that lies about the plaintext: claims 1 for an encryption of 2 in [0, 1].
    r2 = Scalar.random()
    ct2 = encrypt(PUBLIC_KEY, 2, r2)
    lying = prove_range(ctx, PUBLIC_KEY, ct2, 1, r2, 0, 1)
    liar = _range_record(ct2, lying, 0, 1, "encryption of 2 with a proof made by claiming 1 in [0, 1]")
    liar.update(valid=False, error="verify")
    return [*records, *variants, liar]


def _sum_record(
    cts: Sequence[Ciphertext], weights: Sequence[int], lo: int, hi: int, proof: SumProof, note: str
) -> Json:
    return {
        "valid": True,
        "note": note,
        "context_hash": b64(BASE_CONTEXT.hash),
        "public_key": b64(PUBLIC_KEY),
        "ciphertexts": [ct_json(c) for c in cts],
        "weights": list(weights),
        "lo": lo,
        "hi": hi,
        "proof": proof.to_json(),
    }


def weighted_sum_section() -> Json:
    ctx = BASE_CONTEXT.hash
    cases = [
        ([1, 0, 1], [1, 1, 1], 0, 2, "selection count: 2 of 3 in [0, 2] (one disjunctive proof)"),
        ([1, 1], [1, -1], 0, 1, "ranking order rule R_0 - R_1 = 0 in [0, 1] (weights +1 and -1)"),
        ([1, 0, 1, 0], [2, 5, 8, 3], 0, 10, "budget cap: weights 2, 5, 8, 3, sum 10 in [0, 10] (bit decomposition)"),
        ([3, 4, 2], [1, 1, 1], 5, 20, "points total 9 in [5, 20] (bit decomposition with lo > 0)"),
        ([2, 0, 2], [1, 1, 1], 4, 4, "exact total 4 in [4, 4] (one-branch disjunctive proof)"),
        ([9], [1], 0, 10, "single entry 9 in [0, 10] (the entry proof of a score ballot)"),
    ]
    records = []
    built: list[Json] = []
    for messages, weights, lo, hi, note in cases:
        nonces = [Scalar.random() for _ in messages]
        cts = [encrypt(PUBLIC_KEY, m, r) for m, r in zip(messages, nonces, strict=True)]
        proof = prove_weighted_sum(ctx, PUBLIC_KEY, cts, weights, messages, nonces, lo, hi)
        assert verify_weighted_sum(ctx, PUBLIC_KEY, cts, weights, proof, lo, hi)
        record = _sum_record(cts, weights, lo, hi, proof, "honest proof: " + note)
        records.append(record)
        built.append(record)
    cds_record, bits_record, one_branch_record = built[0], built[2], built[4]

    def bit_point(j: int, k: int) -> Callable[[Json], None]:
        return lambda r: r["proof"]["bits"][j].__setitem__(k, _shift_point(r["proof"]["bits"][j][k]))

    def swap_bits(r: Json) -> None:
        p = r["proof"]
        p["bits"][0], p["bits"][1] = p["bits"][1], p["bits"][0]
        p["bit_proofs"][0], p["bit_proofs"][1] = p["bit_proofs"][1], p["bit_proofs"][0]

    def drop_bit(r: Json) -> None:
        r["proof"]["bits"].pop()
        r["proof"]["bit_proofs"].pop()

    variants = [
        _variant(
            cds_record, "challenge c[0] + 1", lambda r: r["proof"]["c"].__setitem__(0, _bump_c(r["proof"]["c"][0]))
        ),
        _variant(
            cds_record, "response v[2] + 1", lambda r: r["proof"]["v"].__setitem__(2, _bump_v(r["proof"]["v"][2]))
        ),
        _variant(cds_record, "weight of entry 1 changed to 2", lambda r: r["weights"].__setitem__(1, 2)),
        _variant(cds_record, "weight of entry 0 changed to 0", lambda r: r["weights"].__setitem__(0, 0)),
        _variant(
            cds_record,
            "ciphertext 2 alpha + G",
            lambda r: r["ciphertexts"][2].__setitem__(0, _shift_point(r["ciphertexts"][2][0])),
        ),
        _variant(cds_record, "range [1, 3] instead of [0, 2]", lambda r: r.update(lo=1, hi=3)),
        _variant(cds_record, "other context (stage vote-2)", lambda r: r.update(context_hash=b64(OTHER_CONTEXT.hash))),
        _variant(cds_record, "public key + G", lambda r: r.update(public_key=_shift_point(r["public_key"]))),
        _variant(bits_record, "bit ciphertext 1 alpha + G", bit_point(1, 0)),
        _variant(bits_record, "bit ciphertext 3 beta + G", bit_point(3, 1)),
        _variant(
            bits_record,
            "bit proof 2: challenge c[1] + 1",
            lambda r: r["proof"]["bit_proofs"][2]["c"].__setitem__(1, _bump_c(r["proof"]["bit_proofs"][2]["c"][1])),
        ),
        _variant(
            bits_record,
            "bit proof 0: response v[0] + 1",
            lambda r: r["proof"]["bit_proofs"][0]["v"].__setitem__(0, _bump_v(r["proof"]["bit_proofs"][0]["v"][0])),
        ),
        _variant(bits_record, "bits 0 and 1 swapped with their proofs", swap_bits),
        _variant(bits_record, "last bit and its proof dropped", drop_bit),
        _variant(bits_record, "weight of entry 2 changed from 8 to 7", lambda r: r["weights"].__setitem__(2, 7)),
        _variant(
            bits_record,
            "ciphertext 0 beta + G",
            lambda r: r["ciphertexts"][0].__setitem__(1, _shift_point(r["ciphertexts"][0][1])),
        ),
        _variant(bits_record, "hi changed from 10 to 11 (same number of bits)", lambda r: r.update(hi=11)),
        _variant(bits_record, "lo changed from 0 to 1", lambda r: r.update(lo=1)),
        _variant(bits_record, "other context (stage vote-2)", lambda r: r.update(context_hash=b64(OTHER_CONTEXT.hash))),
        _variant(
            bits_record,
            "a one-branch disjunctive proof given for a range that needs bit decomposition",
            lambda r: r.update(proof=one_branch_record["proof"]),
        ),
        _variant(
            bits_record,
            "bit_proofs shorter than bits",
            lambda r: r["proof"]["bit_proofs"].pop(),
            "parse",
        ),
    ]
    # A forged decomposition of 11 (one above hi = 10) for a single ciphertext with weight 1: the bits
    # satisfy Σ u_j·B_j = E_S exactly, but bit 0 encrypts 2, so its 0/1 proof is a lying one.
    weights_u = bit_weights(10)
    values = [1] * len(weights_u)
    values[0] = 2
    target = sum(u * b for u, b in zip(weights_u, values, strict=True))
    r_single = Scalar.random()
    single = encrypt(PUBLIC_KEY, target, r_single)
    bit_nonces = [Scalar.random() for _ in weights_u[:-1]]
    partial = sum(u * n.value for u, n in zip(weights_u, bit_nonces, strict=False))
    bit_nonces.append((r_single - partial) * Scalar(weights_u[-1]).inverse())
    bits = [Ciphertext(base_mul(n), base_mul(b) + PUBLIC_KEY * n) for b, n in zip(values, bit_nonces, strict=True)]
    bit_proofs = [
        prove_range(ctx, PUBLIC_KEY, b, min(v, 1), n, 0, 1) for b, v, n in zip(bits, values, bit_nonces, strict=True)
    ]
    forged = SumProof(bits=tuple(bits), bit_proofs=tuple(bit_proofs))
    assert not verify_weighted_sum(ctx, PUBLIC_KEY, [single], [1], forged, 0, 10)
    forged_record = _sum_record([single], [1], 0, 10, forged, f"forged: encrypts {target} > 10; bit 0 encrypts 2")
    forged_record.update(valid=False, error="verify")
    return [*records, *variants, forged_record]


# --- ballot schemes ----------------------------------------------------------------------------------

PROJECTS3 = [("park", 100), ("library", 250), ("bike-lane", 400)]
PROJECTS4 = [*PROJECTS3, ("playground", 150)]

SCHEME_CASES: list[dict[str, Any]] = [
    {
        "scheme": "approval",
        "params": {"min": 1, "max": 2},
        "projects": PROJECTS4,
        "choice": {"approved": ["park", "bike-lane"]},
        "invalid_vector": [1, 1, 1, 0],
        "invalid_choices": [
            ({"approved": ["park", "library", "bike-lane"]}, "too_many"),
            ({"approved": []}, "too_few"),
            ({"approved": ["park", "park"]}, "duplicate_project"),
            ({"approved": ["zoo"]}, "unknown_project"),
            ({"approved": "park"}, "schema"),
        ],
    },
    {
        "scheme": "score",
        "params": {"max_score": 10},
        "projects": PROJECTS3,
        "choice": {"scores": {"park": 7, "library": 2}},
        "invalid_vector": [11, 0, 0],
        "invalid_choices": [
            ({"scores": {"park": 11}}, "score_too_high"),
            ({"scores": {"park": -1}}, "negative_value"),
            ({"scores": {"zoo": 1}}, "unknown_project"),
            ({"scores": {"park": "7"}}, "schema"),
        ],
    },
    {
        "scheme": "ranking",
        "params": {"max_rank": 3, "min_rank": 1},
        "projects": PROJECTS4,
        "choice": {"ranking": ["library", "park"]},
        "invalid_vector": [1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0],
        "invalid_choices": [
            ({"ranking": ["park", "park"]}, "duplicate_rank"),
            ({"ranking": ["park", "library", "bike-lane", "playground"]}, "too_many"),
            ({"ranking": []}, "too_few"),
            ({"ranking": ["zoo"]}, "unknown_project"),
        ],
    },
    {
        "scheme": "cumulative",
        "params": {"points": 5},
        "projects": PROJECTS3,
        "choice": {"points": {"park": 3, "bike-lane": 2}},
        "invalid_vector": [3, 3, 0],
        "invalid_choices": [
            ({"points": {"park": 3, "library": 3}}, "too_many_points"),
            ({"points": {"park": -1}}, "negative_value"),
            ({"points": {"zoo": 1}}, "unknown_project"),
            ({"points": {"park": 1.5}}, "schema"),
        ],
    },
    {
        "scheme": "budget",
        "params": {"budget": 500, "max": 3},
        "projects": PROJECTS4,
        "choice": {"approved": ["park", "bike-lane"]},
        "invalid_vector": [0, 1, 1, 0],
        "invalid_choices": [
            ({"approved": ["library", "bike-lane"]}, "over_budget"),
            ({"approved": ["park", "park"]}, "duplicate_project"),
            ({"approved": ["zoo"]}, "unknown_project"),
        ],
    },
    {
        "scheme": "yes_no_abstain",
        "params": {},
        "projects": PROJECTS3,
        "choice": {"answers": {"park": "yes", "library": "no"}},
        "invalid_vector": [1, 1, 0, 0, 0, 0],
        "invalid_choices": [
            ({"answers": {"park": "maybe"}}, "bad_answer"),
            ({"answers": {"zoo": "yes"}}, "unknown_project"),
            ({"answers": ["park"]}, "schema"),
        ],
    },
]

PARAMETER_ERRORS: list[tuple[str, dict[str, Any], list[tuple[str, Any]], str]] = [
    ("approval", {"maxx": 2}, PROJECTS3, "unknown_parameter"),
    ("approval", {"min": 3, "max": 2}, PROJECTS3, "contradictory_parameters"),
    ("score", {}, PROJECTS3, "missing_parameter"),
    ("score", {"max_score": 0}, PROJECTS3, "bad_parameter"),
    ("ranking", {"min_rank": 4}, PROJECTS3, "contradictory_parameters"),
    ("cumulative", {"points": 5, "exact": "yes"}, PROJECTS3, "bad_parameter"),
    ("budget", {}, PROJECTS3, "missing_parameter"),
    ("budget", {"budget": 500}, [("park", 100), ("library", 0)], "bad_cost"),
    ("budget", {"budget": 500}, [("park", 100), ("library", -5)], "bad_cost"),
    ("yes_no_abstain", {"min": 1}, PROJECTS3, "unknown_parameter"),
    ("plurality", {}, PROJECTS3, "unknown_scheme"),
]


def stage_definition(case: dict[str, Any]) -> dict[str, Any]:
    return {
        "stage_id": "vote",
        "scheme": case["scheme"],
        "params": case["params"],
        "candidates": [{"id": pid, "cost": cost} for pid, cost in case["projects"]],
        "groups": ["public"],
        "revote": "last",
    }


def _forge(
    scheme: BallotScheme, context: ElectionContext, honest: EncryptedChoices, vector: Sequence[int]
) -> EncryptedChoices:
    """Prove every true statement about ``vector``; reuse the honest ballot's proofs for the false ones."""
    key, ctx = context.public_key, context.hash
    nonces = [Scalar.random() for _ in vector]
    cts = [Ciphertext(base_mul(r), base_mul(m) + key * r) for m, r in zip(vector, nonces, strict=True)]
    entry = [
        prove_weighted_sum(ctx, key, [ct], [1], [m], [r], 0, hi) if 0 <= m <= hi else honest.entry_proofs[i]
        for i, (ct, m, r, hi) in enumerate(zip(cts, vector, nonces, scheme.entry_bounds(), strict=True))
    ]
    constraint = []
    for j, c in enumerate(scheme.constraints()):
        total = sum(w * m for w, m in zip(c.weights, vector, strict=True))
        if c.lo <= total <= c.hi:
            constraint.append(prove_weighted_sum(ctx, key, cts, c.weights, vector, nonces, c.lo, c.hi))
        else:
            constraint.append(honest.constraint_proofs[j])
    return EncryptedChoices(tuple(cts), tuple(entry), tuple(constraint))


def scheme_vector(case: dict[str, Any]) -> Json:
    stage = stage_definition(case)
    stage_hash = hash_elements(STAGE_TAG, canonical_json(stage))
    context = ElectionContext("test-election", "vote", MANIFEST_HASH, PUBLIC_KEY, stage_hash)
    projects = [Project(pid, cost) for pid, cost in case["projects"]]
    scheme = make_scheme(case["scheme"], case["params"], projects)
    ballot, opening = scheme.encrypt(context, case["choice"])
    scheme.verify(context, ballot)
    ballot_json = ballot.to_json()
    vector = list(opening.vector)
    bounds = scheme.entry_bounds()

    def expect(note: str, data: Json, error: str, ctx: ElectionContext | None = None) -> Json:
        try:
            parsed = EncryptedChoices.from_json(data)
            scheme.verify(ctx or context, parsed)
        except Exception as exc:  # the generator records what the engine reports
            code = getattr(exc, "code", type(exc).__name__)
            assert code == error, (case["scheme"], note, code, error)
        else:
            raise AssertionError(f"{case['scheme']}: variant {note!r} verified")
        record: Json = {"note": note, "valid": False, "error": error, "ballot": data}
        if ctx is not None:
            record["context"] = context_json(ctx)
        return record

    variants = []
    # 1. entry 0 replaced by an encryption of bound + 1, proofs kept
    data = json.loads(json.dumps(ballot_json))
    data["ciphertexts"][0] = ct_json(encrypt(PUBLIC_KEY, bounds[0] + 1, Scalar.random()))
    variants.append(
        expect(f"ciphertext 0 replaced by an encryption of {bounds[0] + 1} (proofs kept)", data, "entry_proof")
    )
    # 2. all ciphertexts replaced by encryptions of an invalid vector, proofs kept
    invalid_vector = case["invalid_vector"]
    data = json.loads(json.dumps(ballot_json))
    data["ciphertexts"] = [ct_json(encrypt(PUBLIC_KEY, m, Scalar.random())) for m in invalid_vector]
    variants.append(
        expect(f"ciphertexts of the invalid vector {invalid_vector}, honest proofs kept", data, "entry_proof")
    )
    # 3. best-effort forgery of the invalid vector
    forged = _forge(scheme, context, ballot, invalid_vector)
    in_bounds = all(0 <= m <= hi for m, hi in zip(invalid_vector, bounds, strict=True))
    variants.append(
        expect(
            f"invalid vector {invalid_vector}: every true statement proven, the false one's proof reused",
            forged.to_json(),
            "constraint_proof" if in_bounds else "entry_proof",
        )
    )
    # 4. one challenge of entry proof 0 changed
    data = json.loads(json.dumps(ballot_json))
    proof0 = data["entry_proofs"][0]
    if "c" in proof0:
        proof0["c"][0] = _bump_c(proof0["c"][0])
    else:
        proof0["bit_proofs"][0]["c"][0] = _bump_c(proof0["bit_proofs"][0]["c"][0])
    variants.append(expect("entry proof 0: first challenge + 1", data, "entry_proof"))
    # 5. replay into another stage
    other = ElectionContext("test-election", "vote-2", MANIFEST_HASH, PUBLIC_KEY, stage_hash)
    variants.append(expect("the honest ballot checked in another stage (vote-2)", ballot_json, "entry_proof", other))
    # 6. a small-order point
    data = json.loads(json.dumps(ballot_json))
    data["ciphertexts"][0][1] = b64encode((P_FIELD - 1).to_bytes(32, "little"))
    variants.append(expect("ciphertext 0 beta replaced by the point of order 2", data, "bad_point:small_order"))
    # 7. one ciphertext missing
    data = json.loads(json.dumps(ballot_json))
    data["ciphertexts"].pop()
    variants.append(expect("last ciphertext missing", data, "shape"))
    # 8. a constraint proof changed (when the scheme has constraints)
    if ballot_json["constraint_proofs"]:
        data = json.loads(json.dumps(ballot_json))
        proof = data["constraint_proofs"][-1]
        if "v" in proof:
            proof["v"][0] = _bump_v(proof["v"][0])
        else:
            proof["bit_proofs"][-1]["v"][0] = _bump_v(proof["bit_proofs"][-1]["v"][0])
        variants.append(expect("last constraint proof: a response + 1", data, "constraint_proof"))

    nonces = [b64(r) for r in opening.nonces]
    bad_nonce = list(nonces)
    bad_nonce[0] = b64(opening.nonces[0] + 1)
    changed = list(vector)
    changed[0] = vector[0] + 1 if vector[0] < bounds[0] else vector[0] - 1
    opening_variants = [
        {"note": "nonce 0 + 1", "valid": False, "opening": {"vector": vector, "nonces": bad_nonce}},
        {"note": "entry 0 changed", "valid": False, "opening": {"vector": changed, "nonces": nonces}},
    ]
    invalid_choices = []
    for choice, code in case["invalid_choices"]:
        try:
            scheme.validate_choice(choice)
        except InvalidChoice as exc:
            assert exc.code == code, (choice, exc.code)
        else:
            raise AssertionError(f"{choice} accepted")
        invalid_choices.append({"choice": choice, "code": code})
    return {
        "scheme": case["scheme"],
        "params": case["params"],
        "projects": [{"id": pid, "cost": cost} for pid, cost in case["projects"]],
        "stage_definition": stage,
        "context": context_json(context),
        "secret_key": b64(SECRET_KEY),
        "choice": case["choice"],
        "layout": {
            "entry_bounds": bounds,
            "constraints": [
                {"name": c.name, "weights": list(c.weights), "lo": c.lo, "hi": c.hi} for c in scheme.constraints()
            ],
        },
        "opening": {"vector": vector, "nonces": nonces},
        "ballot": ballot_json,
        "results": scheme.decode_tally(vector, 1),
        "ballot_variants": variants,
        "opening_variants": opening_variants,
        "invalid_choices": invalid_choices,
    }


def parameter_errors_section() -> Json:
    out = []
    for name, params, projects, code in PARAMETER_ERRORS:
        try:
            make_scheme(name, params, [Project(pid, cost) for pid, cost in projects])
        except SchemeParameterError as exc:
            assert exc.code == code, (name, params, exc.code)
        else:
            raise AssertionError(f"{name} {params} accepted")
        out.append(
            {"scheme": name, "params": params, "projects": [{"id": p, "cost": c} for p, c in projects], "code": code}
        )
    return out


# --- the document ------------------------------------------------------------------------------------


def generate(seed: str | None = DEFAULT_SEED) -> dict[str, Any]:
    """Build the whole test-vector document (deterministic when ``seed`` is given)."""
    with randomness(seed):
        doc: dict[str, Any] = {
            "version": VERSION,
            "group": GROUP_NAME,
            "description": "Test vectors of the pbvote cryptographic core and ballot schemes (docs/test-vectors.md)",
            "generator": {"script": "scripts/make_test_vectors.py", "seed": seed},
            "constants": constants_section(),
            "base64url": base64url_section(),
            "canonical_json": canonical_json_section(),
            "hashing": hashing_section(),
            "scalars": scalars_section(),
            "points": points_section(),
            "scalar_mult": scalar_mult_section(),
            "point_add": point_add_section(),
            "elgamal": elgamal_section(),
            "dlog": dlog_section(),
            "contexts": contexts_section(),
            "challenges": challenges_section(),
            "proofs": {
                "schnorr": schnorr_section(),
                "chaum_pedersen": chaum_pedersen_section(),
                "range": range_section(),
                "weighted_sum": weighted_sum_section(),
            },
            "schemes": [scheme_vector(case) for case in SCHEME_CASES],
            "scheme_parameter_errors": parameter_errors_section(),
        }
    _self_check(doc)
    return doc


def _self_check(doc: dict[str, Any]) -> None:
    """Cheap sanity checks of what was generated (the full check is tests/core/test_vectors.py)."""
    assert H.to_bytes() == crypto_core_ed25519_from_uniform(hashlib.sha256(frame([H_DOMAIN])).digest())
    for record in doc["scalars"]["invalid"]:
        with contextlib.suppress(ScalarError):
            Scalar.from_bytes(b64decode(record["encoding"]))
            raise AssertionError(record)
    for record in doc["base64url"]["invalid"]:
        with contextlib.suppress(EncodingError):
            b64decode(record["text"])
            raise AssertionError(record)
    assert IDENTITY.to_bytes() == IDENTITY_BYTES


def render(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, help=f"write here instead of standard output (e.g. {DEFAULT_OUT})")
    parser.add_argument("--seed", default=DEFAULT_SEED, help="seed of the reproducible random numbers")
    parser.add_argument("--os-random", action="store_true", help="use the operating system's CSPRNG instead")
    args = parser.parse_args(argv)
    text = render(generate(None if args.os_random else args.seed))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
