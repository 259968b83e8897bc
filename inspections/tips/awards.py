"""The one module of this app that pays points (the points app's award seam)."""

from __future__ import annotations

from typing import Any

from points.awards import award
from points.models import EarnKind


def tip_reward_award(*, user: Any, voucher_id: int) -> None:
    """Owe a claimed anonymous voucher's points (paid after the caller's commit, once);
    keyed by the voucher, never by the tip. Call it inside the claim's transaction."""
    award(user_id=user.pk, kind=EarnKind.TIP_SUBSTANTIATED, source=f"tip-voucher:{voucher_id}")
