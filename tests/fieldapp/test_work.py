"""A worker's day and staff on the move: my grid by deadline, the hazard in full, a
patrol whose failed item becomes a hazard, assigning to the grid's worker, verifying."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from inspections.models import Hazard, HazardStatus, Inspection
from inspections.services import (
    hazard_assign,
    hazard_report,
    hazard_start_rectification,
    hazard_submit_fix,
    photo_add,
)
from tests.fieldapp.factories import (
    GEO,
    PHONES,
    City,
    build_city,
    eventually,
    in_thread,
    shoot,
    sign_in,
)
from tests.inspections.factories import HERE, jpeg_bytes, upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def reported(city: City, description: str) -> Hazard:
    return in_thread(
        hazard_report,
        user=city.resident,
        category_code="fire-exit",
        description=description,
        lat=HERE[0],
        lng=HERE[1],
        attributes={"floor": 2, "blocked": "fully"},
    ).hazard


def assigned(city: City, description: str) -> Hazard:
    hazard = reported(city, description)
    return in_thread(
        hazard_assign,
        user=city.staff,
        hazard_id=hazard.pk,
        version=hazard.version,
        assignee_id=city.worker.pk,
    )


def listed(page: Any, selector: str) -> list[int]:
    """The hazard ids of a list, read in one go (a live refresh may redraw it meanwhile)."""
    return page.eval_on_selector_all(
        selector + " [data-hazard]", "links => links.map(a => Number(a.dataset.hazard))"
    )


def test_home_is_my_grid_by_deadline_each_hazard_once(asgi_server: str, new_page: Any) -> None:
    city = build_city()
    late = assigned(city, "楼道堆放纸箱")
    Hazard.objects.filter(pk=late.pk).update(due_at=timezone.now() - dt.timedelta(days=2))
    soon = assigned(city, "后门上锁")
    unassigned = reported(city, "消防栓被遮挡")
    page = new_page(viewport=PHONES["small"], **GEO)

    sign_in(page, asgi_server, "worker")

    mine = page.locator("#assigned-list [data-hazard]")
    mine.nth(1).wait_for()
    assert [int(a.get_attribute("data-hazard")) for a in mine.all()] == [late.pk, soon.pk]
    assert "已超期（期限 " in mine.nth(0).inner_text()
    page.locator(f"#grid-list [data-hazard='{unassigned.pk}']").wait_for()
    grid_ids = [
        int(a.get_attribute("data-hazard")) for a in page.locator("#grid-list [data-hazard]").all()
    ]
    assert grid_ids == [unassigned.pk]  # the assigned ones are not listed twice
    assert "老王饭店" in page.locator("#due-list").inner_text()


def test_hazard_detail_has_place_deadline_risk_attributes_photos_and_steps(
    asgi_server: str, new_page: Any
) -> None:
    city = build_city()
    hazard = assigned(city, "楼道堆放纸箱")
    in_thread(
        photo_add,
        user=city.resident,
        hazard_id=hazard.pk,
        stage="report",
        upload=upload(jpeg_bytes()),
    )
    page = new_page(viewport=PHONES["large"], **GEO)
    sign_in(page, asgi_server, "worker")

    page.locator(f"#assigned-list [data-hazard='{hazard.pk}']").click()

    page.locator("#step-start").wait_for()
    page.locator("#hazard-body .photos img").wait_for()
    body = page.locator("#hazard-body").inner_text()
    for words in [
        "整改期限",
        "黄色：一般风险",
        "楼层",
        "堵塞程度",
        "完全",
        "梅园新村社区 · 第3网格",
        "已分派网格员处理",
    ]:
        assert words in body
    assert "fully" not in body and "floor" not in body
    img = page.locator("#hazard-body .photos img")
    assert img.get_attribute("alt").startswith("报告时照片，")
    assert page.locator("#step-submit-fix").count() == 0
    shoot(page, "worker-hazard-detail")


def test_patrol_with_a_failed_item_shows_the_hazard_it_made(
    asgi_server: str, new_page: Any, tmp_path: Path
) -> None:
    city = build_city()
    picture = tmp_path / "door.jpg"
    picture.write_bytes(jpeg_bytes())
    page = new_page(viewport=PHONES["small"], **GEO)
    sign_in(page, asgi_server, "worker")

    page.locator(f"#due-list [data-patrol='{city.site.pk}']").click()
    page.locator("fieldset[data-item='exit'] .outcome-fail").click()
    page.locator("fieldset[data-item='exit'] [name='attr:floor']").fill("1")
    page.locator("fieldset[data-item='exit'] textarea").fill("后门被纸箱堵住")
    page.locator("fieldset[data-item='exit'] input[type=file]").set_input_files(str(picture))
    page.locator("fieldset[data-item='extinguisher'] .outcome-pass").click()
    shoot(page, "patrol-filled")
    page.locator("#patrol-finish").click()

    link = page.locator("#patrol-hazards a[data-hazard]")
    link.wait_for()
    inspection = Inspection.objects.get()
    made = inspection.results.get(item__code="exit").hazard
    assert made is not None
    assert int(link.get_attribute("data-hazard")) == made.pk
    assert page.locator("#patrol-summary").inner_text() == "1 个不合格项已生成隐患："
    shoot(page, "patrol-done")
    link.click()
    page.locator("#hazard-title").filter(has_text=made.number).wait_for()
    assert "后门被纸箱堵住" in page.locator("#hazard-body").inner_text()


def test_staff_assign_to_the_grids_worker_then_verify_and_close_with_a_photo(
    asgi_server: str, new_page: Any, tmp_path: Path
) -> None:
    city = build_city()
    hazard = reported(city, "楼道堆放纸箱")
    page = new_page(viewport=PHONES["large"], **GEO)
    sign_in(page, asgi_server, "staff")

    page.locator(f"#triage-list [data-hazard='{hazard.pk}']").click()
    page.locator("#step-assign").filter(has_text="分派给王芳").click()

    eventually(page, lambda: Hazard.objects.get(pk=hazard.pk).assignee_id == city.worker.pk)
    hazard = in_thread(hazard_start_rectification, user=city.worker, hazard_id=hazard.pk, version=2)
    in_thread(
        photo_add,
        user=city.worker,
        hazard_id=hazard.pk,
        stage="rectified",
        upload=upload(jpeg_bytes(colour=(0, 200, 0))),
    )
    in_thread(hazard_submit_fix, user=city.worker, hazard_id=hazard.pk, version=3)
    page.goto(asgi_server + "/")
    page.locator(f"#verify-list [data-hazard='{hazard.pk}']").click()
    check = tmp_path / "check.jpg"
    check.write_bytes(jpeg_bytes(colour=(0, 0, 200)))
    page.locator("#close-photo").set_input_files(str(check))
    page.locator("#step-close").click()

    eventually(page, lambda: Hazard.objects.get(pk=hazard.pk).status == HazardStatus.CLOSED)
    assert Hazard.objects.get(pk=hazard.pk).photos.filter(stage="verification").count() == 1
    page.locator("#hazard-status[data-status='closed']").wait_for()
    shoot(page, "staff-closed")


def test_the_grid_list_loads_the_next_page_on_scroll(asgi_server: str, new_page: Any) -> None:
    city = build_city()
    for number in range(55):
        reported(city, f"第{number}处杂物")
    page = new_page(viewport=PHONES["small"], **GEO)
    sign_in(page, asgi_server, "worker")
    page.locator("#grid-list [data-hazard]").nth(49).wait_for()
    assert page.locator("#grid-list [data-hazard]").count() == 50  # one cursor page

    page.locator("#grid-list [data-hazard]").nth(49).scroll_into_view_if_needed()

    page.locator("#grid-list [data-hazard]").nth(54).wait_for()
    assert len(set(listed(page, "#grid-list"))) == 55
