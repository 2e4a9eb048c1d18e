"""What a voter's client receives: safe HTML and a quiz without its answers.

Module text is authored by administrators, but a compromised or careless author must still not
be able to run script in every voter's browser, so raw HTML in the Markdown is shown as text
(never interpreted) and the rendered HTML is then sanitised again with ``nh3`` against a short
allow-list.  Correct answers and explanations never leave the server before an attempt; they
come back only in a ``QuizResult``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import markdown
import nh3

from voting_engine.core.encoding import b64encode
from voting_engine.education.model import EducationModule, Localized, Question, content_hash

__all__ = ["ALLOWED_TAGS", "public_view", "render_markdown"]

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6",
        "strong", "em", "code", "pre", "blockquote",
        "ul", "ol", "li", "a",
        "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip

_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags={"script", "style"},
    attributes={"a": {"href", "title"}, "ol": {"start"}},
    link_rel="noopener noreferrer",
    set_tag_attribute_values={"a": {"target": "_blank"}},
    url_schemes={"http", "https", "mailto"},
    url_relative="deny",
    strip_comments=True,
)


def _markdown_without_html() -> markdown.Markdown:
    """A converter whose raw-HTML block and inline handlers are removed, so ``<tag>`` is escaped."""
    md = markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html")
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md


@lru_cache(maxsize=256)
def render_markdown(text: str) -> str:
    """Markdown to sanitised HTML; cached because every voter asks for the same few texts."""
    return _CLEANER.clean(_markdown_without_html().convert(text))


def _text(value: Localized, lang: str) -> str:
    return value.get(lang)


def _public_question(question: Question, lang: str) -> dict[str, Any]:
    return {
        "id": question.id,
        "text": _text(question.text, lang),
        "multiple": question.multiple,
        "choices": [{"id": c.id, "text": _text(c.text, lang)} for c in question.choices],
    }


def public_view(module: EducationModule, lang: str) -> dict[str, Any]:
    """The module as served to a voter in ``lang`` ("ko" or "en"): no ``correct``, no explanations.

    ``content_hash`` is the manifest's hash of the full module, so a client or observer can match
    the served module to the published record.
    """
    return {
        "id": module.id,
        "lang": lang,
        "title": _text(module.title, lang),
        "content_html": render_markdown(_text(module.content_markdown, lang)),
        "media_url": module.media_url,
        "min_seconds": module.min_seconds,
        "content_hash": b64encode(content_hash(module)),
        "quiz": {
            "pass_mark": module.quiz.pass_mark,
            "max_attempts": module.quiz.max_attempts,
            "questions": [_public_question(q, lang) for q in module.quiz.questions],
        },
    }
