"""Every kind of write made with no signal waits in the outbox (counted on the home
screen, never claimed as sent) and reaches the server exactly once when the signal is back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from inspections.models import Hazard, HazardEvent, HazardStatus, Inspection, Photo
from inspections.services import hazard_assign, hazard_reject, hazard_report
from points.models import LedgerEntry, Voucher
from tests.fieldapp.factories import (
    GEO,
    PHONES,
    City,
    build_city,
    eventually,
    in_thread,
    outbox_count,
    shoot,
    sign_in,
)
from tests.inspections.factories import HERE, jpeg_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "after.jpg"
    path.write_bytes(jpeg_bytes(colour=(30, 200, 30)))
    return path


def reported(city: City, user: Any = None, description: str = "楼道堆放杂物") -> Hazard:
    return in_thread(
        hazard_report,
        user=user or city.resident,
        category_code="fire-exit",
        description=description,
        lat=HERE[0],
        lng=HERE[1],
        attributes={"floor": 2},
    ).hazard


def worker_on_an_assigned_hazard(asgi_server: str, new_page: Any) -> tuple[City, Hazard, Any]:
    """The worker, signed in on a small phone, looking at a hazard assigned to them."""
    city = build_city()
    hazard = reported(city)
    in_thread(
        hazard_assign,
        user=city.staff,
        hazard_id=hazard.pk,
        version=hazard.version,
        assignee_id=city.worker.pk,
    )
    page = new_page(viewport=PHONES["small"], **GEO)
    sign_in(page, asgi_server, "worker")
    page.locator(f"#assigned-list [data-hazard='{hazard.pk}']").click()
    page.locator("#step-start").wait_for()
    return city, hazard, page


def go_home(page: Any) -> None:
    page.locator(".bar h1 a").click()
    page.locator("#home").wait_for()


def waiting_texts(page: Any) -> list[str]:
    page.locator("#go-outbox").click()
    page.locator("#outbox-items li").first.wait_for()
    return page.locator("#outbox-items .outbox-item strong").all_inner_texts()


def test_a_comment_being_written_survives_the_redraw_a_step_causes(
    asgi_server: str, new_page: Any
) -> None:
    city, hazard, page = worker_on_an_assigned_hazard(asgi_server, new_page)

    page.locator("#comment-note").fill("业主下午在家")
    page.locator("#step-start").click()
    page.locator("#step-submit-fix").wait_for()  # the step was sent and the actions redrawn

    assert page.locator("#comment-note").input_value() == "业主下午在家"
    eventually(page, lambda: Hazard.objects.get(pk=hazard.pk).status == HazardStatus.RECTIFYING)


def test_a_workers_offline_day_is_sent_once_in_order(
    asgi_server: str, new_page: Any, photo: Path
) -> None:
    city, hazard, page = worker_on_an_assigned_hazard(asgi_server, new_page)

    page.context.set_offline(True)
    page.locator("#step-start").click()
    page.locator("#step-submit-fix").wait_for()  # the next step is offered while start waits
    page.locator("#submit-fix-photo").set_input_files(str(photo))
    page.locator("#submit-fix-note").fill("已清理楼道")
    page.locator("#step-submit-fix").click()
    page.locator("#comment-note").fill("业主已承诺不再堆放")
    page.locator("#send-comment").click()
    page.locator("#hazard-actions .waiting").nth(2).wait_for()
    assert "没有信号" in page.locator("#status").inner_text()
    go_home(page)
    page.locator(f"#due-list [data-patrol='{city.site.pk}']").click()
    page.locator("fieldset[data-item='exit'] .outcome-fail input").check()
    page.locator("fieldset[data-item='exit'] [name='attr:floor']").fill("1")
    page.locator("fieldset[data-item='exit'] textarea").fill("后门被纸箱堵住")
    page.locator("fieldset[data-item='exit'] input[type=file]").set_input_files(str(photo))
    page.locator("fieldset[data-item='extinguisher'] .outcome-pass input").check()
    page.locator("#patrol-finish").click()
    page.locator("#home").wait_for()

    assert outbox_count(page) == 4
    shoot(page, "worker-home-offline")
    texts = waiting_texts(page)
    assert texts == [
        f"开始整改 · {hazard.number}",
        f"提交整改 · {hazard.number}",
        f"对 {hazard.number} 的留言：业主已承诺不再堆放",
        "巡查：老王饭店",
    ]
    shoot(page, "outbox-waiting")
    hazard.refresh_from_db()
    assert (hazard.status, Inspection.objects.count()) == (HazardStatus.ASSIGNED, 0)

    page.context.set_offline(False)

    eventually(page, lambda: Inspection.objects.count() == 1, timeout=20)
    page.locator("#outbox-items .empty").wait_for(timeout=10_000)
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.AWAITING_VERIFICATION
    assert hazard.photos.filter(stage="rectified").count() == 1
    steps = HazardEvent.objects.filter(hazard=hazard, kind="transition").order_by("id")
    assert [e.to_status for e in steps] == [
        "reported",
        "assigned",
        "rectifying",
        "awaiting_verification",
    ]
    assert HazardEvent.objects.filter(hazard=hazard, kind="comment").count() == 1
    inspection = Inspection.objects.get()
    failed = inspection.results.get(item__code="exit")
    assert failed.hazard is not None and failed.photo is not None
    assert Photo.objects.filter(inspection=inspection).count() == 1
    # A second flush (the every-minute retry, the app opening again) sends nothing more.
    page.reload()
    page.locator("#outbox-items .empty").wait_for()  # the same screen: its URL is kept
    page.wait_for_load_state("networkidle")
    assert Inspection.objects.count() == 1
    assert HazardEvent.objects.filter(hazard=hazard).count() == 6  # + photo line
    assert Hazard.objects.count() == 2


def test_a_residents_offline_writes_are_sent_once(
    asgi_server: str, new_page: Any, photo: Path
) -> None:
    city = build_city()
    neighbour_report = reported(city, user=city.worker, description="一楼消防通道被电动车堵住")
    mine = reported(city, description="消防通道被杂物堵住")
    page = new_page(viewport=PHONES["large"], **GEO)
    sign_in(page, asgi_server, "resident")
    # Online, once: my reports and one of them, the rewards; then a report with a similar
    # one nearby.
    page.locator("#go-mine").click()
    page.locator(f"#mine-list [data-hazard='{mine.pk}']").click()
    page.locator("#comment-note").wait_for()
    go_home(page)
    page.locator("#go-rewards").click()
    page.locator(f"[data-redeem='{city.reward.pk}']").wait_for()
    go_home(page)
    page.locator("#go-report").click()
    page.locator("#report-categories input[value='fire-exit']").check()
    page.locator("#report-description").fill("楼道里停满了电动车")
    page.locator("[name='attr:floor']").fill("1")
    page.locator("#report-place").filter(has_text="梅园新村社区").wait_for()
    page.locator("#report-send").click()
    page.locator("#sent-number").filter(has_text="H-").wait_for()

    page.context.set_offline(True)
    page.locator(f"[data-me-too='{neighbour_report.pk}']").click()
    page.locator("#status").filter(has_text="没有信号").wait_for()
    page.go_back()  # the report form again, as the Back button would
    page.locator("#report-categories input[value='fire-exit']").check()
    page.locator("#report-description").fill("二楼楼梯口堆着旧沙发")
    page.locator("[name='attr:floor']").fill("2")
    page.locator("#report-photo").set_input_files(str(photo))
    page.locator("#report-send").click()
    page.locator("#home").wait_for()
    assert "没有信号" in page.locator("#status").inner_text()
    page.locator("#go-mine").click()
    page.locator(f"#mine-list [data-hazard='{mine.pk}']").click()
    page.locator("#comment-note").fill("今天又多了两辆")
    page.locator("#send-comment").click()
    page.locator("#hazard-actions .waiting").wait_for()
    go_home(page)
    page.locator("#go-rewards").click()
    page.locator(f"[data-redeem='{city.reward.pk}']").click()
    page.locator("#status").filter(has_text="没有信号").wait_for()
    go_home(page)
    assert outbox_count(page) == 4
    assert Voucher.objects.count() == 0 and Hazard.objects.count() == 3

    page.context.set_offline(False)

    eventually(page, lambda: Voucher.objects.count() == 1, timeout=20)
    page.locator("#outbox-link").wait_for(state="hidden", timeout=10_000)
    neighbour_report.refresh_from_db()
    assert neighbour_report.me_too_count == 1
    offline_report = Hazard.objects.get(description="二楼楼梯口堆着旧沙发")
    assert offline_report.photos.count() == 1
    assert HazardEvent.objects.filter(hazard=mine, kind="comment").count() == 1
    page.reload()
    page.locator("#home").wait_for()
    page.wait_for_load_state("networkidle")
    assert (Hazard.objects.count(), Voucher.objects.count()) == (4, 1)

    # Cancelling the voucher with no signal: the refund is booked once.
    voucher = Voucher.objects.get()
    page.locator("#go-vouchers").click()
    page.locator(f"[data-voucher='{voucher.code}']").click()
    page.locator("#voucher-cancel").wait_for()
    page.context.set_offline(True)
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#voucher-cancel").click()
    page.locator("#status").filter(has_text="没有信号").wait_for()
    page.context.set_offline(False)
    eventually(page, lambda: Voucher.objects.get().status == "cancelled")
    page.locator("#voucher-status").filter(has_text="已取消").wait_for()
    assert LedgerEntry.objects.filter(kind="refund").count() == 1


def test_a_step_refused_meanwhile_is_shown_in_words_with_the_state_now(
    asgi_server: str, new_page: Any
) -> None:
    city = build_city()
    hazard = reported(city)
    hazard = in_thread(
        hazard_assign,
        user=city.staff,
        hazard_id=hazard.pk,
        version=hazard.version,
        assignee_id=city.worker.pk,
    )
    page = new_page(viewport=PHONES["large"], **GEO)
    sign_in(page, asgi_server, "worker")
    page.locator(f"#assigned-list [data-hazard='{hazard.pk}']").click()
    page.context.set_offline(True)
    page.locator("#step-start").click()
    page.locator("#hazard-actions .waiting").wait_for()
    in_thread(hazard_reject, user=city.staff, hazard_id=hazard.pk, version=2, reason="不属于本社区")

    page.context.set_offline(False)

    page.locator("#status").filter(has_text="待发送箱中有内容未被接受").wait_for(timeout=15_000)
    page.goto(asgi_server + "/outbox")
    refusal = page.locator("#outbox-items .refused").inner_text()
    assert refusal == "未被接受： 他人已先修改了这条记录，请刷新后重试。 目前状态：未受理。"
    shoot(page, "outbox-refused")
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.REJECTED
    page.locator("#outbox-items button").click()  # a refused item may be deleted
    page.locator("#outbox-items .empty").wait_for()
