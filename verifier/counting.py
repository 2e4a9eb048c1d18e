"""V9 counting and V10 encrypted tallies: which ballots count, and their homomorphic sums.

The counted, superseded and revoked-excluded positions are recomputed from the board order, the
rolls and the stage's re-vote policy alone; the encrypted tally is then re-added from the recomputed
counted ballots in a second streamed pass (so no ciphertext is held while the board is scanned).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from verifier.ballots import sum_ciphertext_chunk
from verifier.board_pass import BoardScan, Rolls
from verifier.encoding import b64encode
from verifier.group import IDENTITY, add
from verifier.parallel import Pool
from verifier.proofs import Ciphertext
from verifier.record import RecordDir
from verifier.report import Report

__all__ = ["Counting", "check_counting", "check_encrypted_tallies", "recompute_counting"]

SUM_CHUNK = 64


@dataclass
class Counting:
    """One group's recomputed counting lists (positions, ascending)."""

    counted: list[int] = field(default_factory=list)
    superseded: list[int] = field(default_factory=list)
    excluded_revoked: list[int] = field(default_factory=list)


def recompute_counting(scan: BoardScan, rolls: Rolls, groups: list[str], revote: str) -> dict[str, Counting]:
    """Apply the re-vote policy ("last" or "first") per credential, excluding revoked credentials."""
    result = {g: Counting() for g in groups}
    chosen: dict[str, int] = {}
    for position, cred in enumerate(scan.credentials):
        if cred is None:
            continue
        group = rolls.group_of.get(cred)
        if group not in result:
            continue
        if cred in rolls.revoked:
            result[group].excluded_revoked.append(position)
        elif revote == "last" or cred not in chosen:
            chosen[cred] = position
    for position, cred in enumerate(scan.credentials):
        if cred is None or cred in rolls.revoked:
            continue
        group = rolls.group_of.get(cred)
        if group not in result:
            continue
        (result[group].counted if chosen[cred] == position else result[group].superseded).append(position)
    return result


def _diff(name: str, recorded: list[int], expected: list[int]) -> str | None:
    if recorded == expected:
        return None
    missing = sorted(set(expected) - set(recorded))[:5]
    extra = sorted(set(recorded) - set(expected))[:5]
    detail = f"missing {missing}, unexpected {extra}" if (missing or extra) else "order or repetition differs"
    return f"{name}: {detail}"


def check_counting(
    stage_id: str,
    tally: dict[str, Any],
    recomputed: dict[str, Counting],
    scan: BoardScan,
    rolls: Rolls,
    report: Report,
) -> None:
    """V9: the tally's lists equal the recomputed ones; nobody counted twice; no revoked credential counted."""
    where = f"stages/{stage_id}/tally.json"
    recorded_groups = set(tally["groups"])
    report.item("V9", None if recorded_groups == set(recomputed) else
                f"{where}: groups {sorted(recorded_groups)} but the stage's groups are {sorted(recomputed)}")
    for group, expected in recomputed.items():
        entry = tally["groups"].get(group)
        if entry is None:
            continue
        problems = []
        for name in ("counted", "superseded", "excluded_revoked"):
            problem = _diff(name, entry[name], getattr(expected, name))
            if problem:
                problems.append(f"{where}: group {group}: {problem}")
        if entry["ballots"] != len(expected.counted):
            problems.append(f"{where}: group {group}: ballots = {entry['ballots']}, {len(expected.counted)} counted")
        seen: set[str] = set()
        for position in entry["counted"]:
            cred = scan.credentials[position] if 0 <= position < len(scan.credentials) else None
            if cred is None:
                problems.append(f"{where}: group {group}: counted position {position} is not a readable board entry")
                continue
            if cred in seen:
                problems.append(f"{where}: group {group}: credential of position {position} counted twice")
            if cred in rolls.revoked:
                problems.append(f"{where}: group {group}: position {position} by a revoked credential is counted")
            if rolls.group_of.get(cred) != group:
                problems.append(f"{where}: group {group}: position {position} is not by a voter of this group")
            seen.add(cred)
        report.item("V9", problems)


def _counted_lines(
    rd: RecordDir, rel: str, wanted: dict[int, str], size: int
) -> Iterator[tuple[list[tuple[str, int, bytes]], int]]:
    chunk: list[tuple[str, int, bytes]] = []
    for number, raw in rd.lines(rel):
        group = wanted.get(number - 1)
        if group is not None:
            chunk.append((group, number, raw))
            if len(chunk) >= SUM_CHUNK:
                yield chunk, size
                chunk = []
    if chunk:
        yield chunk, size


def check_encrypted_tallies(
    rd: RecordDir,
    stage_id: str,
    tally: dict[str, Any],
    recomputed: dict[str, Counting],
    size: int,
    pool: Pool,
    report: Report,
) -> None:
    """V10: each group's encrypted tally equals Σ of its recomputed counted ballots' ciphertexts."""
    rel = f"stages/{stage_id}/ballots.jsonl"
    where = f"stages/{stage_id}/tally.json"
    wanted = {p: g for g, c in recomputed.items() for p in c.counted}
    sums: dict[str, list[Ciphertext]] = {g: [(IDENTITY, IDENTITY)] * size for g in recomputed}
    errors: list[str] = []
    for part, part_errors in pool.map_ordered(sum_ciphertext_chunk, _counted_lines(rd, rel, wanted, size)):
        errors += [f"{rel} {e}" for e in part_errors]
        for group, cts in part.items():
            sums[group] = [(add(a, c), add(b, d)) for (a, b), (c, d) in zip(sums[group], cts, strict=True)]
    for message in errors:
        report.fail("V10", message)
    for group, total in sums.items():
        entry = tally["groups"].get(group)
        if entry is None:
            continue
        recorded = entry["encrypted_tally"]
        if len(recorded) != size:
            report.fail("V10", f"{where}: group {group}: {len(recorded)} encrypted entries, layout has {size}")
            continue
        for e, ((alpha, beta), ct) in enumerate(zip(total, recorded, strict=True)):
            ok = ct == [b64encode(alpha), b64encode(beta)]
            report.item("V10", None if ok else
                        f"{where}: group {group}: encrypted_tally[{e}] is not the sum of the counted ballots")
