"""A voter who uses only Tab, Enter and Space (and types the code): every step is reachable,
focus moves to each new screen's heading, and the focused control shows a visible focus ring."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.conftest import shot
from tests.web.flows import voter_url

pytestmark = pytest.mark.xdist_group("web")


def tab_to(page: Any, selector: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def focus_ring(page: Any) -> str:
    return str(page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement); return s.outlineStyle + ' ' + s.boxShadow; }"))


def test_keyboard_only(web: Any, shared_election: Any) -> None:
    e = shared_election
    code = e.voter(1)
    page = web.page(voter_url(e.server.url, e.election_id))
    page.wait_for_selector("#code")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')"), "first Tab: skip link"
    tab_to(page, "#code")
    page.keyboard.type(code)
    page.keyboard.press("Enter")
    page.wait_for_selector(".stage-list")
    assert page.evaluate("document.activeElement.tagName") == "H1", "focus moves to the new screen's heading"

    tab_to(page, ".stage-card.status-open button.primary")
    page.keyboard.press("Enter")
    page.wait_for_selector("input[name=approved]")
    for pid in ("P03", "P05"):
        tab_to(page, f"input[name=approved][value={pid}]")
        assert "solid" in focus_ring(page) or "rgb" in focus_ring(page)
        page.keyboard.press("Space")
    assert page.locator("input[name=approved]:checked").count() == 2
    tab_to(page, "#ballot-next")
    page.keyboard.press("Enter")
    page.wait_for_selector("#tracking-code", timeout=60_000)
    tab_to(page, "#cast-button")
    ring = focus_ring(page)
    assert "none" not in ring.split(" ")[0] and "rgb(255, 191, 0)" in ring, f"no visible focus ring: {ring}"
    shot(page, "23-keyboard-focus-cast")
    page.keyboard.press("Enter")
    page.wait_for_selector("#receipt-code")
    assert page.evaluate("document.activeElement.tagName") == "H1"

    # the language switch is keyboard operable too
    tab_to(page, ".lang-button[lang=en]")
    page.keyboard.press("Space")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.evaluate("document.activeElement.getAttribute('lang')") == "en"
    assert "Your ballot is cast" in page.text_content("h1")
