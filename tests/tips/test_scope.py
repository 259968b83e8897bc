"""Who can see: handlers of the tip's district and city-wide handlers. Staff, workers,
district managers, administrators without the role and other districts' handlers get
404 on every tip route; every opening is recorded."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from inspections.tips.models import TipAccess, TipAttachment
from tests.queries import assert_query_budget
from tests.tips.conftest import TipCity, revealing_jpeg

OUTSIDERS = ["staff", "worker", "manager", "admin"]


def _routes(tip_id: int, attachment_id: int) -> list[tuple[str, str, dict[str, Any]]]:
    base = f"/api/v1/tip-handling/tips/{tip_id}"
    return [
        ("get", "/api/v1/tip-handling/tips/", {}),
        ("get", f"{base}/", {}),
        ("post", f"{base}/acknowledge/", {"version": 1}),
        ("post", f"{base}/investigate/", {"version": 1}),
        ("post", f"{base}/substantiate/", {"version": 1, "hazard_description": "x"}),
        ("post", f"{base}/unsubstantiate/", {"version": 1, "note": "x"}),
        ("post", f"{base}/close/", {"version": 1}),
        ("post", f"{base}/assign/", {"version": 1, "assignee": 1}),
        ("post", f"{base}/notes/", {"note": "x"}),
        ("post", f"{base}/messages/", {"body": "x"}),
        ("post", f"{base}/reveal/", {"reason": "x"}),
        ("get", f"/api/v1/tip-handling/attachments/{attachment_id}/", {}),
    ]


@pytest.fixture
def tip_with_file(submit: Callable[..., Any]) -> Any:
    return submit(files=[SimpleUploadedFile("a.jpg", revealing_jpeg((64, 48)))]).tip


@pytest.mark.parametrize("who", OUTSIDERS)
def test_everyone_but_the_districts_handlers_gets_404_on_every_tip_route(
    tip_city: TipCity, tip_with_file: Any, client_for: Callable[..., APIClient], who: str
) -> None:
    client = client_for(getattr(tip_city, who))
    attachment = TipAttachment.objects.get()

    answers = [
        (path, getattr(client, method)(path, body, format="json").status_code)
        for method, path, body in _routes(tip_with_file.pk, attachment.pk)
    ]

    assert answers == [(path, 404) for _m, path, _b in _routes(tip_with_file.pk, attachment.pk)]
    assert tip_with_file.__class__.objects.get().version == 1
    assert not TipAccess.objects.exists()


def test_another_districts_handler_lists_none_of_it_and_gets_404_on_every_route_of_it(
    tip_city: TipCity, tip_with_file: Any, client_for: Callable[..., APIClient]
) -> None:
    client = client_for(tip_city.other_handler)
    routes = _routes(tip_with_file.pk, TipAttachment.objects.get().pk)[1:]

    listed = client.get("/api/v1/tip-handling/tips/")
    answers = [(p, getattr(client, m)(p, b, format="json").status_code) for m, p, b in routes]

    assert (listed.status_code, listed.json()["results"]) == (200, [])
    assert answers == [(path, 404) for _m, path, _b in routes]
    assert tip_with_file.__class__.objects.get().version == 1
    assert not TipAccess.objects.exists()


@pytest.mark.parametrize("who", ["handler", "second_handler", "city_handler"])
def test_the_districts_handlers_and_city_wide_handlers_open_it_and_the_opening_is_recorded(
    tip_city: TipCity, tip_with_file: Any, client_for: Callable[..., APIClient], who: str
) -> None:
    user = getattr(tip_city, who)
    client = client_for(user)

    listed = client.get("/api/v1/tip-handling/tips/").json()["results"]
    opened = client.get(f"/api/v1/tip-handling/tips/{tip_with_file.pk}/")
    file = client.get(f"/api/v1/tip-handling/attachments/{TipAttachment.objects.get().pk}/")

    assert [row["number"] for row in listed] == [tip_with_file.number]
    assert opened.status_code == 200 and file.status_code == 200
    assert "contact_phone" not in opened.json() and "receipt_hash" not in opened.json()
    assert list(TipAccess.objects.order_by("id").values_list("user", "what")) == [
        (user.pk, "open"),
        (user.pk, f"file {TipAttachment.objects.get().pk}"),
    ]


def test_the_list_costs_the_same_queries_for_one_tip_and_for_twenty(
    tip_city: TipCity, submit: Callable[..., Any], client_for: Callable[..., APIClient]
) -> None:
    client = client_for(tip_city.handler)
    submit()
    assert_query_budget(
        lambda: client.get("/api/v1/tip-handling/tips/"),
        grow=lambda: [
            submit(enterprise_id=None, enterprise_name="某厂", district_id=tip_city.district.pk)
            for _ in range(19)
        ],
        queries=None,
    )
    assert len(client.get("/api/v1/tip-handling/tips/").json()["results"]) == 20
