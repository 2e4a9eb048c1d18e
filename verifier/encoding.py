"""Byte-level encodings of protocol §1–3: strict base64url, canonical JSON, hash_elements, challenges.

Everything the verifier hashes or decodes goes through here so that one strict reading of the
encodings applies to every file; a lenient decoder would let two different texts stand for one value.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

from nacl.bindings import crypto_hash_sha256

__all__ = [
    "CHALLENGE_BYTES",
    "EncodingError",
    "b64decode",
    "b64encode",
    "canonical_json",
    "challenge",
    "hash_elements",
    "sha256",
]

CHALLENGE_BYTES = 16
_B64_RE = re.compile(r"^[A-Za-z0-9_-]*$")

Element = bytes | str | int


class EncodingError(ValueError):
    """A value in the record is not in its canonical encoding; the message names the defect."""


def b64encode(data: bytes) -> str:
    """Unpadded base64url text of ``data``."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_VALUE = {ch: i for i, ch in enumerate(_ALPHABET)}
_UNUSED_BITS = {0: 0, 2: 4, 3: 2}  # text length mod 4 → bits of the last symbol that must be zero


def b64decode(text: object, length: int | None = None) -> bytes:
    """Decode unpadded base64url, refusing padding, other alphabets and non-canonical trailing bits."""
    if not isinstance(text, str):
        raise EncodingError("not_text")
    if not _B64_RE.match(text) or len(text) % 4 == 1:
        raise EncodingError("bad_base64")
    unused = _UNUSED_BITS[len(text) % 4]
    if unused and _VALUE[text[-1]] & ((1 << unused) - 1):
        raise EncodingError("non_canonical_base64")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:  # pragma: no cover - guarded by the regex
        raise EncodingError("bad_base64") from exc
    if length is not None and len(data) != length:
        raise EncodingError(f"bad_length ({len(data)} bytes, expected {length})")
    return data


def _check_no_floats(value: Any) -> None:
    if isinstance(value, float):
        raise EncodingError("float_in_canonical_json")
    if isinstance(value, dict):
        for item in value.values():
            _check_no_floats(item)
    elif isinstance(value, list):
        for item in value:
            _check_no_floats(item)


def canonical_json(value: Any) -> str:
    """Canonical JSON text (protocol §1): sorted keys, no spaces, no floats, non-ASCII as itself."""
    _check_no_floats(value)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _element_bytes(element: Element) -> bytes:
    if isinstance(element, bool):
        raise EncodingError("boolean_element")
    if isinstance(element, bytes):
        return element
    if isinstance(element, str):
        return element.encode("utf-8")
    if isinstance(element, int):
        return str(element).encode("ascii")
    raise EncodingError(f"unsupported element type {type(element).__name__}")


def hash_elements(tag: str, *elements: Element) -> bytes:
    """SHA-256 over length-framed elements (protocol §2): ``frame(tag) ‖ frame(e_1) ‖ …``."""
    parts: list[bytes] = []
    for element in (tag, *elements):
        data = _element_bytes(element)
        parts.append(len(data).to_bytes(4, "big"))
        parts.append(data)
    return bytes(crypto_hash_sha256(b"".join(parts)))


def challenge(tag: str, *elements: Element) -> int:
    """Strong Fiat–Shamir challenge (protocol §3): the first 16 bytes of the hash, little-endian."""
    return int.from_bytes(hash_elements(tag, *elements)[:CHALLENGE_BYTES], "little")


def sha256(data: bytes) -> bytes:
    """Plain SHA-256 (libsodium), for Merkle hashes and whole-file digests."""
    return bytes(crypto_hash_sha256(data))
