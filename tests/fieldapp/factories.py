"""A small city for the browser tests, and steps that drive the field app."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from grids.models import Building, Community, Grid, User
from inspections.models import Category
from tests.factories import (
    TEST_PASSWORD,
    BuildingFactory,
    CommunityFactory,
    GridFactory,
    UserFactory,
    make_staff,
    make_worker,
)
from tests.inspections.factories import HERE, CategoryFactory

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
class City:
    community: Community
    grid: Grid
    building: Building
    worker: User
    staff: User
    resident: User
    category: Category


def build_city() -> City:
    """One community with one grid and a building at HERE, as in the demo city."""
    community = CommunityFactory(name="梅园新村社区")
    grid = GridFactory(community=community, name="第3网格")
    building = BuildingFactory(community=community, grid=grid, lat=HERE[0], lng=HERE[1])
    return City(
        community=community,
        grid=grid,
        building=building,
        worker=make_worker(grid, username="worker", display_name="王芳"),
        staff=make_staff(community, username="staff"),
        resident=UserFactory(username="resident", display_name="李大爷"),
        category=CategoryFactory(
            code="fire-exit", name_zh="消防通道堵塞", name_en="Blocked exit", attributes=ATTRIBUTES
        ),
    )


def in_thread(function: Callable[..., T], **kwargs: Any) -> T:
    """Call a service outside Playwright's event loop.

    Playwright's sync API keeps an event loop on the test's thread, where asgiref refuses
    async_to_sync; the realtime seam needs it to hand events to the channel layer on commit.
    """
    result: list[Any] = []
    thread = threading.Thread(target=lambda: result.append(function(**kwargs)))
    thread.start()
    thread.join()
    if not result:
        raise AssertionError(f"{function.__name__} failed in its thread (see the log)")
    return result[0]


def sign_in(page: Any, url: str, username: str) -> None:
    page.goto(url + "/")
    page.get_by_label("用户名或手机号").fill(username)
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.locator("#home").wait_for(state="visible", timeout=10_000)


def eventually(page: Any, check: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait until ``check()`` (usually a database query) holds, letting the page run."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            status = page.locator("#status").inner_text()
            raise AssertionError(f"condition not met in time; the app says: {status!r}")
        page.wait_for_timeout(100)
