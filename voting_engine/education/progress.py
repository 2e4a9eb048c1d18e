"""Per-(credential, module) progress as a pure state machine, and the ballot gate's check.

Every transition takes the old ``ModuleProgress`` and ``now`` and returns a new one, so the
service can store it however it likes, replay it in tests, and write its own audit log; nothing
here reads a clock.  Grading happens only here, on the server, against ``Question.correct``.

Decision on re-submitting after a pass: it is *idempotent*, not an error.  A voter on a flaky
mobile network may send the same answers twice; the second call is graded for display but
changes nothing (no attempt used, ``passed_at`` kept) and says ``already_passed=True``.  An
administrator recording an in-person completion for a voter who has already passed *does* get
``already_passed``, so the audit log never records a completion that changed nothing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from voting_engine.education.model import EducationError, EducationModule, Localized, Quiz

__all__ = [
    "ModuleProgress",
    "QuizResult",
    "grade",
    "missing_modules",
    "progress_from_json",
    "record_in_person",
    "require_education",
    "start",
    "submit_quiz",
    "validate_answers",
]


@dataclass(frozen=True)
class ModuleProgress:
    """One voter credential's progress on one module; the default is "never opened"."""

    started_at: datetime | None = None
    attempts: int = 0
    passed: bool = False
    passed_at: datetime | None = None
    in_person: bool = False
    last_score: int | None = None
    recorded_by: str | None = None

    def attempts_left(self, quiz: Quiz) -> int | None:
        """None when the quiz allows unlimited attempts."""
        if quiz.max_attempts is None:
            return None
        return max(0, quiz.max_attempts - self.attempts)

    def to_json(self) -> dict[str, Any]:
        """Storage form with ISO-8601 timestamps."""
        return {
            "started_at": None if self.started_at is None else self.started_at.isoformat(),
            "attempts": self.attempts,
            "passed": self.passed,
            "passed_at": None if self.passed_at is None else self.passed_at.isoformat(),
            "in_person": self.in_person,
            "last_score": self.last_score,
            "recorded_by": self.recorded_by,
        }


def progress_from_json(data: Mapping[str, Any]) -> ModuleProgress:
    """Inverse of ``ModuleProgress.to_json``."""

    def when(key: str) -> datetime | None:
        value = data.get(key)
        return None if value is None else _aware(datetime.fromisoformat(str(value)))

    score = data.get("last_score")
    recorded_by = data.get("recorded_by")
    return ModuleProgress(
        started_at=when("started_at"),
        attempts=int(data.get("attempts", 0)),
        passed=bool(data.get("passed", False)),
        passed_at=when("passed_at"),
        in_person=bool(data.get("in_person", False)),
        last_score=None if score is None else int(score),
        recorded_by=None if recorded_by is None else str(recorded_by),
    )


@dataclass(frozen=True)
class QuizResult:
    """The outcome of one submission; ``explanations`` are revealed only here, after grading."""

    score: int
    passed: bool
    correct: dict[str, bool]
    explanations: dict[str, Localized] = field(default_factory=dict)
    attempts_left: int | None = None
    already_passed: bool = False

    def to_json(self, lang: str) -> dict[str, Any]:
        return {
            "score": self.score,
            "passed": self.passed,
            "correct": dict(self.correct),
            "explanations": {qid: text.get(lang) for qid, text in self.explanations.items()},
            "attempts_left": self.attempts_left,
            "already_passed": self.already_passed,
        }


