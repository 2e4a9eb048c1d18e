"""Voter credentials: typable secret codes that deterministically derive an Ed25519 key.

A code is 26 random Crockford base32 symbols (130 bits) plus Crockford's mod-37 check symbol.
Because 37 is prime and larger than the radix 32, the check catches every single-symbol
substitution and every adjacent transposition (including one with the check symbol itself), so a
typo is reported on the voter's device before any key is derived or anything is sent.  The
server only ever sees the public credential (the Ed25519 verify key) and signatures.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import nacl.utils
from nacl.bindings import crypto_core_ed25519_is_valid_point
from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from voting_engine.core.hashing import hash_elements

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
"""Crockford base32 symbols, value = position (no I, L, O, U)."""
CHECK_ALPHABET = ALPHABET + "*~$=U"
"""Crockford check symbols for values 0..36."""
BODY_LENGTH = 26
CODE_LENGTH = BODY_LENGTH + 1
RANDOM_BYTES = 17
"""Bytes drawn per code; the first 130 of their 136 bits become the body."""
ENTROPY_BITS = BODY_LENGTH * int(math.log2(len(ALPHABET)))
GROUPS = (5, 5, 5, 5, 5, 2)
"""Display grouping of the 27 symbols: five groups of five, then the last body symbol + check."""
SIGNIN_NONCE_MIN = 16

SEED_TAG = "pbvote/credential-seed/v1"
BALLOT_SIGNATURE_TAG = "pbvote/ballot-signature/v1"
SIGNIN_TAG = "pbvote/signin/v1"

_SEPARATORS = frozenset("- \t\r\n\u00a0\u2010\u2011\u2012\u2013\u2014\u2212")
_ALIASES = {"I": "1", "L": "1", "O": "0"}
_VALUE = {symbol: value for value, symbol in enumerate(CHECK_ALPHABET)}


class CredentialCodeError(ValueError):
    """A typed credential code is malformed; ``code`` is stable for UIs and translations."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def check_symbol(body: str) -> str:
    """Crockford check symbol: the body read as a base-32 number, modulo 37."""
    remainder = 0
    for symbol in body:
        remainder = (remainder * 32 + ALPHABET.index(symbol)) % 37
    return CHECK_ALPHABET[remainder]


def normalize_code(text: str) -> str:
    """Upper-case, drop separators and map I/L to 1 and O to 0 (no validation)."""
    out: list[str] = []
    for char in text:
        if char in _SEPARATORS:
            continue
        upper = char.upper() if char.isascii() else char
        out.append(_ALIASES.get(upper, upper))
    return "".join(out)


def parse_checked(text: str, body_length: int, what: str = "credential code") -> str:
    """Normalise and validate a Crockford code of ``body_length`` symbols plus one check symbol.

    Shared by credential codes and invitation codes; raises ``CredentialCodeError``.
    """
    if not isinstance(text, str):
        raise CredentialCodeError("bad_type", f"the {what} must be text")
    code = normalize_code(text)
    for position, symbol in enumerate(code):
        if symbol not in _VALUE:
            raise CredentialCodeError("bad_character", f"character {position + 1} ({symbol!r}) is not allowed")
    if len(code) != body_length + 1:
        raise CredentialCodeError("bad_length", f"expected {body_length + 1} characters, got {len(code)}")
    for position, symbol in enumerate(code[:body_length]):
        if _VALUE[symbol] >= len(ALPHABET):
            raise CredentialCodeError(
                "bad_character", f"character {position + 1} ({symbol!r}) may only be the last character"
            )
    if check_symbol(code[:body_length]) != code[body_length]:
        raise CredentialCodeError("bad_check", "the code contains a typo (check character mismatch)")
    return code


def group_symbols(code: str, groups: tuple[int, ...]) -> str:
    """``code`` split into hyphen-joined groups of the given sizes."""
    parts: list[str] = []
    start = 0
    for size in groups:
        parts.append(code[start : start + size])
        start += size
    return "-".join(parts)


def checked_body(value: int, body_length: int) -> str:
    """The ``body_length`` base-32 symbols of ``value`` (most significant first) plus the check symbol."""
    body = "".join(ALPHABET[(value >> (5 * (body_length - 1 - i))) & 31] for i in range(body_length))
    return body + check_symbol(body)


