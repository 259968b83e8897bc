"""A small city for the browser tests, and steps that drive the field app."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from django.db import connections

from grids.models import Enterprise
from inspections.models import ChecklistTemplate
from points.models import Reward
from tests.city import City as RootCity
from tests.city import build_city as build_root_city
from tests.factories import TEST_PASSWORD
from tests.inspections.factories import (
    HERE,
    CategoryFactory,
    ChecklistItemFactory,
    ChecklistTemplateFactory,
)
from tests.points.factories import RewardFactory, give_points

HERE_DIR = Path(__file__).resolve().parent
SCREENSHOTS = Path(os.environ.get("SAFEGRID_SCREENSHOTS") or HERE_DIR.parents[1] / "screenshots")
AXE = HERE_DIR / "node_modules" / "axe-core" / "axe.min.js"
GEO = {"permissions": ["geolocation"], "geolocation": {"latitude": HERE[0], "longitude": HERE[1]}}
PHONES = {"small": {"width": 360, "height": 640}, "large": {"width": 390, "height": 844}}

T = TypeVar("T")

# Extra attributes of the test category: one of each kind the report form renders.
ATTRIBUTES = [
    {"code": "floor", "datatype": "number", "required": True, "description": "楼层"},
    {
        "code": "blocked",
        "datatype": "singlevaluelist",
        "required": False,
        "description": "堵塞程度",
        "values": [{"key": "partly", "name": "部分"}, {"key": "fully", "name": "完全"}],
    },
    {
        "code": "items",
        "datatype": "multivaluelist",
        "required": False,
        "description": "堆放物品",
        "values": [{"key": "bikes", "name": "电动车"}, {"key": "boxes", "name": "纸箱"}],
    },
]


@dataclass
class City(RootCity):
    """The root small city (tests/city.py) with a restaurant to patrol and a reward."""

    site: Enterprise
    checklist: ChecklistTemplate
    reward: Reward


def build_city() -> City:
    """The root small city named as a phone shows it, a building at HERE and a restaurant to
    patrol, a reward offered there, and a resident of the building holding 300 points."""
    category = CategoryFactory(
        code="fire-exit",
        name_zh="消防通道堵塞",
        name_en="Blocked exit",
        attributes=ATTRIBUTES,
        guidance_zh="不要自己搬动大件物品，先确认其他出口可以通行。",
        guidance_en="Do not move heavy items yourself; check another exit is open.",
    )
    root = build_root_city(
        community_name="梅园新村社区",
        grid_name="第3网格",
        address="梅园新村3栋",
        category=category,
        worker={"username": "worker", "display_name": "王芳"},
        staff={"username": "staff", "display_name": "赵主任"},
        resident={"username": "resident", "display_name": "李大爷", "home_building": True},
    )
    checklist = ChecklistTemplateFactory(site_kind="restaurant", name="餐饮场所检查表")
    ChecklistItemFactory(template=checklist, code="exit", text="消防通道畅通", category=category)
    ChecklistItemFactory(
        template=checklist,
        code="extinguisher",
        text="灭火器在有效期内",
        category=CategoryFactory(code="extinguisher", name_zh="灭火器缺失或过期"),
        position=1,
    )
    give_points(root.resident, 300, reason="完成培训")
    return City(
        **vars(root),
        site=Enterprise.objects.create(
            community=root.community,
            grid=root.grid,
            name="老王饭店",
            kind="restaurant",
            address="北京东路11号",
            lat=HERE[0],
            lng=HERE[1],
            inspection_interval_days=30,
        ),
        checklist=checklist,
        reward=RewardFactory(
            name_zh="公共停车场2小时停车券",
            name_en="2 hours of public parking",
            cost=100,
            communities=[root.community],
        ),
    )


def in_thread(function: Callable[..., T], **kwargs: Any) -> T:
    """Call a service outside Playwright's event loop.

    Playwright's sync API keeps an event loop on the test's thread, where asgiref refuses
    async_to_sync; the realtime seam needs it to hand events to the channel layer on commit.
    """
    result: list[Any] = []

    def run() -> None:
        try:
            result.append(function(**kwargs))
        finally:
            # The thread's connection goes back to the pool (PostgreSQL): one left open per
            # call ran the server's pool dry after a few dozen calls.
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if not result:
        raise AssertionError(f"{function.__name__} failed in its thread (see the log)")
    return result[0]


def sign_in(page: Any, url: str, username: str) -> None:
    page.goto(url + "/")
    fill_sign_in(page, username)
    page.locator("#home").wait_for(state="visible", timeout=10_000)


def fill_sign_in(page: Any, username: str) -> None:
    page.get_by_label("用户名或手机号").fill(username)
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.locator("#signin-form button[type=submit]").click()


def outbox_count(page: Any) -> int:
    """How many writes the home screen says are waiting (0 when the banner is hidden)."""
    link = page.locator("#outbox-link")
    return 0 if link.is_hidden() else int(link.get_attribute("data-count") or 0)


def shoot(page: Any, name: str) -> Path:
    """A full-page screenshot for people to look at: screenshots/fieldapp-<name>-<w>x<h>.png."""
    size = page.viewport_size
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"fieldapp-{name}-{size['width']}x{size['height']}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Serious and critical axe-core findings on the page as it is now."""
    if not AXE.exists():
        subprocess.run(
            ["npm", "ci", "--prefix", str(HERE_DIR), "--no-audit", "--no-fund", "--silent"],
            check=True,
        )
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated, not added as a <script>: the app's CSP refuses inline scripts.
        page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => ['serious', 'critical'].includes(v.impact))"
        ".map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))}))"
    )
    return list(found)


def assert_accessible(page: Any) -> None:
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, ensure_ascii=False, indent=1)


def decode_qr(png: Path) -> list[str]:
    """What zbar reads in a PNG (every symbol, one per line)."""
    zbarimg = shutil.which("zbarimg")
    if zbarimg is None:
        raise AssertionError("zbarimg (Debian's zbar-tools) is needed to read QR codes")
    done = subprocess.run([zbarimg, "--quiet", "--raw", str(png)], capture_output=True, text=True)
    return done.stdout.split()


def eventually(page: Any, check: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait until ``check()`` (usually a database query) holds, letting the page run."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            status = page.locator("#status").inner_text()
            raise AssertionError(f"condition not met in time; the app says: {status!r}")
        page.wait_for_timeout(100)
