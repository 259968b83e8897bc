"""POST requests: form posts shaped like real clients', in both formats."""

from __future__ import annotations

import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext as _

from inspections.models import Hazard, HazardSource, Photo
from inspections.open311.models import Open311Submission
from inspections.open311.services import api_key_revoke
from tests.inspections.factories import HERE, jpeg_bytes, upload
from tests.open311.conftest import ADDRESS, City, Key

pytestmark = pytest.mark.django_db

Post = Callable[..., Any]


def valid(city: City, key: Key, **fields: Any) -> dict[str, Any]:
    return {
        "api_key": key.raw,
        "service_code": city.blocked_exit.code,
        "lat": HERE[0],
        "long": HERE[1],
        "description": "三楼楼道堆满电动车",
        "attribute[floor]": "3",
        "attribute[blocked_by]": "bikes",
        "email": "li@example.com",
        "first_name": "小明",
        "last_name": "李",
        "phone": "13800138000",
        "device_id": "device-42",
        "account_id": "acct-7",
        **fields,
    }


def counts() -> tuple[int, int, int]:
    return Hazard.objects.count(), Open311Submission.objects.count(), Photo.objects.count()


def test_post_json_files_a_hazard_from_open311_and_answers_with_its_id(
    city: City, key: Key, post: Post
) -> None:
    response = post(**valid(city, key))

    assert response.status_code == 201
    body = response.json()
    hazard = Hazard.objects.get()
    assert body == [
        {
            "service_request_id": hazard.number,
            "token": hazard.open311_submission.token,
            "service_notice": body[0]["service_notice"],
            "account_id": "acct-7",
        }
    ]
    assert "幸福社区" in body[0]["service_notice"]
    assert hazard.source == HazardSource.OPEN311
    assert hazard.community == city.community
    assert hazard.attribute_values == {"floor": 3.0, "blocked_by": "bikes"}


def test_post_records_the_key_and_the_personal_fields(city: City, key: Key, post: Post) -> None:
    post(**valid(city, key, media_url="https://img.example.com/1.jpg"))

    submission = Open311Submission.objects.get()
    assert submission.api_key == key.api_key
    assert (
        submission.email,
        submission.first_name,
        submission.last_name,
        submission.phone,
        submission.device_id,
        submission.account_id,
        submission.media_url,
    ) == (
        "li@example.com",
        "小明",
        "李",
        "13800138000",
        "device-42",
        "acct-7",
        "https://img.example.com/1.jpg",
    )


def test_post_xml_answers_service_requests_request(city: City, key: Key, post: Post) -> None:
    response = post("xml", **valid(city, key))

    assert response.status_code == 201
    assert response["Content-Type"].startswith("text/xml")
    root = ET.fromstring(response.content)
    assert root.tag == "service_requests"
    (request,) = root.findall("request")
    assert request.findtext("service_request_id") == Hazard.objects.get().number
    assert request.findtext("account_id") == "acct-7"


def test_api_key_in_the_query_string_is_accepted(city: City, key: Key, post: Post) -> None:
    fields = valid(city, key)
    del fields["api_key"]

    response = post(query=f"api_key={key.raw}", **fields)

    assert response.status_code == 201


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_missing_api_key_is_403_and_stores_nothing(
    city: City, key: Key, post: Post, fmt: str
) -> None:
    fields = valid(city, key)
    del fields["api_key"]

    response = post(fmt, **fields)

    assert response.status_code == 403
    assert counts() == (0, 0, 0)
    if fmt == "json":
        assert response.json() == [{"code": 403, "description": response.json()[0]["description"]}]
    else:
        root = ET.fromstring(response.content)
        assert root.tag == "errors"
        assert root.find("error/code").text == "403"  # type: ignore[union-attr]
        assert root.findtext("error/description")


def test_wrong_api_key_is_403(city: City, key: Key, post: Post) -> None:
    response = post(**valid(city, key, api_key="o311_not-a-key"))

    assert response.status_code == 403
    assert counts() == (0, 0, 0)


