"""Kiosk mode: large targets, back to the start after each ballot and after inactivity, nothing
left in browser storage, Korean again for the next voter."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.conftest import shot
from tests.web.flows import cast, review, sign_in_typed, tick, voter_url, wait_until

pytestmark = pytest.mark.xdist_group("web")

STORAGE = """async () => ({
  local: localStorage.length,
  session: sessionStorage.length,
  cookies: document.cookie,
  idb: indexedDB.databases ? (await indexedDB.databases()).length : 0,
})"""


def assert_clean_start(page: Any, code: str) -> None:
    page.wait_for_selector("#code", timeout=15_000)
    assert page.input_value("#code") == ""
    assert page.evaluate(STORAGE) == {"local": 0, "session": 0, "cookies": "", "idb": 0}
    assert page.evaluate("document.documentElement.lang") == "ko"
    html = page.content().replace("-", "")
    assert code.replace("-", "") not in html
    assert page.locator(".nav-note").count() == 0, "no one is signed in any more"


def test_kiosk_resets_after_ballot_and_inactivity(web: Any, shared_election: Any) -> None:
    e = shared_election
    code = e.voter(0)
    page = web.page(voter_url(e.server.url, e.election_id, kiosk=1, idle=4, after=3))
    page.wait_for_selector("#code")
    assert page.evaluate("document.body.classList.contains('kiosk')")
    for selector in ("#signin-button", ".lang-button"):
        box = page.locator(selector).first.bounding_box()
        assert box is not None and box["height"] >= 48, f"{selector} is too small for touch: {box}"
    shot(page, "20-kiosk-start")

    # a ballot, then the receipt counts down back to the start
    sign_in_typed(page, code)
    page.get_by_role("button", name="투표하기").first.click()
    page.wait_for_selector("input[name=approved]")
    tick(page, ["P07"])
    review(page)
    receipt = cast(page)
    assert receipt["check_href"] == ""  # the kiosk shows the check address as text, no link to leave
    assert page.locator("#kiosk-countdown").count() == 1
    shot(page, "21-kiosk-receipt")
    assert_clean_start(page, code)

    # inactivity: a warning, then back to the start (in Korean, whatever the last voter chose)
    sign_in_typed(page, code)
    page.click(".lang-button[lang=en]")
    assert page.evaluate("document.documentElement.lang") == "en"
    page.wait_for_selector(".idle-warning:not([hidden])", timeout=10_000)
    assert "start" in page.text_content(".idle-warning")
    shot(page, "22-kiosk-idle-warning")
    assert_clean_start(page, code)
    assert page.locator(".idle-warning:not([hidden])").count() == 0

    # typing something and walking away also clears it
    page.fill("#code", code)
    wait_until(page, "document.getElementById('code') && document.getElementById('code').value === ''")
