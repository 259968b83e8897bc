"""Signing in and out, and a session that ends while work waits in the outbox."""

from __future__ import annotations

from typing import Any

import pytest
from knox.models import AuthToken

from inspections.models import Hazard
from tests.factories import TEST_PASSWORD, GridFactory, make_worker
from tests.fieldapp.factories import (
    GEO,
    PHONES,
    build_city,
    eventually,
    fill_sign_in,
    outbox_count,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_worker_signs_in_with_phone_number_and_sees_their_grid(live_server: Any, page: Any) -> None:
    grid = GridFactory(name="第3网格", community__name="梅园新村社区")
    make_worker(grid, display_name="王芳", phone="13900001111")

    page.goto(live_server.url + "/")
    page.get_by_label("用户名或手机号").fill("139 0000 1111")
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.locator("#signin-form button[type=submit]").click()

    page.locator("#greeting").filter(has_text="王芳").wait_for(timeout=10_000)
    assert page.locator("#grid").inner_text() == "梅园新村社区 · 第3网格"
    assert page.url == live_server.url + "/"
    assert AuthToken.objects.count() == 1


def test_wrong_password_says_so_in_chinese_and_stays_signed_out(
    live_server: Any, page: Any
) -> None:
    make_worker(GridFactory(), username="wang")

    page.goto(live_server.url + "/")
    page.get_by_label("用户名或手机号").fill("wang")
    page.get_by_label("密码").fill("wrong password")
    page.locator("#signin-form button[type=submit]").click()

    page.locator("#status").filter(has_text="用户名、手机号或密码错误。").wait_for(timeout=10_000)
    assert page.locator("#status").get_attribute("aria-live") == "assertive"
    assert page.locator("#home").is_hidden()
    assert AuthToken.objects.count() == 0


def test_sign_out_revokes_the_token(live_server: Any, page: Any) -> None:
    make_worker(GridFactory(), username="wang")
    page.goto(live_server.url + "/")
    fill_sign_in(page, "wang")
    page.locator("#home").wait_for(state="visible", timeout=10_000)

    page.get_by_role("button", name="退出登录").click()

    page.locator("#signin").wait_for(state="visible", timeout=10_000)
    assert page.url.endswith("/signin")
    assert AuthToken.objects.count() == 0


def test_a_revoked_session_returns_to_sign_in_and_keeps_the_outbox(
    asgi_server: str, new_page: Any
) -> None:
    city = build_city()
    page = new_page(viewport=PHONES["small"], **GEO)
    sign_in(page, asgi_server, "resident")
    page.locator("#go-report").click()
    page.locator("#report-categories input[value='fire-exit']").check()
    page.locator("#report-description").fill("楼道灯坏了，消防通道很暗")
    page.locator("[name='attr:floor']").fill("4")
    page.locator("#report-place").filter(has_text="梅园新村社区").wait_for()
    page.context.set_offline(True)
    page.locator("#report-send").click()
    page.locator("#home").wait_for()
    assert outbox_count(page) == 1

    AuthToken.objects.all().delete()  # revoked elsewhere (logout-all, an administrator)
    page.context.set_offline(False)

    page.locator("#signin").wait_for(timeout=15_000)
    assert "登录已失效" in page.locator("#status").inner_text()
    assert page.url.endswith("/signin")
    assert Hazard.objects.count() == 0
    fill_sign_in(page, "resident")
    eventually(page, lambda: Hazard.objects.filter(reporter=city.resident).count() == 1)
    page.locator("#outbox-link").wait_for(state="hidden", timeout=10_000)
    assert Hazard.objects.count() == 1


def test_back_walks_back_through_the_screens(asgi_server: str, new_page: Any) -> None:
    build_city()
    page = new_page(viewport=PHONES["large"], **GEO)
    sign_in(page, asgi_server, "resident")

    page.locator("#go-rewards").click()
    page.locator("#rewards-list .card").first.wait_for()
    assert page.url.endswith("/rewards")
    page.locator("#rewards a[href='/vouchers']").click()
    page.locator("#vouchers").wait_for()
    assert page.url.endswith("/vouchers")

    page.go_back()
    page.locator("#rewards").wait_for()
    assert page.url.endswith("/rewards")
    page.locator("#rewards button.back").click()
    page.locator("#home").wait_for()
    assert page.url == asgi_server + "/"
    page.go_forward()
    page.locator("#rewards").wait_for()
    page.reload()  # a screen's URL opens that screen
    page.locator("#rewards-list .card").first.wait_for()
