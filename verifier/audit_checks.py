"""V14 Benaloh-audited ballots (A1) and V15 the administrative audit log's hash chain.

An audited ballot proves the voter's device encrypted what the voter chose: its opening must
re-encrypt to exactly the published ciphertexts, satisfy the scheme's rules, and the ballot must
never have been cast. The audit log is a hash chain, so no administrative action can be removed or
reordered unnoticed.
"""

from __future__ import annotations

from typing import Any

from verifier.ballots import tracking_hash
from verifier.encoding import EncodingError, b64decode, b64encode, canonical_json, hash_elements
from verifier.group import add, base_mul, decode_scalar, mul
from verifier.proofs import ProofError, decode_ciphertext
from verifier.record import JsonError, RecordDir, parse_json
from verifier.report import Report
from verifier.schema import validate
from verifier.schemes import Layout

__all__ = ["check_audit_log", "check_audited", "opening_problems"]


def opening_problems(layout: Layout, joint_key: bytes, choices: dict[str, Any], opening: dict[str, Any]) -> list[str]:
    vector, nonces_text = opening["vector"], opening["nonces"]
    cts_json = choices["ciphertexts"]
    if not len(vector) == len(nonces_text) == len(cts_json) == layout.size:
        return [f"opening has {len(vector)} values, {len(nonces_text)} nonces and {len(cts_json)} ciphertexts; "
                f"layout has {layout.size} entries"]
    problems = []
    for i, (m, r_text, ct_json) in enumerate(zip(vector, nonces_text, cts_json, strict=True)):
        try:
            alpha, beta = decode_ciphertext(ct_json)
            r = decode_scalar(r_text)
        except (ProofError, EncodingError) as exc:
            problems.append(f"entry {i}: {exc}")
            continue
        if base_mul(r) != alpha or add(base_mul(m), mul(r, joint_key)) != beta:
            problems.append(f"entry {i}: opening ({m}, r) does not re-encrypt to the ciphertext")
        if not 0 <= m <= layout.bounds[i]:
            problems.append(f"entry {i}: value {m} outside [0, {layout.bounds[i]}]")
    for cons in layout.constraints:
        if len(vector) == len(cons.weights) and not cons.holds(vector):
            problems.append(f"constraint {cons.name} [{cons.lo}, {cons.hi}] does not hold for the opened vector")
    return problems


def check_audited(
    rd: RecordDir,
    stage_id: str,
    election_id: str,
    layout: Layout | None,
    joint_key: bytes | None,
    board_tracking: set[bytes],
    report: Report,
) -> None:
    """A1 for every line of stages/<s>/audited.jsonl."""
    rel = f"stages/{stage_id}/audited.jsonl"
    if not rd.exists(rel):
        report.fail("V1", f"{rel}: missing")
        return
    for number, raw in rd.lines(rel):
        where = f"{rel} line {number}"
        try:
            entry = parse_json(raw)
        except JsonError as exc:
            report.fail("V1", f"{where}: not valid JSON ({exc})")
            continue
        errors = validate(entry, "audited-entry")
        report.item("V1", [f"{where}: schema audited-entry: {e}" for e in errors])
        if errors:
            continue
        envelope = entry["ballot"]
        problems = []
        try:
            computed = tracking_hash(envelope)
        except EncodingError as exc:
            report.fail("V14", f"{where}: {exc}")
            continue
        if entry["tracking_hash"] != b64encode(computed):
            problems.append(f"{where}: tracking_hash differs from the hash of the envelope")
        if envelope["election_id"] != election_id or envelope["stage_id"] != stage_id:
            problems.append(f"{where}: ballot is for {envelope['election_id']}/{envelope['stage_id']}")
        if computed in board_tracking:
            problems.append(f"{where}: the audited ballot was cast (its tracking hash is on the board)")
        if layout is None or joint_key is None:
            problems.append(f"{where}: opening not checkable (stage layout or joint key unavailable)")
        else:
            problems += [f"{where}: {p}" for p in opening_problems(layout, joint_key, envelope["choices"],
                                                                      entry["opening"])]
        report.item("V14", problems)


def check_audit_log(rd: RecordDir, election_id: str, report: Report) -> None:
    """V15: seq 0, 1, 2, …; prev links; hash = hash_elements("pbvote/audit/v1", prev, entry without hash)."""
    rel = "audit-log.jsonl"
    if not rd.exists(rel):
        report.fail("V1", f"{rel}: missing")
        return
    prev = hash_elements("pbvote/audit-start/v1", election_id)
    for number, raw in rd.lines(rel):
        where = f"{rel} line {number}"
        try:
            entry = parse_json(raw)
        except JsonError as exc:
            report.fail("V1", f"{where}: not valid JSON ({exc})")
            prev = b""
            continue
        errors = validate(entry, "audit-entry")
        report.item("V1", [f"{where}: schema audit-entry: {e}" for e in errors])
        if errors:
            prev = b""
            continue
        problems = []
        if entry["seq"] != number - 1:
            problems.append(f"{where}: seq {entry['seq']}, expected {number - 1}")
        if prev and entry["prev"] != b64encode(prev):
            problems.append(f"{where}: prev is not the hash of the previous entry")
        body = {k: v for k, v in entry.items() if k != "hash"}
        try:
            expected = hash_elements("pbvote/audit/v1", b64decode(entry["prev"], 32), canonical_json(body))
            if entry["hash"] != b64encode(expected):
                problems.append(f"{where}: hash does not match the entry")
            prev = b64decode(entry["hash"], 32)
        except EncodingError as exc:
            problems.append(f"{where}: {exc}")
            prev = b""
        report.item("V15", problems)
