"""/tip/ in a real browser: the whole flow, then proof that the browser keeps nothing for
the site, asked nothing of any other site, and sent no photo metadata."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.db import connection

from inspections.tips.models import Tip, TipAttachment, TipStatus
from inspections.tips.services import (
    tip_acknowledge,
    tip_investigate,
    tip_message_send,
    tip_substantiate,
)
from tests.fieldapp.factories import in_thread
from tests.tips.conftest import AUTHOR, revealing_jpeg
from tests.tips_browser.conftest import SCREENSHOTS, Served

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STORAGE_CHECK = """async () => ({
  cookie: document.cookie,
  local: localStorage.length,
  session: sessionStorage.length,
  indexed: (await indexedDB.databases()).length,
  workers: (await navigator.serviceWorker.getRegistrations()).length,
  caches: (await caches.keys()).length,
})"""


def _dump() -> str:
    with connection.cursor() as cursor:
        rows = []
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            rows += [repr(row) for row in cursor.fetchall()]
    return "\n".join(rows)


def _follow_up(page: Any, receipt: str) -> None:
    page.fill("#receipt-input", receipt)
    with page.expect_response("**/api/v1/tips/follow-up/"):
        page.click("#follow-form button[type=submit]")
    page.wait_for_selector("#tip-view:not([hidden])")


def test_the_whole_flow_leaves_nothing_in_the_browser_and_asks_no_other_site(
    tip_server: Served, phone: Any, tip_city: Any
) -> None:
    requests: list[Any] = []
    phone.on("request", lambda request: requests.append(request))
    page = phone.new_page()
    user_agent = page.evaluate("navigator.userAgent")

    # Submit, with a photo carrying GPS and an author.
    page.goto(f"{tip_server.url}/tip/")
    page.wait_for_selector("#category option", state="attached")
    page.fill("#enterprise-search", "宏达")
    page.click("#enterprise-results button")
    page.fill("#description", "仓库里堆着没有登记的危化品，消防通道被堵。")
    page.set_input_files(
        "#files", {"name": "IMG_张伟.jpg", "mimeType": "image/jpeg", "buffer": revealing_jpeg()}
    )
    page.screenshot(path=str(SCREENSHOTS / "tip-form-360.png"), full_page=True)
    page.click("#submit-button")
    page.wait_for_selector("#receipt-box:not([hidden])")
    receipt = page.text_content("#receipt") or ""
    page.screenshot(path=str(SCREENSHOTS / "tip-receipt-360.png"))
    assert re.fullmatch(r"\d{4}( \d{4}){6}", receipt)
    page.click("#receipt-done")

    # The handler acknowledges and writes; the whistleblower reads and answers.
    tip = Tip.objects.get()
    handler = tip_city.handler
    in_thread(tip_acknowledge, by=handler, tip_id=tip.pk, version=1)
    in_thread(tip_message_send, by=handler, tip_id=tip.pk, body="收到，请说明是哪个仓库。")
    _follow_up(page, receipt)
    assert page.text_content("#tip-status") == "已确认受理"
    assert "请说明是哪个仓库" in (page.text_content("#messages") or "")
    page.fill("#reply-body", "三号仓库，夜班最明显。")
    page.click("#reply-form button[type=submit]")
    page.locator("#messages li").nth(1).wait_for()  # the CSP forbids wait_for_function's eval

    # Substantiated: the whistleblower sees the outcome.
    tip_investigate(by=tip_city.handler, tip_id=tip.pk, version=2)
    tip_substantiate(
        by=tip_city.handler,
        tip_id=tip.pk,
        version=3,
        hazard_description="危化品超量",
        is_major=True,
    )
    _follow_up(page, receipt)
    assert page.text_content("#tip-status") == "经查属实"
    page.click("#reward-collect")
    page.wait_for_selector("#voucher:not([hidden])")
    assert re.fullmatch(r"\d{4}( \d{4}){4}", page.text_content("#voucher") or "")
    page.screenshot(path=str(SCREENSHOTS / "tip-follow-up-360.png"), full_page=True)

    # Then: nothing kept in the browser for the site, nothing asked of another origin.
    assert phone.cookies() == []
    assert page.evaluate(STORAGE_CHECK) == {
        "cookie": "", "local": 0, "session": 0, "indexed": 0, "workers": 0, "caches": 0,
    }  # fmt: skip
    origins = {
        f"{urlsplit(r.url).scheme}://{urlsplit(r.url).netloc}"
        for r in requests
        if not r.url.startswith("data:")
    }
    assert origins == {tip_server.url}

    # The browser re-encoded the photo: no metadata even left the phone.
    uploads = [r for r in requests if r.method == "POST" and r.url.endswith("/api/v1/tips/")]
    body = uploads[0].post_data_buffer or b""
    assert AUTHOR.encode() not in body and b"TipTestCam" not in body and "张伟".encode() not in body
    assert Tip.objects.get().status == TipStatus.SUBSTANTIATED
    assert TipAttachment.objects.count() == 1

    # And the server kept neither the browser nor the address.
    assert user_agent not in _dump()
    tip_lines = [line for line in tip_server.access_log.getvalue().splitlines() if "/tip" in line]
    assert tip_lines and all(line.startswith("- - - [") for line in tip_lines)
    assert "127.0.0.1" not in "\n".join(tip_lines)


def test_a_handler_reads_tips_in_the_admin_at_1366x768(
    tip_server: Served, browser: Any, tip_city: Any
) -> None:
    from inspections.tips.services import tip_submit
    from tests.factories import TEST_PASSWORD

    tip = in_thread(
        tip_submit,
        category_code=tip_city.category.code,
        description="夜班时仓库堆放大量未登记的危化品，消防通道被货物堵死。",
        enterprise_id=tip_city.enterprise.pk,
    ).tip
    in_thread(tip_message_send, by=tip_city.handler, tip_id=tip.pk, body="收到，正在核实。")
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.goto(f"{tip_server.url}/admin/login/?next=/admin/tips/tip/")
    page.fill("#id_username", tip_city.handler.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#result_list")
    page.screenshot(path=str(SCREENSHOTS / "tip-admin-list-1366.png"))
    width = page.evaluate("document.documentElement.scrollWidth")
    page.click(f"text={tip.number}")
    page.wait_for_selector("text=收到，正在核实。")
    page.screenshot(path=str(SCREENSHOTS / "tip-admin-page-1366.png"), full_page=True)
    context.close()

    assert width <= 1366