def test_revoked_key_is_403(city: City, key: Key, post: Post) -> None:
    api_key_revoke(name=key.api_key.name)

    response = post(**valid(city, key))

    assert response.status_code == 403
    assert counts() == (0, 0, 0)


def test_a_key_over_its_rate_limit_gets_429_with_retry_after(
    city: City, key: Key, post: Post
) -> None:
    key.api_key.rate_limit_per_minute = 2
    key.api_key.save()
    post(**valid(city, key, description="一"))
    post(**valid(city, key, description="二"))

    response = post(**valid(city, key, description="三"))

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()[0]["code"] == 429
    assert Hazard.objects.count() == 2


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_missing_service_code_is_400(city: City, key: Key, post: Post, fmt: str) -> None:
    fields = valid(city, key)
    del fields["service_code"]

    response = post(fmt, **fields)

    assert response.status_code == 400
    assert counts() == (0, 0, 0)
    if fmt == "json":
        assert response.json()[0]["code"] == 400
        assert response.json()[0]["description"].startswith("service_code:")
    else:
        assert ET.fromstring(response.content).findtext("error/code") == "400"


def test_unknown_service_code_is_404(city: City, key: Key, post: Post) -> None:
    response = post(**valid(city, key, service_code="no-such-thing"))

    assert response.status_code == 404
    with translation.override("zh-hans"):
        expected = str(_("There is no service with this code."))
    assert response.json() == [{"code": 404, "description": expected}]
    assert counts() == (0, 0, 0)


def test_missing_location_is_400(city: City, key: Key, post: Post) -> None:
    response = post(**valid(city, key, lat="", long=""))

    assert response.status_code == 400
    assert counts() == (0, 0, 0)


def test_a_place_outside_every_community_is_400(city: City, key: Key, post: Post) -> None:
    response = post(**valid(city, key, lat="10.0", long="10.0"))

    assert response.status_code == 400
    assert counts() == (0, 0, 0)


def test_non_numeric_lat_is_400(city: City, key: Key, post: Post) -> None:
    response = post(**valid(city, key, lat="north"))

    assert response.status_code == 400
    assert response.json()[0]["description"].startswith("lat:")


def test_address_string_of_a_known_building_places_the_report(
    city: City, key: Key, post: Post
) -> None:
    response = post(**valid(city, key, lat="", long="", address_string=ADDRESS))

    assert response.status_code == 201
    hazard = Hazard.objects.get()
    assert (hazard.lat, hazard.lng, hazard.address) == (HERE[0], HERE[1], ADDRESS)


def test_an_unknown_address_string_without_coordinates_is_400(
    city: City, key: Key, post: Post
) -> None:
    response = post(**valid(city, key, lat="", long="", address_string="火星路9号"))

    assert response.status_code == 400
    assert response.json()[0]["description"].startswith("address_string:")


def test_empty_optional_fields_are_absent(city: City, key: Key, post: Post) -> None:
    response = post(
        **valid(city, key, email="", phone="", media_url="", account_id="", address_string="")
    )

    assert response.status_code == 201
    assert response.json()[0]["account_id"] is None


def test_a_required_attribute_is_required(city: City, key: Key, post: Post) -> None:
    response = post(**valid(city, key, **{"attribute[floor]": ""}))

    assert response.status_code == 400
    assert "楼层" in response.json()[0]["description"]  # the attribute by its label
    assert counts() == (0, 0, 0)


def test_a_number_attribute_must_be_a_number(city: City, key: Key, post: Post) -> None:
    response = post(**valid(city, key, **{"attribute[floor]": "three"}))

    assert response.status_code == 400
    assert "楼层" in response.json()[0]["description"]  # the attribute by its label


def test_a_list_attribute_takes_only_its_values(city: City, key: Key, post: Post) -> None:
    response = post(**valid(city, key, **{"attribute[blocked_by]": "cars"}))

    assert response.status_code == 400
    assert "堵塞物" in response.json()[0]["description"]  # the attribute by its label


def test_an_unknown_attribute_is_refused(city: City, key: Key, post: Post) -> None:
    response = post(**valid(city, key, **{"attribute[colour]": "red"}))

    assert response.status_code == 400
    assert "colour" in response.json()[0]["description"]


