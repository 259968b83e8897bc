"""The realtime events the points program emits (see config.realtime.catalogue)."""

from django.utils.translation import gettext_lazy as _

from config.realtime.catalogue import EventType, register_event_type

BALANCE_CHANGED = register_event_type(
    EventType(
        name="points.balance_changed",
        version=1,
        description=_("A ledger entry changed the user's safety points balance."),
        audiences=_("the account holder (user.<id>)"),
        data={
            "balance": _("balance after the entry"),
            "amount": _("signed change"),
            "kind": _("earn, redeem, refund, expire or adjust"),
            "entry": _("ledger entry id"),
        },
    )
)
VOUCHER_FULFILLED = register_event_type(
    EventType(
        name="voucher.fulfilled",
        version=1,
        description=_("Staff handed over the reward of one of the user's vouchers."),
        audiences=_("the voucher holder (user.<id>)"),
        data={
            "code": _("voucher code"),
            "reward": _("reward id"),
            "fulfilled_at": _("when, ISO 8601"),
        },
    )
)
