"""The voter's view: no answers, no explanations, and Markdown that cannot carry script."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voting_engine.core.encoding import b64encode
from voting_engine.education import SAMPLE_IDS, EducationError, content_hash, load_module, load_sample, public_view
from voting_engine.education.view import ALLOWED_TAGS, render_markdown

from ._helpers import module_json


def keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys(v)}
    return set()


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("module_id", [*SAMPLE_IDS, None])
def test_public_view_hides_answers(module_id: str | None, lang: str) -> None:
    module = load_module(module_json()) if module_id is None else load_sample(module_id)
    view = public_view(module, lang)
    assert "correct" not in keys(view) and "explanation" not in keys(view)
    text = json.dumps(view, ensure_ascii=False)
    for question in module.quiz.questions:
        if question.explanation is not None:
            assert question.explanation.get(lang) not in text
    assert [q["id"] for q in view["quiz"]["questions"]] == [q.id for q in module.quiz.questions]
    assert view["content_hash"] == b64encode(content_hash(module))
    assert view["title"] == module.title.get(lang)
    json.dumps(view)  # plain JSON


def test_public_view_shape() -> None:
    view = public_view(load_module(module_json()), "en")
    assert view["quiz"] == {
        "pass_mark": 1,
        "max_attempts": 2,
        "questions": [
            {
                "id": "q1",
                "text": "Question one",
                "multiple": False,
                "choices": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}],
            },
            {
                "id": "q2",
                "text": "Question two",
                "multiple": True,
                "choices": [{"id": "x", "text": "X"}, {"id": "y", "text": "Y"}, {"id": "z", "text": "Z"}],
            },
        ],
    }
    assert view["media_url"] == "https://example.org/video" and view["min_seconds"] == 30
    assert view["content_html"] == "<h1>Budget</h1>\n<p>The text.</p>"


def test_unknown_language() -> None:
    with pytest.raises(EducationError) as err:
        public_view(load_module(module_json()), "ja")
    assert err.value.code == "unknown_language"


def test_script_in_markdown_is_never_markup() -> None:
    data = module_json()
    data["content_markdown"]["en"] = (
        "Hello <script>alert('x')</script>\n\n<script>\ndocument.cookie\n</script>\n\n"
        '<div onclick="steal()">block</div>\n\n<img src=x onerror=alert(1)>'
    )
    html = public_view(load_module(data), "en")["content_html"]
    lowered = html.lower()
    assert "<script" not in lowered and "<div" not in lowered and "<img" not in lowered
    assert "&lt;script&gt;" in html  # shown as text, not executed


@pytest.mark.parametrize(
    "link",
    ["[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))", "[x](data:text/html;base64,PHNjcmlwdD4=)", "[x](/local)"],
)
def test_dangerous_links_lose_their_href(link: str) -> None:
    html = render_markdown(link)
    assert "href" not in html and "javascript" not in html.lower() and "data:" not in html


def test_links_get_noopener() -> None:
    html = render_markdown('See [My Budget](https://example.org/pb "PB") and <https://example.org/x>.')
    assert html.count('rel="noopener noreferrer"') == 2
    assert 'href="https://example.org/pb"' in html and 'title="PB"' in html
    assert 'target="_blank"' in html


def test_markdown_features_survive() -> None:
    html = render_markdown("## Areas\n\n1. **Health**\n2. *Education*\n\n> note\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    for tag in ("<h2>", "<ol>", "<li>", "<strong>", "<em>", "<blockquote>", "<table>", "<td>"):
        assert tag in html
    assert "R&amp;D" in render_markdown("R&D")


class TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def assert_safe(html: str) -> None:
    parser = TagCollector()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag in ALLOWED_TAGS, tag
        assert set(attrs) <= SAFE_ATTRIBUTES.get(tag, set()), (tag, attrs)
        href = attrs.get("href")
        if href is not None:
            assert href.startswith(("http://", "https://", "mailto:")), href


SAFE_ATTRIBUTES = {"a": {"href", "title", "rel", "target"}, "ol": {"start"}}


def test_attributes_and_styles_are_stripped() -> None:
    html = render_markdown('[x](https://example.org){: onclick="a()" style="color:red"}\n\n<b style="x">b</b>')
    assert_safe(html)
    assert "<b" not in html


HOSTILE = st.lists(
    st.sampled_from(
        [
            "<",
            ">",
            "/",
            '"',
            "'",
            "=",
            " ",
            "\n",
            "[",
            "]",
            "(",
            ")",
            "!",
            "*",
            "#",
            "`",
            "&",
            ":",
            "-",
            "|",
            "script",
            "img",
            "a",
            "href",
            "onerror",
            "javascript",
            "data",
            "style",
            "iframe",
            "http",
            "x",
        ]
    ),
    max_size=60,
).map("".join)


@settings(max_examples=200, deadline=None)
@given(HOSTILE)
def test_fuzzed_markdown_yields_only_allowed_markup(text: str) -> None:
    assert_safe(render_markdown(text))
