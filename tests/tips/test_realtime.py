"""Tip events reach the tip's district's handlers and city-wide handlers, nobody else; a
hazard made from a tip announces itself to its ordinary audiences with nothing more."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from config.asgi import application
from config.realtime.models import Event
from config.realtime.tickets import ws_ticket_issue
from inspections.tips.services import (
    tip_acknowledge,
    tip_investigate,
    tip_reply,
    tip_submit,
    tip_substantiate,
)
from tests.tips.conftest import TipCity

pytestmark = pytest.mark.django_db(transaction=True)


async def _socket(user: Any) -> WebsocketCommunicator:
    ticket, _ = await sync_to_async(ws_ticket_issue)(user=user)
    communicator = WebsocketCommunicator(application, f"/ws/v1/events/?ticket={ticket}")
    connected, _code = await communicator.connect(timeout=5)
    assert connected
    await communicator.receive_json_from()  # hello
    return communicator


def _submit(city: TipCity) -> Any:
    return tip_submit(
        category_code=city.category.code,
        description="夜里偷排废液",
        enterprise_id=city.enterprise.pk,
    )


async def test_a_new_tip_and_a_message_reach_only_handlers_of_its_district_and_the_city(
    tip_city: TipCity,
) -> None:
    listeners = {
        who: await _socket(getattr(tip_city, who))
        for who in (
            "handler",
            "city_handler",
            "other_handler",
            "staff",
            "worker",
            "manager",
            "admin",
        )
    }

    result = await sync_to_async(_submit)(tip_city)
    await sync_to_async(tip_reply)(tip=result.tip, body="补充一句")

    for who in ("handler", "city_handler"):
        received = await listeners[who].receive_json_from(timeout=5)
        message = await listeners[who].receive_json_from(timeout=5)
        assert (received["type"], message["type"]) == ("tip.received", "tip.message")
        for event in (received, message):  # the day only, as every time handlers see
            occurred = datetime.fromisoformat(event["occurred_at"])
            assert (occurred.date(), occurred.time()) == (timezone.localdate(), time.min)
        assert received["data"] == {
            "id": result.tip.pk, "number": result.tip.number, "status": "new",
            "district": tip_city.district.pk, "version": 1,
        }  # fmt: skip
    for who in ("other_handler", "staff", "worker", "manager", "admin"):
        assert await listeners[who].receive_nothing(timeout=0.3)
    for communicator in listeners.values():
        await communicator.disconnect()


async def test_the_hazard_made_from_a_tip_is_announced_with_nothing_of_the_tip(
    tip_city: TipCity,
) -> None:
    result = await sync_to_async(_submit)(tip_city)
    handler = tip_city.handler

    def substantiate() -> None:
        tip_acknowledge(by=handler, tip_id=result.tip.pk, version=1)
        tip_investigate(by=handler, tip_id=result.tip.pk, version=2)
        tip_substantiate(
            by=handler,
            tip_id=result.tip.pk,
            version=3,
            hazard_description="废液偷排",
            is_major=False,
        )

    staff = await _socket(tip_city.staff)
    await sync_to_async(substantiate)()

    announced = await staff.receive_json_from(timeout=5)
    assert announced["type"] == "hazard.reported"
    assert result.tip.number not in str(announced) and "偷排废液" not in str(announced)
    audiences = await sync_to_async(
        lambda: sorted(
            Event.objects.get(type="hazard.reported").audiences.values_list("group", flat=True)
        )
    )()
    assert not any(group.startswith("user.") for group in audiences)
    await staff.disconnect()
