"""Loading, validation errors, canonical form and the manifest's content hash."""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voting_engine.core.encoding import b64decode
from voting_engine.education import (
    SAMPLE_IDS,
    EducationError,
    content_hash,
    load_module,
    load_sample,
    manifest_entry,
    module_to_json,
)

from ._helpers import module_json

Mutation = Callable[[dict[str, Any]], None]


def q(m: dict[str, Any], i: int = 0) -> dict[str, Any]:
    question: dict[str, Any] = m["quiz"]["questions"][i]
    return question


@pytest.mark.parametrize("module_id", SAMPLE_IDS)
def test_samples_load_and_are_bilingual(module_id: str) -> None:
    module = load_sample(module_id)
    assert module.id == module_id
    assert 3 <= len(module.quiz.questions) <= 4
    assert module.quiz.max_attempts == 3 and module.min_seconds == 30
    assert module.quiz.pass_mark < len(module.quiz.questions)
    assert "예산" in module.content_markdown.ko and "budget" in module.content_markdown.en
    assert all(question.explanation is not None for question in module.quiz.questions)


def test_unknown_sample() -> None:
    with pytest.raises(EducationError) as err:
        load_sample("budget-school-99")
    assert err.value.code == "unknown_module"


def test_minimal_module_loads_with_defaults() -> None:
    module = load_module(module_json())
    first, second = module.quiz.questions
    assert not first.multiple and first.correct == {"a"}
    assert second.multiple and second.correct == {"x", "z"} and second.explanation is None
    assert module.media_url == "https://example.org/video"


@pytest.mark.parametrize("module_id", [*SAMPLE_IDS, None])
def test_canonical_json_round_trips(module_id: str | None) -> None:
    module = load_module(module_json()) if module_id is None else load_sample(module_id)
    assert load_module(module_to_json(module)) == module
    assert load_module(json.loads(json.dumps(module_to_json(module)))) == module


ERRORS: list[tuple[str, Mutation]] = [
    ("unknown_field", lambda m: m.update(extra=1)),
    ("unknown_field", lambda m: m["quiz"].update(shuffle=True)),
    ("unknown_field", lambda m: q(m).update(hint=None)),
    ("unknown_field", lambda m: q(m)["choices"][0].update(weight=1)),
    ("missing_field", lambda m: m.pop("title")),
    ("missing_field", lambda m: m["quiz"].pop("pass_mark")),
    ("missing_field", lambda m: q(m).pop("correct")),
    ("missing_language", lambda m: m["title"].pop("en")),
    ("missing_language", lambda m: m["content_markdown"].pop("ko")),
    ("missing_language", lambda m: q(m)["choices"][1]["text"].pop("ko")),
    ("missing_language", lambda m: q(m)["explanation"].pop("en")),
    ("unknown_language", lambda m: m["title"].update(ja="予算")),
    ("empty_text", lambda m: m["title"].update(ko="  ")),
    ("bad_type", lambda m: m["title"].update(en=5)),
    ("bad_type", lambda m: m.update(title="budget")),
    ("bad_type", lambda m: m.update(min_seconds="30")),
    ("bad_type", lambda m: m.update(min_seconds=True)),
    ("bad_type", lambda m: m.update(min_seconds=30.0)),
    ("bad_type", lambda m: m["quiz"].update(questions={"q1": {}})),
    ("bad_type", lambda m: q(m).update(multiple="yes")),
    ("bad_id", lambda m: m.update(id="")),
    ("bad_id", lambda m: m.update(id="has space")),
    ("bad_id", lambda m: q(m).update(id=7)),
    ("bad_id", lambda m: q(m)["choices"][0].update(id="-a")),
    ("duplicate_id", lambda m: q(m, 1).update(id="q1")),
    ("duplicate_id", lambda m: q(m)["choices"][1].update(id="a")),
    ("duplicate_id", lambda m: q(m, 1).update(correct=["x", "x"])),
    ("bad_correct", lambda m: q(m).update(correct=["c"])),
    ("bad_correct", lambda m: q(m).update(correct=[])),
    ("bad_correct", lambda m: q(m, 1).update(multiple=False)),
    ("too_few_choices", lambda m: q(m).update(choices=[{"id": "a", "text": {"ko": "가", "en": "A"}}])),
    ("no_questions", lambda m: m["quiz"].update(questions=[])),
    ("bad_pass_mark", lambda m: m["quiz"].update(pass_mark=3)),
    ("bad_pass_mark", lambda m: m["quiz"].update(pass_mark=0)),
    ("bad_max_attempts", lambda m: m["quiz"].update(max_attempts=0)),
    ("bad_min_seconds", lambda m: m.update(min_seconds=-1)),
    ("bad_min_seconds", lambda m: m.update(min_seconds=10**6)),
    ("bad_media_url", lambda m: m.update(media_url="javascript:alert(1)")),
    ("bad_media_url", lambda m: m.update(media_url="ftp://example.org/v.mp4")),
    ("bad_media_url", lambda m: m.update(media_url="data:text/html,<script>")),
    ("bad_media_url", lambda m: m.update(media_url="https://")),
    ("bad_media_url", lambda m: m.update(media_url="/relative/video")),
    ("bad_media_url", lambda m: m.update(media_url="https://user:pw@example.org/")),
    ("bad_media_url", lambda m: m.update(media_url="https://example.org/a b")),
    ("bad_media_url", lambda m: m.update(media_url="https://[::1/")),
    ("bad_type", lambda m: m.update(media_url=["https://example.org"])),
]


