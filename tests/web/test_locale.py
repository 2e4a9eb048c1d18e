"""Korean by default on every page (texts and lang="ko"), English by the switch or ?lang=en."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.conftest import shot
from tests.web.flows import voter_url

pytestmark = pytest.mark.xdist_group("web")


def test_korean_default_and_switch(web: Any, shared_election: Any) -> None:
    e = shared_election
    base, eid = e.server.url, e.election_id
    page = web.page(voter_url(base, eid))
    page.wait_for_selector("#code")
    assert page.evaluate("document.documentElement.lang") == "ko"
    assert page.text_content("label[for=code]") == "인증 코드"
    assert "국민참여예산" in page.text_content("h1")
    assert page.get_attribute(".lang-button[lang=ko]", "aria-pressed") == "true"

    # a typo is caught on the device, in Korean
    page.fill("#code", "ABCDE-FGHJK-MNPQR-STVWX-YZ012-3")
    page.click("#signin-button")
    page.wait_for_selector(".field-error")
    assert "오타" in page.text_content(".field-error") or "글자" in page.text_content(".field-error")
    assert page.get_attribute("#code", "aria-invalid") == "true"
    assert page.input_value("#code") == "ABCDE-FGHJK-MNPQR-STVWX-YZ012-3", "a typo is given back to be corrected"
    shot(page, "24-korean-signin-typo")

    page.click(".lang-button[lang=en]")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.text_content("label[for=code]") == "Credential code"
    assert "citizens" in page.text_content("h1")
    assert page.get_attribute(".lang-button[lang=en]", "aria-pressed") == "true"
    assert page.title().startswith("Vote")
    assert "27 characters" in page.text_content(".field-error"), "messages are re-translated"
    assert page.input_value("#code") == "ABCDE-FGHJK-MNPQR-STVWX-YZ012-3", "typed text survives the switch"
    shot(page, "25-english-signin")

    for path in ("check.html", "results.html", "admin.html"):
        other = web.page(f"{base}/app/{path}?election={eid}")
        other.wait_for_selector("h1")
        assert other.evaluate("document.documentElement.lang") == "ko"
        assert other.evaluate("/[가-힣]/.test(document.querySelector('h1').textContent)"), path
        english = web.page(f"{base}/app/{path}?election={eid}&lang=en")
        english.wait_for_selector("h1")
        assert english.evaluate("document.documentElement.lang") == "en"
        assert not english.evaluate("/[가-힣]/.test(document.querySelector('main h1, main h2').textContent)"), path

    # landmarks a screen reader navigates by
    for landmark in ("banner", "main", "contentinfo", "navigation"):
        assert page.get_by_role(landmark).count() >= 1, landmark
