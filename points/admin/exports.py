"""Exports of vouchers and ledger entries: names, not ids; translated headers."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from import_export import fields, resources

from grids.display import local_minute, mask_phone, person_name
from points.models import LedgerEntry, Voucher


def _column(label: Any, method: str) -> fields.Field:
    return fields.Field(column_name=label, dehydrate_method=method, readonly=True)


class VoucherResource(resources.ModelResource):
    code = _column(_("code"), "dehydrate_code")
    reward = _column(_("reward"), "dehydrate_reward")
    holder = _column(_("holder"), "dehydrate_holder")
    phone = _column(_("mobile phone"), "dehydrate_phone")
    status = _column(_("status"), "dehydrate_status")
    cost = _column(_("cost (points)"), "dehydrate_cost")
    created = _column(_("created at"), "dehydrate_created")
    expires = _column(_("expires at"), "dehydrate_expires")
    fulfilled = _column(_("fulfilled at"), "dehydrate_fulfilled")
    fulfilled_by = _column(_("fulfilled by"), "dehydrate_fulfilled_by")

    class Meta:
        model = Voucher
        fields = [
            "code", "reward", "holder", "phone", "status", "cost", "created", "expires",
            "fulfilled", "fulfilled_by",
        ]  # fmt: skip
        export_order = fields

    def filter_export(self, queryset: Any, **kwargs: Any) -> Any:
        return queryset.select_related("reward", "user", "fulfilled_by")

    def dehydrate_code(self, voucher: Voucher) -> str:
        return voucher.code

    def dehydrate_reward(self, voucher: Voucher) -> str:
        return voucher.reward.name_zh

    def dehydrate_holder(self, voucher: Voucher) -> str:
        return person_name(voucher.user)

    def dehydrate_phone(self, voucher: Voucher) -> str:
        return mask_phone(voucher.user.phone) if voucher.user.phone else ""

    def dehydrate_status(self, voucher: Voucher) -> str:
        return str(voucher.get_status_display())

    def dehydrate_cost(self, voucher: Voucher) -> int:
        return voucher.cost

    def dehydrate_created(self, voucher: Voucher) -> str:
        return local_minute(voucher.created_at)

    def dehydrate_expires(self, voucher: Voucher) -> str:
        return local_minute(voucher.expires_at)

    def dehydrate_fulfilled(self, voucher: Voucher) -> str:
        return local_minute(voucher.fulfilled_at) if voucher.fulfilled_at else ""

    def dehydrate_fulfilled_by(self, voucher: Voucher) -> str:
        return person_name(voucher.fulfilled_by) if voucher.fulfilled_by else ""


class LedgerEntryResource(resources.ModelResource):
    created = _column(_("created at"), "dehydrate_created")
    holder = _column(_("account holder"), "dehydrate_holder")
    phone = _column(_("mobile phone"), "dehydrate_phone")
    kind = _column(_("kind"), "dehydrate_kind")
    amount = _column(_("amount"), "dehydrate_amount")
    balance_after = _column(_("balance after"), "dehydrate_balance_after")
    reason = _column(_("reason"), "dehydrate_reason")
    source = _column(_("source"), "dehydrate_source")
    created_by = _column(_("created by"), "dehydrate_created_by")

    class Meta:
        model = LedgerEntry
        fields = [
            "created", "holder", "phone", "kind", "amount", "balance_after", "reason", "source",
            "created_by",
        ]  # fmt: skip
        export_order = fields

    def filter_export(self, queryset: Any, **kwargs: Any) -> Any:
        return queryset.select_related("account__user", "created_by")

    def dehydrate_created(self, entry: LedgerEntry) -> str:
        return local_minute(entry.created_at)

    def dehydrate_holder(self, entry: LedgerEntry) -> str:
        return person_name(entry.account.user)

    def dehydrate_phone(self, entry: LedgerEntry) -> str:
        phone = entry.account.user.phone
        return mask_phone(phone) if phone else ""

    def dehydrate_kind(self, entry: LedgerEntry) -> str:
        return str(entry.get_kind_display())

    def dehydrate_amount(self, entry: LedgerEntry) -> int:
        return entry.amount

    def dehydrate_balance_after(self, entry: LedgerEntry) -> int:
        return entry.balance_after

    def dehydrate_reason(self, entry: LedgerEntry) -> str:
        return entry.reason

    def dehydrate_source(self, entry: LedgerEntry) -> str:
        return entry.source

    def dehydrate_created_by(self, entry: LedgerEntry) -> str:
        return person_name(entry.created_by) if entry.created_by else ""
