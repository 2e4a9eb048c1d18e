"""Fixtures for the browser tests: the built web client, headless Debian Chromium driven by
Python Playwright, an asyncio thread for the engine, screenshots into test-artifacts/.

Without /usr/bin/chromium (or without Playwright) every browser test FAILS with a message that
says to run scripts/install-browser.sh; nothing is skipped silently and no browser is downloaded.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.harness import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, LoopThread, build_web

INSTALL_HINT = "run `bash scripts/install-browser.sh` (installs Debian chromium, fonts-noto-cjk and Python Playwright)"


def browser_problem() -> str | None:
    if not CHROMIUM.exists():
        return f"Chromium is missing at {CHROMIUM}: {INSTALL_HINT}"
    if importlib.util.find_spec("playwright") is None:
        return f"Python Playwright is not installed in this virtualenv: {INSTALL_HINT}"
    return None


class Web:
    """Opens browser contexts for a test; fails the test (not skips it) without a browser."""

    def __init__(self, browser: Any, problem: str | None) -> None:
        self._browser = browser
        self._problem = problem
        self.errors: list[str] = []
        self._contexts: list[Any] = []

    def context(self, **options: Any) -> Any:
        if self._problem:
            pytest.fail(self._problem, pytrace=False)
        options.setdefault("viewport", {"width": 1280, "height": 900})
        options.setdefault("locale", "ko-KR")
        options.setdefault("service_workers", "block")
        context = self._browser.new_context(**options)
        context.set_default_timeout(20_000)
        context.on("page", self._watch)
        self._contexts.append(context)
        return context

    def page(self, url: str | None = None, **options: Any) -> Any:
        page = self.context(**options).new_page()
        if url:
            page.goto(url)
        return page

    def _watch(self, page: Any) -> None:
        page.on("pageerror", lambda exc: self.errors.append(f"{page.url}: {exc}"))
        page.on(
            "console",
            lambda msg: self.errors.append(f"{page.url}: console {msg.type}: {msg.text}")
            if msg.type == "error" and "Failed to load resource" not in msg.text
            else None,
        )

    def close(self) -> None:
        for context in self._contexts:
            context.close()
        self._contexts.clear()


@pytest.fixture(scope="session")
def loop() -> Iterator[LoopThread]:
    thread = LoopThread()
    yield thread
    thread.close()


@pytest.fixture(scope="session")
def web_dist() -> Path:
    return build_web()


@pytest.fixture(scope="session")
def _browser() -> Iterator[tuple[Any, str | None]]:
    problem = browser_problem()
    if problem:
        yield None, problem
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser, None
        browser.close()


@pytest.fixture
def web(_browser: tuple[Any, str | None], web_dist: Path) -> Iterator[Web]:
    browser, problem = _browser
    helper = Web(browser, problem)
    yield helper
    helper.close()
    assert not helper.errors, "JavaScript errors in the pages:\n" + "\n".join(helper.errors)


def shot(page: Any, name: str) -> Path:
    """Save a full-page screenshot as test-artifacts/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    # Grow the viewport to the whole page first, so sticky bars sit where a reader would see them
    # at the end of the page instead of being stamped over the middle of a stitched capture.
    viewport = page.viewport_size
    height = int(page.evaluate("document.documentElement.scrollHeight"))
    if viewport and height > viewport["height"]:
        page.set_viewport_size({"width": viewport["width"], "height": min(height, 10_000)})
    page.screenshot(path=str(path), full_page=True)
    if viewport:
        page.set_viewport_size(viewport)
    return path


@pytest.fixture(scope="session")
def shared_election(loop: LoopThread, web_dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One election for the kiosk, keyboard and locale tests: shortlist open, 8 committee codes.

    ``voter(i)`` returns the i-th code after its budget school has been done over the API.
    """
    from tests.web.harness import setup_web_election

    tmp = tmp_path_factory.mktemp("shared-election")
    election = loop.run(setup_web_election(f"sqlite:///{tmp / 'engine.db'}", tmp, committee=8))
    loop.run(election.api.post(f"{election.prefix}/stages/shortlist/open"))

    def voter(index: int) -> str:
        code = election.codes["committee"][index]
        device = election.device(code)

        async def school() -> None:
            await device.sign_in()
            await election.school(device)

        loop.run(school())
        return code

    election.voter = voter
    yield election
    loop.run(election.close())
