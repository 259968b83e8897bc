"""Prove the books: every balance equals the sum of its ledger entries."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from config.progress import progress
from points.models import Account
from points.selectors import AuditMismatch, ledger_audit

CHUNK = 2000


class Command(BaseCommand):
    help = "Check that every points balance equals the sum of its entries; exit 1 if not."

    def handle(self, *args: Any, **options: Any) -> None:
        ids = list(Account.objects.order_by("pk").values_list("pk", flat=True))
        mismatches: list[AuditMismatch] = []
        chunks = [ids[start : start + CHUNK] for start in range(0, len(ids), CHUNK)]
        hidden = options["verbosity"] < 1
        for chunk in progress(self, chunks, what="accounts", unit="chunk", hidden=hidden):
            mismatches += ledger_audit(account_ids=chunk)
        for row in mismatches:
            self.stderr.write(
                f"account {row.account_id} (user {row.user_id}): balance {row.balance}, "
                f"entries sum to {row.entries_total}, last entry says {row.last_balance_after}"
            )
        if mismatches:
            raise CommandError(f"{len(mismatches)} of {len(ids)} accounts do not balance.")
        self.stdout.write(self.style.SUCCESS(f"All {len(ids)} accounts balance."))
