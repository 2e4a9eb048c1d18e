"""Which ballots on a stage's board count: eligibility, revocation and the re-vote policy.

Policy ``last``: a credential's last ballot on the board counts and its earlier ones are
superseded (voters can change their mind, which also blunts coercion).  Policy ``first``: only
its first ballot counts.  Ballots by revoked credentials never count.  The verifier recomputes
exactly this (check V9 of ``docs/election-record.md``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass
class GroupCount:
    """Board positions of one voter group's ballots, by fate."""

    counted: list[int] = field(default_factory=list)
    superseded: list[int] = field(default_factory=list)
    excluded_revoked: list[int] = field(default_factory=list)

    def to_json(self) -> dict[str, list[int]]:
        return {
            "counted": sorted(self.counted),
            "superseded": sorted(self.superseded),
            "excluded_revoked": sorted(self.excluded_revoked),
        }


def count_board(
    entries: Iterable[tuple[int, bytes]],
    group_of: Mapping[bytes, str],
    revoked: set[bytes],
    policy: str,
    groups: Iterable[str],
) -> dict[str, GroupCount]:
    """Split board entries ``(position, credential)`` per group; credentials must be on a roll."""
    if policy not in ("last", "first"):
        raise ValueError(f"unknown re-vote policy {policy!r}")
    result = {g: GroupCount() for g in groups}
    chosen: dict[bytes, int] = {}
    for position, credential in sorted(entries):
        group = result[group_of[credential]]
        if credential in revoked:
            group.excluded_revoked.append(position)
            continue
        previous = chosen.get(credential)
        if previous is None:
            chosen[credential] = position
        elif policy == "last":
            group.superseded.append(previous)
            chosen[credential] = position
        else:
            group.superseded.append(position)
    for credential, position in chosen.items():
        result[group_of[credential]].counted.append(position)
    for count in result.values():
        count.counted.sort()
        count.superseded.sort()
    return result
