"""Errors the service raises, each with a stable code and an HTTP status."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """A rejected request: ``code`` is stable, ``status`` is the HTTP status to answer with."""

    def __init__(self, code: str, message: str, status: int = 400, **details: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.details = details

    def to_json(self) -> dict[str, Any]:
        return {"error": self.code, "message": self.message, **self.details}


def not_found(what: str) -> ServiceError:
    return ServiceError("not_found", f"{what} not found", 404)


def conflict(code: str, message: str) -> ServiceError:
    return ServiceError(code, message, 409)
