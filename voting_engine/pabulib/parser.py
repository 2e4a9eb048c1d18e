"""Reader for Pabulib ``.pb`` files (http://pabulib.org/format), tolerant of real-data quirks.

Pabulib files are three `;`-separated CSV tables (META, PROJECTS, VOTES), each with a header row.
Real files differ in small ways — CRLF or LF line ends, a BOM, quoted fields containing `;` or
`"`, empty trailing fields, `none` for missing values, decimal budgets and costs, non-numeric ids —
so the reader normalises those and keeps everything it does not interpret (``extra`` columns).
Anything it cannot make sense of raises ``PabulibError`` with a stable code and the line number.
The parser keeps votes exactly as listed (order and duplicates included); policies for duplicates
live in ``convert.py``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

SECTIONS = ("meta", "projects", "votes")
VOTE_TYPES = ("approval", "choose-1", "cumulative", "ordinal", "scoring")
_MISSING = ("", "none")


class PabulibError(ValueError):
    """Malformed Pabulib input; ``code`` is machine-readable, ``line`` is 1-based (0 if unknown)."""

    def __init__(self, code: str, message: str, line: int = 0) -> None:
        super().__init__(f"line {line}: {message}" if line else message)
        self.code = code
        self.message = message
        self.line = line


@dataclass(frozen=True, slots=True)
class PabulibProject:
    """One PROJECTS row: ``votes``/``score``/``selected`` are None when the column is absent or empty."""

    id: str
    cost: Decimal
    name: str | None = None
    votes: int | None = None
    score: int | None = None
    selected: int | None = None
    extra: Mapping[str, str] = field(default_factory=dict)
    line: int = 0


@dataclass(frozen=True, slots=True)
class PabulibVote:
    """One VOTES row: projects in the order listed (duplicates kept), points aligned with them."""

    voter_id: str
    projects: tuple[str, ...]
    points: tuple[int, ...] | None = None
    extra: Mapping[str, str] = field(default_factory=dict)
    line: int = 0


@dataclass(frozen=True, slots=True)
class PabulibElection:
    """A parsed file: META as strings, projects in file order, votes in file order."""

    meta: Mapping[str, str]
    projects: tuple[PabulibProject, ...]
    votes: tuple[PabulibVote, ...]
    project_columns: tuple[str, ...] = ()
    vote_columns: tuple[str, ...] = ()

    @property
    def vote_type(self) -> str:
        return self.meta["vote_type"]

    @property
    def rule(self) -> str:
        return self.meta.get("rule", "unknown")

    @property
    def budget(self) -> Decimal:
        return parse_decimal(self.meta["budget"], "budget")

    def project(self, project_id: str) -> PabulibProject:
        for p in self.projects:
            if p.id == project_id:
                return p
        raise KeyError(project_id)

    def meta_int(self, key: str) -> int | None:
        """An integer META value, or None when absent/empty; ``PabulibError`` when not integral."""
        raw = self.meta.get(key, "")
        if raw.strip().lower() in _MISSING:
            return None
        return parse_int(raw, key)


def parse_decimal(raw: str, what: str, line: int = 0) -> Decimal:
    """A finite decimal; a comma is accepted as the decimal separator (as pabutools does)."""
    text = raw.strip().replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise PabulibError("bad_number", f"{what} {raw!r} is not a number", line) from None
    if not value.is_finite():
        raise PabulibError("bad_number", f"{what} {raw!r} is not a finite number", line)
    return value


def parse_int(raw: str, what: str, line: int = 0) -> int:
    """An integer; integral decimals such as ``12.0`` are accepted."""
    value = parse_decimal(raw, what, line)
    if value != value.to_integral_value():
        raise PabulibError("not_integer", f"{what} {raw!r} is not an integer", line)
    return int(value)


def _optional_int(raw: str | None, what: str, line: int) -> int | None:
    if raw is None or raw.strip().lower() in _MISSING:
        return None
    return parse_int(raw, what, line)


def _rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """CSV rows with stripped fields and their starting line, skipping blank lines."""
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", quotechar='"', skipinitialspace=True)
    line = 1
    try:
        for row in reader:
            fields = [f.strip() for f in row]
            if any(fields):
                yield line, fields
            line = reader.line_num + 1
    except csv.Error as exc:
        raise PabulibError("bad_csv", f"unreadable CSV: {exc}", line) from None


def _header(fields: list[str], line: int, section: str) -> list[str]:
    while fields and not fields[-1]:
        fields = fields[:-1]  # trailing separator on the header row
    if not fields or any(not f for f in fields):
        raise PabulibError("bad_header", f"{section} header has empty column names", line)
    names = [f.lower() for f in fields]
    if len(set(names)) != len(names):
        raise PabulibError("bad_header", f"{section} header repeats a column", line)
    return names


def _record(header: list[str], fields: list[str], line: int, section: str) -> dict[str, str]:
    if len(fields) > len(header):
        if any(fields[len(header) :]):
            raise PabulibError(
                "too_many_fields", f"{section} row has {len(fields)} fields, header has {len(header)}", line
            )
        fields = fields[: len(header)]
    fields = fields + [""] * (len(header) - len(fields))  # missing trailing fields read as empty
    return dict(zip(header, fields, strict=True))


def _project(rec: dict[str, str], line: int, known: set[str]) -> PabulibProject:
    pid = rec.get("project_id", "")
    if not pid:
        raise PabulibError("missing_field", "project without project_id", line)
    if pid in known:
        raise PabulibError("duplicate_project", f"project id {pid!r} appears twice", line)
    if not rec.get("cost"):
        raise PabulibError("missing_field", f"project {pid!r} has no cost", line)
    cost = parse_decimal(rec["cost"], f"cost of project {pid!r}", line)
    if cost < 0:
        raise PabulibError("bad_number", f"project {pid!r} has a negative cost", line)
    core = {"project_id", "cost", "name", "votes", "score", "selected"}
    return PabulibProject(
        id=pid,
        cost=cost,
        name=rec.get("name") or None,
        votes=_optional_int(rec.get("votes"), f"votes of project {pid!r}", line),
        score=_optional_int(rec.get("score"), f"score of project {pid!r}", line),
        selected=_optional_int(rec.get("selected"), f"selected flag of project {pid!r}", line),
        extra={k: v for k, v in rec.items() if k not in core},
        line=line,
    )


def _vote(rec: dict[str, str], line: int, projects: set[str], seen: set[str]) -> PabulibVote:
    voter = rec.get("voter_id", "")
    if not voter:
        raise PabulibError("missing_field", "vote without voter_id", line)
    if voter in seen:
        raise PabulibError("duplicate_voter", f"voter id {voter!r} appears twice", line)
    listed = tuple(p.strip() for p in rec.get("vote", "").split(",") if p.strip())
    for pid in listed:
        if pid not in projects:
            raise PabulibError("unknown_project", f"voter {voter!r} votes for unknown project {pid!r}", line)
    points: tuple[int, ...] | None = None
    if "points" in rec:
        raw = [p.strip() for p in rec["points"].split(",") if p.strip()]
        points = tuple(parse_int(p, f"points of voter {voter!r}", line) for p in raw)
        if len(points) != len(listed):
            raise PabulibError(
                "points_mismatch", f"voter {voter!r} lists {len(listed)} projects but {len(points)} points", line
            )
    extra = {k: v for k, v in rec.items() if k not in ("voter_id", "vote", "points")}
    return PabulibVote(voter_id=voter, projects=listed, points=points, extra=extra, line=line)


def parse_pb(text: str) -> PabulibElection:
    """Parse the text of a ``.pb`` file; raises ``PabulibError`` naming the first defect."""
    meta: dict[str, str] = {}
    projects: list[PabulibProject] = []
    votes: list[PabulibVote] = []
    headers: dict[str, list[str]] = {}
    project_ids: set[str] = set()
    voter_ids: set[str] = set()
    section = ""
    expect_header = False
    for line, fields in _rows(text):
        name = fields[0].lower()
        if name in SECTIONS and not any(fields[1:]):
            if name in headers or name == section:
                raise PabulibError("repeated_section", f"section {name.upper()} appears twice", line)
            if SECTIONS.index(name) < (SECTIONS.index(section) if section else -1):
                raise PabulibError("section_order", f"section {name.upper()} after {section.upper()}", line)
            section, expect_header = name, True
            continue
        if not section:
            raise PabulibError("no_section", "data before the META section", line)
        if expect_header:
            headers[section] = _header(fields, line, section.upper())
            if section == "meta" and headers[section][:2] != ["key", "value"]:
                raise PabulibError("bad_header", "META header must be key;value", line)
            expect_header = False
            continue
        rec = _record(headers[section], fields, line, section.upper())
        if section == "meta":
            key = rec["key"]
            if key in meta:
                raise PabulibError("duplicate_meta", f"META key {key!r} appears twice", line)
            meta[key] = rec["value"]
        elif section == "projects":
            projects.append(_project(rec, line, project_ids))
            project_ids.add(projects[-1].id)
        else:
            votes.append(_vote(rec, line, project_ids, voter_ids))
            voter_ids.add(votes[-1].voter_id)
    return _finish(meta, projects, votes, headers)


def _finish(
    meta: dict[str, str], projects: list[PabulibProject], votes: list[PabulibVote], headers: dict[str, list[str]]
) -> PabulibElection:
    for section in ("meta", "projects"):
        if section not in headers:
            raise PabulibError("missing_section", f"no {section.upper()} section")
    for key in ("budget", "vote_type"):
        if not meta.get(key):
            raise PabulibError("missing_meta", f"META has no {key!r}")
    if meta["vote_type"] not in VOTE_TYPES:
        raise PabulibError("unknown_vote_type", f"vote_type {meta['vote_type']!r} is not one of {VOTE_TYPES}")
    election = PabulibElection(
        meta=meta,
        projects=tuple(projects),
        votes=tuple(votes),
        project_columns=tuple(headers["projects"]),
        vote_columns=tuple(headers.get("votes", ())),
    )
    election.budget  # noqa: B018 - validates the budget value
    counts = [("num_projects", len(projects))]
    if "votes" in headers:  # a results export may omit VOTES; then num_votes is only informative
        counts.append(("num_votes", len(votes)))
    for key, count in counts:
        declared = election.meta_int(key)
        if declared is not None and declared != count:
            raise PabulibError("count_mismatch", f"META {key} is {declared} but the file has {count}")
    return election


def load_pb(path: str | Path) -> PabulibElection:
    """Read and parse a ``.pb`` file (UTF-8, optional BOM)."""
    return parse_pb(Path(path).read_text(encoding="utf-8-sig"))
