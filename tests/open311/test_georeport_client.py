"""The reads, driven by the published GeoReport v2 client ``georeport`` (PyPI) over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests
from georeport import GeoReport

from inspections.models import Hazard, HazardStatus
from tests.open311.conftest import City

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(params=["json", "xml"])
def georeport(request: Any, live_server: Any) -> GeoReport:
    return GeoReport(f"{live_server.url}/open311/v2/", output_format=request.param)


def as_list(value: Any) -> list[Any]:
    """xmltodict gives a dict for one element and a list for several."""
    return value if isinstance(value, list) else [value]


def test_the_client_lists_the_services(city: City, georeport: GeoReport) -> None:
    services = georeport.get_service_list()

    assert [(s["service_code"], str(s["metadata"]).lower()) for s in services] == [
        ("blocked-exit", "true"),
        ("pothole", "false"),
    ]


def test_the_client_reads_a_service_definition(city: City, georeport: GeoReport) -> None:
    definition = georeport.get_service_definition("blocked-exit")

    attributes = definition["attributes"]
    if georeport.output_format == "xml":
        attributes = as_list(attributes["attribute"])
    assert [a["code"] for a in attributes] == ["floor", "blocked_by", "signs"]


def test_the_client_gets_404_for_an_unknown_service(city: City, georeport: GeoReport) -> None:
    with pytest.raises(requests.HTTPError) as raised:
        georeport.get_service_definition("nothing")

    assert raised.value.response.status_code == 404


def test_the_client_lists_and_filters_requests(
    city: City, georeport: GeoReport, report: Callable[..., Hazard]
) -> None:
    open_one, closed_one = report(), report(description="另一个坑")
    Hazard.objects.filter(pk=closed_one.pk).update(status=HazardStatus.CLOSED)

    everything = as_list(georeport.get_service_requests())
    closed = as_list(georeport.get_service_requests(status="closed"))
    chosen = as_list(georeport.get_service_requests(service_request_id=open_one.number))

    assert {r["service_request_id"] for r in everything} == {open_one.number, closed_one.number}
    assert [(r["service_request_id"], r["status"]) for r in closed] == [
        (closed_one.number, "closed")
    ]
    assert [r["service_request_id"] for r in chosen] == [open_one.number]


def test_the_client_reads_one_request(
    city: City, georeport: GeoReport, report: Callable[..., Hazard]
) -> None:
    hazard = report()

    request = georeport.get_service_request(hazard.number)

    assert request["service_request_id"] == hazard.number
    assert request["status"] == "open"
    assert request["agency_responsible"] == "幸福社区"
    assert float(request["lat"]) == hazard.lat
