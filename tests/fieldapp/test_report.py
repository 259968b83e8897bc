"""Reporting a hazard from the phone: category, attributes, location, photo, outbox."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from inspections.models import Hazard, Photo
from inspections.services import hazard_report
from tests.factories import TEST_PASSWORD
from tests.fieldapp.factories import build_city, eventually, in_thread, sign_in
from tests.inspections.factories import HERE, jpeg_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GEO = {"permissions": ["geolocation"], "geolocation": {"latitude": HERE[0], "longitude": HERE[1]}}


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "hazard.jpg"
    path.write_bytes(jpeg_bytes())
    return path


def fill_report(page: Any, photo: Path | None = None) -> None:
    """Open the form and fill it as a resident would; the phone gives the location."""
    page.locator("#go-report").click()
    page.locator("#report-category option[value='fire-exit']").wait_for(state="attached")
    page.locator("#report-category").select_option("fire-exit")
    page.locator("#report-description").fill("楼道堆满电动车, 消防通道堵死了")
    eventually(page, lambda: page.evaluate("document.getElementById('report-lat').value !== ''"))
    page.locator("[name='attr:floor']").fill("3")
    page.locator("[name='attr:blocked']").select_option("fully")
    page.locator("[name='attr:items'][value='bikes']").check()
    if photo is not None:
        page.locator("#report-photo").set_input_files(str(photo))


def test_resident_reports_a_hazard_with_a_photo(
    asgi_server: str, new_page: Any, photo: Path
) -> None:
    city = build_city()
    page = new_page(**GEO)
    sign_in(page, asgi_server, "resident")

    fill_report(page, photo)
    page.locator("#report-send").click()

    eventually(page, lambda: Photo.objects.filter(hazard__reporter=city.resident).exists())
    hazard = Hazard.objects.get()
    assert hazard.category == city.category
    assert hazard.description == "楼道堆满电动车, 消防通道堵死了"
    assert (hazard.lat, hazard.lng) == pytest.approx(HERE)
    assert hazard.grid == city.grid
    assert hazard.attribute_values == {"floor": 3.0, "blocked": "fully", "items": ["bikes"]}
    assert hazard.client_uuid is not None
    assert list(hazard.photos.values_list("stage", flat=True)) == ["report"]
    page.locator("#outbox").wait_for(state="hidden")


def test_manual_location_is_used_when_the_phone_gives_none(asgi_server: str, new_page: Any) -> None:
    build_city()
    page = new_page()  # no geolocation permission
    sign_in(page, asgi_server, "resident")
    page.locator("#go-report").click()
    page.locator("#report-category option[value='fire-exit']").wait_for(state="attached")
    page.locator("#report-category").select_option("fire-exit")
    page.locator("#report-description").fill("路灯不亮")
    page.locator("[name='attr:floor']").fill("1")
    page.locator("#report-lat").fill(str(HERE[0]))
    page.locator("#report-lng").fill(str(HERE[1]))

    page.locator("#report-send").click()

    eventually(page, lambda: Hazard.objects.filter(description="路灯不亮").exists())


def test_report_sent_offline_waits_in_the_outbox_and_is_sent_once_online(
    asgi_server: str, new_page: Any, photo: Path
) -> None:
    build_city()
    page = new_page(**GEO)
    sign_in(page, asgi_server, "resident")
    fill_report(page, photo)

    page.context.set_offline(True)
    page.locator("#report-send").click()

    page.locator("#outbox-items .outbox-item").wait_for(timeout=10_000)
    assert Hazard.objects.count() == 0

    page.context.set_offline(False)

    page.locator("#outbox").wait_for(state="hidden", timeout=15_000)
    hazard = Hazard.objects.get()
    assert hazard.photos.count() == 1  # the Blob survived in IndexedDB
    page.wait_for_timeout(1000)  # a second, late send would show up here
    assert Hazard.objects.count() == 1


def test_outbox_is_sent_when_the_app_opens_again(asgi_server: str, new_page: Any) -> None:
    build_city()
    page = new_page(**GEO)
    sign_in(page, asgi_server, "resident")
    fill_report(page)
    page.context.set_offline(True)
    page.locator("#report-send").click()
    page.locator("#outbox-items .outbox-item").wait_for(timeout=10_000)

    page.context.set_offline(False)
    page.reload()

    eventually(page, lambda: Hazard.objects.count() == 1)
    page.locator("#outbox").wait_for(state="hidden", timeout=10_000)
    assert Hazard.objects.count() == 1


def test_duplicate_suggestions_offer_me_too(asgi_server: str, new_page: Any) -> None:
    city = build_city()
    earlier = in_thread(
        hazard_report,
        user=city.worker,
        category_code="fire-exit",
        description="三楼楼道堆放电动车",
        lat=HERE[0],
        lng=HERE[1],
        attributes={"floor": 3},
    ).hazard
    page = new_page(**GEO)
    sign_in(page, asgi_server, "resident")
    fill_report(page)
    page.locator("#report-send").click()

    me_too = page.locator(f"[data-me-too='{earlier.pk}']")
    me_too.wait_for(timeout=10_000)
    me_too.click()

    eventually(page, lambda: Hazard.objects.get(pk=earlier.pk).me_too_count == 1)


def test_app_opened_without_signal_still_takes_a_report(asgi_server: str, new_page: Any) -> None:
    build_city()
    page = new_page(**GEO)
    sign_in(page, asgi_server, "resident")
    page.locator("#report-category option[value='fire-exit']").wait_for(state="attached")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")  # shell cached

    page.context.set_offline(True)
    page.reload()  # the service worker serves the shell; me and categories come from cache
    fill_report(page)
    page.locator("#report-send").click()
    page.locator("#outbox-items .outbox-item").wait_for(timeout=10_000)

    page.context.set_offline(False)

    eventually(page, lambda: Hazard.objects.count() == 1)


def test_a_waiting_report_is_sent_only_by_its_author(asgi_server: str, new_page: Any) -> None:
    city = build_city()
    page = new_page(**GEO)
    sign_in(page, asgi_server, "resident")
    fill_report(page)
    page.context.set_offline(True)
    page.locator("#report-send").click()
    page.locator("#outbox-items .outbox-item").wait_for(timeout=10_000)
    page.locator("#report .back").click()
    page.locator("#signout").click()
    page.context.set_offline(False)

    sign_in(page, asgi_server, "worker")  # someone else on the same phone
    page.wait_for_timeout(1500)
    assert Hazard.objects.count() == 0
    assert page.locator("#outbox").is_hidden()
    page.locator("#signout").click()

    sign_in(page, asgi_server, "resident")
    eventually(page, lambda: Hazard.objects.filter(reporter=city.resident).count() == 1)


def test_categories_are_named_in_the_users_language(asgi_server: str, new_page: Any) -> None:
    build_city()
    page = new_page(locale="en-US")
    page.goto(asgi_server + "/")
    page.locator("#signin-form [name=username]").fill("resident")
    page.locator("#signin-form [name=password]").fill(TEST_PASSWORD)
    page.locator("#signin-form button").click()
    page.locator("#go-report").click()

    option = page.locator("#report-category option[value='fire-exit']")
    option.wait_for(state="attached")
    assert option.inner_text() == "Blocked exit"