@pytest.mark.parametrize(("code", "mutate"), ERRORS)
def test_load_errors(code: str, mutate: Mutation) -> None:
    data = module_json()
    mutate(data)
    with pytest.raises(EducationError) as err:
        load_module(data)
    assert err.value.code == code, str(err.value)
    assert err.value.details["path"].startswith("module")
    assert err.value.to_json()["error"] == code


def test_error_names_the_path() -> None:
    data = module_json()
    q(data, 1)["correct"] = ["x", "w"]
    with pytest.raises(EducationError, match=r"module\.quiz\.questions\[1\]\.correct: not among the choices: w"):
        load_module(data)


def test_optional_fields() -> None:
    data = module_json()
    del data["media_url"], data["quiz"]["max_attempts"]
    module = load_module(data)
    assert module.media_url is None and module.quiz.max_attempts is None
    data["media_url"] = "http://example.org/v"
    assert load_module(data).media_url == "http://example.org/v"


def test_content_hash_is_stable() -> None:
    module = load_module(module_json())
    digest = content_hash(module)
    assert len(digest) == 32
    # Pinned: a change here changes every published manifest that lists this module.
    assert digest.hex() == PINNED_HASH
    shuffled = module_json()
    shuffled["quiz"]["questions"][1]["correct"] = ["x", "z"]
    reordered = dict(reversed(list(shuffled.items())))
    assert content_hash(load_module(reordered)) == digest
    assert content_hash(load_module(module_to_json(module))) == digest


def test_content_hash_format() -> None:
    """SHA-256 over the length-framed tag and canonical JSON (docs/protocol.md §2 framing)."""
    module = load_module(module_json())
    tag = b"pbvote/education-module/v1"
    body = json.dumps(module_to_json(module), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    framed = len(tag).to_bytes(4, "big") + tag + len(body).to_bytes(4, "big") + body
    assert content_hash(module) == hashlib.sha256(framed).digest()


PINNED_HASH = "3529b00248689b31369b65f92cfc979b4a01d26a44cae185e2d0f8e1146631c0"

CHANGES: list[Mutation] = [
    lambda m: m.update(id="mini2"),
    lambda m: m["title"].update(ko="다른 제목"),
    lambda m: m["content_markdown"].update(en="# Budget\n\nThe text!"),
    lambda m: m.update(media_url="https://example.org/video2"),
    lambda m: m.update(media_url=None),
    lambda m: m.update(min_seconds=31),
    lambda m: m["quiz"].update(pass_mark=2),
    lambda m: m["quiz"].update(max_attempts=None),
    lambda m: q(m)["text"].update(en="Question 1"),
    lambda m: q(m)["choices"][0]["text"].update(ko="다"),
    lambda m: q(m).update(correct=["b"]),
    lambda m: q(m)["explanation"].update(en="Another explanation"),
    lambda m: q(m).pop("explanation"),
    lambda m: q(m).update(multiple=True),
    lambda m: q(m, 1).update(correct=["x"]),
    lambda m: q(m)["choices"].reverse(),
    lambda m: m["quiz"]["questions"].reverse(),
]


@pytest.mark.parametrize("change", CHANGES)
def test_content_hash_changes_with_any_change(change: Mutation) -> None:
    data = module_json()
    before = content_hash(load_module(data))
    changed = copy.deepcopy(data)
    change(changed)
    assert content_hash(load_module(changed)) != before


@settings(max_examples=50, deadline=None)
@given(st.text(min_size=1).filter(lambda s: s.strip() != ""), st.sampled_from(["ko", "en"]))
def test_content_hash_tracks_markdown(text: str, lang: str) -> None:
    data = module_json()
    data["content_markdown"][lang] = text
    module = load_module(data)
    assert content_hash(module) == content_hash(load_module(module_to_json(module)))
    if text != module_json()["content_markdown"][lang]:
        assert content_hash(module) != content_hash(load_module(module_json()))


def test_manifest_entry() -> None:
    module = load_sample("budget-school-1")
    entry = manifest_entry(module)
    assert entry["id"] == "budget-school-1"
    assert b64decode(entry["content_hash"], 32) == content_hash(module)
