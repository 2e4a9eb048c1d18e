"""Tests for the RFC 9162 Merkle log, signed tree heads and the board hash chain."""

from __future__ import annotations

import hashlib
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nacl.signing import SigningKey

from voting_engine.core.board import (
    EMPTY_ROOT,
    MerkleLog,
    SignedTreeHead,
    TreeHead,
    chain_next,
    chain_start,
    leaf_hash,
    node_hash,
    sign_tree_head,
    verify_consistency,
    verify_inclusion,
    verify_tree_head,
)
from voting_engine.core.encoding import EncodingError, canonical_json
from voting_engine.core.hashing import hash_elements

FAST = settings(max_examples=25, deadline=None)


def ref_root(leaves: list[bytes]) -> bytes:
    """Independent recursive MTH (RFC 9162 §2.1.1) with hashlib."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + ref_root(leaves[:k]) + ref_root(leaves[k:])).digest()


def make_log(leaves: list[bytes]) -> MerkleLog:
    log = MerkleLog()
    for data in leaves:
        log.append(data)
    return log


def flip(value: bytes) -> bytes:
    return bytes([value[0] ^ 1]) + value[1:]


VECTOR_LEAVES = [f"leaf-{i}".encode() for i in range(7)]
VECTOR_ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "305df59f9590c3c9ac63d2b2743c388e3792449078cebf7fb3dbe6471643b2b7",
    "60a53eed0de87a90c8e59427c59c46253c33a76a09502a51801300927b7e6bdc",
    "cf763a041c81ceef1578a6083f75c61bef2e0014f2a3e683a97fcfca5be7f19a",
    "bdd1c5ff55b19cb6b0e7c761bf9a6ccaa27fbbfc07b74f1fabb6e911a0bd2ab3",
    "00d21829a5503145348abcf712513eacf2a274211ad83e970202bb5b6d80b286",
    "160cf1a616e8792f9078a9665cb06520d95a33f467d0826f2310219d31383d73",
    "0b007fb915eb9b2a146f54b1c86ec53b664f8e455b7660b0b6ee13edc0d921c0",
]
VECTOR_INCLUSION_2_7 = [
    "f76836325aec5699d8d71f8e42e9d47c5c29b08059ba296384f7ca40ad3a40ae",
    "60a53eed0de87a90c8e59427c59c46253c33a76a09502a51801300927b7e6bdc",
    "8eae6bd3b3a07f1f75ee72a531629e6eb31e42e62f760e47de52a53c3641ef23",
]
VECTOR_CONSISTENCY_3_7 = [
    "fca89f57c9f8c8eb4047a7ff9d333acf9e0f3384b20b255bceab0f216dcca267",
    *VECTOR_INCLUSION_2_7,
]


def test_empty_tree_known_answer() -> None:
    expected = hashlib.sha256(b"").digest()
    assert expected.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert expected == EMPTY_ROOT
    assert MerkleLog().root() == expected
    assert MerkleLog().size == 0


def test_one_and_two_leaf_known_answers() -> None:
    h0 = hashlib.sha256(b"\x00" + b"alpha").digest()
    h1 = hashlib.sha256(b"\x00" + b"beta").digest()
    log = MerkleLog()
    assert log.append(b"alpha") == 0
    assert log.root() == h0 == leaf_hash(b"alpha")
    assert log.append(b"beta") == 1
    assert log.root() == hashlib.sha256(b"\x01" + h0 + h1).digest() == node_hash(h0, h1)
    assert log.root(1) == h0


def test_documented_vectors() -> None:
    log = make_log(VECTOR_LEAVES)
    assert [log.root(n).hex() for n in range(8)] == VECTOR_ROOTS
    assert [p.hex() for p in log.inclusion_proof(2, 7)] == VECTOR_INCLUSION_2_7
    assert [p.hex() for p in log.consistency_proof(3, 7)] == VECTOR_CONSISTENCY_3_7
    assert [p.hex() for p in log.consistency_proof(4, 7)] == [VECTOR_INCLUSION_2_7[2]]


def test_incremental_root_matches_recomputation() -> None:
    leaves = [i.to_bytes(2, "big") for i in range(70)]
    log, bulk = MerkleLog(), MerkleLog()
    for n, data in enumerate(leaves, start=1):
        log.append(data)
        assert log.root() == ref_root(leaves[:n])
    bulk.extend(leaves[:33])
    bulk.extend(leaves[33:])
    rebuilt = MerkleLog.from_leaf_hashes(log.leaf_hashes())
    for n in range(len(leaves) + 1):
        assert log.root(n) == bulk.root(n) == rebuilt.root(n) == ref_root(leaves[:n])
    assert log.leaf_hash_at(5) == leaf_hash(leaves[5])


@FAST
@given(st.lists(st.binary(max_size=8), min_size=1, max_size=90))
def test_inclusion_proofs_verify_and_reject_tampering(payloads: list[bytes]) -> None:
    leaves = [i.to_bytes(2, "big") + data for i, data in enumerate(payloads)]
    longer = [*leaves, b"extra"]
    log = make_log(leaves)
    size = len(leaves)
    root = log.root()
    assert root == ref_root(leaves)
    for index, data in enumerate(leaves):
        proof = log.inclusion_proof(index, size)
        h = leaf_hash(data)
        assert verify_inclusion(h, index, size, proof, root)
        assert not verify_inclusion(h, index, size, proof, flip(root))
        assert not verify_inclusion(leaf_hash(data + b"x"), index, size, proof, root)
        assert not verify_inclusion(h, size, size, proof, root)
        if size > 1:
            other = (index + 1) % size
            assert not verify_inclusion(h, other, size, proof, root)
        for wrong_size in (index + 1, size - 1, size + 1):
            if wrong_size != size and wrong_size > index:
                assert not verify_inclusion(h, index, wrong_size, proof, ref_root(longer[:wrong_size]))
        for i in range(len(proof)):
            assert not verify_inclusion(h, index, size, [*proof[:i], flip(proof[i]), *proof[i + 1 :]], root)
        assert not verify_inclusion(h, index, size, [*proof, root], root)
        if proof:
            assert not verify_inclusion(h, index, size, proof[:-1], root)


def test_inclusion_every_index_every_size() -> None:
    leaves = [bytes([i]) for i in range(33)]
    log = make_log(leaves)
    for size in range(1, 34):
        root = log.root(size)
        for index in range(size):
            proof = log.inclusion_proof(index, size)
            assert verify_inclusion(leaf_hash(leaves[index]), index, size, proof, root)
            for other in range(size):
                if other != index:
                    assert not verify_inclusion(leaf_hash(leaves[index]), other, size, proof, root)


def test_consistency_all_pairs_small_trees() -> None:
    leaves = [bytes([i]) for i in range(40)]
    log = make_log(leaves)
    roots = [log.root(n) for n in range(41)]
    for n in range(41):
        for m in range(n + 1):
            proof = log.consistency_proof(m, n)
            assert verify_consistency(m, n, roots[m], roots[n], proof), (m, n)
            if 0 < m < n:
                assert not verify_consistency(m, n, flip(roots[m]), roots[n], proof)
                assert not verify_consistency(m, n, roots[m], flip(roots[n]), proof)
                assert not verify_consistency(n, m, roots[n], roots[m], proof)
                for i in range(len(proof)):
                    altered = [*proof[:i], flip(proof[i]), *proof[i + 1 :]]
                    assert not verify_consistency(m, n, roots[m], roots[n], altered)
                assert not verify_consistency(m, n, roots[m], roots[n], [*proof, roots[0]])
                assert not verify_consistency(m, n, roots[m], roots[n], proof[:-1])
                if m + 1 < n:
                    assert not verify_consistency(m + 1, n, roots[m + 1], roots[n], proof) or (
                        proof == log.consistency_proof(m + 1, n)
                    )


@FAST
@given(st.integers(1, 200), st.data())
def test_consistency_random_sizes(n: int, data: st.DataObject) -> None:
    log = make_log([i.to_bytes(2, "big") for i in range(n)])
    m = data.draw(st.integers(1, n))
    proof = log.consistency_proof(m, n)
    assert verify_consistency(m, n, log.root(m), log.root(n), proof)
    if m < n:
        i = data.draw(st.integers(0, len(proof) - 1))
        altered = [*proof[:i], flip(proof[i]), *proof[i + 1 :]]
        assert not verify_consistency(m, n, log.root(m), log.root(n), altered)


def test_trivial_consistency_cases() -> None:
    log = make_log([b"a", b"b", b"c"])
    assert verify_consistency(0, 3, EMPTY_ROOT, log.root(), [])
    assert not verify_consistency(0, 3, log.root(1), log.root(), [])
    assert verify_consistency(3, 3, log.root(), log.root(), [])
    assert not verify_consistency(3, 3, log.root(), log.root(), [log.root()])
    assert not verify_consistency(2, 3, log.root(2), log.root(), [])
    assert not verify_consistency(4, 3, log.root(), log.root(), [])


def test_past_proofs_stable_after_appends() -> None:
    log = make_log([bytes([i]) for i in range(10)])
    before = (log.root(), log.inclusion_proof(3), log.consistency_proof(4))
    log.extend(bytes([i]) for i in range(10, 25))
    assert (log.root(10), log.inclusion_proof(3, 10), log.consistency_proof(4, 10)) == before


def test_bad_arguments() -> None:
    log = make_log([b"a", b"b"])
    with pytest.raises(ValueError):
        log.inclusion_proof(2, 2)
    with pytest.raises(ValueError):
        log.root(3)
    with pytest.raises(ValueError):
        log.consistency_proof(3, 2)
    with pytest.raises(ValueError):
        log.append_leaf_hash(b"short")
    with pytest.raises(IndexError):
        log.leaf_hash_at(2)
    proof = log.inclusion_proof(0)
    assert not verify_inclusion(leaf_hash(b"a"), -1, 2, proof, log.root())
    assert not verify_inclusion(leaf_hash(b"a")[:31], 0, 2, proof, log.root())
    assert not verify_inclusion(leaf_hash(b"a"), 0, 2, [proof[0][:31]], log.root())


def test_large_log_is_fast() -> None:
    log = MerkleLog()
    log.extend(i.to_bytes(4, "big") for i in range(1 << 16))
    log.append(b"one more")
    start = time.perf_counter()
    root = log.root()
    proofs = [(i, log.inclusion_proof(i)) for i in range(0, log.size, 4099)]
    consistency = log.consistency_proof(50_003)
    assert time.perf_counter() - start < 1.0
    for index, proof in proofs:
        assert verify_inclusion(log.leaf_hash_at(index), index, log.size, proof, root)
    assert verify_consistency(50_003, log.size, log.root(50_003), root, consistency)



@pytest.mark.slow
def test_million_leaves() -> None:
    log = MerkleLog()
    log.extend(i.to_bytes(4, "big") for i in range(1_000_000))
    start = time.perf_counter()
    root = log.root()
    proof = log.inclusion_proof(765_432)
    consistency = log.consistency_proof(999_999)
    assert time.perf_counter() - start < 0.5
    assert verify_inclusion(leaf_hash((765_432).to_bytes(4, "big")), 765_432, 1_000_000, proof, root)
    assert verify_consistency(999_999, 1_000_000, log.root(999_999), root, consistency)
    assert MerkleLog.from_leaf_hashes(log.leaf_hashes()[:1000]).root() == log.root(1000)

SIGNING_KEY = SigningKey(bytes(range(32)))
HEAD = TreeHead("pbvote-test-log", 7, bytes.fromhex(VECTOR_ROOTS[7]), 1_700_000_000_000)


def test_tree_head_signing_vector() -> None:
    expected = hash_elements("pbvote/tree-head/v1", "pbvote-test-log", 7, HEAD.root, 1_700_000_000_000)
    assert HEAD.signing_bytes() == expected
    assert expected.hex() == "873fcd8ae364d76e081767c0a4ce55d607b20b579dbc993d4b858827cfbedfac"
    assert bytes(SIGNING_KEY.verify_key).hex() == (
        "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8"
    )
    sth = sign_tree_head(HEAD, SIGNING_KEY)
    assert sth.to_dict() == {
        "log_id": "pbvote-test-log",
        "tree_size": 7,
        "root": "CwB_uRXrmyoUb1SxyG7FO2ZPjkVbdmCwtu4T7cDZIcA",
        "timestamp": 1_700_000_000_000,
        "signature": "cF3OJlTaQFZkm3bf8Tz-lXwtDvyCCeZBEKYb_tEBkA-tvR-MGneUKw72GZJyIsBMXO1myVmYqfCLH-syAg6SBw",
    }


def test_tree_head_signature_and_field_changes() -> None:
    sth = sign_tree_head(HEAD, SIGNING_KEY)
    assert verify_tree_head(sth, SIGNING_KEY.verify_key)
    assert not verify_tree_head(sth, SigningKey(bytes(32)).verify_key)
    variants = [
        TreeHead("pbvote-other-log", 7, HEAD.root, HEAD.timestamp),
        TreeHead(HEAD.log_id, 8, HEAD.root, HEAD.timestamp),
        TreeHead(HEAD.log_id, 7, flip(HEAD.root), HEAD.timestamp),
        TreeHead(HEAD.log_id, 7, HEAD.root, HEAD.timestamp + 1),
    ]
    for head in variants:
        assert not verify_tree_head(SignedTreeHead(head, sth.signature), SIGNING_KEY.verify_key)
    assert not verify_tree_head(SignedTreeHead(HEAD, flip(sth.signature)), SIGNING_KEY.verify_key)
    assert not verify_tree_head(SignedTreeHead(HEAD, sth.signature[:63]), SIGNING_KEY.verify_key)


def test_tree_head_json_round_trip_and_strictness() -> None:
    sth = sign_tree_head(HEAD, SIGNING_KEY)
    data = sth.to_dict()
    canonical_json(data)
    assert SignedTreeHead.from_dict(data) == sth
    assert TreeHead.from_dict(HEAD.to_dict()) == HEAD
    bad_inputs = [
        {**data, "extra": 1},
        {**data, "tree_size": True},
        {**data, "tree_size": -1},
        {**data, "root": data["root"] + "A"},
        {**data, "signature": data["signature"][:-2]},
        {k: v for k, v in data.items() if k != "timestamp"},
    ]
    for bad in bad_inputs:
        with pytest.raises(EncodingError):
            SignedTreeHead.from_dict(bad)
    with pytest.raises(ValueError):
        TreeHead("", 1, HEAD.root, 0)
    with pytest.raises(ValueError):
        TreeHead("log", 1, b"\x00" * 31, 0)


def test_chain_vectors() -> None:
    context = bytes([0x11]) * 32
    start = chain_start(context)
    assert start == hash_elements("pbvote/chain-start/v1", context)
    assert start.hex() == "40c21cf759e2fa5119bf5bad87668e8bce4d797650e462b1f04858219109f892"
    tracking = bytes(32)
    assert chain_next(start, tracking) == hash_elements("pbvote/chain/v1", start, tracking)
    with pytest.raises(ValueError):
        chain_next(start, b"\x00" * 31)
