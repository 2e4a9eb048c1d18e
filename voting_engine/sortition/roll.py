"""Turn a drawn panel into the committee roll that later feeds credential issuance.

The roll has the fixed columns ``person_id,group,region,age_band,gender``.  Which pool column feeds
each of region/age_band/gender is given by a small mapping (default: a pool column of the same
name, compared case-insensitively); unmapped columns are left blank rather than guessed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence

from voting_engine.sortition.model import Pool, SortitionError

__all__ = ["ROLL_COLUMNS", "committee_roll", "parse_roll_mapping", "roll_csv"]

ROLL_COLUMNS = ("person_id", "group", "region", "age_band", "gender")
MAPPABLE = ROLL_COLUMNS[2:]


def _default_mapping(pool: Pool) -> dict[str, str]:
    lower = {column.lower(): column for column in pool.columns}
    return {target: lower[target] for target in MAPPABLE if target in lower}


def parse_roll_mapping(items: Sequence[str]) -> dict[str, str]:
    """``["region=geo_bucket", "gender=Gender"]`` -> mapping; unknown roll columns are an error."""
    mapping: dict[str, str] = {}
    for item in items:
        for part in item.split(","):
            target, eq, source = part.partition("=")
            target, source = target.strip(), source.strip()
            if not eq or target not in MAPPABLE or not source:
                raise SortitionError(
                    "roll_mapping_invalid",
                    f"roll mapping must look like region=COLUMN ({'/'.join(MAPPABLE)}), got {part!r}",
                )
            mapping[target] = source
    return mapping


def committee_roll(
    pool: Pool, selected: Sequence[str], mapping: Mapping[str, str] | None = None, group: str = "committee"
) -> list[dict[str, str]]:
    """One roll row per selected person, in the order of ``selected``."""
    columns = {**_default_mapping(pool), **(mapping or {})}
    for target, source in columns.items():
        if source not in pool.columns:
            raise SortitionError(
                "roll_mapping_invalid", f"roll column {target!r} maps to unknown pool column {source!r}"
            )
    people = {person.person_id: person for person in pool.people}
    rows: list[dict[str, str]] = []
    for person_id in selected:
        person = people.get(person_id)
        if person is None:
            raise SortitionError("roll_unknown_id", f"selected id {person_id!r} is not in the pool")
        row = {"person_id": person_id, "group": group}
        for target in MAPPABLE:
            column = columns.get(target)
            row[target] = person.columns.get(column, "") if column is not None else ""
        rows.append(row)
    return rows


def roll_csv(rows: Sequence[Mapping[str, str]]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=list(ROLL_COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()
