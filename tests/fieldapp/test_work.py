"""A worker's list in the field app: assigned hazards, their steps, live updates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from config.realtime.models import Event
from inspections.models import Hazard, HazardStatus
from inspections.services import hazard_assign, hazard_report, hazard_start_rectification
from tests.fieldapp.factories import City, build_city, eventually, in_thread, sign_in
from tests.inspections.factories import HERE, jpeg_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def reported(city: City, description: str = "楼道堆放杂物") -> Hazard:
    return in_thread(
        hazard_report,
        user=city.resident,
        category_code="fire-exit",
        description=description,
        lat=HERE[0],
        lng=HERE[1],
        attributes={"floor": 2},
    ).hazard


def assigned(city: City, hazard: Hazard) -> Hazard:
    return in_thread(
        hazard_assign,
        user=city.staff,
        hazard_id=hazard.pk,
        version=hazard.version,
        assignee_id=city.worker.pk,
    )


def open_list(page: Any) -> None:
    page.locator("#go-list").click()
    page.locator("[data-list='assigned']").wait_for(timeout=10_000)


def test_worker_sees_an_assigned_hazard_and_starts_rectification(
    asgi_server: str, new_page: Any
) -> None:
    city = build_city()
    hazard = assigned(city, reported(city))
    page = new_page()
    sign_in(page, asgi_server, "worker")
    open_list(page)

    page.locator(f"[data-list='assigned'] [data-hazard='{hazard.pk}']").click()
    page.locator("#start-fix").click()

    eventually(page, lambda: Hazard.objects.get(pk=hazard.pk).status == HazardStatus.RECTIFYING)
    page.locator("#detail-status[data-status='rectifying']").wait_for(timeout=10_000)


def test_worker_submits_the_fix_with_an_after_photo(
    asgi_server: str, new_page: Any, tmp_path: Path
) -> None:
    city = build_city()
    hazard = assigned(city, reported(city))
    hazard = in_thread(
        hazard_start_rectification, user=city.worker, hazard_id=hazard.pk, version=hazard.version
    )
    after = tmp_path / "after.jpg"
    after.write_bytes(jpeg_bytes(colour=(30, 200, 30)))
    page = new_page()
    sign_in(page, asgi_server, "worker")
    open_list(page)
    page.locator(f"[data-hazard='{hazard.pk}']").first.click()

    page.locator("#fix-photo").set_input_files(str(after))
    page.locator("#fix-note").fill("已清理楼道")
    page.locator("#submit-fix").click()

    eventually(
        page,
        lambda: Hazard.objects.get(pk=hazard.pk).status == HazardStatus.AWAITING_VERIFICATION,
    )
    assert list(hazard.photos.values_list("stage", flat=True)) == ["rectified"]


def test_resident_sees_their_report_in_plain_words_with_its_timeline(
    asgi_server: str, new_page: Any
) -> None:
    city = build_city()
    hazard = assigned(city, reported(city))
    page = new_page()
    sign_in(page, asgi_server, "resident")

    page.locator("#go-list").click()
    page.locator(f"[data-list='mine'] [data-hazard='{hazard.pk}']").click()

    page.locator("#detail-timeline li").nth(1).wait_for(timeout=10_000)
    assert page.locator("#detail-status").get_attribute("data-status") == "assigned"
    assert page.locator("#start-fix").count() == 0  # not theirs to do


def test_a_new_assignment_appears_in_the_list_without_reload(
    asgi_server: str, new_page: Any
) -> None:
    city = build_city()
    hazard = reported(city)
    page = new_page()
    sign_in(page, asgi_server, "worker")
    page.locator("html[data-live='connected']").wait_for(state="attached", timeout=10_000)
    open_list(page)
    assert page.locator(f"[data-list='assigned'] [data-hazard='{hazard.pk}']").count() == 0

    assigned(city, hazard)

    page.locator(f"[data-list='assigned'] [data-hazard='{hazard.pk}']").wait_for(timeout=10_000)
    assert page.evaluate("localStorage.getItem('safegrid.lastEventId')") is not None


def test_events_missed_while_disconnected_are_replayed_on_reconnect(
    asgi_server: str, new_page: Any
) -> None:
    city = build_city()
    hazard = reported(city)
    page = new_page()
    sign_in(page, asgi_server, "worker")
    page.locator("html[data-live='connected']").wait_for(state="attached", timeout=10_000)
    open_list(page)
    reported(city, "另一处隐患")  # an event the worker receives, so the app remembers an id
    # `page.evaluate`, not `wait_for_function`: the app's CSP forbids the eval it uses.
    eventually(page, lambda: page.evaluate("localStorage.getItem('safegrid.lastEventId') !== null"))

    page.context.set_offline(True)
    page.locator("html[data-live='disconnected']").wait_for(state="attached", timeout=10_000)
    assigned(city, hazard)
    missed = Event.objects.filter(type="hazard.assigned").get().pk
    page.context.set_offline(False)

    page.locator(f"[data-list='assigned'] [data-hazard='{hazard.pk}']").wait_for(timeout=10_000)
    eventually(
        page,
        lambda: page.evaluate(f"Number(localStorage.getItem('safegrid.lastEventId')) >= {missed}"),
    )


def test_the_app_reconnects_by_itself_when_the_server_drops_its_socket(
    asgi_server: str, new_page: Any
) -> None:
    from config.realtime.control import sockets_close

    city = build_city()
    page = new_page()
    sign_in(page, asgi_server, "worker")
    page.locator("html[data-live='connected']").wait_for(state="attached", timeout=10_000)
    page.evaluate(
        """() => {
        window.liveStates = [];
        new MutationObserver(() => window.liveStates.push(document.documentElement.dataset.live))
            .observe(document.documentElement, {attributes: true, attributeFilter: ["data-live"]});
    }"""
    )

    in_thread(sockets_close, group=f"user.{city.worker.pk}")  # as a deploy would

    eventually(
        page,
        lambda: page.evaluate(
            "window.liveStates.includes('disconnected') && window.liveStates.at(-1) === 'connected'"
        ),
        timeout=15,
    )


def test_reconnect_waits_are_random_within_a_doubling_window(
    asgi_server: str, new_page: Any
) -> None:
    build_city()
    page = new_page()
    sign_in(page, asgi_server, "worker")

    windows = page.evaluate(
        """async () => {
        const {reconnectDelay} = await import('/static/fieldapp/live.js');
        const window = (n) => [reconnectDelay(n, () => 0), reconnectDelay(n, () => 0.9999)];
        return [0, 1, 2, 3, 4, 10].map(window);
    }"""
    )

    assert windows == [[0, 1999], [0, 3999], [0, 7999], [0, 15998], [0, 29997], [0, 29997]]
