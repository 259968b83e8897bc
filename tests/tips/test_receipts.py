"""Receipts: strong, shown once, stored as a keyed hash; guessing is throttled, and a wrong
receipt cannot be told apart from a purged tip."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone
from pytest_django.fixtures import SettingsWrapper
from rest_framework.test import APIClient

from inspections.tips.models import Tip, TipStatus
from inspections.tips.receipts import RECEIPT_BITS, receipt_hash, receipt_new
from inspections.tips.services import tips_purge
from inspections.tips.throttling import WINDOW_S, _estimate
from tests.tips.conftest import TipCity


def test_a_receipt_is_28_digits_in_groups_of_four_with_more_than_90_bits() -> None:
    receipt = receipt_new()

    assert re.fullmatch(r"\d{4}( \d{4}){6}", receipt)
    assert RECEIPT_BITS >= 90
    assert len({receipt_new() for _ in range(200)}) == 200


def test_only_the_keyed_hash_is_stored_and_the_key_is_not_in_the_database(
    submit: Callable[..., Any], settings: SettingsWrapper
) -> None:
    result = submit()

    stored = Tip.objects.get().receipt_hash
    assert stored == receipt_hash(result.receipt)
    assert result.receipt.replace(" ", "") not in stored
    settings.TIPS_RECEIPT_KEY = "another key from another environment"
    assert receipt_hash(result.receipt) != stored


def test_a_receipt_typed_with_dashes_or_without_spaces_opens_the_tip(
    submit: Callable[..., Any], anonymous: APIClient
) -> None:
    receipt = submit().receipt
    typed = receipt.replace(" ", "-")

    answer = anonymous.post("/api/v1/tips/follow-up/", {"receipt": typed})

    assert answer.status_code == 200
    assert answer.json()["status"] == TipStatus.NEW


def test_a_hundred_wrong_receipts_in_a_row_are_throttled_and_then_even_the_right_one(
    submit: Callable[..., Any], anonymous: APIClient, settings: SettingsWrapper
) -> None:
    right = submit().receipt
    codes = [
        anonymous.post("/api/v1/tips/follow-up/", {"receipt": f"{n:028d}"}).status_code
        for n in range(100)
    ]

    assert codes[: settings.TIPS_LOOKUPS_PER_CLIENT] == [404] * settings.TIPS_LOOKUPS_PER_CLIENT
    assert set(codes[settings.TIPS_LOOKUPS_PER_CLIENT :]) == {429}
    refused = anonymous.post("/api/v1/tips/follow-up/", {"receipt": right})
    assert refused.status_code == 429
    assert "Retry-After" in refused.headers


def test_a_new_minute_does_not_hand_a_guesser_a_fresh_allowance(
    anonymous: APIClient, settings: SettingsWrapper
) -> None:
    window = int(time.time() // WINDOW_S)
    settings.TIPS_LOOKUPS_OVERALL = 50
    cache.set(f"tips:throttle:tips:all:{window - 1}", 100_000, timeout=WINDOW_S * 2)

    refused = anonymous.post("/api/v1/tips/follow-up/", {"receipt": "1"})

    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0


def test_the_wait_is_until_one_more_look_up_would_be_let_in() -> None:
    now = 600.0 * WINDOW_S + 30  # half-way through a minute
    # 20 this minute, 20 the last: 30 now; 20 x (1 - s/60) + 1 <= 10 from 33 s past the turn
    seconds = next(wait for wait in range(0, 200) if _estimate(20, 20, now, now + wait) + 1 <= 10)
    assert seconds == 30 + 33
    assert _estimate(20, 20, now, now) == 30


def test_the_overall_limit_holds_whatever_the_client(
    submit: Callable[..., Any], settings: SettingsWrapper
) -> None:
    settings.TIPS_LOOKUPS_OVERALL = 5
    clients = [APIClient(REMOTE_ADDR=f"198.51.100.{n}") for n in range(8)]

    codes = [c.post("/api/v1/tips/follow-up/", {"receipt": "1"}).status_code for c in clients]

    assert codes == [404] * 5 + [429] * 3


def _close(tip: Tip, *, days_ago: int) -> None:
    day = timezone.localdate() - timedelta(days=days_ago)
    Tip.objects.filter(pk=tip.pk).update(
        status=TipStatus.CLOSED, closed_on=day, outcome="unsubstantiated"
    )


def test_a_wrong_receipt_and_a_purged_tip_answer_alike(
    submit: Callable[..., Any], anonymous: APIClient
) -> None:
    purged = submit()
    _close(purged.tip, days_ago=400)
    assert tips_purge() == 1

    wrong = anonymous.post("/api/v1/tips/follow-up/", {"receipt": receipt_new()})
    gone = anonymous.post("/api/v1/tips/follow-up/", {"receipt": purged.receipt})

    assert (wrong.status_code, wrong.json()) == (gone.status_code, gone.json())
    assert gone.status_code == 404
    assert dict(wrong.headers).keys() == dict(gone.headers).keys()


@pytest.mark.parametrize(("days_ago", "works"), [(89, True), (90, False)])
def test_a_receipt_stops_working_90_days_after_the_tip_is_closed(
    submit: Callable[..., Any], anonymous: APIClient, days_ago: int, works: bool
) -> None:
    result = submit()
    _close(result.tip, days_ago=days_ago)

    answer = anonymous.post("/api/v1/tips/follow-up/", {"receipt": result.receipt})

    assert answer.status_code == (200 if works else 404)


def test_submitting_needs_no_account_and_answers_with_the_receipt_once(
    tip_city: TipCity, anonymous: APIClient
) -> None:
    answer = anonymous.post(
        "/api/v1/tips/",
        {
            "category": tip_city.category.code,
            "description": "无证动火作业",
            "enterprise_name": "某加工厂",
            "enterprise_address": "河西大街 8 号",
            "district": tip_city.district.pk,
        },
    )

    assert answer.status_code == 201
    body = answer.json()
    assert set(body) == {"receipt", "status", "received_on"}
    tip = Tip.objects.get()
    assert (tip.district, tip.enterprise, tip.enterprise_name) == (
        tip_city.district,
        None,
        "某加工厂",
    )
    follow = anonymous.post("/api/v1/tips/follow-up/", {"receipt": body["receipt"]}).json()
    assert "receipt" not in follow


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"enterprise_name": ""}, "enterprise_name"),
        ({"enterprise_name": "某厂"}, "district"),
        ({"enterprise": 999999}, "enterprise"),
        ({"enterprise_name": "某厂", "district": 1, "category": "nope"}, "category"),
        ({"enterprise_name": "某厂", "district": 1, "contact_phone": "12"}, "contact_phone"),
    ],
)
def test_bad_submissions_say_what_to_fix_and_store_nothing(
    tip_city: TipCity, anonymous: APIClient, fields: dict[str, Any], field: str
) -> None:
    if fields.get("district") == 1:
        fields["district"] = tip_city.district.pk
    body = {"category": tip_city.category.code, "description": "x", **fields}

    answer = anonymous.post("/api/v1/tips/", body)

    assert answer.status_code == 400, answer.json()
    assert field in answer.json().get("fields", {}) or answer.json()["message"]
    assert not Tip.objects.exists()
