"""The hazard page, the hazard list, the dashboard and the counter as a staff member sees
them: Chinese, 1366x768, charts drawn, nothing wider than the window."""

from __future__ import annotations

from typing import Any

import pytest

from inspections.models import Hazard
from points.models import Voucher
from tests.factories import TEST_PASSWORD
from tests.fieldapp.factories import in_thread
from tests.workbench.city import Desk, build_desk
from tests.workbench.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk_city(db: None) -> Desk:
    return in_thread(build_desk)


def sign_in(page: Any, base: str, username: str = "staff") -> None:
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")


def fits_the_window(page: Any) -> bool:
    """Nothing wider than the window, and no list scrolled sideways inside its box."""
    return page.evaluate(
        "document.documentElement.scrollWidth <= window.innerWidth && "
        "[...document.querySelectorAll('#changelist .results')]"
        ".every(box => box.scrollWidth <= box.clientWidth)"
    )


def test_hazard_page_shows_the_work_and_assigns(
    live_server: Any, desk: Any, desk_city: Desk
) -> None:
    sign_in(desk, live_server.url)
    hazard = desk_city.fresh

    desk.goto(f"{live_server.url}/admin/inspections/hazard/{hazard.pk}/change/")
    assert desk.get_by_role("heading", name="您现在可以").is_visible()
    assert desk.locator(".sg-timeline li").count() >= 1
    assert "上报：已上报" in desk.locator(".sg-timeline").inner_text()
    assert fits_the_window(desk)
    screenshot(desk, "hazard-page-reported")
    desk.select_option("#id_assign-assignee", str(desk_city.worker.pk))
    desk.locator("form[action$='/step/assign/'] input[type=submit]").click()

    assert "派发：已完成。" in desk.locator(".messagelist").inner_text()
    assert Hazard.objects.get(pk=hazard.pk).assignee_id == desk_city.worker.pk


def test_hazard_awaiting_verification_shows_photos_by_stage(
    live_server: Any, desk: Any, desk_city: Desk
) -> None:
    sign_in(desk, live_server.url)

    desk.goto(f"{live_server.url}/admin/inspections/hazard/{desk_city.awaiting.pk}/change/")
    images = desk.locator(".sg-photos img")
    images.first.wait_for()
    loaded = desk.evaluate(
        "[...document.querySelectorAll('.sg-photos img')]"
        ".every(i => i.complete && i.naturalWidth > 0)"
    )
    text = desk.locator("#content-main").inner_text()
    screenshot(desk, "hazard-page-awaiting-verification")

    assert images.count() == 2 and loaded
    assert "整改后" in text or "Rectified" not in text
    assert "核查销号" in text and "退回整改" in text
    assert "楼层" in text and "完全" in text  # attributes by their labels


def test_hazard_list_fits_1366_and_reads_in_words(
    live_server: Any, desk: Any, desk_city: Desk
) -> None:
    sign_in(desk, live_server.url)

    desk.goto(f"{live_server.url}/admin/inspections/hazard/")
    text = desk.locator("#result_list").inner_text()
    screenshot(desk, "hazard-list")
    desk.goto(f"{live_server.url}/admin/inspections/hazard/?view=overdue")
    screenshot(desk, "hazard-list-overdue")

    assert fits_the_window(desk)
    assert "王芳" in text and "wangfang" not in text
    assert "消防通道堵塞" in text and "fire-exit" not in text
    assert "已派发" in text and "assigned" not in text


def test_dashboard_draws_its_charts(live_server: Any, desk: Any, desk_city: Desk) -> None:
    sign_in(desk, live_server.url)

    desk.goto(f"{live_server.url}/admin/dashboard/")
    charts = desk.locator("svg.sg-trend")
    drawn = desk.locator("svg.sg-trend circle")
    screenshot(desk, "dashboard")
    first_chart = charts.first.bounding_box()

    assert charts.count() >= 8
    assert drawn.count() >= 8
    assert first_chart is not None and first_chart["height"] > 30 and first_chart["width"] > 150
    assert "闭环率" in desk.locator("#content-main").inner_text()
    assert fits_the_window(desk)
    desk.get_by_role("link", name="查看明细 →").first.click()
    desk.locator("#result_list").wait_for()


def test_counter_hands_over_a_reward(live_server: Any, desk: Any, desk_city: Desk) -> None:
    sign_in(desk, live_server.url)

    desk.goto(f"{live_server.url}/admin/points/voucher/counter/")
    desk.fill("#id_code", desk_city.voucher.code.replace("-", "").lower())
    desk.keyboard.press("Enter")  # what a scanner does after the code
    desk.get_by_text("有效：可以发放奖励。").wait_for()
    screenshot(desk, "counter-valid")
    desk.get_by_role("button", name="发放并核销").click()

    assert "兑换券已核销" in desk.locator(".messagelist").inner_text()
    assert Voucher.objects.get(pk=desk_city.voucher.pk).status == "fulfilled"
    screenshot(desk, "counter-done")
