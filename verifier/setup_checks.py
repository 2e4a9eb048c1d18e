"""V2 manifest and stage definitions (M1, S1, context hashes) and V4 rolls (R1).

These fix everything the ballots are checked against: the manifest hash, each stage's resolved
definition and context hash, and which credential belongs to which voter group.
"""

from __future__ import annotations

from typing import Any

from verifier.board_pass import Rolls
from verifier.encoding import EncodingError, b64decode, b64encode, canonical_json, hash_elements
from verifier.group import G, H, point_defect
from verifier.report import Report
from verifier.schemes import SchemeError, layout_for

__all__ = ["check_manifest", "check_rolls", "check_stage", "context_hash", "manifest_hash", "stage_hash"]


def manifest_hash(manifest: dict[str, Any]) -> bytes:
    """M1: hash_elements("pbvote/manifest/v1", canonical_json(manifest))."""
    return hash_elements("pbvote/manifest/v1", canonical_json(manifest))


def stage_hash(stage: dict[str, Any]) -> bytes:
    """hash_elements("pbvote/stage/v1", canonical_json(stage.json))."""
    return hash_elements("pbvote/stage/v1", canonical_json(stage))


def context_hash(joint_key: bytes, m_hash: bytes, election_id: str, stage_id: str, s_hash: bytes) -> bytes:
    """The stage's context hash (protocol §3)."""
    return hash_elements("pbvote/context/v1", "edwards25519", G, H, joint_key, m_hash, election_id, stage_id, s_hash)


def _unique(ids: list[str]) -> list[str]:
    """The ids that occur more than once."""
    seen: set[str] = set()
    repeated: set[str] = set()
    for i in ids:
        (repeated if i in seen else seen).add(i)
    return sorted(repeated)


def check_manifest(manifest: dict[str, Any], record: dict[str, Any], report: Report) -> bytes:
    """M1 and the manifest's internal consistency; returns the recomputed manifest hash."""
    m_hash = manifest_hash(manifest)
    report.item("V2", None if b64encode(m_hash) == record["manifest_hash"] else
                "record.json: manifest_hash is not the hash of manifest.json (M1)")
    report.item("V2", None if manifest["election_id"] == record["election_id"] else
                "record.json: election_id differs from manifest.json's")
    stage_ids = [s["id"] for s in manifest["stages"]]
    report.item("V2", None if record["stages"] == stage_ids else
                f"record.json: stages {record['stages']} differ from the manifest's {stage_ids}")
    group_ids = [g["id"] for g in manifest["groups"]]
    project_ids = [p["id"] for p in manifest["projects"]]
    problems = []
    for kind, ids in (("stage", stage_ids), ("group", group_ids), ("project", project_ids)):
        if _unique(ids):
            problems.append(f"manifest.json: duplicate {kind} ids {_unique(ids)}")
    for stage in manifest["stages"]:
        unknown = [g for g in stage["groups"] if g not in group_ids]
        if unknown:
            problems.append(f"manifest.json: stage {stage['id']}: unknown groups {unknown}")
        missing = [p for p in stage["candidates"].get("projects", []) if p not in project_ids]
        if missing:
            problems.append(f"manifest.json: stage {stage['id']}: unknown projects {missing}")
    for source in manifest["final_ranking"]["sources"]:
        stage = next((s for s in manifest["stages"] if s["id"] == source["stage"]), None)
        if stage is None or source["group"] not in stage["groups"]:
            problems.append(f"manifest.json: final_ranking source {source} is not a group of that stage")
    if manifest["trustees"]["k"] > manifest["trustees"]["n"]:
        problems.append("manifest.json: trustees k exceeds n")
    report.item("V2", problems)
    return m_hash


def check_stage(manifest: dict[str, Any], stage: dict[str, Any], stage_id: str, report: Report) -> bool:
    """S1 except the candidate rule (V13): the resolved definition matches the manifest's stage."""
    where = f"stages/{stage_id}/stage.json"
    defined = next((s for s in manifest["stages"] if s["id"] == stage_id), None)
    if defined is None:
        report.fail("V2", f"{where}: stage {stage_id!r} is not in the manifest")
        return False
    problems = []
    if stage["stage_id"] != stage_id:
        problems.append(f"{where}: stage_id {stage['stage_id']!r} is not {stage_id!r}")
    for key in ("scheme", "params", "groups", "revote"):
        if stage[key] != defined[key]:
            problems.append(f"{where}: {key} differs from the manifest's stage definition")
    costs = {p["id"]: p["cost"] for p in manifest["projects"]}
    ids = [c["id"] for c in stage["candidates"]]
    if _unique(ids):
        problems.append(f"{where}: duplicate candidates {_unique(ids)}")
    for c in stage["candidates"]:
        if c["id"] not in costs:
            problems.append(f"{where}: candidate {c['id']} is not a manifest project")
        elif c["cost"] != costs[c["id"]]:
            problems.append(f"{where}: candidate {c['id']} costs {c['cost']}, the manifest says {costs[c['id']]}")
    try:
        layout_for(stage["scheme"], stage["params"], [(c["id"], c["cost"]) for c in stage["candidates"]])
    except SchemeError as exc:
        problems.append(f"{where}: {exc}")
    report.item("V2", problems)
    return not problems


def check_rolls(rolls: dict[str, Any], manifest: dict[str, Any], report: Report) -> Rolls:
    """R1: valid, unique credentials; every revoked credential is on a roll; groups are the manifest's."""
    result = Rolls()
    group_ids = {g["id"] for g in manifest["groups"]}
    for group, creds in rolls["groups"].items():
        report.item("V4", None if group in group_ids else f"rolls.json: group {group!r} is not in the manifest")
        for i, cred in enumerate(creds):
            where = f"rolls.json: groups.{group}[{i}]"
            try:
                defect = point_defect(b64decode(cred))
            except EncodingError as exc:
                defect = str(exc)
            problems = [f"{where}: credential {defect}"] if defect else []
            if cred in result.group_of:
                problems.append(f"{where}: credential already on the roll of {result.group_of[cred]!r}")
            else:
                result.group_of[cred] = group
            report.item("V4", problems)
    for i, cred in enumerate(rolls["revoked"]):
        problems = []
        if cred not in result.group_of:
            problems.append(f"rolls.json: revoked[{i}] is on no roll")
        if cred in result.revoked:
            problems.append(f"rolls.json: revoked[{i}] listed twice")
        result.revoked.add(cred)
        report.item("V4", problems)
    return result
