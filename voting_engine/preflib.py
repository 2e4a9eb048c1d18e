"""Reader for PrefLib ordinal preference files (``.soc``, ``.soi``, ``.toc``, ``.toi``).

PrefLib (https://www.preflib.org/format) stores real ranked elections, which we use to check the
ranked tabulation (``voting_engine.ranked``) against a second library.  A file is a block of
``# KEY: value`` header lines (``ALTERNATIVE NAME i``, ``NUMBER VOTERS``, …) followed by lines
``count: order``, an order being alternatives best first, separated by commas, with ``{a,b}``
for a group of tied alternatives.  The data type fixes what orders may look like: ``soc`` strict
and complete, ``soi`` strict and possibly incomplete, ``toc`` complete with ties, ``toi`` any.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

Order = tuple[tuple[int, ...], ...]
"""A ranking best first; each position is a group of tied alternatives (usually one)."""

_HEADER = re.compile(r"^#\s*([^:]+?)\s*:\s?(.*)$")
_ALTERNATIVE = re.compile(r"^ALTERNATIVE NAME (\d+)$")
DATA_TYPES = ("soc", "soi", "toc", "toi")


class PreflibError(ValueError):
    """Malformed PrefLib input; ``code`` is machine-readable, ``line`` 1-based (0 if unknown)."""

    def __init__(self, code: str, message: str, line: int = 0) -> None:
        super().__init__(f"line {line}: {message}" if line else message)
        self.code = code
        self.line = line


@dataclass(frozen=True, slots=True)
class PreflibProfile:
    """Header values, alternative names by number, and each distinct order with its voter count."""

    data_type: str
    metadata: Mapping[str, str]
    alternatives: Mapping[int, str]
    orders: tuple[Order, ...]
    counts: tuple[int, ...]

    @property
    def voters(self) -> int:
        return sum(self.counts)

    def candidates(self) -> list[str]:
        """Alternative numbers as strings, in numeric order (the labels the tabulators use)."""
        return [str(a) for a in sorted(self.alternatives)]

    def ballots(self) -> list[list[str | list[str]]]:
        """Orders as ranked ballots: a single label per strict position, a list for a tie."""
        return [[str(g[0]) if len(g) == 1 else [str(a) for a in g] for g in order] for order in self.orders]

    def strict_ballots(self) -> list[list[str]]:
        """Orders as strict rankings; a tie anywhere raises ``PreflibError``."""
        out: list[list[str]] = []
        for order in self.orders:
            if any(len(g) > 1 for g in order):
                raise PreflibError("ties", f"order {order} has tied alternatives")
            out.append([str(g[0]) for g in order])
        return out

    def completed(self) -> PreflibProfile:
        """The ``soi`` → ``toc`` step PrefLib itself uses: alternatives an order leaves out are added
        at the bottom as one tied group (a single one stays a plain last rank).  Orders that become
        identical are merged, first occurrence first."""
        everyone = set(self.alternatives)
        merged: dict[Order, int] = {}
        for order, count in zip(self.orders, self.counts, strict=True):
            missing = tuple(sorted(everyone - {a for g in order for a in g}))
            full = (*order, missing) if missing else order
            merged[full] = merged.get(full, 0) + count
        kind = {"soi": "toc", "soc": "soc", "toc": "toc"}.get(self.data_type, "toc")
        return PreflibProfile(kind, self.metadata, self.alternatives, tuple(merged), tuple(merged.values()))


def _parse_order(text: str, line: int) -> Order:
    groups: list[tuple[int, ...]] = []
    for match in re.finditer(r"\{([^}]*)\}|([^,{}]+)", text):
        raw = match.group(1) if match.group(1) is not None else match.group(2)
        if match.group(1) is None and not raw.strip():
            continue  # blanks between separators
        items = [x.strip() for x in raw.split(",") if x.strip()]
        if not items:
            raise PreflibError("bad_order", f"empty group in {text!r}", line)
        try:
            groups.append(tuple(int(x) for x in items))
        except ValueError:
            raise PreflibError("bad_order", f"non-numeric alternative in {text!r}", line) from None
    leftover = re.sub(r"\{[^}]*\}|[^,{}]+|,", "", text)
    if leftover.strip():
        raise PreflibError("bad_order", f"unbalanced braces in {text!r}", line)
    return tuple(groups)


def _check_order(order: Order, data_type: str, alternatives: Mapping[int, str], line: int) -> None:
    flat = [a for g in order for a in g]
    unknown = [a for a in flat if a not in alternatives]
    if unknown:
        raise PreflibError("unknown_alternative", f"alternative {unknown[0]} is not declared", line)
    if len(set(flat)) != len(flat):
        raise PreflibError("repeated_alternative", "an alternative appears twice in one order", line)
    if data_type in ("soc", "soi") and any(len(g) > 1 for g in order):
        raise PreflibError("ties_in_strict", f"{data_type} orders cannot contain ties", line)
    if data_type in ("soc", "toc") and len(flat) != len(alternatives):
        raise PreflibError("incomplete_order", f"{data_type} orders must rank every alternative", line)


def parse_preflib(text: str, data_type: str | None = None) -> PreflibProfile:
    """Parse file text; ``data_type`` defaults to the ``DATA TYPE`` header."""
    metadata: dict[str, str] = {}
    alternatives: dict[int, str] = {}
    rows: list[tuple[int, int, Order]] = []
    for line, raw in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        stripped = raw.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            header = _HEADER.match(stripped)
            if header is None:
                continue  # a free comment line
            key, value = header.group(1).strip().upper(), header.group(2).strip()
            alt = _ALTERNATIVE.match(key)
            if alt:
                alternatives[int(alt.group(1))] = value
            else:
                metadata[key] = value
            continue
        count_text, sep, order_text = stripped.partition(":")
        if not sep or not count_text.strip().isdigit():
            raise PreflibError("bad_line", f"expected 'count: order', got {stripped!r}", line)
        rows.append((line, int(count_text), _parse_order(order_text, line)))
    kind = (data_type or metadata.get("DATA TYPE", "")).lower()
    if kind not in DATA_TYPES:
        raise PreflibError("data_type", f"unsupported data type {kind!r}; expected one of {DATA_TYPES}")
    if not alternatives:
        declared = int(metadata.get("NUMBER ALTERNATIVES", "0") or 0)
        alternatives = {i: str(i) for i in range(1, declared + 1)}
    for line, _, order in rows:
        _check_order(order, kind, alternatives, line)
    profile = PreflibProfile(kind, metadata, alternatives, tuple(o for _, _, o in rows), tuple(c for _, c, _ in rows))
    _check_totals(profile)
    return profile


def _check_totals(profile: PreflibProfile) -> None:
    for key, actual in (
        ("NUMBER ALTERNATIVES", len(profile.alternatives)),
        ("NUMBER VOTERS", profile.voters),
        ("NUMBER UNIQUE ORDERS", len(profile.orders)),
    ):
        declared = profile.metadata.get(key)
        if declared is not None and declared.isdigit() and int(declared) != actual:
            raise PreflibError("count_mismatch", f"header {key} is {declared} but the data has {actual}")


def load_preflib(path: str | Path) -> PreflibProfile:
    """Read a PrefLib file; the data type comes from the header, else from the file extension."""
    target = Path(path)
    text = target.read_text(encoding="utf-8")
    header_type = "# DATA TYPE" in text.upper()
    return parse_preflib(text, None if header_type else target.suffix.lstrip("."))
