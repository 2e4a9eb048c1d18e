"""Budget-school modules: immutable data, a strict loader, and the hash the manifest commits to.

A module is authored as JSON (see ``samples/``) and loaded once; the loader refuses anything it
does not understand, because whatever is accepted here is what voters are taught and what the
published election record fixes through ``content_hash``.  Format: ``docs/education.md``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from voting_engine.core.encoding import b64encode, canonical_json
from voting_engine.core.hashing import hash_elements
from voting_engine.domain.errors import DomainError

__all__ = [
    "HASH_TAG",
    "LANGUAGES",
    "Choice",
    "EducationError",
    "EducationModule",
    "Localized",
    "Question",
    "Quiz",
    "content_hash",
    "load_module",
    "manifest_entry",
    "module_to_json",
]

LANGUAGES = ("ko", "en")
HASH_TAG = "pbvote/education-module/v1"
MAX_MIN_SECONDS = 24 * 3600
MAX_URL_LENGTH = 2048
_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")

_MODULE_KEYS = {"id", "title", "content_markdown", "media_url", "min_seconds", "quiz"}
_QUIZ_KEYS = {"questions", "pass_mark", "max_attempts"}
_QUESTION_KEYS = {"id", "text", "choices", "correct", "multiple", "explanation"}
_CHOICE_KEYS = {"id", "text"}


class EducationError(DomainError):
    """A stable ``code`` for the API plus structured ``details`` (e.g. seconds remaining)."""

    def __init__(self, code: str, message: str, details: Mapping[str, Any] | None = None) -> None:
        super().__init__(code, message)
        self.details: dict[str, Any] = dict(details or {})

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"

    def to_json(self) -> dict[str, Any]:
        """Body for an error response: ``{"error": code, "message": ..., **details}``."""
        return {"error": self.code, "message": self.message, **self.details}


@dataclass(frozen=True)
class Localized:
    """The same text in every supported language; both are required so no voter gets less."""

    ko: str
    en: str

    def get(self, lang: str) -> str:
        if lang == "ko":
            return self.ko
        if lang == "en":
            return self.en
        raise EducationError("unknown_language", f"language must be one of {', '.join(LANGUAGES)}, not {lang!r}")

    def to_json(self) -> dict[str, str]:
        return {"ko": self.ko, "en": self.en}


@dataclass(frozen=True)
class Choice:
    id: str
    text: Localized


@dataclass(frozen=True)
class Question:
    """``multiple`` tells the client to show checkboxes; grading needs the exact ``correct`` set."""

    id: str
    text: Localized
    choices: tuple[Choice, ...]
    correct: frozenset[str]
    multiple: bool
    explanation: Localized | None = None


@dataclass(frozen=True)
class Quiz:
    """``pass_mark`` counts exactly-correct questions; ``max_attempts`` None means unlimited."""

    questions: tuple[Question, ...]
    pass_mark: int
    max_attempts: int | None


@dataclass(frozen=True)
class EducationModule:
    id: str
    title: Localized
    content_markdown: Localized
    media_url: str | None
    min_seconds: int
    quiz: Quiz


# --------------------------------------------------------------------------------------- loading


def _fail(code: str, path: str, message: str) -> EducationError:
    return EducationError(code, f"{path}: {message}", {"path": path})


def _object(value: Any, path: str, allowed: set[str], required: set[str]) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _fail("bad_type", path, f"expected an object, got {type(value).__name__}")
    unknown = sorted(str(k) for k in value if k not in allowed)
    if unknown:
        raise _fail("unknown_field", path, f"unknown field(s): {', '.join(unknown)}")
    missing = sorted(required - set(value))
    if missing:
        raise _fail("missing_field", path, f"missing field(s): {', '.join(missing)}")
    return value


def _int(value: Any, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail("bad_type", path, f"expected an integer, got {type(value).__name__}")
    return value


def _list(value: Any, path: str) -> Sequence[Any]:
    if not isinstance(value, list | tuple):
        raise _fail("bad_type", path, f"expected a list, got {type(value).__name__}")
    return value


def _ident(value: Any, path: str) -> str:
    if not isinstance(value, str) or not _ID_RE.match(value):
        raise _fail("bad_id", path, f"ids are 1-64 characters of A-Z a-z 0-9 . _ -, got {value!r}")
    return value


def _unique(ids: Sequence[str], path: str, what: str) -> None:
    seen: set[str] = set()
    for ident in ids:
        if ident in seen:
            raise _fail("duplicate_id", path, f"duplicate {what} id {ident!r}")
        seen.add(ident)


def _localized(value: Any, path: str) -> Localized:
    if not isinstance(value, Mapping):
        raise _fail("bad_type", path, f"expected an object with {' and '.join(LANGUAGES)} text")
    unknown = sorted(str(k) for k in value if k not in LANGUAGES)
    if unknown:
        raise _fail("unknown_language", path, f"unsupported language(s): {', '.join(unknown)}")
    for lang in LANGUAGES:
        if lang not in value:
            raise _fail("missing_language", path, f"missing {lang!r} text")
        text = value[lang]
        if not isinstance(text, str):
            raise _fail("bad_type", f"{path}.{lang}", "expected a string")
        if not text.strip():
            raise _fail("empty_text", f"{path}.{lang}", "text is empty")
    return Localized(ko=value["ko"], en=value["en"])


def _media_url(value: Any, path: str) -> str | None:
    """Only absolute http(s) links without credentials: no javascript:, data: or file: URLs."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise _fail("bad_type", path, "expected a string or null")
    if len(value) > MAX_URL_LENGTH or any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in value):
        raise _fail("bad_media_url", path, "URL is too long or contains whitespace or control characters")
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError as exc:
        raise _fail("bad_media_url", path, f"unparseable URL: {exc}") from exc
    if parts.scheme not in ("http", "https"):
        raise _fail("bad_media_url", path, f"only http and https URLs are allowed, not {parts.scheme or 'none'!r}")
    if not host:
        raise _fail("bad_media_url", path, "URL has no host")
    if parts.username is not None or parts.password is not None:
        raise _fail("bad_media_url", path, "URL must not carry credentials")
    return value


