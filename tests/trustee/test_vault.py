"""Tests for the trustee's passphrase-encrypted vault (fast KDF setting unless stated)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voting_engine.core.encoding import b64decode, b64encode
from voting_engine.core.key_ceremony import SecretShare, Trustee
from voting_engine.trustee.vault import (
    FAST_FOR_TESTS,
    INTERACTIVE,
    VAULT_FORMAT,
    KdfLimits,
    VaultError,
    VaultMetadata,
    open_vault,
    read_vault,
    seal_vault,
    unseal_vault,
    vault_metadata,
    write_vault,
)

PASS = "correct horse battery staple"
META: dict[str, Any] = {"election_id": "pb-2025", "trustee": 2}


def _seal(plaintext: bytes = b"secret share", **kw: Any) -> bytes:
    return seal_vault(plaintext, PASS, limits=FAST_FOR_TESTS, **(META | kw))


def _edit(data: bytes, **changes: Any) -> bytes:
    value = json.loads(data)
    value.update(changes)
    return json.dumps(value).encode()


def _code(data: bytes, passphrase: str = PASS) -> str:
    with pytest.raises(VaultError) as info:
        open_vault(data, passphrase)
    return info.value.code


def test_round_trip_and_format() -> None:
    data = _seal()
    value = json.loads(data)
    assert set(value) == {"format", "kdf", "opslimit", "memlimit", "salt", "nonce", "ciphertext", "metadata"}
    assert value["format"] == VAULT_FORMAT and value["kdf"] == "argon2id"
    assert (value["opslimit"], value["memlimit"]) == (FAST_FOR_TESTS.opslimit, FAST_FOR_TESTS.memlimit)
    assert len(b64decode(value["salt"])) == 16 and len(b64decode(value["nonce"])) == 24
    assert b"secret share" not in data
    assert open_vault(data, PASS) == b"secret share"
    assert open_vault(data, PASS, election_id="pb-2025", trustee=2) == b"secret share"
    assert vault_metadata(data) == VaultMetadata("pb-2025", 2)
    assert "secret" not in repr(unseal_vault(data, PASS))


def test_salt_and_nonce_are_fresh() -> None:
    a, b = json.loads(_seal()), json.loads(_seal())
    assert a["salt"] != b["salt"] and a["nonce"] != b["nonce"] and a["ciphertext"] != b["ciphertext"]


def test_default_strength_round_trip() -> None:
    data = seal_vault(b"x", PASS, election_id="e", trustee=1, limits=INTERACTIVE)
    assert open_vault(data, PASS) == b"x"


def test_passphrase_is_nfc_normalised() -> None:
    data = seal_vault(b"x", "비밀번호는한글\u1112\u1161", election_id="e", trustee=1, limits=FAST_FOR_TESTS)
    assert open_vault(data, "비밀번호는한글하") == b"x"


def test_wrong_passphrase() -> None:
    assert _code(_seal(), PASS + "!") == "wrong_passphrase"
    assert _code(_seal(), "") == "wrong_passphrase"


def test_weak_passphrase_and_bad_metadata_refused_when_sealing() -> None:
    with pytest.raises(VaultError) as info:
        seal_vault(b"x", "short", election_id="e", trustee=1, limits=FAST_FOR_TESTS)
    assert info.value.code == "weak_passphrase"
    for election_id, trustee in (("", 1), ("e", 0), ("e", True)):
        with pytest.raises(VaultError):
            seal_vault(b"x", PASS, election_id=election_id, trustee=trustee, limits=FAST_FOR_TESTS)
    with pytest.raises(VaultError) as info:
        seal_vault(b"x", PASS, election_id="e", trustee=1, limits=KdfLimits(1, 1024))
    assert info.value.code == "bad_kdf_limits"


def test_wrong_election_or_trustee() -> None:
    data = _seal()
    for kw, code in (({"election_id": "other"}, "wrong_election"), ({"trustee": 3}, "wrong_trustee")):
        with pytest.raises(VaultError) as info:
            open_vault(data, PASS, **kw)
        assert info.value.code == code


def test_tampered_metadata_detected() -> None:
    data = _seal()
    assert _code(_edit(data, metadata={"election_id": "pb-2026", "trustee": 2})) == "tampered"
    assert _code(_edit(data, metadata={"election_id": "pb-2025", "trustee": 1})) == "tampered"


def test_tampered_ciphertext_nonce_salt_or_limits() -> None:
    data = _seal()
    value = json.loads(data)
    ct = bytearray(b64decode(value["ciphertext"]))
    ct[len(ct) // 2] ^= 1
    assert _code(_edit(data, ciphertext=b64encode(bytes(ct)))) == "wrong_passphrase"
    assert _code(_edit(data, ciphertext=b64encode(bytes(ct[:-1])))) == "wrong_passphrase"
    nonce = bytearray(b64decode(value["nonce"]))
    nonce[0] ^= 1
    assert _code(_edit(data, nonce=b64encode(bytes(nonce)))) == "wrong_passphrase"
    assert _code(_edit(data, salt=b64encode(bytes(16)))) == "wrong_passphrase"
    assert _code(_edit(data, opslimit=2)) == "wrong_passphrase"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"format": "pbvote/trustee-vault/v0"}, "bad_format"),
        ({"kdf": "scrypt"}, "unsupported_kdf"),
        ({"extra": 1}, "bad_format"),
        ({"salt": "AAAA"}, "bad_format"),
        ({"nonce": "not base64!"}, "bad_format"),
        ({"opslimit": "3"}, "bad_format"),
        ({"opslimit": 10**6}, "bad_kdf_limits"),
        ({"memlimit": 2**50}, "bad_kdf_limits"),
        ({"metadata": {"election_id": "pb-2025"}}, "bad_format"),
        ({"metadata": {"election_id": 5, "trustee": 2}}, "bad_format"),
    ],
)
def test_bad_format(change: dict[str, Any], code: str) -> None:
    assert _code(_edit(_seal(), **change)) == code


@pytest.mark.parametrize("data", [b"", b"\xff\xfe", b"[]", b"{}", b'"x"', b"not json"])
def test_garbage_is_bad_format(data: bytes) -> None:
    assert _code(data) == "bad_format"


def test_write_and_read_file(tmp_path: Path) -> None:
    path = tmp_path / "trustee-2.vault"
    old_umask = os.umask(0)
    try:
        written = write_vault(path, b"share", PASS, limits=FAST_FOR_TESTS, **META)
    finally:
        os.umask(old_umask)
    assert written == path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read_vault(path, PASS, election_id="pb-2025", trustee=2) == b"share"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["trustee-2.vault"]
    with pytest.raises(VaultError) as info:
        write_vault(path, b"other", PASS, limits=FAST_FOR_TESTS, **META)
    assert info.value.code == "exists"
    assert read_vault(path, PASS) == b"share"
    write_vault(path, b"other", PASS, limits=FAST_FOR_TESTS, overwrite=True, **META)
    assert read_vault(path, PASS) == b"other"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["trustee-2.vault"]


def test_key_ceremony_state_and_share_round_trip(tmp_path: Path) -> None:
    context = bytes(range(32))
    trustees = [Trustee.generate(i, 2, 2, context) for i in (1, 2)]
    path = write_vault(tmp_path / "state.vault", trustees[1].export_state(), PASS, limits=FAST_FOR_TESTS, **META)
    restored = Trustee.import_state(read_vault(path, PASS, trustee=2))
    assert restored.export_state() == trustees[1].export_state()
    announcements = [t.public_announcement() for t in trustees]
    restored.receive_share(announcements[0], trustees[0].share_for(announcements[1]))
    share = restored.finalize(announcements)
    path = write_vault(tmp_path / "share.vault", share.to_bytes(), PASS, limits=FAST_FOR_TESTS, **META)
    assert SecretShare.from_bytes(read_vault(path, PASS)) == share


@settings(max_examples=25, deadline=None)
@given(
    st.binary(max_size=2048),
    st.text(min_size=8, max_size=40).filter(lambda s: "\x00" not in s),
    st.text(min_size=1, max_size=30),
    st.integers(1, 50),
)
def test_round_trip_property(plaintext: bytes, passphrase: str, election_id: str, trustee: int) -> None:
    data = seal_vault(plaintext, passphrase, election_id=election_id, trustee=trustee, limits=FAST_FOR_TESTS)
    opened = unseal_vault(data, passphrase)
    assert opened.plaintext == plaintext
    assert opened.metadata == VaultMetadata(election_id, trustee)
