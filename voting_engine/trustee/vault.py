"""Passphrase-encrypted local storage of a trustee's secret share or in-progress ceremony state.

A trustee's share decrypts the tally together with the others', so it never touches a disk in the
clear.  The key is derived from the passphrase with Argon2id (libsodium ``crypto_pwhash``) and a random
16-byte salt; the payload is sealed with XSalsa20-Poly1305 (``nacl.secret.SecretBox``).  The vault file
is JSON::

    {"format": "pbvote/trustee-vault/v1", "kdf": "argon2id", "opslimit": 3, "memlimit": 268435456,
     "salt": "<b64>", "nonce": "<b64>", "ciphertext": "<b64>",
     "metadata": {"election_id": "...", "trustee": 2}}

The metadata stays readable (so a tool can say which election and trustee a file belongs to before
asking for the passphrase) but is authenticated: the sealed plaintext starts with the 32-byte
``hash_elements("pbvote/trustee-vault-header/v1", canonical_json(header))`` of every field except
nonce and ciphertext, and opening fails with ``tampered`` if it does not match.  A changed salt or
KDF limit yields a different key and thus ``wrong_passphrase``.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import os
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nacl.exceptions
import nacl.pwhash.argon2id as argon2id
import nacl.secret
import nacl.utils

from voting_engine.core.encoding import EncodingError, b64decode, b64encode, canonical_json
from voting_engine.core.hashing import hash_elements

VAULT_FORMAT = "pbvote/trustee-vault/v1"
HEADER_TAG = "pbvote/trustee-vault-header/v1"
KDF = "argon2id"
SALT_BYTES = argon2id.SALTBYTES
MIN_PASSPHRASE = 8
MAX_OPSLIMIT = 64
MAX_MEMLIMIT = 4 * 1024**3
"""Upper bounds accepted when opening, so a crafted file cannot make the KDF run for hours."""


@dataclass(frozen=True, slots=True)
class KdfLimits:
    """Argon2id cost: passes over memory and bytes of memory."""

    opslimit: int
    memlimit: int


MODERATE = KdfLimits(argon2id.OPSLIMIT_MODERATE, argon2id.MEMLIMIT_MODERATE)
"""Default: 3 passes over 256 MiB (about a second on a laptop)."""
INTERACTIVE = KdfLimits(argon2id.OPSLIMIT_INTERACTIVE, argon2id.MEMLIMIT_INTERACTIVE)
FAST_FOR_TESTS = KdfLimits(argon2id.OPSLIMIT_MIN, argon2id.MEMLIMIT_MIN)
"""Insecure: 1 pass over 8 KiB. Only for tests."""


class VaultError(ValueError):
    """A vault could not be sealed or opened; ``code`` is stable for CLIs and translations."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class VaultMetadata:
    """Which election and trustee a vault belongs to (readable without the passphrase)."""

    election_id: str
    trustee: int

    def to_json(self) -> dict[str, Any]:
        return {"election_id": self.election_id, "trustee": self.trustee}


@dataclass(frozen=True, slots=True)
class OpenedVault:
    """A decrypted vault: its authenticated metadata and the secret plaintext."""

    metadata: VaultMetadata
    plaintext: bytes = field(repr=False)


def _check_metadata(election_id: object, trustee: object) -> VaultMetadata:
    if not isinstance(election_id, str) or not election_id:
        raise VaultError("bad_format", "the election id must be non-empty text")
    if not isinstance(trustee, int) or isinstance(trustee, bool) or trustee < 1:
        raise VaultError("bad_format", "the trustee index must be a positive integer")
    return VaultMetadata(election_id, trustee)


def _check_limits(opslimit: object, memlimit: object) -> KdfLimits:
    for value in (opslimit, memlimit):
        if not isinstance(value, int) or isinstance(value, bool):
            raise VaultError("bad_format", "KDF limits must be integers")
    assert isinstance(opslimit, int) and isinstance(memlimit, int)
    if not argon2id.OPSLIMIT_MIN <= opslimit <= MAX_OPSLIMIT:
        raise VaultError("bad_kdf_limits", f"opslimit must be {argon2id.OPSLIMIT_MIN}..{MAX_OPSLIMIT}")
    if not argon2id.MEMLIMIT_MIN <= memlimit <= MAX_MEMLIMIT:
        raise VaultError("bad_kdf_limits", f"memlimit must be {argon2id.MEMLIMIT_MIN}..{MAX_MEMLIMIT} bytes")
    return KdfLimits(opslimit, memlimit)


def _key(passphrase: str, salt: bytes, limits: KdfLimits) -> bytes:
    if not isinstance(passphrase, str):
        raise VaultError("bad_passphrase", "the passphrase must be text")
    secret = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    key: bytes = argon2id.kdf(nacl.secret.SecretBox.KEY_SIZE, secret, salt, limits.opslimit, limits.memlimit)
    return key


def _header(salt: bytes, limits: KdfLimits, metadata: VaultMetadata) -> dict[str, Any]:
    return {
        "format": VAULT_FORMAT,
        "kdf": KDF,
        "opslimit": limits.opslimit,
        "memlimit": limits.memlimit,
        "salt": b64encode(salt),
        "metadata": metadata.to_json(),
    }


def _header_digest(header: dict[str, Any]) -> bytes:
    return hash_elements(HEADER_TAG, canonical_json(header))


