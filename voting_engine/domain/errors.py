"""Domain errors carry a stable code, so the HTTP layer can answer ``{"error": code, ...}``."""

from __future__ import annotations


class DomainError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __reduce__(self) -> tuple[type, tuple[str, str]]:
        return (type(self), (self.code, self.message))


class ManifestError(DomainError):
    """The election configuration is malformed or contradictory."""


class BallotRejected(DomainError):
    """A submitted ballot fails a check; ``code`` names which one."""