def _choice(value: Any, path: str) -> Choice:
    obj = _object(value, path, _CHOICE_KEYS, _CHOICE_KEYS)
    return Choice(id=_ident(obj["id"], f"{path}.id"), text=_localized(obj["text"], f"{path}.text"))


def _question(value: Any, path: str) -> Question:
    obj = _object(value, path, _QUESTION_KEYS, {"id", "text", "choices", "correct"})
    raw_choices = _list(obj["choices"], f"{path}.choices")
    if len(raw_choices) < 2:
        raise _fail("too_few_choices", f"{path}.choices", "a question needs at least two choices")
    choices = tuple(_choice(c, f"{path}.choices[{i}]") for i, c in enumerate(raw_choices))
    _unique([c.id for c in choices], f"{path}.choices", "choice")
    raw_correct = _list(obj["correct"], f"{path}.correct")
    correct = [_ident(c, f"{path}.correct[{i}]") for i, c in enumerate(raw_correct)]
    if not correct:
        raise _fail("bad_correct", f"{path}.correct", "at least one choice must be correct")
    _unique(correct, f"{path}.correct", "correct choice")
    choice_ids = {c.id for c in choices}
    strays = [c for c in correct if c not in choice_ids]
    if strays:
        raise _fail("bad_correct", f"{path}.correct", f"not among the choices: {', '.join(strays)}")
    multiple = obj.get("multiple", len(correct) > 1)
    if not isinstance(multiple, bool):
        raise _fail("bad_type", f"{path}.multiple", "expected true or false")
    if not multiple and len(correct) != 1:
        raise _fail("bad_correct", f"{path}.correct", "a single-answer question has exactly one correct choice")
    explanation = obj.get("explanation")
    return Question(
        id=_ident(obj["id"], f"{path}.id"),
        text=_localized(obj["text"], f"{path}.text"),
        choices=choices,
        correct=frozenset(correct),
        multiple=multiple,
        explanation=None if explanation is None else _localized(explanation, f"{path}.explanation"),
    )


