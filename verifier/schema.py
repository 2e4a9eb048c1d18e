"""A small JSON Schema checker for the subset the record schemas use (stdlib only).

Supported keywords: type, properties, required, additionalProperties, items, enum, const, pattern,
minimum, maximum, minLength, maxLength, minItems, maxItems, anyOf, $ref (local ``#/$defs/…``).
Unknown keywords are refused when a schema is loaded, so a schema never silently checks less than it
says. Errors carry a JSON-pointer-like path to the offending value.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["SchemaError", "check_schema", "load_schema", "validate", "validate_with"]

_KEYWORDS = {
    "$schema", "$id", "$defs", "$ref", "title", "description", "type", "properties", "required",
    "additionalProperties", "items", "enum", "const", "pattern", "minimum", "maximum", "minLength",
    "maxLength", "minItems", "maxItems", "anyOf",
}
_MAX_ERRORS = 5
# Located beside this file rather than through ``importlib.resources("verifier")``: a test package
# also named ``verifier`` (tests/verifier) must not be able to redirect the lookup.
_SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"


class SchemaError(ValueError):
    """A schema file is itself malformed or uses an unsupported keyword."""


def _type_ok(value: Any, name: str) -> bool:
    if name == "object":
        return isinstance(value, dict)
    if name == "array":
        return isinstance(value, list)
    if name == "string":
        return isinstance(value, str)
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if name == "boolean":
        return isinstance(value, bool)
    if name == "null":
        return value is None
    raise SchemaError(f"unknown type {name!r}")


def check_schema(schema: Any, where: str = "schema") -> None:
    """Refuse a schema that uses a keyword this checker does not implement."""
    _check_keywords(schema, where)


def _check_keywords(schema: Any, where: str) -> None:
    if isinstance(schema, bool):
        return
    if not isinstance(schema, dict):
        raise SchemaError(f"{where}: a schema must be an object or a boolean")
    unknown = set(schema) - _KEYWORDS
    if unknown:
        raise SchemaError(f"{where}: unsupported keywords {sorted(unknown)}")
    for key in ("properties", "$defs"):
        for name, sub in schema.get(key, {}).items():
            _check_keywords(sub, f"{where}/{key}/{name}")
    for key in ("items", "additionalProperties"):
        if key in schema:
            _check_keywords(schema[key], f"{where}/{key}")
    for i, sub in enumerate(schema.get("anyOf", [])):
        _check_keywords(sub, f"{where}/anyOf/{i}")


@cache
def load_schema(name: str) -> dict[str, Any]:
    """Load ``verifier/schemas/<name>.json`` and check it uses only supported keywords."""
    text = (_SCHEMA_DIR / f"{name}.json").read_text(encoding="utf-8")
    schema = json.loads(text)
    _check_keywords(schema, name)
    if not isinstance(schema, dict):
        raise SchemaError(f"{name}: top-level schema must be an object")
    return schema


Path_ = list[str | int]
Validator = Callable[[Any, Path_, list[str]], None]


def _where(path: Path_) -> str:
    return "/" + "/".join(str(p) for p in path)


def _compile(schema: Any, root: dict[str, Any], refs: dict[str, Validator]) -> Validator:
    """Turn a schema into a closure tree once, so validating a million ballot lines stays cheap."""
    if schema is True:
        return lambda value, path, errors: None
    if schema is False:
        return lambda value, path, errors: errors.append(f"{_where(path)}: not allowed")
    checks: list[Validator] = []
    if "$ref" in schema:
        ref = schema["$ref"]
        if not ref.startswith("#/$defs/"):
            raise SchemaError(f"only local $defs references are supported, not {ref!r}")

        def by_ref(value: Any, path: Path_, errors: list[str]) -> None:
            if ref not in refs:
                refs[ref] = _compile(root["$defs"][ref[len("#/$defs/"):]], root, refs)
            refs[ref](value, path, errors)

        checks.append(by_ref)
    if "anyOf" in schema:
        options = [_compile(option, root, refs) for option in schema["anyOf"]]

        def any_of(value: Any, path: Path_, errors: list[str]) -> None:
            for option in options:
                trial: list[str] = []
                option(value, path, trial)
                if not trial:
                    return
            errors.append(f"{_where(path)}: matches none of the allowed forms")

        checks.append(any_of)
    checks += _compile_leaf(schema)
    if "items" in schema:
        item_check = _compile(schema["items"], root, refs)

        def items(value: Any, path: Path_, errors: list[str]) -> None:
            if isinstance(value, list):
                for i, item in enumerate(value):
                    path.append(i)
                    item_check(item, path, errors)
                    path.pop()

        checks.append(items)
    if {"properties", "required", "additionalProperties"} & set(schema):
        checks.append(_compile_object(schema, root, refs))
    typed = _compile_type(schema)

    def run(value: Any, path: Path_, errors: list[str]) -> None:
        if len(errors) >= _MAX_ERRORS:
            return
        if typed is not None and not typed(value, path, errors):
            return
        for check in checks:
            check(value, path, errors)

    return run


def _compile_type(schema: dict[str, Any]) -> Callable[[Any, Path_, list[str]], bool] | None:
    if "type" not in schema:
        return None
    types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    for t in types:
        _type_ok(None, t)  # refuses unknown type names at compile time

    def typed(value: Any, path: Path_, errors: list[str]) -> bool:
        if any(_type_ok(value, t) for t in types):
            return True
        errors.append(f"{_where(path)}: expected {' or '.join(types)}, got {type(value).__name__}")
        return False

    return typed


def _compile_leaf(schema: dict[str, Any]) -> list[Validator]:
    checks: list[Validator] = []
    if "enum" in schema:
        allowed = schema["enum"]
        checks.append(lambda v, p, e: None if v in allowed else e.append(f"{_where(p)}: {v!r} is not one of {allowed}"))
    if "const" in schema:
        const = schema["const"]
        checks.append(lambda v, p, e: None if v == const else e.append(f"{_where(p)}: expected {const!r}"))
    if {"pattern", "minLength", "maxLength"} & set(schema):
        regex = re.compile(schema["pattern"]) if "pattern" in schema else None
        lo, hi = schema.get("minLength", 0), schema.get("maxLength")

        def string(v: Any, p: Path_, e: list[str]) -> None:
            if not isinstance(v, str):
                return
            if regex is not None and not regex.search(v):
                e.append(f"{_where(p)}: {v[:40]!r} does not match {regex.pattern}")
            if len(v) < lo:
                e.append(f"{_where(p)}: shorter than {lo}")
            if hi is not None and len(v) > hi:
                e.append(f"{_where(p)}: longer than {hi}")

        checks.append(string)
    if {"minimum", "maximum"} & set(schema):
        low, high = schema.get("minimum"), schema.get("maximum")

        def number(v: Any, p: Path_, e: list[str]) -> None:
            if not isinstance(v, (int, float)) or isinstance(v, bool):
                return
            if low is not None and v < low:
                e.append(f"{_where(p)}: {v} is below {low}")
            if high is not None and v > high:
                e.append(f"{_where(p)}: {v} is above {high}")

        checks.append(number)
    if {"minItems", "maxItems"} & set(schema):
        fewest, most = schema.get("minItems", 0), schema.get("maxItems")

        def array(v: Any, p: Path_, e: list[str]) -> None:
            if not isinstance(v, list):
                return
            if len(v) < fewest:
                e.append(f"{_where(p)}: fewer than {fewest} items")
            if most is not None and len(v) > most:
                e.append(f"{_where(p)}: more than {most} items")

        checks.append(array)
    return checks


def _compile_object(schema: dict[str, Any], root: dict[str, Any], refs: dict[str, Validator]) -> Validator:
    required = list(schema.get("required", []))
    props = {k: _compile(v, root, refs) for k, v in schema.get("properties", {}).items()}
    extra_schema = schema.get("additionalProperties", True)
    extra = None if isinstance(extra_schema, bool) else _compile(extra_schema, root, refs)

    def obj(value: Any, path: Path_, errors: list[str]) -> None:
        if not isinstance(value, dict):
            return
        for key in required:
            if key not in value:
                errors.append(f"{_where(path)}: missing required key {key!r}")
        for key, item in value.items():
            check = props.get(key, extra)
            if check is None:
                if extra_schema is False:
                    errors.append(f"{_where(path)}: unexpected key {key!r}")
                continue
            path.append(key)
            check(item, path, errors)
            path.pop()

    return obj


@cache
def _validator(name: str) -> Validator:
    root = load_schema(name)
    return _compile(root, root, {})


def validate(value: Any, schema_name: str) -> list[str]:
    """Errors of ``value`` against the named schema (empty when it conforms); at most a few."""
    errors: list[str] = []
    _validator(schema_name)(value, [], errors)
    return errors


def validate_with(value: Any, schema: dict[str, Any]) -> list[str]:
    """Errors of ``value`` against an in-memory schema (checked for supported keywords first)."""
    check_schema(schema)
    errors: list[str] = []
    _compile(schema, schema, {})(value, [], errors)
    return errors
