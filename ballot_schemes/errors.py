"""Errors of the ballot schemes, each with a stable code for the API and the verifier."""

from __future__ import annotations


class SchemeError(ValueError):
    """Base class: ``code`` is stable and machine-readable, the message is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __reduce__(self) -> tuple[type, tuple[str, str]]:
        """Picklable, so an error raised in a worker process reaches the parent intact."""
        return (type(self), (self.code, self.message))


class SchemeParameterError(SchemeError):
    """The scheme's parameters in the manifest are malformed or contradictory."""


class InvalidChoice(SchemeError):
    """A plaintext choice breaks a rule of the scheme; ``code`` names the rule."""


class InvalidBallot(SchemeError):
    """An encrypted ballot is malformed or one of its proofs fails; ``code`` names the check."""
