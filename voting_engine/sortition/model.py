"""Plain data types shared by the sortition modules, and the one error type they raise.

Everything here is immutable so a parsed problem can be handed to the solver, the lottery and the
report builder without any of them being able to change what the others see.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "Person",
    "Pool",
    "Problem",
    "Quota",
    "Reservation",
    "SortitionError",
]


class SortitionError(Exception):
    """A user-facing failure with a stable machine-readable ``code``.

    ``details`` carries structured data (e.g. the suggested quota relaxation) so that the CLI and a
    future HTTP handler can show the same explanation without parsing the message.
    """

    def __init__(self, code: str, message: str, details: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details: dict[str, Any] = dict(details or {})

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly form for API responses."""
        return {"code": self.code, "message": self.message, "details": self.details}


@dataclass(frozen=True)
class Person:
    """One pool row: pseudonymous id, its household key ("" = lives alone) and every column."""

    person_id: str
    household: str
    columns: Mapping[str, str]


@dataclass(frozen=True)
class Pool:
    """The parsed pool; ``sha256`` is the hash of the exact bytes that were published."""

    people: tuple[Person, ...]
    columns: tuple[str, ...]
    id_column: str
    household_columns: tuple[str, ...] = ()
    sha256: str = ""

    def __len__(self) -> int:
        return len(self.people)


@dataclass(frozen=True)
class Quota:
    """Inclusive bounds on how many panel members have ``feature == value``."""

    feature: str
    value: str
    min: int
    max: int


@dataclass(frozen=True)
class Reservation:
    """At least ``seats`` panel members must match one of ``conditions`` (feature, value) pairs.

    Reserved seats are a floor, not a separate sub-panel: the members who fill them also count
    towards the total and towards every ordinary quota, and more than ``seats`` may be selected.
    """

    seats: int
    conditions: tuple[tuple[str, str], ...]

    @property
    def label(self) -> str:
        return ",".join(f"{feature}={value}" for feature, value in self.conditions)

    def matches(self, columns: Mapping[str, str]) -> bool:
        return any(columns.get(feature) == value for feature, value in self.conditions)


@dataclass(frozen=True)
class Problem:
    """A validated selection problem: who, which quotas, how many seats, which reservations."""

    pool: Pool
    quotas: tuple[Quota, ...]
    seats: int
    reservations: tuple[Reservation, ...] = ()

    @property
    def type_features(self) -> tuple[str, ...]:
        """Columns that make two people distinguishable to the constraints (sorted by name)."""
        names = {q.feature for q in self.quotas}
        for reservation in self.reservations:
            names.update(feature for feature, _ in reservation.conditions)
        return tuple(sorted(names))
