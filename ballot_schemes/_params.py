"""Small helpers for validating scheme parameters and choices with clear errors."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ballot_schemes.errors import InvalidChoice, SchemeParameterError


def int_param(params: Mapping[str, Any], key: str, *, default: int | None = None, minimum: int = 0) -> int:
    """An integer parameter ≥ ``minimum``; booleans and floats are refused."""
    if key not in params:
        if default is None:
            raise SchemeParameterError("missing_parameter", f"parameter {key!r} is required")
        return default
    value = params[key]
    if isinstance(value, bool) or not isinstance(value, int):
        raise SchemeParameterError("bad_parameter", f"parameter {key!r} must be an integer, got {value!r}")
    if value < minimum:
        raise SchemeParameterError("bad_parameter", f"parameter {key!r} must be at least {minimum}, got {value}")
    return value


def known_params(params: Mapping[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise SchemeParameterError("unknown_parameter", f"unknown parameter(s): {', '.join(unknown)}")


def choice_field(choice: Mapping[str, Any], key: str, kind: type) -> Any:
    if not isinstance(choice, Mapping):
        raise InvalidChoice("schema", "a choice must be an object")
    extra = sorted(set(choice) - {key})
    if extra:
        raise InvalidChoice("schema", f"unexpected field(s) in choice: {', '.join(extra)}")
    if key not in choice:
        raise InvalidChoice("schema", f"the choice needs a {key!r} field")
    value = choice[key]
    if not isinstance(value, kind):
        raise InvalidChoice("schema", f"{key!r} must be a {kind.__name__}")
    return value


def project_list(value: Sequence[Any], index: Mapping[str, int]) -> list[str]:
    """A list of known, distinct project ids."""
    seen: set[str] = set()
    for item in value:
        if not isinstance(item, str):
            raise InvalidChoice("schema", "project ids must be strings")
        if item not in index:
            raise InvalidChoice("unknown_project", f"unknown project {item!r}")
        if item in seen:
            raise InvalidChoice("duplicate_project", f"project {item!r} is listed twice")
        seen.add(item)
    return list(value)


def project_points(value: Mapping[str, Any], index: Mapping[str, int], hi: int, rule: str) -> dict[str, int]:
    """A mapping project id → integer in [0, hi]."""
    out: dict[str, int] = {}
    for key, points in value.items():
        if key not in index:
            raise InvalidChoice("unknown_project", f"unknown project {key!r}")
        if isinstance(points, bool) or not isinstance(points, int):
            raise InvalidChoice("schema", f"value for {key!r} must be an integer")
        if points < 0:
            raise InvalidChoice("negative_value", f"value for {key!r} is negative ({points})")
        if points > hi:
            raise InvalidChoice(rule, f"value for {key!r} is {points}, above the maximum {hi}")
        out[key] = points
    return out
