"""A small valid module as authored JSON, and clock helpers, shared by the education tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

T0 = datetime(2026, 5, 1, 9, 0, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def t(ko: str, en: str) -> dict[str, str]:
    return {"ko": ko, "en": en}


def module_json() -> dict[str, Any]:
    """Two questions (single and multiple answer), pass mark 1, two attempts, 30 s minimum."""
    return {
        "id": "mini",
        "title": t("작은 모듈", "Mini module"),
        "content_markdown": t("# 예산\n\n본문입니다.", "# Budget\n\nThe text."),
        "media_url": "https://example.org/video",
        "min_seconds": 30,
        "quiz": {
            "pass_mark": 1,
            "max_attempts": 2,
            "questions": [
                {
                    "id": "q1",
                    "text": t("질문 하나", "Question one"),
                    "choices": [{"id": "a", "text": t("가", "A")}, {"id": "b", "text": t("나", "B")}],
                    "correct": ["a"],
                    "explanation": t("SECRET-EXPLANATION-KO", "SECRET-EXPLANATION-EN"),
                },
                {
                    "id": "q2",
                    "text": t("질문 둘", "Question two"),
                    "choices": [
                        {"id": "x", "text": t("엑스", "X")},
                        {"id": "y", "text": t("와이", "Y")},
                        {"id": "z", "text": t("제트", "Z")},
                    ],
                    "correct": ["z", "x"],
                    "multiple": True,
                },
            ],
        },
    }
