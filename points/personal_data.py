"""The points part of a user's data (PIPL): balance, ledger and vouchers.

Closing an account keeps the ledger and the vouchers (the books must balance and be
audited) on the account, whose user is then an anonymous placeholder; the person leaves
the leaderboard.
"""

from __future__ import annotations

from typing import Any

from grids.models import User
from grids.services import PersonalDataSection
from points.models import Account, LedgerEntry, Voucher


def _export(user: User) -> dict[str, Any]:
    account = Account.objects.filter(user=user).first()
    entries = LedgerEntry.objects.filter(account__user=user).order_by("pk")
    vouchers = Voucher.objects.filter(user=user).select_related("reward").order_by("pk")
    return {
        "balance": account.balance if account else 0,
        "leaderboard_opt_in": account.leaderboard_opt_in if account else False,
        "ledger": [
            {
                "kind": entry.kind, "amount": entry.amount, "balance_after": entry.balance_after,
                "reason": entry.reason, "created_at": entry.created_at.isoformat(),
            }
            for entry in entries
        ],
        "vouchers": [
            {"code": voucher.code, "reward": voucher.reward.name_zh, "status": voucher.status}
            for voucher in vouchers
        ],
    }  # fmt: skip


def _erase(user: User) -> None:
    Account.objects.filter(user=user).update(leaderboard_opt_in=False)


POINTS_SECTION = PersonalDataSection(key="points", export=_export, erase=_erase)
