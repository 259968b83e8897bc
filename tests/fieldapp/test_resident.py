"""A resident: a report in a few taps with its guidance and number, their reports in
words, points, a reward redeemed and its voucher's QR code read back by zbar."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from inspections.models import Hazard
from points.models import Voucher
from tests.fieldapp.factories import (
    GEO,
    PHONES,
    build_city,
    decode_qr,
    eventually,
    shoot,
    sign_in,
)
from tests.inspections.factories import HERE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_report_takes_three_taps_and_one_sentence(asgi_server: str, new_page: Any) -> None:
    city = build_city()
    page = new_page(viewport=PHONES["small"], **GEO)
    sign_in(page, asgi_server, "resident")

    page.locator("#go-report").click()  # tap 1
    page.locator("#report-categories label").filter(has_text="灭火器缺失或过期").click()  # tap 2
    page.locator("#report-description").fill("三楼的灭火器过期了")  # the one sentence
    page.locator("#report-place").filter(has_text="已定位：梅园新村社区 · 第3网格").wait_for()
    page.locator("#report-send").click()  # tap 3

    page.locator("#sent-number").filter(has_text="H-").wait_for()
    hazard = Hazard.objects.get()
    assert page.locator("#sent-number").inner_text() == hazard.number
    assert (hazard.lat, hazard.lng) == pytest.approx(HERE)
    assert hazard.grid == city.grid
    assert page.url.endswith(f"/report/sent/{hazard.pk}")
    shoot(page, "report-sent")
    assert page.locator("#status").get_attribute("role") == "status"
    assert "已发送" in page.locator("#status").inner_text()


def test_required_fields_are_marked_and_checked_before_send(
    asgi_server: str, new_page: Any
) -> None:
    build_city()
    page = new_page(viewport=PHONES["large"], **GEO)
    sign_in(page, asgi_server, "resident")
    page.locator("#go-report").click()

    page.locator("#report-categories input[value='fire-exit']").check()
    assert page.locator("#report-guidance").inner_text().endswith("先确认其他出口可以通行。")
    assert "（必填）" in page.locator("label[data-attribute='floor']").inner_text()
    page.locator("#report-send").click()

    status = page.locator("#status").inner_text()
    assert status == "描述您看到的情况：请用几句话描述隐患。 楼层：请填写此项。"
    assert page.locator("#report-description").get_attribute("aria-invalid") == "true"
    assert page.locator("[name='attr:floor']").get_attribute("aria-invalid") == "true"
    assert page.evaluate("document.activeElement.id") == "report-description"
    assert "floor" not in status and "where" not in status
    assert Hazard.objects.count() == 0
    shoot(page, "report-missing-fields")


def test_my_reports_say_their_status_in_words(asgi_server: str, new_page: Any) -> None:
    build_city()
    page = new_page(viewport=PHONES["small"], **GEO)
    sign_in(page, asgi_server, "resident")
    page.locator("#go-report").click()
    page.locator("#report-categories label").filter(has_text="灭火器缺失或过期").click()
    page.locator("#report-description").fill("二楼灭火器不见了")
    page.locator("#report-place").filter(has_text="梅园新村社区").wait_for()
    page.locator("#report-send").click()
    page.locator("#sent-number").filter(has_text="H-").wait_for()

    page.goto(asgi_server + "/mine")

    card = page.locator("#mine-list .card").first
    card.wait_for()
    assert "已受理，等待社区处理" in card.inner_text()


def test_resident_redeems_a_reward_and_the_voucher_qr_reads_back(
    asgi_server: str, new_page: Any, tmp_path: Path
) -> None:
    build_city()
    page = new_page(viewport=PHONES["large"], **GEO)
    sign_in(page, asgi_server, "resident")
    page.locator("#go-points").click()
    page.locator("#points-balance").filter(has_text="300 积分").wait_for()
    page.locator("#points-history .card").filter(has_text="+300 · 完成培训").wait_for()
    page.go_back()
    page.locator("#go-rewards").click()

    page.locator("#rewards-list button[data-redeem]").click()

    page.locator("#voucher-qr").wait_for()
    voucher = Voucher.objects.get()
    # The screen shows before the voucher's details arrive: wait for them.
    eventually(page, lambda: page.locator("#voucher-code").inner_text() == voucher.code)
    assert page.locator("#voucher-qr").get_attribute("alt") == f"兑换券 {voucher.code} 的二维码"
    png = tmp_path / "qr.png"
    page.locator("#voucher-qr").screenshot(path=str(png))
    assert decode_qr(png) == [voucher.code]
    shoot(page, "voucher")
    page.go_back()
    page.locator("#rewards").wait_for()
    page.locator("#rewards-balance").filter(has_text="200 积分").wait_for()
