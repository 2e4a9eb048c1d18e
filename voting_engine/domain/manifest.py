"""The election manifest: projects, voter groups and weights, ordered stages, the final ranking.

The manifest is the context of every proof (its hash is inside every challenge), so it is
validated strictly when loaded and never changes afterwards.  Format: ``docs/election-record.md`` §2.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ballot_schemes import SCHEMES, Project, make_scheme
from ballot_schemes.errors import SchemeError
from voting_engine.core.encoding import canonical_json
from voting_engine.core.hashing import hash_elements
from voting_engine.domain.errors import ManifestError

MANIFEST_TAG = "pbvote/manifest/v1"
STAGE_TAG = "pbvote/stage/v1"
FISCAL_AREAS = (
    "general_administration",
    "public_order_safety",
    "education",
    "culture_tourism",
    "environment",
    "social_welfare",
    "health",
    "agriculture_fisheries",
    "industry_smes",
    "transport_logistics",
    "land_regional_development",
    "science_technology",
)
"""The twelve fiscal areas of Korea's functional budget classification."""
REVOTE_POLICIES = ("last", "first")
CANDIDATE_RULES = ("fixed", "top_k", "selected")


def _require(condition: bool, code: str, message: str) -> None:
    if not condition:
        raise ManifestError(code, message)


def _int(value: object, what: str, minimum: int = 0) -> int:
    _require(isinstance(value, int) and not isinstance(value, bool), "bad_field", f"{what} must be an integer")
    assert isinstance(value, int)
    _require(value >= minimum, "bad_field", f"{what} must be at least {minimum}")
    return value


def _text(value: object, what: str) -> str:
    _require(isinstance(value, str) and bool(value), "bad_field", f"{what} must be a non-empty string")
    assert isinstance(value, str)
    return value


@dataclass(frozen=True)
class StageSpec:
    """One stage as configured; ``candidates`` is the rule, resolved when the stage opens."""

    id: str
    scheme: str
    params: Mapping[str, Any]
    groups: tuple[str, ...]
    education: tuple[str, ...]
    revote: str
    candidates: Mapping[str, Any]
    opens_at: str
    closes_at: str


@dataclass(frozen=True)
class Manifest:
    """A validated manifest and its canonical form."""

    data: Mapping[str, Any]

    @property
    def election_id(self) -> str:
        return str(self.data["election_id"])

    @property
    def budget(self) -> int:
        return int(self.data["budget"])

    @property
    def projects(self) -> dict[str, Mapping[str, Any]]:
        return {p["id"]: p for p in self.data["projects"]}

    @property
    def weights(self) -> dict[str, int]:
        return {g["id"]: int(g["weight"]) for g in self.data["groups"]}

    @property
    def stages(self) -> list[StageSpec]:
        return [
            StageSpec(
                s["id"],
                s["scheme"],
                s.get("params", {}),
                tuple(s["groups"]),
                tuple(s.get("education", [])),
                s.get("revote", "last"),
                s.get("candidates", {"rule": "fixed"}),
                s.get("opens_at", ""),
                s.get("closes_at", ""),
            )
            for s in self.data["stages"]
        ]

    def stage(self, stage_id: str) -> StageSpec:
        for spec in self.stages:
            if spec.id == stage_id:
                return spec
        raise ManifestError("unknown_stage", f"no stage {stage_id!r}")

    @property
    def trustees(self) -> tuple[int, int]:
        t = self.data["trustees"]
        return int(t["n"]), int(t["k"])

    @property
    def hash(self) -> bytes:
        return hash_elements(MANIFEST_TAG, canonical_json(dict(self.data)))

    def to_json(self) -> dict[str, Any]:
        return dict(self.data)


def _check_projects(projects: object) -> set[str]:
    _require(isinstance(projects, list) and bool(projects), "no_projects", "the manifest needs projects")
    assert isinstance(projects, list)
    ids: set[str] = set()
    for p in projects:
        _require(isinstance(p, dict), "bad_project", "each project is an object")
        pid = _text(p.get("id"), "project id")
        _require(pid not in ids, "duplicate_project", f"project id {pid!r} is used twice")
        ids.add(pid)
        _int(p.get("cost"), f"cost of project {pid!r}", 1)
        area = p.get("area")
        _require(area is None or area in FISCAL_AREAS, "bad_area", f"project {pid!r}: unknown fiscal area {area!r}")
    return ids


