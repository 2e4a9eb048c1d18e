"""The tamper suite: each kind of change to an honest record fails the check that is meant to catch it.

Every edit is followed by ``rehash`` so that record.json's file digests match again: the index
signature (V1) still fails, as it must, but the named check has to fail on its own merits too.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from nacl.signing import SigningKey

from verifier.ballots import signature_message, tracking_hash
from verifier.encoding import b64decode, b64encode
from verifier.group import add, base_mul, small_order_points

from .record_tools import (
    copy_record,
    read_json,
    read_lines,
    rehash,
    reseal_board,
    stage_ids,
    verify,
    write_json,
    write_lines,
)

SMALL = b64encode(small_order_points()[4])  # a point of order 8


def _failing(record: Path) -> tuple[list[str], str]:
    report = verify(record)
    text = json.dumps(report.as_json())
    assert not report.ok
    return report.failed_ids, text


def _stage(record: Path, index: int = 0) -> Path:
    return record / "stages" / stage_ids(record)[index]


def _counted_group(record: Path, stage: Path) -> tuple[str, dict[str, Any]]:
    tally = read_json(stage / "tally.json")
    for name, group in tally["groups"].items():
        if group["counted"]:
            return name, group
    raise AssertionError("no group with counted ballots")


@pytest.fixture
def record(honest_record: Path, tmp_path: Path) -> Path:
    return copy_record(honest_record, tmp_path / "record")


def _edit_board(record: Path, edit: Callable[[list[dict[str, Any]]], None], stage_index: int = 0) -> None:
    path = _stage(record, stage_index) / "ballots.jsonl"
    entries = read_lines(path)
    edit(entries)
    write_lines(path, entries)
    rehash(record)


def test_drop_counted_ballot(record: Path) -> None:
    stage = _stage(record)
    _, group = _counted_group(record, stage)
    victim = group["counted"][0]
    entries = read_lines(stage / "ballots.jsonl")
    del entries[victim]
    reseal_board(record, stage.name, entries)  # even a consistent chain cannot hide the removal
    rehash(record)
    failed, _ = _failing(record)
    assert {"V8", "V9", "V10"} <= set(failed)


def test_duplicate_ballot(record: Path) -> None:
    _edit_board(record, lambda entries: entries.append(copy.deepcopy(entries[-1])))
    failed, text = _failing(record)
    assert {"V7", "V8"} <= set(failed)
    assert "tracking hash already appears" in text


def test_swap_ciphertexts_between_ballots(record: Path) -> None:
    def swap(entries: list[dict[str, Any]]) -> None:
        a, b = entries[-1]["ballot"]["choices"], entries[-2]["ballot"]["choices"]
        a["ciphertexts"], b["ciphertexts"] = b["ciphertexts"], a["ciphertexts"]

    _edit_board(record, swap)
    failed, _ = _failing(record)
    assert {"V5", "V6", "V7"} <= set(failed)


def test_replay_from_another_stage(record: Path) -> None:
    foreign = read_lines(_stage(record, 1) / "ballots.jsonl")[0]
    stage = _stage(record, 0)
    entries = [*read_lines(stage / "ballots.jsonl"), foreign]
    reseal_board(record, stage.name, entries)
    rehash(record)
    failed, text = _failing(record)
    assert {"V5", "V6"} <= set(failed)
    assert "is not this stage's" in text


def test_replay_from_another_election(record: Path, other_record: Path) -> None:
    stage = _stage(record, 0)
    foreign = read_lines(other_record / "stages" / stage.name / "ballots.jsonl")[-1]
    entries = [*read_lines(stage / "ballots.jsonl"), foreign]
    reseal_board(record, stage.name, entries)
    rehash(record)
    failed, text = _failing(record)
    assert {"V5", "V6"} <= set(failed)
    assert "is not this election's" in text and "on no roll" in text


def _ballot_from_audited(record: Path, stage: Path, key: SigningKey) -> dict[str, Any]:
    """A fresh, validly proved ballot (the choices of an audited one) signed by ``key``."""
    audited = read_lines(stage / "audited.jsonl")[0]["ballot"]
    envelope = {k: v for k, v in audited.items() if k != "signature"}
    envelope["credential"] = b64encode(bytes(key.verify_key))
    th = tracking_hash(envelope)
    message = signature_message(envelope["election_id"], envelope["stage_id"], th)
    envelope["signature"] = b64encode(key.sign(message).signature)
    return {"ballot": envelope}


def test_unknown_credential(record: Path) -> None:
    stage = _stage(record)
    entries = [*read_lines(stage / "ballots.jsonl"), _ballot_from_audited(record, stage, SigningKey.generate())]
    reseal_board(record, stage.name, entries)
    rehash(record)
    failed, text = _failing(record)
    assert "V5" in failed and "on no roll" in text
    assert "V6" not in failed  # the intruder's proofs are valid: only eligibility catches it


def test_revoked_credential(record: Path) -> None:
    stage = _stage(record)
    key = SigningKey.generate()
    rolls = read_json(record / "rolls.json")
    cred = b64encode(bytes(key.verify_key))
    group = read_json(stage / "stage.json")["groups"][-1]
    rolls["groups"][group].append(cred)
    rolls["revoked"].append(cred)
    write_json(record / "rolls.json", rolls)
    entries = [*read_lines(stage / "ballots.jsonl"), _ballot_from_audited(record, stage, key)]
    reseal_board(record, stage.name, entries)
    rehash(record)
    failed, text = _failing(record)
    assert "V9" in failed and "excluded_revoked" in text
    assert "V5" not in failed  # signed by a credential on an eligible roll


def test_alter_encrypted_tally(record: Path) -> None:
    stage = _stage(record)
    tally = read_json(stage / "tally.json")
    name, _ = _counted_group(record, stage)
    cts = tally["groups"][name]["encrypted_tally"]
    cts[0], cts[1] = cts[1], cts[0]
    write_json(stage / "tally.json", tally)
    rehash(record)
    failed, _ = _failing(record)
    assert {"V10", "V11"} <= set(failed)


def test_alter_plaintext_total(record: Path) -> None:
    stage = _stage(record)
    tally = read_json(stage / "tally.json")
    name, _ = _counted_group(record, stage)
    tally["groups"][name]["totals"][0] += 1
    write_json(stage / "tally.json", tally)
    rehash(record)
    failed, text = _failing(record)
    assert {"V11", "V12"} <= set(failed)
    assert "decrypts to" in text


def test_forge_partial_decryption(record: Path) -> None:
    stage = _stage(record)
    tally = read_json(stage / "tally.json")
    name, _ = _counted_group(record, stage)
    tally["groups"][name]["decryption"][0]["shares"][0] = b64encode(base_mul(123456789))
    write_json(stage / "tally.json", tally)
    rehash(record)
    failed, text = _failing(record)
    assert "V11" in failed and "trustee" in text


def test_change_group_weight(record: Path) -> None:
    manifest = read_json(record / "manifest.json")
    manifest["groups"][0]["weight"] += 7
    write_json(record / "manifest.json", manifest)
    rehash(record)
    failed, _ = _failing(record)
    assert {"V2", "V13"} <= set(failed)


def test_change_project_cost(record: Path) -> None:
    stage = _stage(record)
    project = read_json(stage / "stage.json")["candidates"][0]["id"]
    manifest = read_json(record / "manifest.json")
    for p in manifest["projects"]:
        if p["id"] == project:
            p["cost"] += 1
    write_json(record / "manifest.json", manifest)
    rehash(record)
    failed, text = _failing(record)
    assert {"V2", "V13"} <= set(failed)
    assert f"candidate {project} costs" in text


def test_change_cost_in_results(record: Path) -> None:
    results = read_json(record / "results.json")
    results["final"]["ranking"][0]["cost"] += 1
    write_json(record / "results.json", results)
    rehash(record)
    failed, _ = _failing(record)
    assert set(failed) == {"V1", "V13"}


def test_break_chain(record: Path) -> None:
    def corrupt(entries: list[dict[str, Any]]) -> None:
        chain = bytearray(b64decode(entries[2]["chain"]))
        chain[0] ^= 1
        entries[2]["chain"] = b64encode(bytes(chain))

    _edit_board(record, corrupt)
    failed, text = _failing(record)
    assert "V7" in failed and "chain value" in text


def test_break_merkle_root(record: Path) -> None:
    board_path = _stage(record) / "board.json"
    board = read_json(board_path)
    root = bytearray(b64decode(board["final_tree_head"]["root"]))
    root[5] ^= 0x40
    board["final_tree_head"]["root"] = b64encode(bytes(root))
    write_json(board_path, board)
    rehash(record)
    failed, _ = _failing(record)
    assert set(failed) == {"V1", "V8"}


def test_small_order_in_ballot_ciphertext(record: Path) -> None:
    _edit_board(record, lambda entries: entries[0]["ballot"]["choices"]["ciphertexts"][0].__setitem__(0, SMALL))
    failed, text = _failing(record)
    assert "V6" in failed and "small_order" in text


@pytest.mark.parametrize("index", [0, 1])
def test_point_outside_subgroup_in_ballot_ciphertext(record: Path, index: int) -> None:
    """α and β are validated by the proof's multiplications, not on decoding: the defect is still named."""
    mixed = b64encode(add(base_mul(5), small_order_points()[4]))
    _edit_board(record, lambda entries: entries[1]["ballot"]["choices"]["ciphertexts"][2].__setitem__(index, mixed))
    failed, text = _failing(record)
    assert "V6" in failed and f"line 2 (position 1): ciphertext 2: {('alpha', 'beta')[index]}: not_in_subgroup" in text


