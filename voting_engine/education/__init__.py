"""Budget school: the education modules a voter must pass before a stage accepts their ballot.

Pure: modules are loaded from JSON, progress is a value the service stores, and every check
(quiz grading, minimum study time, the ``education_required`` gate) is a function of its inputs.
See ``docs/education.md``.
"""

from __future__ import annotations

import json
from importlib import resources

from voting_engine.education.model import (
    HASH_TAG,
    LANGUAGES,
    Choice,
    EducationError,
    EducationModule,
    Localized,
    Question,
    Quiz,
    content_hash,
    load_module,
    manifest_entry,
    module_to_json,
)
from voting_engine.education.progress import (
    ModuleProgress,
    QuizResult,
    grade,
    missing_modules,
    progress_from_json,
    record_in_person,
    require_education,
    start,
    submit_quiz,
    validate_answers,
)
from voting_engine.education.view import public_view, render_markdown

__all__ = [
    "HASH_TAG",
    "LANGUAGES",
    "SAMPLE_IDS",
    "Choice",
    "EducationError",
    "EducationModule",
    "Localized",
    "ModuleProgress",
    "Question",
    "Quiz",
    "QuizResult",
    "content_hash",
    "grade",
    "load_module",
    "load_sample",
    "manifest_entry",
    "missing_modules",
    "module_to_json",
    "progress_from_json",
    "public_view",
    "record_in_person",
    "render_markdown",
    "require_education",
    "start",
    "submit_quiz",
    "validate_answers",
]

SAMPLE_IDS = ("budget-school-1", "budget-school-2")


def load_sample(module_id: str) -> EducationModule:
    """One of the shipped sample modules (``samples/<id>.json``), for demos and tests."""
    if module_id not in SAMPLE_IDS:
        raise EducationError("unknown_module", f"no sample module {module_id!r}; samples: {', '.join(SAMPLE_IDS)}")
    text = resources.files(__name__).joinpath("samples", f"{module_id}.json").read_text(encoding="utf-8")
    return load_module(json.loads(text))
