"""Every upload path against every hostile file: refused with a clear 4xx in the path's
error format, or stored clean (a fresh JPEG with no metadata, or re-written plain text);
never a 500, never a half row, never a file in MEDIA_ROOT that no row names.

The multipart bodies are built here byte for byte, so the file names reach the server as
a hostile client sends them (Django's test client would take the base name first).
"""

from __future__ import annotations

import io
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db.models import Model
from django.test import Client
from django.urls import reverse
from knox.models import AuthToken
from PIL import Image

from grids.models import User
from inspections.models import Hazard, HazardEvent, ItemResult, Photo
from inspections.open311.models import Open311Submission
from inspections.tips.models import Tip, TipAttachment, TipEvent, TipMessage
from points.models import Reward
from tests.hostile.conftest import Scene
from tests.hostile.corpus import PAYLOAD_MARKERS, HostileFile, corpus
from tests.inspections.factories import HERE
from volunteers.models import Certificate

pytestmark = pytest.mark.django_db

ROWS: list[type[Model]] = [
    Hazard,
    HazardEvent,
    Photo,
    ItemResult,
    Open311Submission,
    Certificate,
    Tip,
    TipAttachment,
    TipMessage,
    TipEvent,
    Reward,
]


@cache
def files() -> dict[str, HostileFile]:
    return {hostile.key: hostile for hostile in corpus()}


def multipart(fields: dict[str, str], field: str, hostile: HostileFile) -> tuple[bytes, str]:
    """A multipart body with the file's name and type exactly as given."""
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
        f'filename="{hostile.name}"\r\nContent-Type: {hostile.content_type}\r\n\r\n'.encode()
        + hostile.data
        + b"\r\n"
    )
    return b"".join(
        parts
    ) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def post(client: Client, url: str, fields: dict[str, str], field: str, hostile: HostileFile) -> Any:
    body, content_type = multipart(fields, field, hostile)
    return client.post(url, data=body, content_type=content_type)


def token_client(user: User) -> Client:
    _instance, token = AuthToken.objects.create(user)
    return Client(HTTP_AUTHORIZATION=f"Token {token}")


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@dataclass(frozen=True)
class UploadPath:
    key: str
    send: Callable[[Scene, HostileFile], Any]
    errors: str  # "rest" (the one error format), "open311" (GeoReport's), "admin" (the form)
    field: str  # the field a refusal names
    needs: tuple[str, ...]  # what of the scene the path uses, made before rows are counted
    evidence: bool = False  # plain text is evidence too

    def prepare(self, scene: Scene) -> None:
        for name in self.needs:
            getattr(scene, name)


def hazard_photo(scene: Scene, hostile: HostileFile) -> Any:
    url = f"/api/v1/hazards/{scene.hazard.pk}/photos/"
    return post(token_client(scene.resident), url, {"stage": "report"}, "file", hostile)


def patrol_photo(scene: Scene, hostile: HostileFile) -> Any:
    url = f"/api/v1/inspections/{scene.inspection.pk}/items/extinguisher/photo/"
    return post(token_client(scene.worker), url, {}, "file", hostile)


def open311_media(scene: Scene, hostile: HostileFile) -> Any:
    fields = {
        "api_key": scene.open311_key,
        "service_code": scene.category_code,
        "lat": str(HERE[0]),
        "long": str(HERE[1]),
        "description": "三楼楼道堆满电动车",
    }
    return post(Client(), "/open311/v2/requests.json", fields, "media", hostile)


def certificate_photo(scene: Scene, hostile: HostileFile) -> Any:
    fields = {
        "skill": str(scene.skill.pk),
        "issuer": "市红十字会",
        "number": "HSZ-2026-0042",
        "expires_on": "2099-01-01",
    }
    client = token_client(scene.volunteer.user)
    return post(client, "/api/v1/volunteers/me/certificates/", fields, "file", hostile)


def tip_evidence(scene: Scene, hostile: HostileFile) -> Any:
    fields = {
        "category": scene.category_code,
        "description": "仓库堆放易燃物",
        "enterprise_name": "某化工厂",
        "district": str(scene.district_id),
    }
    return post(Client(), "/api/v1/tips/", fields, "files", hostile)


def tip_reply_evidence(scene: Scene, hostile: HostileFile) -> Any:
    return post(Client(), "/api/v1/tips/reply/", {"receipt": scene.receipt}, "files", hostile)


def admin_close_photo(scene: Scene, hostile: HostileFile) -> Any:
    hazard = scene.fixed_hazard
    url = reverse("admin:inspections_hazard_step", args=[hazard.pk, "close"])
    fields = {"close-version": str(hazard.version), "close-note": "已复查"}
    return post(signed_in(scene.staff), url, fields, "close-photo", hostile)


def admin_reward_photo(scene: Scene, hostile: HostileFile) -> Any:
    fields = {
        "name_zh": "公交卡充值",
        "name_en": "",
        "description": "",
        "cost": "100",
        "voucher_days": "30",
        "active": "on",
    }
    return post(signed_in(scene.admin), "/admin/points/reward/add/", fields, "photo", hostile)