def test_small_order_in_bit_ciphertext(record: Path) -> None:
    for index, _ in enumerate(stage_ids(record)):
        entries = read_lines(_stage(record, index) / "ballots.jsonl")
        proofs = entries[0]["ballot"]["choices"]["constraint_proofs"]
        with_bits = [p for p in proofs if "bits" in p]
        if with_bits:
            with_bits[0]["bits"][0][1] = SMALL
            write_lines(_stage(record, index) / "ballots.jsonl", entries)
            break
    else:
        pytest.skip("no bit-decomposition proof in this record")
    rehash(record)
    failed, text = _failing(record)
    assert "V6" in failed and "bit 0" in text and "small_order" in text


def test_small_order_in_partial_decryption(record: Path) -> None:
    stage = _stage(record)
    tally = read_json(stage / "tally.json")
    name, _ = _counted_group(record, stage)
    tally["groups"][name]["decryption"][1]["shares"][2] = SMALL
    write_json(stage / "tally.json", tally)
    rehash(record)
    failed, text = _failing(record)
    assert "V11" in failed and "small_order" in text


def test_small_order_joint_key(record: Path) -> None:
    ceremony = read_json(record / "ceremony.json")
    ceremony["joint_public_key"] = SMALL
    write_json(record / "ceremony.json", ceremony)
    rehash(record)
    failed, _ = _failing(record)
    assert "V3" in failed


