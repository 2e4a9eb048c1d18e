"""Page actions shared by the browser tests (Playwright sync API)."""

from __future__ import annotations

import re
from typing import Any

from tests.service_api.harness import answers


def voter_url(base: str, election_id: str, **query: Any) -> str:
    extra = "".join(f"&{k}={v}" for k, v in query.items())
    return f"{base}/app/index.html?election={election_id}{extra}"


def sign_in_typed(page: Any, code: str) -> None:
    page.fill("#code", code)
    page.click("#signin-button")
    page.wait_for_selector(".stage-list")


def answer_quiz(page: Any, module: dict[str, Any], correct: bool) -> None:
    for qid, picked in answers(module, correct).items():
        for cid in picked:
            page.check(f"#q-{qid}-{cid}")


def pass_module(page: Any, module: dict[str, Any]) -> None:
    page.wait_for_selector("#quiz-countdown.ready")
    answer_quiz(page, module, True)
    page.click("#quiz-submit")
    page.wait_for_selector(".result.pass")


def tick(page: Any, project_ids: list[str], on: bool = True) -> None:
    for pid in project_ids:
        box = page.locator(f"input[name=approved][value={pid}]")
        box.set_checked(on)


def review(page: Any) -> str:
    """Press "review and encrypt" on a valid ballot; returns the tracking short code."""
    page.click("#ballot-next")
    page.wait_for_selector("#tracking-code", timeout=60_000)
    return str(page.text_content("#tracking-code")).strip()


def cast(page: Any) -> dict[str, str]:
    page.click("#cast-button")
    page.wait_for_selector("#receipt-code")
    href = page.get_attribute("#check-link", "href") if page.locator("#check-link").count() else ""
    return {
        "short_code": str(page.text_content("#receipt-code")).strip(),
        "signature": str(page.get_attribute("#receipt-signature", "data-state")),
        "check_href": href or "",
    }


def wait_until(page: Any, script: str, timeout: float = 10.0) -> None:
    """Poll a JS expression with page.evaluate (the pages' CSP forbids wait_for_function's eval)."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if page.evaluate(script):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"timed out waiting for {script}")


SHORT_CODE = re.compile(r"^[0-9A-Z]{5}-[0-9A-Z]{5}$")
