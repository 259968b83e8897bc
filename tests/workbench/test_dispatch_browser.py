"""One-click dispatch on the workbench as a staff member sees it: Chinese, 1366x768, from
the hazard's page to the status board in two clicks."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from dispatch.models import Dispatch
from tests.factories import UserFactory
from tests.fieldapp.factories import in_thread
from tests.workbench.city import Desk, build_desk
from tests.workbench.conftest import screenshot
from tests.workbench.test_admin_browser import fits_the_window, sign_in
from volunteers.models import VolunteerProfile

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _desk_with_a_volunteer() -> tuple[Desk, Any]:
    desk = build_desk()
    volunteer = UserFactory(display_name="吴志愿")
    VolunteerProfile.objects.create(
        user=volunteer,
        community=desk.community,
        on_duty=True,
        last_lat=desk.fresh.lat + 0.001,
        last_lng=desk.fresh.lng,
        last_located_at=timezone.now(),
    )
    return desk, volunteer


def test_from_the_hazard_page_to_the_status_board(live_server: Any, desk: Any) -> None:
    city, volunteer = in_thread(_desk_with_a_volunteer)
    sign_in(desk, live_server.url)
    desk.goto(f"{live_server.url}/admin/inspections/hazard/{city.fresh.pk}/change/")

    desk.get_by_role("link", name="调度志愿者").click()
    assert desk.locator("#id_address").input_value() == city.fresh.address
    assert fits_the_window(desk)
    screenshot(desk, "dispatch-open-form")
    desk.get_by_role("button", name="立即调度").click()

    desk.get_by_role("heading", name="状态看板").wait_for()
    board = desk.locator("#content-main").inner_text()
    assert "吴志愿" in board and "已邀请" in board and "正在寻找志愿者" in board
    assert fits_the_window(desk)
    screenshot(desk, "dispatch-status-board")
    assert Dispatch.objects.get().hazard_id == city.fresh.pk