def _quiz(value: Any, path: str) -> Quiz:
    obj = _object(value, path, _QUIZ_KEYS, {"questions", "pass_mark"})
    raw = _list(obj["questions"], f"{path}.questions")
    if not raw:
        raise _fail("no_questions", f"{path}.questions", "a quiz needs at least one question")
    questions = tuple(_question(q, f"{path}.questions[{i}]") for i, q in enumerate(raw))
    _unique([q.id for q in questions], f"{path}.questions", "question")
    pass_mark = _int(obj["pass_mark"], f"{path}.pass_mark")
    if not 1 <= pass_mark <= len(questions):
        raise _fail("bad_pass_mark", f"{path}.pass_mark", f"must be between 1 and {len(questions)}, got {pass_mark}")
    raw_attempts = obj.get("max_attempts")
    max_attempts = None if raw_attempts is None else _int(raw_attempts, f"{path}.max_attempts")
    if max_attempts is not None and max_attempts < 1:
        raise _fail("bad_max_attempts", f"{path}.max_attempts", "must be at least 1, or null for unlimited")
    return Quiz(questions=questions, pass_mark=pass_mark, max_attempts=max_attempts)


def load_module(data: Mapping[str, Any]) -> EducationModule:
    """Validate authored JSON into a module; raises ``EducationError`` naming the offending path."""
    obj = _object(data, "module", _MODULE_KEYS, {"id", "title", "content_markdown", "min_seconds", "quiz"})
    min_seconds = _int(obj["min_seconds"], "module.min_seconds")
    if not 0 <= min_seconds <= MAX_MIN_SECONDS:
        raise _fail("bad_min_seconds", "module.min_seconds", f"must be between 0 and {MAX_MIN_SECONDS}")
    return EducationModule(
        id=_ident(obj["id"], "module.id"),
        title=_localized(obj["title"], "module.title"),
        content_markdown=_localized(obj["content_markdown"], "module.content_markdown"),
        media_url=_media_url(obj.get("media_url"), "module.media_url"),
        min_seconds=min_seconds,
        quiz=_quiz(obj["quiz"], "module.quiz"),
    )


# ------------------------------------------------------------------------------ canonical form


def _question_json(q: Question) -> dict[str, Any]:
    return {
        "id": q.id,
        "text": q.text.to_json(),
        "choices": [{"id": c.id, "text": c.text.to_json()} for c in q.choices],
        "correct": sorted(q.correct),
        "multiple": q.multiple,
        "explanation": None if q.explanation is None else q.explanation.to_json(),
    }


def module_to_json(module: EducationModule) -> dict[str, Any]:
    """Normalised JSON (defaults filled in, ``correct`` sorted); ``load_module`` reads it back."""
    return {
        "id": module.id,
        "title": module.title.to_json(),
        "content_markdown": module.content_markdown.to_json(),
        "media_url": module.media_url,
        "min_seconds": module.min_seconds,
        "quiz": {
            "questions": [_question_json(q) for q in module.quiz.questions],
            "pass_mark": module.quiz.pass_mark,
            "max_attempts": module.quiz.max_attempts,
        },
    }


def content_hash(module: EducationModule) -> bytes:
    """32-byte hash of everything taught and asked, answers included, for the election manifest."""
    return hash_elements(HASH_TAG, canonical_json(module_to_json(module)))


def manifest_entry(module: EducationModule) -> dict[str, str]:
    """The manifest's ``education`` item: ``{"id": ..., "content_hash": <b64>}``."""
    return {"id": module.id, "content_hash": b64encode(content_hash(module))}
