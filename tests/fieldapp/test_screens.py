"""Every main screen at both phone sizes, in Chinese: a screenshot, and no serious or
critical axe-core finding (labels, contrast, names of controls)."""

from __future__ import annotations

from typing import Any

import pytest

from inspections.models import Hazard
from inspections.services import hazard_assign, hazard_report
from tests.fieldapp.factories import (
    GEO,
    PHONES,
    City,
    assert_accessible,
    build_city,
    in_thread,
    shoot,
    sign_in,
)
from tests.inspections.factories import HERE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def reported(city: City, description: str = "楼道堆放杂物") -> Hazard:
    return in_thread(
        hazard_report,
        user=city.resident,
        category_code="fire-exit",
        description=description,
        lat=HERE[0],
        lng=HERE[1],
        attributes={"floor": 2, "blocked": "fully"},
    ).hazard


def visit(page: Any, path: str, ready: str, name: str) -> None:
    page.evaluate("path => window.history.pushState(null, '', path)", path)
    page.evaluate("() => window.dispatchEvent(new PopStateEvent('popstate'))")
    page.locator(ready).first.wait_for(timeout=10_000)
    page.wait_for_load_state("networkidle")
    shoot(page, name)
    assert_accessible(page)


@pytest.mark.parametrize("phone", PHONES)
def test_resident_screens(asgi_server: str, new_page: Any, phone: str) -> None:
    city = build_city()
    hazard = reported(city)
    page = new_page(viewport=PHONES[phone], **GEO)
    page.goto(asgi_server + "/")
    page.locator("#signin-form").wait_for()
    shoot(page, "signin")
    assert_accessible(page)
    sign_in(page, asgi_server, "resident")
    page.locator("#home-points").filter(has_text="300").wait_for()
    shoot(page, "resident-home")
    assert_accessible(page)
    page.get_by_label("大字").check()  # 适老化: larger type, kept for the next visit
    assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "25px"
    shoot(page, "resident-home-large-text")
    assert_accessible(page)
    page.reload()
    page.locator("#home").wait_for()
    assert page.get_by_label("大字").is_checked()
    page.get_by_label("大字").uncheck()

    page.locator("#go-report").click()
    page.locator("#report-categories input[value='fire-exit']").check()
    page.locator("#report-guidance").wait_for()
    page.locator("#report-place").filter(has_text="梅园新村社区").wait_for()
    shoot(page, "report")
    assert_accessible(page)

    visit(page, f"/hazards/{hazard.pk}", "#hazard-status", "resident-hazard")
    visit(page, "/mine", "#mine-list .card", "my-reports")
    visit(page, "/points", "#points-history .card", "points")
    visit(page, "/rewards", "#rewards-list .card", "rewards")
    visit(page, "/vouchers", "#vouchers-list li", "vouchers")
    visit(page, "/outbox", "#outbox-items li", "outbox")


@pytest.mark.parametrize("phone", PHONES)
def test_worker_and_staff_screens(asgi_server: str, new_page: Any, phone: str) -> None:
    city = build_city()
    hazard = reported(city)
    in_thread(
        hazard_assign,
        user=city.staff,
        hazard_id=hazard.pk,
        version=hazard.version,
        assignee_id=city.worker.pk,
    )
    reported(city, "三楼楼梯间堆满纸箱")
    page = new_page(viewport=PHONES[phone], **GEO)
    sign_in(page, asgi_server, "worker")
    page.locator("#assigned-list .card").first.wait_for()
    page.locator("#due-list .card").first.wait_for()
    shoot(page, "worker-home")
    assert_accessible(page)
    visit(page, f"/hazards/{hazard.pk}", "#step-start", "worker-hazard")
    visit(page, f"/patrol/{city.site.pk}", "#patrol-items fieldset", "patrol")

    staff = new_page(viewport=PHONES[phone], **GEO)
    sign_in(staff, asgi_server, "staff")
    staff.locator("#triage-list .card").first.wait_for()
    shoot(staff, "staff-home")
    assert_accessible(staff)
    triaged = Hazard.objects.get(description="三楼楼梯间堆满纸箱")
    visit(staff, f"/hazards/{triaged.pk}", "#step-assign", "staff-hazard")