def _check_stage(s: object, ids: set[str], groups: set[str], modules: set[str], seen: list[str]) -> None:
    _require(isinstance(s, dict), "bad_stage", "each stage is an object")
    assert isinstance(s, dict)
    sid = _text(s.get("id"), "stage id")
    _require(sid not in seen, "duplicate_stage", f"stage id {sid!r} is used twice")
    _require(s.get("scheme") in SCHEMES, "unknown_scheme", f"stage {sid!r}: unknown scheme {s.get('scheme')!r}")
    stage_groups = s.get("groups")
    _require(isinstance(stage_groups, list) and bool(stage_groups), "bad_stage", f"stage {sid!r} needs groups")
    assert isinstance(stage_groups, list)
    for g in stage_groups:
        _require(g in groups, "unknown_group", f"stage {sid!r}: unknown voter group {g!r}")
    for m in s.get("education", []):
        _require(m in modules, "unknown_module", f"stage {sid!r}: unknown education module {m!r}")
    _require(s.get("revote", "last") in REVOTE_POLICIES, "bad_revote", f"stage {sid!r}: revote is last or first")
    rule = s.get("candidates", {"rule": "fixed"})
    _require(
        isinstance(rule, dict) and rule.get("rule") in CANDIDATE_RULES,
        "bad_candidates",
        f"stage {sid!r}: candidates.rule is one of {', '.join(CANDIDATE_RULES)}",
    )
    if rule["rule"] == "fixed":
        for pid in rule.get("projects", []):
            _require(pid in ids, "unknown_project", f"stage {sid!r}: unknown project {pid!r}")
    else:
        _require(
            rule.get("from_stage") in seen, "bad_candidates", f"stage {sid!r}: from_stage must name an earlier stage"
        )
        if rule["rule"] == "top_k":
            _int(rule.get("k"), f"stage {sid!r}: candidates.k", 1)
    try:  # validate scheme parameters against the full project list (costs matter for budget)
        make_scheme(s["scheme"], s.get("params", {}), [Project(p, 1) for p in sorted(ids)])
    except SchemeError as exc:
        raise ManifestError(exc.code, f"stage {sid!r}: {exc.message}") from exc
    seen.append(sid)


def load_manifest(data: Mapping[str, Any]) -> Manifest:
    """Validate a manifest dictionary; ``ManifestError`` names the first problem."""
    _require(isinstance(data, Mapping), "bad_manifest", "the manifest is a JSON object")
    _require(data.get("version") == 1, "bad_version", "manifest version must be 1")
    _text(data.get("election_id"), "election_id")
    _int(data.get("budget"), "budget", 1)
    ids = _check_projects(data.get("projects"))
    groups_raw = data.get("groups")
    _require(isinstance(groups_raw, list) and bool(groups_raw), "bad_groups", "the manifest needs voter groups")
    assert isinstance(groups_raw, list)
    groups: set[str] = set()
    for g in groups_raw:
        gid = _text(g.get("id") if isinstance(g, dict) else None, "group id")
        _require(gid not in groups, "duplicate_group", f"group {gid!r} is listed twice")
        _int(g.get("weight"), f"weight of group {gid!r}")
        groups.add(gid)
    modules = {m["id"] for m in data.get("education", []) if isinstance(m, dict) and "id" in m}
    stages = data.get("stages")
    _require(isinstance(stages, list) and bool(stages), "no_stages", "the manifest needs stages")
    assert isinstance(stages, list)
    seen: list[str] = []
    for s in stages:
        _check_stage(s, ids, groups, modules, seen)
    final = data.get("final_ranking", {"sources": []})
    for src in final.get("sources", []):
        _require(
            src.get("group") in groups and src.get("stage") in seen,
            "bad_final_ranking",
            "final_ranking.sources name a known group and stage",
        )
    trustees = data.get("trustees")
    _require(isinstance(trustees, dict), "bad_trustees", "trustees: {n, k} is required")
    assert isinstance(trustees, dict)
    n, k = _int(trustees.get("n"), "trustees.n", 1), _int(trustees.get("k"), "trustees.k", 1)
    _require(k <= n, "bad_trustees", "trustees.k must not exceed trustees.n")
    return Manifest(dict(data))


def stage_definition(manifest: Manifest, stage_id: str, candidates: list[str]) -> dict[str, Any]:
    """The resolved stage (``stages/<s>/stage.json``) for a candidate list."""
    spec = manifest.stage(stage_id)
    projects = manifest.projects
    return {
        "stage_id": spec.id,
        "scheme": spec.scheme,
        "params": dict(spec.params),
        "candidates": [{"id": pid, "cost": int(projects[pid]["cost"])} for pid in candidates],
        "groups": list(spec.groups),
        "revote": spec.revote,
    }


def stage_hash(definition: Mapping[str, Any]) -> bytes:
    return hash_elements(STAGE_TAG, canonical_json(dict(definition)))


def scheme_for(definition: Mapping[str, Any]) -> Any:
    """The ballot scheme of a resolved stage definition."""
    projects = [Project(c["id"], int(c["cost"])) for c in definition["candidates"]]
    return make_scheme(definition["scheme"], definition["params"], projects)
