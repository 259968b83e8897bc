"""The field app in a real browser: sign in, see who you are, sign out."""

from __future__ import annotations

from typing import Any

import pytest
from knox.models import AuthToken

from tests.factories import TEST_PASSWORD, GridFactory, make_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_worker_signs_in_with_phone_number_and_sees_their_grid(live_server: Any, page: Any) -> None:
    grid = GridFactory(name="第3网格", community__name="梅园新村社区")
    make_worker(grid, display_name="王芳", phone="13900001111")

    page.goto(live_server.url + "/")
    page.get_by_label("用户名或手机号").fill("139 0000 1111")
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()

    page.get_by_text("你好, 王芳").wait_for(timeout=10_000)
    assert page.locator("#grid").inner_text() == "梅园新村社区 · 第3网格"
    assert "网格员" in page.locator("#roles").inner_text()
    assert AuthToken.objects.count() == 1


def test_wrong_password_says_so_in_chinese_and_stays_signed_out(
    live_server: Any, page: Any
) -> None:
    make_worker(GridFactory(), username="wang")

    page.goto(live_server.url + "/")
    page.get_by_label("用户名或手机号").fill("wang")
    page.get_by_label("密码").fill("wrong password")
    page.get_by_role("button", name="登录").click()

    page.get_by_text("用户名、手机号或密码错误。").wait_for(timeout=10_000)
    assert page.locator("#home").is_hidden()
    assert AuthToken.objects.count() == 0


def test_sign_out_revokes_the_token(live_server: Any, page: Any) -> None:
    make_worker(GridFactory(), username="wang")
    page.goto(live_server.url + "/")
    page.get_by_label("用户名或手机号").fill("wang")
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.locator("#home").wait_for(state="visible", timeout=10_000)

    page.get_by_role("button", name="退出登录").click()

    page.locator("#signin").wait_for(state="visible", timeout=10_000)
    assert AuthToken.objects.count() == 0
