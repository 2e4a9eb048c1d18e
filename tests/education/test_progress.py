"""The progress state machine: timing, grading, attempts, in-person completion and the gate."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voting_engine.education import (
    EducationError,
    EducationModule,
    ModuleProgress,
    grade,
    load_module,
    load_sample,
    missing_modules,
    progress_from_json,
    record_in_person,
    require_education,
    start,
    submit_quiz,
)

from ._helpers import T0, at, module_json, t

MODULE = load_module(module_json())
RIGHT = {"q1": ["a"], "q2": ["x", "z"]}
WRONG = {"q1": ["b"], "q2": ["x"]}


def started() -> ModuleProgress:
    return start(ModuleProgress(), T0)


def code_of(exc: pytest.ExceptionInfo[EducationError]) -> str:
    return exc.value.code


def test_start_is_idempotent_and_never_restarts_the_clock() -> None:
    progress = started()
    assert progress.started_at == T0 and progress.attempts == 0 and not progress.passed
    assert start(progress, at(100)) is progress


def test_not_started() -> None:
    with pytest.raises(EducationError) as err:
        submit_quiz(MODULE, ModuleProgress(), RIGHT, at(60))
    assert code_of(err) == "not_started"


@pytest.mark.parametrize(("elapsed", "remaining"), [(0, 30), (0.4, 30), (10, 20), (29.001, 1), (-5, 30)])
def test_too_early_says_how_long_remains(elapsed: float, remaining: int) -> None:
    with pytest.raises(EducationError) as err:
        submit_quiz(MODULE, started(), RIGHT, at(elapsed))
    assert code_of(err) == "quiz_too_early"
    assert err.value.details["remaining_seconds"] == remaining
    assert f"{remaining} more second" in err.value.message


def test_exactly_min_seconds_is_allowed() -> None:
    progress, result = submit_quiz(MODULE, started(), RIGHT, at(30))
    assert result.passed and progress.passed and progress.passed_at == at(30)


def test_zero_min_seconds() -> None:
    data = module_json()
    data["min_seconds"] = 0
    module = load_module(data)
    _, result = submit_quiz(module, started(), RIGHT, T0)
    assert result.passed


def test_pass_records_score_and_reveals_explanations() -> None:
    progress, result = submit_quiz(MODULE, started(), {"q1": ["a"], "q2": ["y"]}, at(45))
    assert result.score == 1 and result.passed and result.correct == {"q1": True, "q2": False}
    assert result.attempts_left == 1 and not result.already_passed
    assert result.explanations["q1"].en == "SECRET-EXPLANATION-EN" and "q2" not in result.explanations
    assert progress == ModuleProgress(started_at=T0, attempts=1, passed=True, passed_at=at(45), last_score=1)
    assert result.to_json("ko")["explanations"] == {"q1": "SECRET-EXPLANATION-KO"}


def test_fail_then_attempts_exhausted() -> None:
    progress, result = submit_quiz(MODULE, started(), WRONG, at(40))
    assert not result.passed and result.score == 0 and result.attempts_left == 1
    assert not progress.passed and progress.passed_at is None and progress.attempts == 1
    progress, result = submit_quiz(MODULE, progress, WRONG, at(50))
    assert result.attempts_left == 0 and progress.attempts == 2
    with pytest.raises(EducationError) as err:
        submit_quiz(MODULE, progress, RIGHT, at(60))
    assert code_of(err) == "no_attempts_left" and err.value.details["max_attempts"] == 2


def test_unlimited_attempts() -> None:
    data = module_json()
    data["quiz"]["max_attempts"] = None
    module = load_module(data)
    progress = started()
    for i in range(10):
        progress, result = submit_quiz(module, progress, WRONG, at(30 + i))
        assert result.attempts_left is None
    assert progress.attempts == 10


def test_resubmitting_after_a_pass_is_idempotent() -> None:
    passed, first = submit_quiz(MODULE, started(), RIGHT, at(40))
    again, second = submit_quiz(MODULE, passed, RIGHT, at(41))
    assert again is passed and second.already_passed and second.passed
    assert (second.score, second.correct, second.attempts_left) == (first.score, first.correct, first.attempts_left)
    # even wrong answers, after every attempt is used, do not un-pass the module
    exhausted = replace(passed, attempts=2)
    same, result = submit_quiz(MODULE, exhausted, WRONG, at(50))
    assert same is exhausted and result.passed and result.score == 0
    with pytest.raises(EducationError) as err:
        submit_quiz(MODULE, passed, {"q1": ["a"]}, at(60))
    assert code_of(err) == "bad_answers"


BAD_ANSWERS: list[dict[str, Any]] = [
    {"q1": ["a"]},  # missing q2
    {},
    {**RIGHT, "q3": ["a"]},  # unknown question
    {"q1": ["c"], "q2": ["x"]},  # unknown choice
    {"q1": ["a", "b"], "q2": ["x"]},  # two answers to a single-answer question
    {"q1": [], "q2": ["x"]},
    {"q1": ["a"], "q2": ["x", "x"]},
    {"q1": "a", "q2": ["x"]},  # a string, not a list
    {"q1": [1], "q2": ["x"]},
]


@pytest.mark.parametrize("answers", BAD_ANSWERS)
def test_bad_answers_do_not_use_an_attempt(answers: dict[str, Any]) -> None:
    progress = started()
    with pytest.raises(EducationError) as err:
        submit_quiz(MODULE, progress, answers, at(60))
    assert code_of(err) == "bad_answers"
    _, result = submit_quiz(MODULE, progress, RIGHT, at(61))
    assert result.attempts_left == 1


def test_bad_answers_details() -> None:
    with pytest.raises(EducationError) as err:
        grade(MODULE, {"q1": ["a"], "zz": ["a"]})
    assert err.value.details == {"unknown": ["zz"], "missing": ["q2"]}


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(EducationError) as err:
        start(ModuleProgress(), datetime(2026, 5, 1, 9, 0))
    assert code_of(err) == "bad_time"


def test_in_person_completion() -> None:
    progress = record_in_person(ModuleProgress(), at(5), "admin-kim")
    assert progress.passed and progress.in_person and progress.passed_at == at(5)
    assert progress.recorded_by == "admin-kim" and progress.attempts == 0 and progress.last_score is None
    assert missing_modules(["mini"], {"mini": progress}) == []
    # also after all online attempts are used up
    exhausted = ModuleProgress(started_at=T0, attempts=2, last_score=0)
    rescued = record_in_person(exhausted, at(99), "admin-lee")
    assert rescued.passed and rescued.attempts == 2 and rescued.in_person
    with pytest.raises(EducationError) as err:
        record_in_person(rescued, at(100), "admin-kim")
    assert code_of(err) == "already_passed"
    with pytest.raises(EducationError) as err:
        record_in_person(ModuleProgress(), at(100), " ")
    assert code_of(err) == "bad_admin"


def test_missing_modules_keeps_the_stage_order() -> None:
    passed = ModuleProgress(started_at=T0, attempts=1, passed=True, passed_at=at(40), last_score=2)
    failed = ModuleProgress(started_at=T0, attempts=3, last_score=0)
    required = ["m3", "m1", "m2", "m4", "m1"]
    progress = {"m1": failed, "m2": passed, "m4": ModuleProgress()}
    assert missing_modules(required, progress) == ["m3", "m1", "m4"]
    assert missing_modules([], progress) == []
    with pytest.raises(EducationError) as err:
        require_education(required, progress)
    assert code_of(err) == "education_required" and err.value.details == {"missing": ["m3", "m1", "m4"]}
    require_education(["m2"], progress)


@pytest.mark.parametrize(
    "progress",
    [
        ModuleProgress(),
        ModuleProgress(started_at=T0, attempts=1, last_score=0),
        ModuleProgress(started_at=T0, attempts=2, passed=True, passed_at=at(99), last_score=2),
        ModuleProgress(passed=True, passed_at=at(3), in_person=True, recorded_by="admin"),
    ],
)
def test_progress_json_round_trip(progress: ModuleProgress) -> None:
    assert progress_from_json(progress.to_json()) == progress


def test_sample_walkthrough() -> None:
    module = load_sample("budget-school-2")
    answers = {"committee-selection": ["stratified-lottery"], "ranking-weights": ["half-half"], "budget-greedy": ["C"]}
    progress, result = submit_quiz(module, start(ModuleProgress(), T0), answers, at(31))
    assert result.score == 2 and result.passed and result.correct["budget-greedy"] is False
    assert missing_modules(["budget-school-1", "budget-school-2"], {"budget-school-2": progress}) == ["budget-school-1"]


# ------------------------------------------------------------------------------- property tests


@st.composite
def module_and_answers(draw: st.DrawFn) -> tuple[EducationModule, dict[str, list[str]]]:
    """A random quiz and a random (valid) answer sheet for it."""
    n_questions = draw(st.integers(1, 6))
    questions = []
    answers: dict[str, list[str]] = {}
    for i in range(n_questions):
        choice_ids = [f"c{j}" for j in range(draw(st.integers(2, 5)))]
        multiple = draw(st.booleans())
        if multiple:
            correct = draw(st.lists(st.sampled_from(choice_ids), min_size=1, unique=True))
            picked = draw(st.lists(st.sampled_from(choice_ids), min_size=1, unique=True))
        else:
            correct = [draw(st.sampled_from(choice_ids))]
            picked = [draw(st.sampled_from(choice_ids))]
        questions.append(
            {
                "id": f"q{i}",
                "text": t(f"질문 {i}", f"Question {i}"),
                "choices": [{"id": c, "text": t(c, c)} for c in choice_ids],
                "correct": correct,
                "multiple": multiple,
            }
        )
        answers[f"q{i}"] = picked
    data = module_json()
    data["quiz"] = {"questions": questions, "pass_mark": draw(st.integers(1, n_questions)), "max_attempts": 3}
    return load_module(data), answers


@settings(max_examples=200, deadline=None)
@given(module_and_answers())
def test_score_counts_exactly_correct_questions(case: tuple[EducationModule, dict[str, list[str]]]) -> None:
    module, answers = case
    expected = sum(
        1
        for question in module.quiz.questions
        if sorted(answers[question.id]) == sorted(question.correct)  # exact set, no partial credit
    )
    progress, result = submit_quiz(module, start(ModuleProgress(), T0), answers, at(module.min_seconds))
    assert result.score == expected == sum(result.correct.values())
    assert result.passed == (expected >= module.quiz.pass_mark) == progress.passed
    assert progress.attempts == 1 and progress.last_score == expected and result.attempts_left == 2
