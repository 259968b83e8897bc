"""Installable (manifest, icons, favicon, Chromium's own check), usable with no signal
after one visit, and photos made small on the phone before they are queued."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.fieldapp.factories import GEO, PHONES, build_city, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manifest_icons_and_favicon(asgi_server: str, new_page: Any) -> None:
    page = new_page()
    manifest = page.request.get(asgi_server + "/manifest.webmanifest").json()
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert sizes == {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}
    for icon in manifest["icons"]:
        image = Image.open(io.BytesIO(page.request.get(asgi_server + icon["src"]).body()))
        assert f"{image.width}x{image.height}" == icon["sizes"]
    favicon = page.request.get(asgi_server + "/favicon.ico")
    assert favicon.status == 200
    assert Image.open(io.BytesIO(favicon.body())).format == "ICO"


def test_chromium_finds_the_app_installable(asgi_server: str, new_page: Any) -> None:
    build_city()
    page = new_page()
    page.goto(asgi_server + "/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    session = page.context.new_cdp_session(page)

    errors = session.send("Page.getInstallabilityErrors")["installabilityErrors"]
    manifest = session.send("Page.getAppManifest")

    # Playwright's contexts are incognito, where Chromium never installs anything; every
    # other check (manifest, icons, service worker, start URL) must pass.
    assert [e["errorId"] for e in errors if e["errorId"] != "in-incognito"] == []
    assert manifest["errors"] == []


def test_the_shell_and_my_lists_open_with_no_signal_after_one_visit(
    asgi_server: str, new_page: Any
) -> None:
    build_city()
    page = new_page(viewport=PHONES["small"], **GEO)
    sign_in(page, asgi_server, "resident")
    page.evaluate("navigator.serviceWorker.ready")
    page.locator("#go-rewards").click()
    page.locator("#rewards-list .card").first.wait_for()

    page.context.set_offline(True)
    page.reload()

    page.locator("#rewards-list .card").filter(has_text="公共停车场2小时停车券").wait_for()
    page.goto(asgi_server + "/")
    page.locator("#home-points").filter(has_text="300").wait_for()


def test_a_twelve_megapixel_photo_is_queued_at_most_2048_px_and_about_1_mb(
    asgi_server: str, new_page: Any, tmp_path: Path
) -> None:
    build_city()
    big = tmp_path / "camera.jpg"
    # A camera-like 12 MP picture: noisy enough that JPEG cannot squeeze it much.
    noise = Image.effect_noise((4000, 3000), 64).convert("RGB")
    noise.save(big, quality=92)
    assert big.stat().st_size > 4_000_000
    page = new_page(viewport=PHONES["large"], **GEO)
    sign_in(page, asgi_server, "resident")
    page.locator("#go-report").click()
    page.locator("#report-categories label").filter(has_text="灭火器缺失或过期").click()
    page.locator("#report-description").fill("灭火器过期")
    page.locator("#report-place").filter(has_text="梅园新村社区").wait_for()
    page.locator("#report-photo").set_input_files(str(big))
    page.context.set_offline(True)

    page.locator("#report-send").click()
    page.locator("#home").wait_for()

    queued = page.evaluate(
        """() => new Promise((resolve) => {
          indexedDB.open("safegrid").onsuccess = (event) => {
            const read = event.target.result.transaction("outbox").objectStore("outbox").getAll();
            read.onsuccess = async () => {
              const blob = read.result[0].photos[0];
              const bitmap = await createImageBitmap(blob);
              resolve({size: blob.size, width: bitmap.width, height: bitmap.height});
            };
          };
        })"""
    )
    assert max(queued["width"], queued["height"]) == 2048
    assert queued["size"] <= 1024 * 1024, queued
    print(f"12 MP photo: {big.stat().st_size} bytes -> queued {queued}")