PATHS = [
    UploadPath("hazard_photo", hazard_photo, "rest", "file", ("hazard",)),
    UploadPath("patrol_item_photo", patrol_photo, "rest", "file", ("inspection",)),
    UploadPath("open311_media", open311_media, "open311", "media", ("open311_key",)),
    UploadPath("volunteer_certificate", certificate_photo, "rest", "file", ("volunteer", "skill")),
    UploadPath("tip_evidence", tip_evidence, "rest", "files", (), evidence=True),
    UploadPath("tip_reply_evidence", tip_reply_evidence, "rest", "files", ("receipt",), True),
    UploadPath("admin_close_photo", admin_close_photo, "admin", "photo", ("fixed_hazard",)),
    UploadPath("admin_reward_photo", admin_reward_photo, "admin", "photo", ("admin",)),
]


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in ROWS}


def stored_files() -> dict[str, Path]:
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return {}
    return {path.relative_to(root).as_posix(): path for path in root.rglob("*") if path.is_file()}


def named_by_rows() -> set[str]:
    names: set[str] = set()
    for photo in Photo.objects.all():
        names |= {photo.display.name, photo.thumbnail.name}
    for certificate in Certificate.objects.all():
        names |= {certificate.photo, certificate.photo_thumbnail}
    names |= {attachment.file.name for attachment in TipAttachment.objects.all()}
    names |= {reward.photo.name for reward in Reward.objects.exclude(photo="")}
    return names


def assert_refused(path: UploadPath, response: Any) -> None:
    assert 400 <= response.status_code < 500 or path.errors == "admin", response.content[:300]
    if path.errors == "rest" and response.json()["code"] == "upload_unreadable":
        assert set(response.json()) == {"code", "message"}  # the body as a whole was refused
    elif path.errors == "rest":
        body = response.json()
        assert set(body) == {"code", "message", "fields"}, body
        assert list(body["fields"]) == [path.field], body
        assert all(message.strip() for message in body["fields"][path.field])
    elif path.errors == "open311":
        [error] = response.json()
        unreadable = "upload could not be read" in error["description"]
        assert error["code"] == 400, error
        assert error["description"].startswith(f"{path.field}:") or unreadable, error
    elif response.status_code == 400:  # Django's own refusal of an unreadable form
        assert path.errors == "admin"
    else:  # the admin shows the form again, with the error under the field
        assert response.status_code == 200, response.status_code
        page = response.content.decode()
        assert re.search(r'class="errorlist[^"]*"', page), page[:500]


def assert_stored_clean(stored: dict[str, Path]) -> None:
    for name, path in stored.items():
        assert ".." not in name and "\x00" not in name and len(name) < 120, name
        data = path.read_bytes()
        if name.endswith(".txt"):  # plain text, served as text/plain with nosniff
            data.decode("utf-8")
            continue
        assert not any(marker in data for marker in PAYLOAD_MARKERS), (name, data[:80])
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "JPEG", name
            image.load()
            assert max(image.size) <= 2048
            assert dict(image.getexif()) == {}
            assert not {"exif", "icc_profile", "comment", "xmp"} & set(image.info), image.info


CASES = [
    pytest.param(path, key, id=f"{path.key}-{key}")
    for path in PATHS
    for key in [hostile.key for hostile in corpus()]
]


@pytest.mark.parametrize(("path", "key"), CASES)
def test_a_hostile_file_is_refused_or_stored_clean(
    scene: Scene, path: UploadPath, key: str
) -> None:
    hostile = files()[key]
    verdict = hostile.evidence if path.evidence else hostile.photo
    path.prepare(scene)
    before, files_before = counts(), set(stored_files())

    response = path.send(scene, hostile)

    assert response.status_code < 500
    stored = stored_files()
    if verdict == "refused":
        assert_refused(path, response)
        assert counts() == before
        assert set(stored) == files_before
    else:
        assert response.status_code in {200, 201, 302}, response.content[:500]
        assert counts() != before
        assert_stored_clean({name: stored[name] for name in set(stored) - files_before})
    assert set(stored) <= named_by_rows(), "a file in MEDIA_ROOT that no row names"


def test_a_close_refused_as_stale_keeps_neither_its_photo_nor_the_file(scene: Scene) -> None:
    # Given staff on a hazard's page while someone else changes the hazard
    hazard = scene.fixed_hazard
    path = next(path for path in PATHS if path.key == "admin_close_photo")
    Hazard.objects.filter(pk=hazard.pk).update(version=hazard.version + 1)
    before = counts()

    # When they close it with a good photo from the page they still see
    response = path.send(scene, files()["exif_rotated_gps"])

    # Then the close is refused with the API's words, and the photo went with it
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("changed" in message.lower() for message in messages), messages
    assert counts() == before
    assert stored_files() == {}
