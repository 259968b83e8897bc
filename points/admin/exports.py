"""Exports of vouchers and ledger entries: names, not ids; translated headers."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from import_export import resources

from config.exports import export_column
from grids.display import local_minute, mask_phone, person_name
from points.models import LedgerEntry, Voucher


class VoucherResource(resources.ModelResource):
    code = export_column(_("code"), "dehydrate_code")
    reward = export_column(_("reward"), "dehydrate_reward")
    holder = export_column(_("holder"), "dehydrate_holder")
    phone = export_column(_("mobile phone"), "dehydrate_phone")
    status = export_column(_("status"), "dehydrate_status")
    cost = export_column(_("cost (points)"), "dehydrate_cost")
    created = export_column(_("created at"), "dehydrate_created")
    expires = export_column(_("expires at"), "dehydrate_expires")
    fulfilled = export_column(_("fulfilled at"), "dehydrate_fulfilled")
    fulfilled_by = export_column(_("fulfilled by"), "dehydrate_fulfilled_by")

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
    created = export_column(_("created at"), "dehydrate_created")
    holder = export_column(_("account holder"), "dehydrate_holder")
    phone = export_column(_("mobile phone"), "dehydrate_phone")
    kind = export_column(_("kind"), "dehydrate_kind")
    amount = export_column(_("amount"), "dehydrate_amount")
    balance_after = export_column(_("balance after"), "dehydrate_balance_after")
    reason = export_column(_("reason"), "dehydrate_reason")
    source = export_column(_("source"), "dehydrate_source")
    created_by = export_column(_("created by"), "dehydrate_created_by")

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
