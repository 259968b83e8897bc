"""The whole programme end to end through the API, then proof that nothing identifies the
whistleblower: not in any table, not in the logs, not in the stored photo."""

from __future__ import annotations

import io
import logging
import re
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from PIL import Image
from rest_framework.test import APIClient

from inspections.models import Hazard, HazardEvent, HazardSource
from inspections.tips.models import Tip, TipAttachment, TipStatus
from points.models import EarningRule, EarnKind
from tests.tips.conftest import AUTHOR, CLIENT_IP, CLIENT_UA, TipCity, revealing_jpeg


def _every_value_in_the_database() -> str:
    """Every column of every row of every table, as one string (a dump, searched)."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            parts += [repr(row) for row in cursor.fetchall()]
    return "\n".join(parts)


def _handler_client(client_for: Any, user: Any) -> APIClient:
    client: APIClient = client_for(user)
    return client


@pytest.fixture
def rule(db: None) -> EarningRule:
    return EarningRule.objects.create(kind=EarnKind.TIP_SUBSTANTIATED, points=50, active=True)


def test_full_flow_leaves_no_address_user_agent_or_metadata(
    tip_city: TipCity,
    anonymous: APIClient,
    client_for: Any,
    caplog: pytest.LogCaptureFixture,
    rule: EarningRule,
) -> None:
    caplog.set_level(logging.DEBUG)
    handler = _handler_client(client_for, tip_city.handler)

    # Submit, with a photo carrying GPS and an author and a text file.
    photo = SimpleUploadedFile("IMG_20261203_张伟.jpg", revealing_jpeg(), "image/jpeg")
    text = SimpleUploadedFile("notes.txt", "夜班时发现的。\r\n".encode(), "text/plain")
    submitted = anonymous.post(
        "/api/v1/tips/",
        {
            "category": tip_city.category.code,
            "description": "仓库里堆着没有登记的危化品。",
            "enterprise": tip_city.enterprise.pk,
            "contact_phone": "13800138000",
            "files": [photo, text],
        },
        format="multipart",
    )
    assert submitted.status_code == 201, submitted.json()
    receipt = submitted.json()["receipt"]
    assert submitted.cookies == {} or not any(submitted.cookies.values())
    tip = Tip.objects.get()

    # Follow up, the handler acknowledges and writes, the whistleblower answers.
    assert anonymous.post("/api/v1/tips/follow-up/", {"receipt": receipt}).json()["status"] == "new"
    step = handler.post(f"/api/v1/tip-handling/tips/{tip.pk}/acknowledge/", {"version": 1})
    assert step.status_code == 200, step.json()
    handler.post(f"/api/v1/tip-handling/tips/{tip.pk}/messages/", {"body": "收到，请补充位置。"})
    handler.post(f"/api/v1/tip-handling/tips/{tip.pk}/notes/", {"note": "内部：先查台账"})
    reply = anonymous.post(
        "/api/v1/tips/reply/",
        {
            "receipt": receipt,
            "body": "在三号仓库。",
            "files": [SimpleUploadedFile("b.jpg", revealing_jpeg((320, 240)))],
        },
        format="multipart",
    )
    assert reply.status_code == 201, reply.json()
    followed = reply.json()
    assert [(m["from_whistleblower"], m["body"]) for m in followed["messages"]] == [
        (False, "收到，请补充位置。"),
        (True, "在三号仓库。"),
    ]
    assert "内部" not in str(followed)

    # Investigate, substantiate (a hazard is made), the reward is claimable.
    handler.post(f"/api/v1/tip-handling/tips/{tip.pk}/investigate/", {"version": 2})
    substantiated = handler.post(
        f"/api/v1/tip-handling/tips/{tip.pk}/substantiate/",
        {"version": 3, "hazard_description": "三号仓库危化品超量存放", "is_major": True},
    )
    assert substantiated.status_code == 200, substantiated.json()
    assert substantiated.json()["status"] == TipStatus.SUBSTANTIATED
    hazard = Hazard.objects.get()
    assert (hazard.source, hazard.reporter_id, hazard.description) == (
        HazardSource.WHISTLEBLOWER,
        None,
        "三号仓库危化品超量存放",
    )
    assert set(HazardEvent.objects.filter(hazard=hazard).values_list("actor", flat=True)) == {
        tip_city.handler.pk
    }

    # Then: no address, no user agent anywhere in the database or the logs.
    dump = _every_value_in_the_database()
    logs = caplog.text
    for needle in (CLIENT_IP, CLIENT_UA, "TipTestPhone", AUTHOR, "张伟"):
        assert needle not in dump
        assert needle not in logs
    assert receipt.replace(" ", "") not in dump

    # And the stored photos come back without GPS, author, comment, XMP or ICC profile.
    for attachment in TipAttachment.objects.filter(kind="photo"):
        data = attachment.file.open("rb").read()
        image = Image.open(io.BytesIO(data))
        assert not image.getexif()
        assert not {"exif", "xmp", "comment", "icc_profile"} & set(image.info)
        assert AUTHOR.encode() not in data and b"TipTestCam" not in data
        assert "张伟" not in attachment.file.name and "IMG_" not in attachment.file.name


def test_a_document_in_a_format_that_keeps_metadata_is_refused_and_nothing_is_stored(
    tip_city: TipCity, anonymous: APIClient
) -> None:
    pdf = SimpleUploadedFile(
        "report.pdf", b"%PDF-1.7\n1 0 obj<</Author(Zhang)>>", "application/pdf"
    )

    answer = anonymous.post(
        "/api/v1/tips/",
        {
            "category": tip_city.category.code,
            "description": "x",
            "enterprise": tip_city.enterprise.pk,
            "files": [pdf],
        },
        format="multipart",
    )

    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid"
    assert "plain text (.txt)" in answer.json()["fields"]["files"][0]
    assert Tip.objects.count() == 0
    assert not apps.get_model("tips", "TipAttachment").objects.exists()


def test_the_reward_is_an_anonymous_voucher_claimable_only_after_the_warning(
    tip_city: TipCity,
    submit: Any,
    anonymous: APIClient,
    client_for: Any,
    rule: EarningRule,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from inspections.tips.services import tip_acknowledge, tip_investigate, tip_substantiate
    from points.models import LedgerEntry
    from tests.factories import UserFactory

    result = submit()
    handler = tip_city.handler
    tip_acknowledge(by=handler, tip_id=result.tip.pk, version=1)
    tip_investigate(by=handler, tip_id=result.tip.pk, version=2)
    tip_substantiate(
        by=handler, tip_id=result.tip.pk, version=3, hazard_description="x", is_major=False
    )

    collected = anonymous.post("/api/v1/tips/reward/", {"receipt": result.receipt})
    again = anonymous.post("/api/v1/tips/reward/", {"receipt": result.receipt})
    voucher = collected.json()["voucher"]
    resident = client_for(UserFactory())
    warned = resident.post("/api/v1/tip-rewards/claim/", {"voucher": voucher})
    with django_capture_on_commit_callbacks(execute=True):
        claimed = resident.post(
            "/api/v1/tip-rewards/claim/", {"voucher": voucher, "confirm_link": True}
        )
    twice = resident.post("/api/v1/tip-rewards/claim/", {"voucher": voucher, "confirm_link": True})

    assert collected.status_code == 201 and re.fullmatch(r"\d{4}( \d{4}){4}", voucher)
    assert again.status_code == 400
    assert (
        warned.status_code == 400 and "whistleblower" in warned.json()["fields"]["confirm_link"][0]
    )
    assert claimed.status_code == 200 and twice.status_code == 400
    entry = LedgerEntry.objects.get()
    assert entry.amount == 50
    from inspections.tips.models import RewardVoucher

    assert entry.source == f"tip-voucher:{RewardVoucher.objects.get().pk}"
    assert "tip" not in {field.name for field in RewardVoucher._meta.get_fields()}
    # Nothing on the tip (which handlers read) says which voucher or account.
    user_columns = [f.name for f in Tip._meta.concrete_fields if f.related_model is type(handler)]
    assert user_columns == ["assignee"] and Tip.objects.get().assignee == handler
