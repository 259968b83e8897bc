"""Public GETs: shapes, filters, defaults, status mapping and what is never shown."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import SettingsWrapper

from inspections.models import Hazard, HazardSource, HazardStatus
from inspections.services import hazard_mark_duplicate, hazard_reject
from tests.factories import make_staff
from tests.inspections.factories import HERE
from tests.open311.conftest import City, Key
from tests.queries import assert_query_budget

pytestmark = pytest.mark.django_db

Report = Callable[..., Hazard]


def get_json(client: Client, path: str, **params: Any) -> Any:
    response = client.get(f"/open311/v2/{path}.json", params)
    assert response.status_code == 200, response.content
    return response.json()


def get_xml(client: Client, path: str, **params: Any) -> ET.Element:
    response = client.get(f"/open311/v2/{path}.xml", params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/xml")
    return ET.fromstring(response.content)


def test_discovery_names_the_endpoint_and_both_formats(client: Client) -> None:
    body = get_json(client, "discovery")
    root = get_xml(client, "discovery")

    assert body["endpoints"] == [
        {
            "specification": "http://wiki.open311.org/GeoReport_v2",
            "url": "http://testserver/open311/v2",
            "changeset": body["changeset"],
            "type": "production",
            "formats": ["text/xml", "application/json"],
        }
    ]
    assert root.tag == "discovery"
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == [
        "text/xml",
        "application/json",
    ]


def test_services_say_which_have_metadata(city: City, client: Client) -> None:
    body = get_json(client, "services")

    assert [(s["service_code"], s["metadata"], s["type"]) for s in body] == [
        ("blocked-exit", True, "realtime"),
        ("pothole", False, "realtime"),
    ]
    assert body[0]["service_name"] == "消防通道堵塞"
    assert set(body[0]) == {
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    }


def test_services_xml_has_services_service_and_false_metadata(city: City, client: Client) -> None:
    root = get_xml(client, "services")

    assert root.tag == "services"
    assert [s.findtext("metadata") for s in root.findall("service")] == ["true", "false"]


def test_service_names_follow_the_request_language(city: City, client: Client) -> None:
    body = client.get("/open311/v2/services.json", HTTP_ACCEPT_LANGUAGE="en").json()

    assert body[0]["service_name"] == "Blocked fire exit"


def test_service_definition_lists_the_attributes_in_order(city: City, client: Client) -> None:
    body = get_json(client, "services/blocked-exit")

    assert body["service_code"] == "blocked-exit"
    assert [(a["code"], a["order"], a["required"]) for a in body["attributes"]] == [
        ("floor", 1, True),
        ("blocked_by", 2, False),
        ("signs", 3, False),
    ]
    assert body["attributes"][1] == {
        "variable": True,
        "code": "blocked_by",
        "datatype": "singlevaluelist",
        "required": False,
        "datatype_description": "",
        "order": 2,
        "description": "堵塞物",
        "values": [{"key": "bikes", "name": "电动车"}, {"key": "boxes", "name": "杂物"}],
    }


def test_service_definition_xml_nests_attribute_and_value(city: City, client: Client) -> None:
    root = get_xml(client, "services/blocked-exit")

    assert root.tag == "service_definition"
    attribute = root.findall("attributes/attribute")[1]
    assert attribute.findtext("code") == "blocked_by"
    assert [v.findtext("key") for v in attribute.findall("values/value")] == ["bikes", "boxes"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_service_code_is_404(city: City, client: Client, fmt: str) -> None:
    response = client.get(f"/open311/v2/services/nothing.{fmt}")

    assert response.status_code == 404
    if fmt == "json":
        assert response.json() == [{"code": 404, "description": response.json()[0]["description"]}]
    else:
        root = ET.fromstring(response.content)
        assert (root.tag, root.findtext("error/code")) == ("errors", "404")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_request_is_404(city: City, client: Client, fmt: str) -> None:
    response = client.get(f"/open311/v2/requests/H-1999-000001.{fmt}")

    assert response.status_code == 404


def test_an_unknown_resource_is_a_404_in_the_spec_format(client: Client) -> None:
    response = client.get("/open311/v2/nothing-here.json")

    assert response.status_code == 404
    assert response.json()[0]["code"] == 404


def test_one_request_is_still_an_array(city: City, client: Client, report: Report) -> None:
    hazard = report()

    body = get_json(client, f"requests/{hazard.number}")
    root = get_xml(client, f"requests/{hazard.number}")

    assert isinstance(body, list) and len(body) == 1
    assert root.tag == "service_requests"
    assert [r.findtext("service_request_id") for r in root.findall("request")] == [hazard.number]


def test_a_request_carries_the_spec_fields(city: City, client: Client, report: Report) -> None:
    hazard = report()

    (body,) = get_json(client, f"requests/{hazard.number}")

    assert body == {
        "service_request_id": hazard.number,
        "status": "open",
        "status_notes": "已上报，等待社区处理。",
        "service_name": "路面坑洼",
        "service_code": "pothole",
        "description": "幸福社区上报的路面坑洼。",
        "agency_responsible": "幸福社区",
        "service_notice": body["service_notice"],
        "requested_datetime": timezone.localtime(hazard.created_at).isoformat("T", "seconds"),
        "updated_datetime": body["updated_datetime"],
        "expected_datetime": timezone.localtime(hazard.due_at).isoformat("T", "seconds"),
        "address": city.building.address,
        "lat": round(HERE[0], 3),
        "long": round(HERE[1], 3),
        "media_url": None,
    }
    assert body["requested_datetime"].endswith("+08:00")


def test_residents_free_text_is_never_published(city: City, client: Client, report: Report) -> None:
    hazard = report(description="3号楼502室王阿姨家门口堆满纸箱", address="3号楼502室")

    (body,) = get_json(client, f"requests/{hazard.number}")
    list_xml = client.get("/open311/v2/requests.xml").content.decode()

    assert "502" not in str(body) and "王阿姨" not in str(body)
    assert "502" not in list_xml and "王阿姨" not in list_xml
    assert body["address"] == city.building.address


def test_coordinates_are_published_rounded_to_about_100_metres(
    city: City, client: Client, report: Report
) -> None:
    hazard = report(lat=32.061234, lng=118.791987)

    (body,) = get_json(client, f"requests/{hazard.number}")

    assert (body["lat"], body["long"]) == (32.061, 118.792)


def test_status_notes_never_carry_a_staff_note(city: City, client: Client, report: Report) -> None:
    from inspections.services import hazard_assign

    hazard = report()
    hazard_assign(
        user=city.staff,
        hazard_id=hazard.pk,
        version=hazard.version,
        assignee_id=city.worker.pk,
        note="内部：业主是区领导亲戚，先别处理",
    )

    (body,) = get_json(client, f"requests/{hazard.number}")

    assert "内部" not in str(body)
    assert body["status_notes"] == "已派给网格员整改。"


def test_the_list_defaults_to_the_last_90_days(city: City, client: Client, report: Report) -> None:
    recent, old = report(), report(description="旧的")
    Hazard.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=91))

    body = get_json(client, "requests")

    assert [r["service_request_id"] for r in body] == [recent.number]


def test_start_and_end_date_choose_the_window(city: City, client: Client, report: Report) -> None:
    report()
    old = report(description="旧的")
    Hazard.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=100))
    start = (timezone.now() - timedelta(days=120)).isoformat()
    end = (timezone.now() - timedelta(days=95)).isoformat()

    body = get_json(client, "requests", start_date=start, end_date=end)

    assert [r["service_request_id"] for r in body] == [old.number]


def test_a_window_over_90_days_is_400(city: City, client: Client) -> None:
    response = client.get(
        "/open311/v2/requests.json",
        {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
    )

    assert response.status_code == 400
    assert response.json()[0]["description"].startswith("end_date:")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_bad_date_is_400(city: City, client: Client, fmt: str) -> None:
    response = client.get(f"/open311/v2/requests.{fmt}", {"start_date": "yesterday"})

    assert response.status_code == 400
    if fmt == "xml":
        root = ET.fromstring(response.content)
        assert (root.tag, root.findtext("error/code")) == ("errors", "400")


def test_a_bad_status_is_400(city: City, client: Client) -> None:
    response = client.get("/open311/v2/requests.json", {"status": "pending"})

    assert response.status_code == 400


def test_empty_optional_params_are_absent(city: City, client: Client, report: Report) -> None:
    hazard = report()

    body = get_json(
        client,
        "requests",
        service_request_id="",
        service_code="",
        start_date="",
        end_date="",
        status="",
        jurisdiction_id="",
    )

    assert [r["service_request_id"] for r in body] == [hazard.number]


def test_the_list_is_capped(
    city: City, client: Client, report: Report, settings: SettingsWrapper
) -> None:
    settings.OPEN311_MAX_REQUESTS = 2
    for n in range(3):
        report(description=f"第{n}个")

    body = get_json(client, "requests")

    assert len(body) == 2


def test_the_default_cap_is_1000() -> None:
    from inspections.open311.selectors import max_requests

    assert max_requests() == 1000


def test_filters_by_service_code_and_status(city: City, client: Client, report: Report) -> None:
    pothole = report()
    exit_hazard = report(category_code="blocked-exit", attributes={"floor": 2})
    Hazard.objects.filter(pk=exit_hazard.pk).update(status=HazardStatus.CLOSED)

    assert [r["service_request_id"] for r in get_json(client, "requests", status="closed")] == [
        exit_hazard.number
    ]
    assert [
        r["service_request_id"] for r in get_json(client, "requests", service_code="pothole")
    ] == [pothole.number]
    assert len(get_json(client, "requests", status="open,closed")) == 2


def test_service_request_ids_override_the_other_filters(
    city: City, client: Client, report: Report
) -> None:
    first, second = report(), report(description="第二个")
    Hazard.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(days=200))

    body = get_json(
        client,
        "requests",
        service_request_id=f"{first.number},{second.number}",
        service_code="blocked-exit",
    )

    assert {r["service_request_id"] for r in body} == {first.number, second.number}


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (HazardStatus.REPORTED, "open"),
        (HazardStatus.ASSIGNED, "open"),
        (HazardStatus.RECTIFYING, "open"),
        (HazardStatus.AWAITING_VERIFICATION, "open"),
        (HazardStatus.CLOSED, "closed"),
        (HazardStatus.REJECTED, "closed"),
        (HazardStatus.DUPLICATE, "closed"),
    ],
)
def test_status_maps_to_open_or_closed(
    city: City, client: Client, report: Report, status: str, expected: str
) -> None:
    original, hazard = report(), report(description="同一个坑")
    Hazard.objects.filter(pk=hazard.pk).update(
        status=status, reject_reason="不是隐患", duplicate_of=original
    )

    (body,) = get_json(client, f"requests/{hazard.number}")

    assert body["status"] == expected


def test_status_notes_say_a_rejection_without_its_reason(
    city: City, client: Client, report: Report
) -> None:
    hazard = report()
    hazard_reject(
        user=make_staff(city.community),
        hazard_id=hazard.pk,
        version=hazard.version,
        reason="不属实",
    )

    (body,) = get_json(client, f"requests/{hazard.number}")

    # The reason is staff's free text: the public sees the standard sentence only.
    assert (body["status"], body["status_notes"]) == ("closed", "经核实，不予受理。")


def test_status_notes_point_a_duplicate_at_its_original(
    city: City, client: Client, report: Report
) -> None:
    original, hazard = report(), report(description="同一个坑")
    hazard_mark_duplicate(
        user=make_staff(city.community),
        hazard_id=hazard.pk,
        version=hazard.version,
        original_id=original.pk,
    )

    (body,) = get_json(client, f"requests/{hazard.number}")

    assert body["status"] == "closed"
    assert original.number in body["status_notes"]


def test_whistleblower_hazards_are_never_listed(city: City, client: Client, report: Report) -> None:
    tip = report(source=HazardSource.WHISTLEBLOWER, user=None, anonymous=True)

    assert get_json(client, "requests") == []
    assert client.get(f"/open311/v2/requests/{tip.number}.json").status_code == 404


def test_personal_data_is_never_returned(
    city: City, key: Key, client: Client, post: Callable[..., Any]
) -> None:
    created = post(
        api_key=key.raw,
        service_code="pothole",
        lat=HERE[0],
        long=HERE[1],
        email="li@example.com",
        first_name="小明",
        last_name="李",
        phone="13800138000",
        device_id="device-42",
        account_id="acct-7",
    ).json()[0]

    bodies = [
        client.get(f"/open311/v2/requests.{fmt}").content.decode()
        + client.get(f"/open311/v2/requests/{created['service_request_id']}.{fmt}").content.decode()
        + client.get(f"/open311/v2/tokens/{created['token']}.{fmt}").content.decode()
        for fmt in ("json", "xml")
    ]

    for secret in ("li@example.com", "小明", "13800138000", "device-42", "acct-7", key.raw):
        assert all(secret not in body for body in bodies)
    for field in ("email", "first_name", "last_name", "phone", "device_id", "account_id"):
        assert all(field not in body for body in bodies)


def test_hazard_photos_are_never_published(city: City, client: Client, report: Report) -> None:
    from inspections.services import photo_add
    from tests.inspections.factories import jpeg_bytes, upload

    hazard = report()
    photo_add(user=city.resident, hazard_id=hazard.pk, stage="report", upload=upload(jpeg_bytes()))

    (body,) = get_json(client, f"requests/{hazard.number}")

    assert body["media_url"] is None


def test_the_list_costs_the_same_queries_for_1_and_50(
    city: City, client: Client, report: Report
) -> None:
    report()

    def fifty_more() -> None:
        for n in range(49):
            report(description=f"第{n}个", lat=HERE[0] + (n + 1) * 1e-5)

    assert_query_budget(lambda: client.get("/open311/v2/requests.xml"), grow=fifty_more, queries=1)
    response = client.get("/open311/v2/requests.xml")
    assert len(ET.fromstring(response.content).findall("request")) == 50


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "0001-01-01T00:00:00"},
        {"end_date": "0001-01-02T00:00:00+08:00"},
        {"start_date": "9999-12-30T00:00:00Z"},
        {"start_date": "2026-02-30T00:00:00Z"},
    ],
)
def test_dates_at_the_edge_of_the_calendar_are_400(
    city: City, client: Client, params: dict[str, str]
) -> None:
    response = client.get("/open311/v2/requests.json", params)

    assert response.status_code == 400


def test_an_unescaped_plus_in_the_offset_is_understood(
    city: City, client: Client, report: Report
) -> None:
    hazard = report()
    start = timezone.localtime(hazard.created_at - timedelta(hours=1)).isoformat("T", "seconds")

    response = client.get(f"/open311/v2/requests.json?start_date={start}")  # "+" means " "

    assert [r["service_request_id"] for r in response.json()] == [hazard.number]


def test_too_many_service_request_ids_are_400(
    city: City, client: Client, settings: SettingsWrapper
) -> None:
    settings.OPEN311_MAX_REQUESTS = 2

    response = client.get("/open311/v2/requests.json", {"service_request_id": "a,b,c"})

    assert response.status_code == 400


def test_xml_starts_with_the_utf8_declaration(city: City, client: Client) -> None:
    response = client.get("/open311/v2/services.xml")

    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    assert "消防通道堵塞" in response.content.decode("utf-8")
    assert response["Content-Type"] == "text/xml; charset=utf-8"


def test_an_unsupported_method_is_405_in_the_spec_format(client: Client) -> None:
    response = client.put("/open311/v2/requests.xml")

    assert response.status_code == 405
    assert ET.fromstring(response.content).findtext("error/code") == "405"
