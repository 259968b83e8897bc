"""Publishers name catalogue types and audiences-module groups, and nothing else.

Two guards, so that a typo fails a test instead of silently dropping events:

- at run time, ``publish`` refuses a string type, an uncatalogued type and any group
  ``grids.audiences.is_audience`` does not recognise (every test that runs a publisher
  checks its groups, for the whole suite);
- statically, no code outside ``grids/audiences.py`` passes a string literal as an event
  ``type=`` or writes a group name (``f"user.{id}"``, ``"administrators"``, ...) by hand.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import transaction

from config.realtime.catalogue import EventType, event_type
from config.realtime.models import Event
from config.realtime.publish import publish
from grids import audiences
from inspections.events import HAZARD_REPORTED
from points.events import BALANCE_CHANGED
from tests.realtime_types import TEST_PING

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ["config", "grids", "inspections", "points", "volunteers", "bench"]
AUDIENCES_FILE = ROOT / "grids" / "audiences.py"
# How a hand-written group starts: ``f"community.{...}`` and friends.
GROUP_PREFIX = re.compile(r"(user|grid|community|district|tips)\.$")


def _sources() -> list[Path]:
    return [
        path
        for app in SCANNED
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts and path != AUDIENCES_FILE
    ]


def _hand_written_groups(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr) and node.values:
            head = node.values[0]
            if isinstance(head, ast.Constant) and GROUP_PREFIX.fullmatch(str(head.value)):
                found.append(ast.unparse(node))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if audiences.is_audience(node.value):
                found.append(repr(node.value))
    return found


def _is_text(node: ast.expr) -> bool:
    return isinstance(node, ast.JoinedStr) or (
        isinstance(node, ast.Constant) and isinstance(node.value, str)
    )


def _string_types(tree: ast.AST) -> list[str]:
    return [
        f"{ast.unparse(node.func)}(type={ast.unparse(keyword.value)})"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        for keyword in node.keywords
        if keyword.arg == "type" and _is_text(keyword.value)
    ]


def _scan(finder: Callable[[ast.AST], list[str]]) -> list[str]:
    problems = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        problems += [f"{path.relative_to(ROOT)}: {hit}" for hit in finder(tree)]
    return problems


def test_no_group_is_named_outside_the_audiences_module() -> None:
    assert _scan(_hand_written_groups) == []


def test_no_event_is_published_with_a_string_type() -> None:
    assert _scan(_string_types) == []


def test_the_scanner_sees_what_it_forbids() -> None:
    tree = ast.parse(
        'publish(type="hazard.reported", data={}, audiences=[f"community.{pk}.staff"])\n'
        'x = "administrators"\n'
    )

    assert (_string_types(tree), sorted(_hand_written_groups(tree))) == (
        ["publish(type='hazard.reported')"],
        ["'administrators'", "f'community.{pk}.staff'"],
    )


def test_the_catalogue_holds_the_constants_publishers_use() -> None:
    assert event_type("hazard.reported") is HAZARD_REPORTED
    assert event_type("points.balance_changed") is BALANCE_CHANGED


@pytest.mark.django_db
def test_a_string_type_is_refused_and_nothing_is_logged() -> None:
    with pytest.raises(TypeError), transaction.atomic():
        publish(type="test.ping", data={}, audiences=[audiences.user_group(1)])

    assert Event.objects.count() == 0


@pytest.mark.django_db
def test_an_uncatalogued_type_is_refused() -> None:
    stray = EventType(name="test.never_registered", version=1, description="", audiences="")

    with pytest.raises(ValueError, match="not registered"), transaction.atomic():
        publish(type=stray, data={}, audiences=[audiences.user_group(1)])

    assert Event.objects.count() == 0


@pytest.mark.django_db
def test_a_type_registered_differently_is_refused() -> None:
    changed = EventType(name="test.ping", version=2, description="", audiences="")

    with pytest.raises(ValueError, match="not registered"), transaction.atomic():
        publish(type=changed, data={}, audiences=[audiences.user_group(1)])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "group", ["community.7.staf", "user.None", "grid.3.workers", "administrator", "user.0"]
)
def test_a_group_the_audiences_module_does_not_produce_is_refused(group: str) -> None:
    with pytest.raises(ValueError, match="audiences module"), transaction.atomic():
        publish(type=TEST_PING, data={}, audiences=[audiences.user_group(1), group])

    assert Event.objects.count() == 0


def test_audience_functions_keep_the_wire_names() -> None:
    assert [
        audiences.user_group(5),
        audiences.grid_worker_group(6),
        audiences.community_staff_group(7),
        audiences.district_managers_group(8),
        audiences.city_managers_group(),
        audiences.tip_handlers_group(),
    ] == [
        "user.5",
        "grid.6.worker",
        "community.7.staff",
        "district.8.managers",
        "administrators",
        "tips.handlers",
    ]


@pytest.mark.parametrize("bad", [None, 0, True, "5"])
def test_an_audience_needs_a_real_id(bad: object) -> None:
    with pytest.raises(TypeError):
        audiences.community_staff_group(bad)
