"""Rewards for substantiated tips: an anonymous voucher by default, collected with the
receipt; claiming it into a resident account only after a plain warning."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.api.errors import DomainError
from inspections.tips.awards import tip_reward_award
from inspections.tips.models import RewardState, RewardVoucher, Tip
from inspections.tips.receipts import receipt_hash

VOUCHER_DIGITS = 20  # 66 bits: a bearer code, single use, looked up through its hash
LINK_WARNING = gettext_lazy(
    "Claiming puts the reward in your account: whoever can see your account can see that "
    "you received a whistleblower's reward. Keep the voucher instead to stay anonymous. "
    "To claim anyway, confirm that you understand."
)


def _voucher_code() -> str:
    digits = f"{secrets.randbelow(10**VOUCHER_DIGITS):0{VOUCHER_DIGITS}d}"
    return " ".join(digits[i : i + 4] for i in range(0, VOUCHER_DIGITS, 4))


@transaction.atomic
def tip_reward_collect(*, tip: Tip) -> str:
    """The whistleblower collects the reward as an anonymous voucher (shown once)."""
    updated = Tip.objects.filter(pk=tip.pk, reward_state=RewardState.AVAILABLE).update(
        reward_state=RewardState.VOUCHER
    )
    if not updated:
        raise DomainError(_("There is no reward to collect for this tip."), code="no_reward")
    code = _voucher_code()
    RewardVoucher.objects.create(code_hash=receipt_hash(code), issued_on=timezone.localdate())
    return code


@transaction.atomic
def tip_reward_claim(*, user: Any, code: str, confirm_link: bool) -> RewardVoucher:
    """A signed-in resident claims a voucher into their account, once, after the warning."""
    if not confirm_link:
        raise ValidationError({"confirm_link": [LINK_WARNING]}, code="confirm_link")
    voucher = RewardVoucher.objects.select_for_update().filter(code_hash=receipt_hash(code)).first()
    if voucher is None:
        raise Http404
    if voucher.claimed_on is not None:
        raise DomainError(_("This voucher was already claimed."), code="claimed")
    voucher.claimed_on = timezone.localdate()
    voucher.save(update_fields=["claimed_on"])
    tip_reward_award(user=user, voucher_id=voucher.pk)
    return voucher
