"""The tip's page in the admin as a handler sees it: Chinese, 1366x768, the steps of the
moment, the recorded reveal and a substantiation that makes the hazard."""

from __future__ import annotations

from typing import Any

import pytest

from inspections.models import Hazard
from inspections.tips.models import Tip, TipEvent, TipEventKind
from inspections.tips.services import (
    tip_acknowledge,
    tip_investigate,
    tip_message_send,
    tip_note_add,
    tip_reply,
    tip_submit,
)
from tests.factories import TEST_PASSWORD
from tests.fieldapp.factories import in_thread
from tests.tips.conftest import TipCity
from tests.workbench.conftest import desk, screenshot  # noqa: F401 - the staff's browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = "13912345678"


def _tip_under_investigation(city: TipCity) -> Tip:
    submitted = tip_submit(
        category_code=city.category.code,
        description="三号仓库堆放了超量的危化品，晚上还有人在里面抽烟。",
        enterprise_id=city.enterprise.pk,
        contact_name="李四",
        contact_phone=PHONE,
    )
    tip, handler = submitted.tip, city.handler
    tip_acknowledge(by=handler, tip_id=tip.pk, version=1, note="已登记")
    tip_message_send(by=handler, tip_id=tip.pk, body="收到，请说明是哪个仓库。")
    tip_reply(tip=Tip.objects.get(pk=tip.pk), body="三号仓库，东门进去左手边。")
    tip_note_add(by=handler, tip_id=tip.pk, note="先调取仓库台账")
    return tip_investigate(by=handler, tip_id=tip.pk, version=2)


def _sign_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")


def _fits(page: Any) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_handler_reveals_and_substantiates_on_the_tip_page(
    live_server: Any,
    desk: Any,  # noqa: F811
    tip_city: TipCity,
) -> None:
    tip_city.handler.display_name = "赵受理"
    tip_city.handler.save(update_fields=["display_name"])
    tip = in_thread(_tip_under_investigation, city=tip_city)
    _sign_in(desk, live_server.url, tip_city.handler.username)

    desk.goto(f"{live_server.url}/admin/tips/tip/{tip.pk}/change/")
    main = desk.locator("#content-main")
    assert desk.get_by_role("heading", name="您现在可以").is_visible()
    text = main.inner_text()
    assert desk.locator(".sg-step > summary").all_inner_texts() == [
        "经查属实：生成隐患", "经查不属实", "给吹哨人发消息", "添加内部备注", "分派或转交",
        "查看姓名和电话",
    ]  # fmt: skip
    assert "三号仓库，东门进去左手边。" in text and "先调取仓库台账" in text
    assert PHONE not in text
    assert _fits(desk)
    screenshot(desk, "tip-admin-page")

    desk.locator("details:has(form[action$='/step/reveal/']) > summary").click()
    desk.fill("#id_reveal-reason", "需要当面核实仓库位置")
    desk.locator("form[action$='/step/reveal/'] input[type=submit]").click()
    desk.locator(".sg-contact").wait_for()
    assert PHONE in desk.locator(".sg-contact").inner_text()
    screenshot(desk, "tip-admin-revealed")

    desk.fill("#id_substantiate-hazard_description", "三号仓库危化品超量存放，有吸烟痕迹")
    desk.check("#id_substantiate-is_major")
    desk.locator("form[action$='/step/substantiate/'] input[type=submit]").click()
    desk.locator(".messagelist").wait_for()

    hazard = Hazard.objects.get()
    assert hazard.number in desk.locator(".messagelist").inner_text()
    assert (hazard.reporter, hazard.description) == (None, "三号仓库危化品超量存放，有吸烟痕迹")
    assert PHONE not in desk.locator("#content-main").inner_text()
    reveal = TipEvent.objects.get(kind=TipEventKind.REVEAL)
    assert (reveal.actor, reveal.note) == (tip_city.handler, "需要当面核实仓库位置")
    screenshot(desk, "tip-admin-substantiated")

    desk.goto(f"{live_server.url}/admin/tips/tip/")
    assert tip.number in desk.locator("#result_list").inner_text()
    assert _fits(desk)
    screenshot(desk, "tip-admin-list")