def _aware(now: datetime) -> datetime:
    """Naive datetimes are refused: a server in another timezone would shift every timer."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise EducationError("bad_time", "timestamps must be timezone-aware")
    return now


def start(progress: ModuleProgress, now: datetime) -> ModuleProgress:
    """Open the module; the minimum-time clock starts at the *first* opening and never restarts."""
    _aware(now)
    if progress.started_at is not None or progress.passed:
        return progress
    return replace(progress, started_at=now)


def validate_answers(module: EducationModule, answers: Mapping[str, Sequence[str]]) -> dict[str, frozenset[str]]:
    """Every question answered exactly once with known choices; raises ``bad_answers`` otherwise."""
    questions = {q.id: q for q in module.quiz.questions}
    unknown = sorted(str(k) for k in answers if k not in questions)
    missing = [q.id for q in module.quiz.questions if q.id not in answers]
    if unknown or missing:
        parts = ([f"unknown question(s): {', '.join(unknown)}"] if unknown else []) + (
            [f"unanswered question(s): {', '.join(missing)}"] if missing else []
        )
        raise EducationError("bad_answers", "; ".join(parts), {"unknown": unknown, "missing": missing})
    chosen: dict[str, frozenset[str]] = {}
    for qid, question in questions.items():
        raw = answers[qid]
        if isinstance(raw, str | bytes) or not all(isinstance(c, str) for c in raw):
            raise EducationError("bad_answers", f"{qid}: an answer is a list of choice ids", {"question": qid})
        picked = list(raw)
        choice_ids = {c.id for c in question.choices}
        strays = sorted({c for c in picked if c not in choice_ids})
        if strays:
            raise EducationError(
                "bad_answers", f"{qid}: unknown choice(s) {', '.join(strays)}", {"question": qid, "unknown": strays}
            )
        if not picked or len(set(picked)) != len(picked):
            raise EducationError("bad_answers", f"{qid}: pick at least one choice, each once", {"question": qid})
        if not question.multiple and len(picked) != 1:
            raise EducationError("bad_answers", f"{qid}: pick exactly one choice", {"question": qid})
        chosen[qid] = frozenset(picked)
    return chosen


def grade(module: EducationModule, answers: Mapping[str, Sequence[str]]) -> dict[str, bool]:
    """Per question: True iff the chosen set equals the correct set (no partial credit)."""
    chosen = validate_answers(module, answers)
    return {q.id: chosen[q.id] == q.correct for q in module.quiz.questions}


def _explanations(module: EducationModule) -> dict[str, Localized]:
    return {q.id: q.explanation for q in module.quiz.questions if q.explanation is not None}


def submit_quiz(
    module: EducationModule,
    progress: ModuleProgress,
    answers: Mapping[str, Sequence[str]],
    now: datetime,
) -> tuple[ModuleProgress, QuizResult]:
    """Grade one attempt.  Errors: not_started, no_attempts_left, quiz_too_early, bad_answers.

    Checks run in that order, and none of them uses up an attempt.
    """
    _aware(now)
    quiz = module.quiz
    if progress.passed:
        correct = grade(module, answers)
        result = QuizResult(
            score=sum(correct.values()),
            passed=True,
            correct=correct,
            explanations=_explanations(module),
            attempts_left=progress.attempts_left(quiz),
            already_passed=True,
        )
        return progress, result
    if progress.started_at is None:
        raise EducationError("not_started", f"module {module.id!r} has not been opened yet", {"module": module.id})
    if progress.attempts_left(quiz) == 0:
        raise EducationError(
            "no_attempts_left",
            f"all {quiz.max_attempts} attempts at module {module.id!r} are used; ask for in-person completion",
            {"module": module.id, "max_attempts": quiz.max_attempts},
        )
    elapsed = max(0.0, (now - progress.started_at).total_seconds())
    if elapsed < module.min_seconds:
        remaining = math.ceil(module.min_seconds - elapsed)
        raise EducationError(
            "quiz_too_early",
            f"please study module {module.id!r} for {remaining} more second(s) before the quiz",
            {"module": module.id, "remaining_seconds": remaining},
        )
    correct = grade(module, answers)
    score = sum(correct.values())
    passed = score >= quiz.pass_mark
    new = replace(
        progress,
        attempts=progress.attempts + 1,
        last_score=score,
        passed=passed,
        passed_at=now if passed else None,
    )
    result = QuizResult(
        score=score,
        passed=passed,
        correct=correct,
        explanations=_explanations(module),
        attempts_left=new.attempts_left(quiz),
    )
    return new, result


def record_in_person(progress: ModuleProgress, now: datetime, admin: str) -> ModuleProgress:
    """An administrator's record of an in-person session; the service writes the audit entry."""
    _aware(now)
    if not isinstance(admin, str) or not admin.strip():
        raise EducationError("bad_admin", "an in-person completion must name the administrator")
    if progress.passed:
        raise EducationError("already_passed", "this voter has already completed the module")
    return replace(progress, passed=True, passed_at=now, in_person=True, recorded_by=admin)


def missing_modules(required: Sequence[str], progress_by_module: Mapping[str, ModuleProgress]) -> list[str]:
    """Required modules not yet passed, in the stage's order (duplicates listed once)."""
    missing: list[str] = []
    for module_id in required:
        progress = progress_by_module.get(module_id)
        if (progress is None or not progress.passed) and module_id not in missing:
            missing.append(module_id)
    return missing


def require_education(required: Sequence[str], progress_by_module: Mapping[str, ModuleProgress]) -> None:
    """The ballot gate: raises ``education_required`` (HTTP 403) listing the missing modules."""
    missing = missing_modules(required, progress_by_module)
    if missing:
        raise EducationError(
            "education_required",
            f"complete the budget-school module(s) first: {', '.join(missing)}",
            {"missing": missing},
        )
