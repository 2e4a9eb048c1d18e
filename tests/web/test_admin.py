"""The administrator page: the token stays in memory, an election file (YAML with module paths)
plus uploaded module files creates the election, and API errors are shown in plain language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import shot
from tests.web.harness import DIST, ROOT
from voting_engine.http.app import Settings
from voting_engine.http.auth import create_token
from voting_engine.http.server import start_server

pytestmark = pytest.mark.xdist_group("web")


def test_create_election_from_yaml_and_modules(web: Any, loop: Any, tmp_path: Path) -> None:
    server = loop.run(start_server(Settings(database_url=f"sqlite:///{tmp_path / 'engine.db'}", rate_limits=False,
                                            static_dir=DIST)))
    try:
        token = loop.run(create_token(server.service, "admin", "web admin"))
        page = web.page(f"{server.url}/app/admin.html")
        yaml_text = (ROOT / "examples" / "election.yaml").read_text("utf-8").replace(
            "election_id: gyeonggi-pb-2026", "election_id: admin-page-test")
        samples = ROOT / "voting_engine" / "education" / "samples"

        page.fill("#token", "not-a-token")
        page.click("#token-button")
        page.fill("#election-file", yaml_text)
        # module files are listed by path in the election file: without them it is refused
        page.click("#create-button")
        page.wait_for_selector("#create-error")
        assert "budget-school-1.json" in page.text_content("#create-error")
        page.set_input_files("#module-upload", [str(samples / "budget-school-1.json"),
                                                str(samples / "budget-school-2.json")])
        # a wrong token: the API's refusal is shown
        page.click("#create-button")
        page.wait_for_selector("#create-error:has-text('토큰')")
        page.click("#forget-token")
        page.fill("#token", token)
        page.click("#token-button")
        assert page.evaluate("[localStorage.length, sessionStorage.length, document.cookie]") == [0, 0, ""]
        page.click("#create-button")
        page.wait_for_selector("#create-result")
        assert "admin-page-test" in page.text_content("#create-result")
        page.wait_for_selector("#status-shortlist")
        assert page.locator("table.data tbody tr").first.is_visible()
        # no trustee ceremony yet: opening a stage is refused with the API's reason
        page.click("#open-shortlist")
        page.wait_for_selector("#manage-error")
        shot(page, "40-admin-created")
        page.click("#create-button")
        page.wait_for_selector("#create-error")
        assert "이미" in page.text_content("#create-error")
    finally:
        loop.run(server.stop())
