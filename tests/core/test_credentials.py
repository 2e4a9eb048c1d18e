"""Tests for credential codes, key derivation, ballot signatures and sign-in challenges."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nacl.bindings import crypto_core_ed25519_add, crypto_scalarmult_ed25519_base_noclamp
from nacl.signing import SigningKey

from voting_engine.core.credentials import (
    ALPHABET,
    BODY_LENGTH,
    CHECK_ALPHABET,
    ENTROPY_BITS,
    RANDOM_BYTES,
    CredentialCodeError,
    ballot_signature_message,
    check_symbol,
    code_from_random,
    credential_seed,
    derive_signing_key,
    format_code,
    generate_code,
    is_valid_public_credential,
    parse_code,
    public_credential,
    sign_ballot,
    sign_challenge,
    signin_message,
    verify_ballot_signature,
    verify_challenge,
)
from voting_engine.core.encoding import b64encode
from voting_engine.core.hashing import hash_elements

FAST = settings(max_examples=30, deadline=None)
FORMAT = re.compile(r"^([0-9A-HJKMNP-TV-Z]{5}-){5}[0-9A-HJKMNP-TV-Z][0-9A-HJKMNP-TV-Z*~$=U]$")
bodies = st.text(alphabet=ALPHABET, min_size=BODY_LENGTH, max_size=BODY_LENGTH)

VECTOR_CODE = "000G4-0R40M-30E20-9185G-R38E1-WR"
ELECTION, STAGE = "pb-2025", "main"
TRACKING = bytes.fromhex("033e647c36e471969d1cd3921cbfa1c60b000e2d0cf6a1ce9249092b989b0f19")


def test_generated_codes_parse_and_format() -> None:
    for _ in range(50):
        code = generate_code()
        assert FORMAT.match(code), code
        assert parse_code(code) == code.replace("-", "")
        assert format_code(code) == code


def test_entropy_by_construction() -> None:
    assert len(ALPHABET) == len(set(ALPHABET)) == 32
    assert ENTROPY_BITS == BODY_LENGTH * math.log2(len(ALPHABET)) == 130 >= 128
    assert RANDOM_BYTES * 8 >= ENTROPY_BITS
    requested: list[int] = []

    def source(n: int) -> bytes:
        requested.append(n)
        return bytes(n)

    generate_code(source)
    assert requested == [RANDOM_BYTES]
    base = int.from_bytes(bytes(range(RANDOM_BYTES)), "big")
    reference = parse_code(code_from_random(bytes(range(RANDOM_BYTES))))[:BODY_LENGTH]
    width = 8 * RANDOM_BYTES
    for bit in range(width):
        flipped = (base ^ (1 << (width - 1 - bit))).to_bytes(RANDOM_BYTES, "big")
        changed = parse_code(code_from_random(flipped))[:BODY_LENGTH] != reference
        assert changed == (bit < ENTROPY_BITS), bit
    with pytest.raises(ValueError):
        code_from_random(bytes(16))


def test_code_vectors() -> None:
    assert code_from_random(bytes(range(17))) == VECTOR_CODE
    assert code_from_random(bytes(17)) == "00000-00000-00000-00000-00000-00"
    assert code_from_random(b"\xff" * 17) == "ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZM"
    assert check_symbol("0" * 25 + "1") == "1"
    assert check_symbol("0" * 24 + "11") == "~"  # value 33


@FAST
@given(bodies)
def test_check_symbol_is_body_value_mod_37(body: str) -> None:
    value = 0
    for symbol in body:
        value = value * 32 + ALPHABET.index(symbol)
    assert check_symbol(body) == CHECK_ALPHABET[value % 37]


@FAST
@given(bodies)
def test_every_substitution_and_adjacent_transposition_is_caught(body: str) -> None:
    code = body + check_symbol(body)
    assert parse_code(code) == code
    for position, original in enumerate(code):
        for symbol in CHECK_ALPHABET:
            if symbol != original:
                typo = code[:position] + symbol + code[position + 1 :]
                with pytest.raises(CredentialCodeError) as err:
                    parse_code(typo)
                assert err.value.code in {"bad_check", "bad_character"}
    for position in range(len(code) - 1):
        a, b = code[position], code[position + 1]
        if a != b:
            typo = code[:position] + b + a + code[position + 2 :]
            with pytest.raises(CredentialCodeError) as err:
                parse_code(typo)
            assert err.value.code in {"bad_check", "bad_character"}


def test_normalisation() -> None:
    canonical = VECTOR_CODE.replace("-", "")
    variants = [
        VECTOR_CODE.lower(),
        canonical,
        " ".join(VECTOR_CODE.split("-")),
        "  " + VECTOR_CODE.replace("0", "o").replace("1", "l") + "\n",
        VECTOR_CODE.replace("1", "I").replace("-", "\u2013"),
    ]
    for text in variants:
        assert parse_code(text) == canonical, text
    body = "0" * 24 + "1" + "4"
    u_code = body + check_symbol(body)
    assert u_code[-1] == "U"
    assert parse_code(u_code.lower()) == u_code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "bad_length"),
        (VECTOR_CODE[:-1], "bad_length"),
        (VECTOR_CODE + "0", "bad_length"),
        (VECTOR_CODE.replace("G", "!", 1), "bad_character"),
        (VECTOR_CODE.replace("G", "\u0131", 1), "bad_character"),
        ("U" + VECTOR_CODE[1:], "bad_character"),
        ("*" + VECTOR_CODE[1:], "bad_character"),
        (VECTOR_CODE[:-1] + "S", "bad_check"),
    ],
)
def test_parse_errors(text: str, code: str) -> None:
    with pytest.raises(CredentialCodeError) as err:
        parse_code(text)
    assert err.value.code == code
    assert isinstance(err.value, ValueError)
    assert err.value.message


def test_derivation_deterministic_and_documented() -> None:
    canonical = parse_code(VECTOR_CODE)
    seed = hash_elements("pbvote/credential-seed/v1", canonical[:BODY_LENGTH])
    assert credential_seed(VECTOR_CODE) == seed
    assert seed.hex() == "97adccc3c2de3a3269adcd9d775cf4a3aa6f113e5515766deaa707f3eb7704b4"
    assert derive_signing_key(VECTOR_CODE.lower()) == derive_signing_key(canonical) == SigningKey(seed)
    public = public_credential(VECTOR_CODE)
    assert public.hex() == "efad2156392667fa863b77aeed5e86bc4469cc67bbc01caaba6956b3d7bfa39c"
    assert b64encode(public) == "760hVjkmZ_qGO3eu7V6GvERpzGe7wByqumlWs9e_o5w"
    assert public_credential(generate_code()) != public
    with pytest.raises(CredentialCodeError):
        derive_signing_key(VECTOR_CODE[:-1] + "S")


def test_ballot_signature_vector_and_failures() -> None:
    key = derive_signing_key(VECTOR_CODE)
    public = public_credential(VECTOR_CODE)
    message = ballot_signature_message(ELECTION, STAGE, TRACKING)
    assert message == hash_elements("pbvote/ballot-signature/v1", ELECTION, STAGE, TRACKING)
    assert message.hex() == "453f61fbb39770b1b4c1552189809874a2a39a411d23543cdabdbe99635ef6f6"
    signature = sign_ballot(key, ELECTION, STAGE, TRACKING)
    assert signature.hex() == (
        "2f8d409c9e70b09f319dc1e028c5d5da4614c7a5b2c5caa6a2640e88175a1161"
        "f01a97c34c33f991e4ff6c45116d1ce4704313514619bf3c063c166b97503d0a"
    )
    assert verify_ballot_signature(public, ELECTION, STAGE, TRACKING, signature)
    assert not verify_ballot_signature(public, "pb-2026", STAGE, TRACKING, signature)
    assert not verify_ballot_signature(public, ELECTION, "runoff", TRACKING, signature)
    assert not verify_ballot_signature(public, ELECTION, STAGE, bytes(32), signature)
    assert not verify_ballot_signature(public_credential(generate_code()), ELECTION, STAGE, TRACKING, signature)
    tampered = bytes([signature[0] ^ 1]) + signature[1:]
    assert not verify_ballot_signature(public, ELECTION, STAGE, TRACKING, tampered)
    assert not verify_ballot_signature(public, ELECTION, STAGE, TRACKING, signature[:63])
    assert not verify_ballot_signature(public, ELECTION, STAGE, TRACKING[:31], signature)
    assert not verify_ballot_signature(public[:31], ELECTION, STAGE, TRACKING, signature)
    with pytest.raises(ValueError):
        sign_ballot(key, ELECTION, STAGE, TRACKING[:31])


SMALL_ORDER_POINTS = [
    bytes(32),  # y = 0, order 4
    b"\x01" + bytes(31),  # identity
    bytes.fromhex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),  # y = -1, order 2
    bytes.fromhex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"),  # order 8
    bytes.fromhex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"),  # order 8
]
NON_CANONICAL = [
    bytes.fromhex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),  # y = p
    bytes.fromhex("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),  # y = p + 1
    b"\x01" + bytes(30) + b"\x80",  # identity with the sign bit set (x = 0 must be positive)
]


def test_invalid_public_credentials_refused() -> None:
    scalar = (12345).to_bytes(32, "little")
    forged = crypto_scalarmult_ed25519_base_noclamp(scalar) + scalar
    message_args = (ELECTION, STAGE, TRACKING)
    for point in [*SMALL_ORDER_POINTS, *NON_CANONICAL, bytes([0xFF]) * 32]:
        assert not is_valid_public_credential(point), point.hex()
        assert not verify_ballot_signature(point, *message_args, forged)
        assert not verify_challenge(point, bytes(32), ELECTION, forged)
    mixed = crypto_core_ed25519_add(public_credential(VECTOR_CODE), SMALL_ORDER_POINTS[3])
    assert not is_valid_public_credential(mixed)
    assert is_valid_public_credential(public_credential(VECTOR_CODE))


def test_signin_challenge() -> None:
    nonce = bytes(range(32))
    key = derive_signing_key(VECTOR_CODE)
    public = public_credential(VECTOR_CODE)
    message = signin_message(nonce, ELECTION)
    assert message == hash_elements("pbvote/signin/v1", ELECTION, nonce)
    assert message.hex() == "df59ccd1bf7d7a17dc6405858946d25b34ffc8e8d41547b117e3afe89b861c68"
    signature = sign_challenge(key, nonce, ELECTION)
    assert signature.hex() == (
        "fad50fd8220a3c8ac54998f569bfb95e741950fd7344a5675e3980722a555732"
        "b10ac173e20f2e1784d3e5e08ac35985d9fe320341625ba24329a9835a54e500"
    )
    assert verify_challenge(public, nonce, ELECTION, signature)
    assert not verify_challenge(public, bytes(32), ELECTION, signature)
    assert not verify_challenge(public, nonce, "pb-2026", signature)
    assert not verify_challenge(public_credential(generate_code()), nonce, ELECTION, signature)
    ballot_sig = sign_ballot(key, ELECTION, STAGE, TRACKING)
    assert not verify_challenge(public, nonce, ELECTION, ballot_sig)
    assert not verify_challenge(public, nonce[:15], ELECTION, signature)
    with pytest.raises(ValueError):
        signin_message(nonce[:15], ELECTION)