def parse_code(text: str) -> str:
    """Validate typed text; return the canonical 27-symbol code (body + check, no separators)."""
    return parse_checked(text, BODY_LENGTH)


def format_code(code: str) -> str:
    """Grouped display form ``XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XC`` of a valid code."""
    return group_symbols(parse_code(code), GROUPS)


def code_from_random(random: bytes) -> str:
    """Formatted code whose body is the first 130 bits of ``random`` (17 bytes), MSB first."""
    if len(random) != RANDOM_BYTES:
        raise ValueError(f"expected {RANDOM_BYTES} random bytes, got {len(random)}")
    value = int.from_bytes(random, "big") >> (8 * RANDOM_BYTES - ENTROPY_BITS)
    return format_code(checked_body(value, BODY_LENGTH))


def generate_code(random_bytes: Callable[[int], bytes] | None = None) -> str:
    """A fresh formatted credential code (130 bits from libsodium's CSPRNG by default)."""
    source = nacl.utils.random if random_bytes is None else random_bytes
    return code_from_random(source(RANDOM_BYTES))


def credential_seed(code: str) -> bytes:
    """32-byte Ed25519 seed bound to the normalised 26-symbol body."""
    return hash_elements(SEED_TAG, parse_code(code)[:BODY_LENGTH])


def derive_signing_key(code: str) -> SigningKey:
    """The voter's Ed25519 signing key; the same code always gives the same key."""
    return SigningKey(credential_seed(code))


def public_credential(code: str) -> bytes:
    """The 32-byte Ed25519 verify key registered for the voter."""
    return bytes(derive_signing_key(code).verify_key)


def is_valid_public_credential(public: bytes) -> bool:
    """Canonical, on-curve, prime-order-subgroup, not small order (libsodium's check)."""
    if not isinstance(public, bytes) or len(public) != 32:
        return False
    return bool(crypto_core_ed25519_is_valid_point(public))


def _verify(public: bytes, message: bytes, signature: bytes) -> bool:
    if not is_valid_public_credential(public) or not isinstance(signature, bytes) or len(signature) != 64:
        return False
    try:
        VerifyKey(public).verify(message, signature)
    except BadSignatureError:
        return False
    return True


def ballot_signature_message(election_id: str, stage_id: str, tracking_hash: bytes) -> bytes:
    """What a voter signs: the ballot's tracking hash bound to its election and stage."""
    if len(tracking_hash) != 32:
        raise ValueError("tracking hashes are 32 bytes")
    return hash_elements(BALLOT_SIGNATURE_TAG, election_id, stage_id, tracking_hash)


def sign_ballot(signing_key: SigningKey, election_id: str, stage_id: str, tracking_hash: bytes) -> bytes:
    """64-byte Ed25519 signature over ``ballot_signature_message``."""
    message = ballot_signature_message(election_id, stage_id, tracking_hash)
    signature: bytes = signing_key.sign(message).signature
    return signature


def verify_ballot_signature(
    public_credential: bytes, election_id: str, stage_id: str, tracking_hash: bytes, signature: bytes
) -> bool:
    """True only for a valid public credential and a valid signature over this ballot."""
    if not isinstance(tracking_hash, bytes) or len(tracking_hash) != 32:
        return False
    return _verify(public_credential, ballot_signature_message(election_id, stage_id, tracking_hash), signature)


def signin_message(server_nonce: bytes, election_id: str) -> bytes:
    """Challenge digest for proving possession of a credential when signing in."""
    if len(server_nonce) < SIGNIN_NONCE_MIN:
        raise ValueError(f"server nonces must be at least {SIGNIN_NONCE_MIN} bytes")
    return hash_elements(SIGNIN_TAG, election_id, server_nonce)


def sign_challenge(signing_key: SigningKey, server_nonce: bytes, election_id: str) -> bytes:
    """64-byte Ed25519 signature over ``signin_message``."""
    signature: bytes = signing_key.sign(signin_message(server_nonce, election_id)).signature
    return signature


def verify_challenge(public_credential: bytes, server_nonce: bytes, election_id: str, signature: bytes) -> bool:
    """True when ``signature`` answers this server nonce for this election."""
    if not isinstance(server_nonce, bytes) or len(server_nonce) < SIGNIN_NONCE_MIN:
        return False
    return _verify(public_credential, signin_message(server_nonce, election_id), signature)
