"""Canonical byte encodings shared by hashing, signatures and the election record.

Canonical JSON is the record's wire form: keys sorted, no insignificant whitespace, UTF-8,
integers only (floats are refused because their text form is not unique).  Binary values
(points, scalars, hashes, signatures) are written as unpadded base64url, which keeps a
20-project ballot well under 6 KB.
"""

from __future__ import annotations

import base64
import json
from typing import Any


class EncodingError(ValueError):
    """A value could not be decoded from its canonical form."""


def b64encode(data: bytes) -> str:
    """Unpadded base64url text of ``data``."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64decode(text: str, length: int | None = None) -> bytes:
    """Decode unpadded base64url, refusing padding, other alphabets and non-canonical text."""
    if not isinstance(text, str):
        raise EncodingError(f"expected a base64url string, got {type(text).__name__}")
    if "=" in text or "+" in text or "/" in text:
        raise EncodingError("base64url text must be unpadded and use the URL-safe alphabet")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError) as exc:
        raise EncodingError(f"invalid base64url text: {exc}") from exc
    if b64encode(data) != text:
        raise EncodingError("non-canonical base64url text")
    if length is not None and len(data) != length:
        raise EncodingError(f"expected {length} bytes, got {len(data)}")
    return data


def _reject_floats(value: Any) -> None:
    if isinstance(value, float):
        raise EncodingError("floats are not allowed in canonical JSON; use integers or strings")
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise EncodingError("canonical JSON object keys must be strings")
            _reject_floats(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _reject_floats(item)


def canonical_json(value: Any) -> bytes:
    """The unique UTF-8 byte form of a JSON value (sorted keys, compact separators)."""
    _reject_floats(value)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