def test_a_multivaluelist_takes_repeated_values(city: City, key: Key, post: Post) -> None:
    response = post(**valid(city, key, **{"attribute[signs][]": ["exit", "light"]}))

    assert response.status_code == 201
    assert Hazard.objects.get().attribute_values["signs"] == ["exit", "light"]


def test_a_category_without_attributes_needs_none(city: City, key: Key, post: Post) -> None:
    response = post(api_key=key.raw, service_code=city.category.code, lat=HERE[0], long=HERE[1])

    assert response.status_code == 201
    assert Hazard.objects.get().description == city.category.name_zh


def test_a_media_upload_becomes_the_hazards_report_photo(
    city: City, key: Key, client: Client
) -> None:
    fields = valid(city, key, media=upload(jpeg_bytes()))

    response = client.post("/open311/v2/requests.json", data=fields)  # multipart

    assert response.status_code == 201
    hazard = Hazard.objects.get()
    photo = Photo.objects.get()
    assert (photo.hazard, photo.stage, photo.uploaded_by) == (hazard, "report", key.api_key.user)
    assert hazard.cover_photo == photo


def test_a_broken_media_upload_stores_no_hazard(city: City, key: Key, client: Client) -> None:
    fields = valid(city, key, media=upload(b"not a jpeg at all"))

    response = client.post("/open311/v2/requests.json", data=fields)

    assert response.status_code == 400
    assert response.json()[0]["description"].startswith("media:")
    assert counts() == (0, 0, 0)


@pytest.fixture
def media_server() -> Iterator[tuple[str, list[str]]]:
    """A real HTTP server that records every request it gets."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/photo.jpg", hits
    server.shutdown()
    server.server_close()


def test_media_url_is_stored_as_a_link_and_never_fetched(
    city: City, key: Key, post: Post, client: Client, media_server: tuple[str, list[str]]
) -> None:
    url, hits = media_server

    post(**valid(city, key, media_url=url))
    number = Hazard.objects.get().number
    body = client.get(f"/open311/v2/requests/{number}.json").json()

    assert Open311Submission.objects.get().media_url == url
    assert body[0]["media_url"] == url
    assert hits == []
    assert Photo.objects.count() == 0


def test_a_media_url_must_be_http(city: City, key: Key, post: Post) -> None:
    response = post(**valid(city, key, media_url="file:///etc/passwd"))

    assert response.status_code == 400
    assert counts() == (0, 0, 0)


def test_the_token_leads_to_the_request(city: City, key: Key, post: Post, client: Client) -> None:
    created = post(**valid(city, key)).json()[0]

    json_body = client.get(f"/open311/v2/tokens/{created['token']}.json").json()
    xml_root = ET.fromstring(client.get(f"/open311/v2/tokens/{created['token']}.xml").content)

    assert json_body == [
        {"service_request_id": created["service_request_id"], "token": created["token"]}
    ]
    assert xml_root.tag == "service_requests"
    assert xml_root.findtext("request/service_request_id") == created["service_request_id"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_token_is_404(city: City, client: Client, fmt: str) -> None:
    response = client.get(f"/open311/v2/tokens/nope.{fmt}")

    assert response.status_code == 404
    if fmt == "json":
        assert response.json()[0]["code"] == 404
    else:
        assert ET.fromstring(response.content).findtext("error/code") == "404"


def test_a_json_body_is_415_not_a_crash(city: City, key: Key, client: Client) -> None:
    response = client.post(
        "/open311/v2/requests.json", data={"api_key": key.raw}, content_type="application/json"
    )

    assert response.status_code == 415
    assert response.json()[0]["code"] == 415
    assert counts() == (0, 0, 0)


def test_a_file_in_a_text_field_is_400_not_a_crash(city: City, key: Key, client: Client) -> None:
    fields = valid(city, key, service_code=upload(jpeg_bytes()))

    response = client.post("/open311/v2/requests.json", data=fields)

    assert response.status_code == 400
    assert counts() == (0, 0, 0)
