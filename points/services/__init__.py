"""Writes of the points app. Other apps award points only through ``points.awards``."""

from points.services.awards import points_award
from points.services.ledger import (
    InsufficientPoints,
    account_for,
    account_leaderboard_opt_in,
    account_lock,
    ledger_post,
    points_adjust,
    points_expire,
)
from points.services.redemption import (
    reward_redeem,
    voucher_cancel,
    voucher_fulfil,
    vouchers_expire,
)

__all__ = [
    "InsufficientPoints",
    "account_for",
    "account_leaderboard_opt_in",
    "account_lock",
    "ledger_post",
    "points_adjust",
    "points_award",
    "points_expire",
    "reward_redeem",
    "voucher_cancel",
    "voucher_fulfil",
    "vouchers_expire",
]
