"""The other ballot widgets (score, ranking, cumulative, yes/no/abstain): each refuses an invalid
choice before encryption with a plain message, casts a valid one, and the trustees' decrypted
tally equals exactly what was chosen on screen (the browser's encoding is the engine's)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import shot
from tests.web.flows import cast, review, voter_url
from tests.web.harness import setup_web_election, small_manifest, tally

pytestmark = pytest.mark.xdist_group("web")


def open_stage(page: Any, stage: str) -> None:
    if page.locator(".stage-list").count() == 0:
        page.get_by_role("button", name="투표 단계로 돌아가기").click()
    page.wait_for_selector(".stage-list")
    page.locator(f"li:has(#stage-{stage}) button").click()
    page.wait_for_selector("#ballot-next")


def card(page: Any, index: int) -> Any:
    return page.locator(".choice-list > li.choice-card").nth(index)


def test_score_ranking_cumulative_yes_no(web: Any, loop: Any, tmp_path: Path) -> None:
    e = loop.run(setup_web_election(f"sqlite:///{tmp_path / 'engine.db'}", tmp_path, committee=2,
                                    manifest=small_manifest("web-schemes"), education=[]))
    try:
        for stage in ("score", "ranking", "cumulative", "yna"):
            loop.run(e.api.post(f"{e.prefix}/stages/{stage}/open"))
        page = web.page(voter_url(e.server.url, e.election_id) + f"#code={e.codes['committee'][0]}")
        page.wait_for_selector(".stage-list")

        # score: P01 → 3, P02 → 1 (radio groups; 0 is preselected)
        open_stage(page, "score")
        card(page, 0).locator("input[value='3']").check(force=True)
        card(page, 1).locator("input[value='1']").check(force=True)
        shot(page, "30-score-ballot")
        review(page)
        assert "3점 / 3점" in page.text_content(".summary")
        cast(page)

        # ranking: nothing ranked is refused (min_rank 1); then P03, P01, move P01 up, P04
        open_stage(page, "ranking")
        page.click("#ballot-next")
        page.wait_for_selector("#ballot-error")
        assert "1개 이상" in page.text_content("#ballot-error")
        page.click("[data-act=add][data-id=P03]")
        page.click("[data-act=add][data-id=P01]")
        page.click("[data-act=up][data-id=P01]")
        page.click("[data-act=add][data-id=P04]")
        order = page.locator(".rank-item").evaluate_all("els => els.map(e => e.dataset.id)")
        assert order == ["P01", "P03", "P04"]
        assert page.evaluate("document.activeElement.dataset.id") == "P04", "focus follows the moved item"
        shot(page, "31-ranking-ballot")
        review(page)
        cast(page)

        # cumulative: 5 points, at most 3 per project
        open_stage(page, "cumulative")
        plus = [card(page, i).locator("button.step").nth(1) for i in range(4)]
        for _ in range(4):
            plus[1].click()  # the fourth is capped at max_per_project
        plus[3].click()
        plus[3].click()
        assert page.input_value(".choice-list > li:nth-child(2) input") == "3"
        assert "남은 점수 0점" in page.text_content(".ballot-status")
        card(page, 0).locator("input").fill("2")
        assert page.locator(".ballot-status.warn").count() == 1
        page.click("#ballot-next")
        page.wait_for_selector("#ballot-error")
        assert "5점까지만" in page.text_content("#ballot-error")
        shot(page, "32-cumulative-too-many")
        card(page, 0).locator("input").fill("0")
        review(page)
        cast(page)

        # yes / no / abstain
        open_stage(page, "yna")
        card(page, 0).locator("input[value=yes]").check(force=True)
        card(page, 1).locator("input[value=no]").check(force=True)
        shot(page, "33-yes-no-abstain-ballot")
        review(page)
        cast(page)

        results = {stage: loop.run(tally(e, stage))["groups"]["committee"]["results"]
                   for stage in ("score", "ranking", "cumulative", "yna")}
        assert {p: r["score"] for p, r in results["score"].items()} == {"P01": 3, "P02": 1, "P03": 0, "P04": 0}
        assert results["ranking"]["P01"]["positions"] == [1, 0, 0]
        assert results["ranking"]["P03"]["positions"] == [0, 1, 0]
        assert results["ranking"]["P04"]["positions"] == [0, 0, 1]
        assert results["ranking"]["P02"]["positions"] == [0, 0, 0]
        assert {p: r["points"] for p, r in results["cumulative"].items()} == {"P01": 0, "P02": 3, "P03": 0, "P04": 2}
        assert results["yna"]["P01"] == {"yes": 1, "no": 0, "abstain": 0}
        assert results["yna"]["P02"] == {"yes": 0, "no": 1, "abstain": 0}
        assert results["yna"]["P03"] == {"yes": 0, "no": 0, "abstain": 1}
    finally:
        loop.run(e.close())
