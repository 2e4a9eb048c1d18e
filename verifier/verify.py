"""Runs V1–V15 over a record directory in dependency order and returns the report.

Order matters only for data flow: the manifest and ceremony give the context hashes, the rolls give
eligibility, each stage's board scan feeds counting, tallies and audits, and the stage results feed
the rankings. A check whose inputs are unusable reports that as a failure instead of passing vacuously.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from verifier.audit_checks import check_audit_log, check_audited
from verifier.ballots import StageSpec, layout_of
from verifier.board_pass import Rolls, scan_board, verify_tree_heads
from verifier.counting import check_counting, check_encrypted_tallies, recompute_counting
from verifier.encoding import EncodingError, b64encode, canonical_json
from verifier.group import decode_point
from verifier.parallel import Pool, default_workers
from verifier.ranking import GroupResult, check_rankings
from verifier.record import JsonError, RecordDir, check_index, parse_json
from verifier.report import Report
from verifier.schemes import Layout, SchemeError
from verifier.setup_checks import check_manifest, check_rolls, check_stage, context_hash, stage_hash
from verifier.tally_checks import check_decryption, check_results
from verifier.threshold import Ceremony, verify_ceremony

__all__ = ["RecordUnreadable", "verify_record"]

T = TypeVar("T")


class RecordUnreadable(Exception):
    """The directory is not a record at all (no readable record.json)."""


def _load_index(rd: RecordDir) -> dict[str, Any] | None:
    if not rd.root.is_dir():
        raise RecordUnreadable(f"{rd.root}: not a directory")
    try:
        parse_json(rd.path("record.json").read_bytes())
    except OSError as exc:
        raise RecordUnreadable(f"{rd.root}: record.json cannot be read ({exc.strerror or exc})") from exc
    except JsonError as exc:
        raise RecordUnreadable(f"{rd.root}: record.json is not JSON ({exc})") from exc
    loaded: dict[str, Any] | None = rd.load("record.json", "record")
    return loaded


def _ceremony(doc: dict[str, Any] | None, manifest: dict[str, Any], m_hash: bytes, report: Report) -> Ceremony:
    trustees = manifest["trustees"]
    if doc is None:
        report.fail("V3", "ceremony.json: unusable")
        return Ceremony(n=trustees["n"], k=trustees["k"])
    cer = verify_ceremony(doc, manifest["election_id"], m_hash, trustees["n"], trustees["k"])
    report.ok_item("V3", cer.checked - len(cer.failures))
    for message in cer.failures:
        report.fail("V3", message)
    if cer.joint_key is None:
        with contextlib.suppress(EncodingError):  # keep checking ballots against the published key
            cer.joint_key = decode_point(doc["joint_public_key"])
    return cer


class _Verifier:
    def __init__(self, root: Path, workers: int, progress: bool) -> None:
        self.report = Report()
        self.rd = RecordDir(root, self.report)
        self.workers = workers
        self.progress = progress
        self.stage_docs: dict[str, dict[str, Any]] = {}
        self.group_results: dict[str, dict[str, GroupResult]] = {}

    def _guard(self, check_id: str, what: str, step: Callable[[], T]) -> T | None:
        """Run one step; input the verifier cannot process fails ``check_id`` instead of crashing the run."""
        try:
            return step()
        except Exception as exc:  # hostile input (e.g. a float where canonical JSON is hashed)
            self.report.fail(check_id, f"{what}: cannot be processed ({type(exc).__name__}: {exc})")
            return None

    def run(self) -> Report:
        record = _load_index(self.rd)
        if record is None:
            return self.report
        rd, report = self.rd, self.report
        manifest = rd.load("manifest.json", "manifest")
        ceremony_doc = rd.load("ceremony.json", "ceremony")
        rolls_doc = rd.load("rolls.json", "rolls")
        results = rd.load("results.json", "results")
        m_hash = None if manifest is None else self._guard("V2", "manifest.json",
                                                           lambda: check_manifest(manifest, record, report))
        if manifest is None or m_hash is None:
            report.fail("V2", "manifest.json: unusable, nothing can be checked against it")
        else:
            cer = self._guard("V3", "ceremony.json", lambda: _ceremony(ceremony_doc, manifest, m_hash, report))
            cer = cer or Ceremony(n=manifest["trustees"]["n"], k=manifest["trustees"]["k"])
            rolls = Rolls()
            if rolls_doc is None:
                report.fail("V4", "rolls.json: unusable")
            else:
                rolls = self._guard("V4", "rolls.json", lambda: check_rolls(rolls_doc, manifest, report)) or rolls
            with Pool(self.workers) as pool:
                for stage in manifest["stages"]:
                    sid = stage["id"]
                    self._guard("V1", f"stages/{sid}",
                                partial(self._stage, pool, manifest, record, m_hash, cer, rolls, sid))
            self._guard("V13", "results.json", lambda: check_rankings(
                manifest, self.stage_docs, self.group_results, results, report))
        self._guard("V15", "audit-log.jsonl", lambda: check_audit_log(rd, record["election_id"], report))
        self._guard("V1", "record.json", lambda: check_index(rd, record, report))
        return report

    def _stage(self, pool: Pool, manifest: dict[str, Any], record: dict[str, Any], m_hash: bytes,
               cer: Ceremony, rolls: Rolls, sid: str) -> None:
        rd, report = self.rd, self.report
        stage = rd.load(f"stages/{sid}/stage.json", "stage")
        board = rd.load(f"stages/{sid}/board.json", "board")
        tally = rd.load(f"stages/{sid}/tally.json", "tally")
        if stage is None:
            report.fail("V2", f"stages/{sid}/stage.json: unusable, the stage's ballots cannot be checked")
            return
        check_stage(manifest, stage, sid, report)
        self.stage_docs[sid] = stage
        layout: Layout | None
        try:
            layout = layout_of(canonical_json(stage))
        except (SchemeError, KeyError, TypeError):
            layout = None
        key = cer.joint_key
        if key is None:
            report.fail("V2", f"stages/{sid}: context hash not computable without a joint key")
            ctx = bytes(32)
        else:
            ctx = context_hash(key, m_hash, manifest["election_id"], sid, stage_hash(stage))
            if board is not None:
                report.item("V2", None if board["log_id"] == b64encode(ctx) else
                            f"stages/{sid}/board.json: log_id is not the stage's context hash")
        spec = StageSpec(manifest["election_id"], sid, ctx, key, canonical_json(stage))
        scan = scan_board(rd, spec, rolls, set(stage["groups"]), board, report, pool, self.progress)
        if board is not None:
            verify_tree_heads(sid, board, record["board_key"], scan, ctx, report)
        else:
            report.fail("V8", f"stages/{sid}/board.json: unusable")
        counting = recompute_counting(scan, rolls, stage["groups"], stage["revote"])
        if tally is None or layout is None:
            report.fail("V9", f"stages/{sid}: tally.json or the stage layout is unusable")
        else:
            report.item("V9", None if tally["stage_id"] == sid else f"stages/{sid}/tally.json: stage_id differs")
            check_counting(sid, tally, counting, scan, rolls, report)
            check_encrypted_tallies(rd, sid, tally, counting, layout.size, pool, report)
            self.group_results[sid] = {}
            for group, recomputed in counting.items():
                entry = tally["groups"].get(group)
                if entry is None:
                    report.fail("V11", f"stages/{sid}/tally.json: no entry for group {group}")
                    continue
                n = len(recomputed.counted)
                check_decryption(sid, group, entry, n, layout, cer, ctx, report)
                result = check_results(sid, group, entry, n, layout, report)
                if result is not None:
                    self.group_results[sid][group] = result
        check_audited(rd, sid, manifest["election_id"], layout, key, scan.tracking, report)


def verify_record(root: Path, *, workers: int | None = None, progress: bool = False) -> Report:
    """Verify the record at ``root``; raises RecordUnreadable if it has no readable record.json."""
    return _Verifier(root, workers if workers is not None else default_workers(), progress).run()