def test_small_order_commitment(record: Path) -> None:
    ceremony = read_json(record / "ceremony.json")
    ceremony["announcements"][1]["commitments"][1] = SMALL
    write_json(record / "ceremony.json", ceremony)
    rehash(record)
    failed, text = _failing(record)
    assert "V3" in failed and "trustee 2: coefficient 1: commitment 1: small_order" in text


def test_small_order_credential(record: Path) -> None:
    rolls = read_json(record / "rolls.json")
    group = next(iter(rolls["groups"]))
    rolls["groups"][group].append(SMALL)
    write_json(record / "rolls.json", rolls)
    rehash(record)
    failed, text = _failing(record)
    assert "V4" in failed and "small_order" in text


def test_tamper_audit_log(record: Path) -> None:
    path = record / "audit-log.jsonl"
    entries = read_lines(path)
    entries[1]["action"] = "stage.reopen"
    write_lines(path, entries)
    rehash(record)
    failed, _ = _failing(record)
    assert set(failed) == {"V1", "V15"}


def test_audited_ballot_opening(record: Path) -> None:
    stage = _stage(record)
    path = stage / "audited.jsonl"
    entries = read_lines(path)
    vector = entries[0]["opening"]["vector"]
    vector[0] = 1 - vector[0] if vector[0] in (0, 1) else 0
    write_lines(path, entries)
    rehash(record)
    failed, text = _failing(record)
    assert set(failed) == {"V1", "V14"} and "re-encrypt" in text


def test_only_signature_fails_after_rehash(record: Path) -> None:
    """Control: rehash alone breaks nothing but the index signature's absence of change (it still verifies)."""
    rehash(record)
    assert verify(record).ok


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value[:3]):
            found += _paths(item, (*prefix, i))
    return found


@pytest.mark.parametrize("seed", range(8))
def test_random_structural_damage_never_crashes(record: Path, seed: int) -> None:
    """Replace a random value of a random file by junk: the verifier reports failures, it never raises."""
    import random

    rng = random.Random(seed)
    stage = _stage(record, rng.randrange(len(stage_ids(record))))
    choices = [record / "manifest.json", record / "ceremony.json", record / "rolls.json", record / "results.json",
               stage / "stage.json", stage / "board.json", stage / "tally.json", stage / "ballots.jsonl"]
    path = rng.choice(choices)
    jsonl = path.suffix == ".jsonl"
    docs = read_lines(path) if jsonl else [read_json(path)]
    doc = rng.choice(docs)
    where = rng.choice(_paths(doc))
    parent = doc
    for key in where[:-1]:
        parent = parent[key]
    parent[where[-1]] = rng.choice([None, -1, 2**70, "x", [], {}, True, 0.5])
    if jsonl:
        write_lines(path, docs)
    else:
        write_json(path, docs[0])
    rehash(record)
    report = verify(record)
    assert not report.ok


def test_float_in_hashed_json_is_a_failure_not_a_crash(record: Path) -> None:
    path = _stage(record) / "stage.json"
    stage = read_json(path)
    stage["params"]["max"] = 3.0
    write_json(path, stage)
    manifest = read_json(record / "manifest.json")
    manifest["stages"][0]["params"]["max"] = 3.0
    write_json(record / "manifest.json", manifest)
    rehash(record)
    failed, text = _failing(record)
    assert "V2" in failed and "float_in_canonical_json" in text
