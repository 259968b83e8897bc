"""The one module of this app that pays points (the points app's award seam)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from points.models import EarnKind
from points.services import points_award


def tip_reward_award(*, user: Any, voucher_id: int) -> None:
    """Pay a claimed anonymous voucher once; keyed by the voucher, never by the tip."""
    source = f"tip-voucher:{voucher_id}"
    transaction.on_commit(
        lambda: points_award(user=user, kind=EarnKind.TIP_SUBSTANTIATED, source=source)
    )
