"""The whole voter journey in a real browser against a real server.

A voter signs in from the QR fragment, studies (with the minimum-time countdown), fails and then
passes a quiz, makes an invalid approval choice that is refused before encryption, audits one
encryption (Benaloh), casts, and finds the ballot with the check page. The administrator page
opens, closes and counts the shortlist (first without enough trustees), opens the budget stage,
where the voter passes the second module and casts a budget ballot after an over-budget refusal.
The results page shows the ranking and the verifier's status; the exported record verifies.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import shot
from tests.web.flows import SHORT_CODE, answer_quiz, cast, pass_module, review, tick, voter_url
from tests.web.harness import setup_web_election, tally

pytestmark = pytest.mark.xdist_group("web")


def test_vote_audit_check_tally_verify(web: Any, loop: Any, tmp_path: Path) -> None:
    e = loop.run(setup_web_election(f"sqlite:///{tmp_path / 'engine.db'}", tmp_path, committee=3,
                                    min_seconds={"budget-school-1": 6}))
    try:
        base, eid = e.server.url, e.election_id
        school1, school2 = e.modules

        # -- administrator opens the shortlist ------------------------------------------------
        admin = web.page(f"{base}/app/admin.html?election={eid}&poll=1")
        admin.fill("#token", e.admin)
        admin.click("#token-button")
        admin.click("#open-shortlist")
        admin.wait_for_selector("#status-shortlist:has-text('투표 중')")

        # -- the voter arrives from the credential sheet's QR code -----------------------------
        code = e.codes["committee"][0]
        context = web.context()
        page = context.new_page()
        page.goto(voter_url(base, eid) + f"#code={code}")
        page.wait_for_selector(".stage-list")
        assert "#" not in page.url and "code=" not in page.url, "the code must leave the address bar"
        assert code.replace("-", "") not in page.content().replace("-", "")
        shot(page, "01-voter-stages")

        # -- budget school: countdown, a failed attempt, a pass --------------------------------
        page.get_by_role("button", name="예산학교 시작하기").first.click()
        page.wait_for_selector("#quiz-countdown")
        assert "초 뒤에" in page.text_content("#quiz-countdown")
        page.click("#quiz-submit", force=True)  # too early (aria-disabled): refused on the device
        page.wait_for_selector("#quiz-error")
        assert "초 더" in page.text_content("#quiz-error")
        shot(page, "02-module-countdown")
        page.wait_for_selector("#quiz-countdown.ready")
        answer_quiz(page, school1, correct=False)
        page.click("#quiz-submit")
        page.wait_for_selector(".result.fail")
        assert "남은 기회: 2번" in page.text_content(".result.fail")
        shot(page, "03-quiz-failed")
        page.get_by_role("button", name="다시 풀기").click()
        pass_module(page, school1)
        shot(page, "04-quiz-passed")
        page.get_by_role("button", name="계속하기").click()

        # -- approval ballot: too many is refused before encryption ----------------------------
        page.wait_for_selector("input[name=approved]")
        expensive = ["P02", "P04", "P06", "P08", "P14"]  # so that stage 2's candidates exceed the budget
        tick(page, [*expensive, "P01"])
        assert "6개 선택" in page.text_content(".ballot-status")
        page.click("#ballot-next")
        page.wait_for_selector("#ballot-error")
        assert "5개까지만" in page.text_content("#ballot-error")
        shot(page, "05-approval-too-many")
        tick(page, ["P01"], on=False)
        first = review(page)
        assert SHORT_CODE.match(first)
        assert "농어촌 공공 와이파이" in page.text_content(".summary")
        shot(page, "06-confirm")

        # -- Benaloh audit, then cast ---------------------------------------------------------
        page.click("#audit-button")
        page.wait_for_selector("#audit-result.pass", timeout=60_000)
        assert "농어촌 공공 와이파이" in page.text_content("#audit-result")
        second = page.text_content("#tracking-code").strip()
        assert second != first, "an audited ballot must be re-encrypted afresh"
        shot(page, "07-audit-passed")
        receipt = cast(page)
        assert receipt["short_code"] == second
        assert receipt["signature"] in ("ok", "unknown")
        shot(page, "08-receipt")
        audits = loop.run(e.api.get(f"{e.prefix}/stages/shortlist/board"))
        assert len(audits["entries"]) == 1

        # -- check my ballot (new tab), by full hash and by short code -------------------------
        with context.expect_page() as popup:
            page.click("#check-link")
        check = popup.value
        check.wait_for_selector("#verdict")
        assert "내 투표가 공개 게시판에 있습니다" in check.text_content("#verdict")
        assert check.locator(".steps li.bad").count() == 0
        shot(check, "09-check-ok")
        check.fill("#f-tracking", second.lower())
        check.click("#check-button")
        check.wait_for_selector(".result.pass #verdict")
        check.fill("#f-tracking", "ZZZZZ-ZZZZZ")
        check.click("#check-button")
        check.wait_for_selector(".result.fail #verdict")
        shot(check, "10-check-not-found")
        check.close()

        # -- administrator: close, tally too early, trustees decrypt, tally, open stage 2 -----
        admin.wait_for_selector("table.turnout[data-stage=shortlist] [data-voted=committee]:has-text('1')")
        shot(admin, "11-admin-turnout")
        admin.click("#close-shortlist")
        admin.wait_for_selector("#status-shortlist:has-text('마감')")
        admin.click("#tally-shortlist")
        admin.wait_for_selector("#manage-error")
        assert "부족" in admin.text_content("#manage-error")
        shot(admin, "12-admin-too-few-trustees")
        for trustee in e.trustees[:3]:
            loop.run(trustee.decrypt("shortlist"))
        admin.click("#tally-shortlist")
        admin.wait_for_selector("#status-shortlist:has-text('개표 완료')")
        admin.click("#open-committee-vote")
        admin.wait_for_selector("#status-committee-vote:has-text('투표 중')")

        # -- stage 2: second module, budget ballot with an over-budget refusal ----------------
        page.get_by_role("button", name="투표 단계로 돌아가기").click()
        page.wait_for_selector(".stage-list")
        page.get_by_role("button", name="예산학교 시작하기").first.click()
        pass_module(page, school2)
        page.get_by_role("button", name="계속하기").click()
        page.wait_for_selector("input[name=approved]")
        candidates = page.locator("input[name=approved]").evaluate_all("els => els.map(e => e.value)")
        assert len(candidates) == 10 and set(candidates[:5]) == set(expensive)
        tick(page, candidates)
        assert page.locator(".ballot-status.warn").count() == 1
        page.click("#ballot-next")
        page.wait_for_selector("#ballot-error")
        assert "예산" in page.text_content("#ballot-error")
        shot(page, "13-budget-over")
        tick(page, candidates[4:], on=False)
        assert page.locator(".ballot-status.warn").count() == 0
        shot(page, "14-budget-ok")
        review(page)
        cast(page)

        # -- results and the record ------------------------------------------------------------
        loop.run(tally(e, "committee-vote"))
        loop.run(e.api.post(f"{e.prefix}/stages/public-survey/open"))  # no public voters in this test
        loop.run(tally(e, "public-survey"))
        results = web.page(f"{base}/app/results.html?election={eid}")
        results.wait_for_selector("#final-table")
        results.wait_for_selector("#verification:not([role=status])", timeout=90_000)
        rows = results.locator("#final-table tbody tr")
        assert rows.count() == 10
        assert results.locator("#final-table tbody tr.selected").count() >= 1
        shot(results, "15-results")

        from verifier.cli import main as verify
        from voting_engine.service.record_export import export_record

        out = tmp_path / "record"
        loop.run(export_record(e.server.service, eid, out))
        assert verify([str(out)]) == 0
    finally:
        loop.run(e.close())