def seal_vault(
    plaintext: bytes, passphrase: str, *, election_id: str, trustee: int, limits: KdfLimits = MODERATE
) -> bytes:
    """Vault file bytes (JSON) holding ``plaintext`` for this election and trustee."""
    if not isinstance(plaintext, bytes):
        raise TypeError("the vault plaintext must be bytes")
    if not isinstance(passphrase, str) or len(passphrase) < MIN_PASSPHRASE:
        raise VaultError("weak_passphrase", f"the passphrase needs at least {MIN_PASSPHRASE} characters")
    metadata = _check_metadata(election_id, trustee)
    limits = _check_limits(limits.opslimit, limits.memlimit)
    salt = nacl.utils.random(SALT_BYTES)
    header = _header(salt, limits, metadata)
    box = nacl.secret.SecretBox(_key(passphrase, salt, limits))
    sealed = box.encrypt(_header_digest(header) + plaintext)
    document = header | {"nonce": b64encode(sealed.nonce), "ciphertext": b64encode(sealed.ciphertext)}
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8") + b"\n"


def _load(data: bytes) -> dict[str, Any]:
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise VaultError("bad_format", f"not a JSON vault file: {exc}") from exc
    if not isinstance(value, dict) or value.get("format") != VAULT_FORMAT:
        raise VaultError("bad_format", f"not a {VAULT_FORMAT!r} document")
    if value.get("kdf") != KDF:
        raise VaultError("unsupported_kdf", f"unsupported key derivation {value.get('kdf')!r}")
    expected = {"format", "kdf", "opslimit", "memlimit", "salt", "nonce", "ciphertext", "metadata"}
    if set(value) != expected:
        raise VaultError("bad_format", f"expected exactly the fields {sorted(expected)}")
    return value


def vault_metadata(data: bytes) -> VaultMetadata:
    """The (unauthenticated until opened) election id and trustee index of a vault file."""
    metadata = _load(data)["metadata"]
    if not isinstance(metadata, dict) or set(metadata) != {"election_id", "trustee"}:
        raise VaultError("bad_format", "metadata must hold exactly election_id and trustee")
    return _check_metadata(metadata["election_id"], metadata["trustee"])


def unseal_vault(data: bytes, passphrase: str) -> OpenedVault:
    """Decrypt a vault and check its metadata is the one it was sealed with."""
    value = _load(data)
    metadata = vault_metadata(data)
    limits = _check_limits(value["opslimit"], value["memlimit"])
    try:
        salt = b64decode(value["salt"], SALT_BYTES)
        nonce = b64decode(value["nonce"], nacl.secret.SecretBox.NONCE_SIZE)
        ciphertext = b64decode(value["ciphertext"])
    except EncodingError as exc:
        raise VaultError("bad_format", f"bad binary field: {exc}") from exc
    box = nacl.secret.SecretBox(_key(passphrase, salt, limits))
    try:
        opened = box.decrypt(ciphertext, nonce)
    except nacl.exceptions.CryptoError as exc:
        raise VaultError("wrong_passphrase", "wrong passphrase, or the file was corrupted") from exc
    header = _header(salt, limits, metadata)
    if len(opened) < 32 or not hmac.compare_digest(opened[:32], _header_digest(header)):
        raise VaultError("tampered", "the vault's metadata was changed after it was sealed")
    return OpenedVault(metadata, opened[32:])


def open_vault(data: bytes, passphrase: str, *, election_id: str | None = None, trustee: int | None = None) -> bytes:
    """The sealed plaintext; ``election_id``/``trustee``, if given, must match the vault's metadata."""
    opened = unseal_vault(data, passphrase)
    if election_id is not None and opened.metadata.election_id != election_id:
        raise VaultError("wrong_election", f"this vault is for election {opened.metadata.election_id!r}")
    if trustee is not None and opened.metadata.trustee != trustee:
        raise VaultError("wrong_trustee", f"this vault is for trustee {opened.metadata.trustee}")
    return opened.plaintext


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):  # not possible on every platform / file system
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_vault(
    path: str | Path,
    plaintext: bytes,
    passphrase: str,
    *,
    election_id: str,
    trustee: int,
    limits: KdfLimits = MODERATE,
    overwrite: bool = False,
) -> Path:
    """Seal and write atomically (temp file + rename) with mode 0600; refuses to clobber by default."""
    target = Path(path)
    data = seal_vault(plaintext, passphrase, election_id=election_id, trustee=trustee, limits=limits)
    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    temp = Path(temp_name)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if overwrite:
            os.replace(temp, target)
        else:
            try:
                os.link(temp, target)  # atomic "create if absent"
            except FileExistsError as exc:
                raise VaultError("exists", f"{target} exists; pass overwrite=True to replace it") from exc
            except OSError:  # no hard links (e.g. FAT): best effort
                if target.exists():
                    raise VaultError("exists", f"{target} exists; pass overwrite=True to replace it") from None
                os.replace(temp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
    _fsync_dir(target.parent)
    return target


def read_vault(
    path: str | Path, passphrase: str, *, election_id: str | None = None, trustee: int | None = None
) -> bytes:
    """``open_vault`` of a file."""
    return open_vault(Path(path).read_bytes(), passphrase, election_id=election_id, trustee=trustee)
