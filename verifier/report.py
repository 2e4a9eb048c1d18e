"""Per-check tallies of items checked and failed, with the first failure messages, and their output.

Checks record into a ``Report`` in whatever order the work happens (a streamed ballot touches five
checks at once); the report always prints V1…V15 in order, so two runs of the same record compare
line by line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

__all__ = ["CHECKS", "CheckResult", "Report"]

CHECKS: tuple[tuple[str, str], ...] = (
    ("V1", "structure"),
    ("V2", "manifest"),
    ("V3", "ceremony"),
    ("V4", "rolls"),
    ("V5", "signatures"),
    ("V6", "proofs"),
    ("V7", "tracking"),
    ("V8", "board"),
    ("V9", "counting"),
    ("V10", "tally"),
    ("V11", "decryption"),
    ("V12", "results"),
    ("V13", "ranking"),
    ("V14", "audited"),
    ("V15", "audit log"),
)
KEPT_MESSAGES = 20


@dataclass
class CheckResult:
    """Counts of one check; only the first ``KEPT_MESSAGES`` failure messages are kept."""

    check_id: str
    name: str
    checked: int = 0
    failed: int = 0
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.failed == 0

    def as_json(self) -> dict[str, Any]:
        return {"id": self.check_id, "name": self.name, "checked": self.checked, "failed": self.failed,
                "failures": list(self.failures)}


class Report:
    """The outcome of verifying one record."""

    def __init__(self) -> None:
        self.results = {cid: CheckResult(cid, name) for cid, name in CHECKS}

    def item(self, check_id: str, messages: list[str] | str | None = None) -> bool:
        """Count one checked item; it failed iff ``messages`` is non-empty. Returns True if it passed."""
        result = self.results[check_id]
        result.checked += 1
        if not messages:
            return True
        if isinstance(messages, str):
            messages = [messages]
        result.failed += 1
        room = KEPT_MESSAGES - len(result.failures)
        if room > 0:
            result.failures.extend(messages[:room])
        return False

    def ok_item(self, check_id: str, count: int = 1) -> None:
        """Count ``count`` items that passed."""
        self.results[check_id].checked += count

    def fail(self, check_id: str, message: str) -> None:
        """Count one failed item."""
        self.item(check_id, [message])

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results.values())

    @property
    def failed_ids(self) -> list[str]:
        return [cid for cid, r in self.results.items() if not r.ok]

    def as_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "checks": [r.as_json() for r in self.results.values()]}

    def write_json(self, path: Path) -> None:
        path.write_text(json.dumps(self.as_json(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    def print(self, out: TextIO, shown: int = 5) -> None:
        """Human-readable summary: one line per check, then its first failures."""
        for r in self.results.values():
            status = "ok  " if r.ok else "FAIL"
            out.write(f"{status} {r.check_id:<4} {r.name:<11} checked {r.checked:>8}  failed {r.failed:>6}\n")
            for message in r.failures[:shown]:
                out.write(f"       - {message}\n")
            if r.failed > shown:
                out.write(f"       … {r.failed - shown} more failure(s)\n")
        out.write("RESULT: " + ("the record verifies\n" if self.ok else f"FAILED ({', '.join(self.failed_ids)})\n"))
