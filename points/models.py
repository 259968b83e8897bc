"""Safety points: accounts, an append-only ledger, earning rules, rewards and vouchers.

Points are money-like, so the invariants live in the database, not only in code: a
balance never goes below zero, the same event never pays twice (unique rule and source),
the same ``Idempotency-Key`` never redeems twice, and a voucher is refunded at most once.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class EarnKind(models.TextChoices):
    HAZARD_VERIFIED = "hazard_verified", _("Hazard report verified")
    TIP_SUBSTANTIATED = "tip_substantiated", _("Whistleblower tip substantiated")
    DRILL_ATTENDED = "drill_attended", _("Drill attended")
    VOLUNTEER_HOURS = "volunteer_hours", _("Volunteer hours")
    TRAINING_COMPLETED = "training_completed", _("Training completed")


class EntryKind(models.TextChoices):
    EARN = "earn", _("Earned")
    REDEEM = "redeem", _("Redeemed")
    REFUND = "refund", _("Refunded")
    EXPIRE = "expire", _("Expired")
    ADJUST = "adjust", _("Adjusted")


class Account(models.Model):
    """One per user; ``balance`` always equals the sum of the account's ledger entries."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="points_account",
    )
    balance = models.BigIntegerField(_("balance"), default=0)
    leaderboard_opt_in = models.BooleanField(
        _("show on the leaderboard"),
        default=False,
        help_text=_("Only people who opted in appear on their community's leaderboard."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("points account")
        verbose_name_plural = _("points accounts")
        constraints = [
            models.CheckConstraint(
                condition=Q(balance__gte=0), name="points_balance_never_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.balance})"


class EarningRule(models.Model):
    """How many points one kind of verified contribution pays, and the caps per person."""

    kind = models.CharField(_("kind of event"), max_length=32, choices=EarnKind.choices)
    points = models.PositiveIntegerField(_("points"), validators=[MinValueValidator(1)])
    daily_cap = models.PositiveIntegerField(
        _("daily cap (points)"),
        null=True,
        blank=True,
        help_text=_("Most points one person may earn from this kind in a day; empty: no cap."),
    )
    monthly_cap = models.PositiveIntegerField(
        _("monthly cap (points)"),
        null=True,
        blank=True,
        help_text=_("Most points one person may earn from this kind in a month; empty: no cap."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("earning rule")
        verbose_name_plural = _("earning rules")
        ordering = ["kind", "-active", "-id"]
        constraints = [
            # Old rules stay (entries point at them); only one may pay at a time.
            models.UniqueConstraint(
                fields=["kind"], condition=Q(active=True), name="points_one_active_rule_per_kind"
            ),
            models.CheckConstraint(condition=Q(points__gt=0), name="points_rule_points_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.points}"


class Reward(models.Model):
    """A public service that residents can redeem points for."""

    name_zh = models.CharField(_("name (Chinese)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80, blank=True)
    description = models.TextField(_("description"), blank=True)
    cost = models.PositiveIntegerField(_("cost (points)"), validators=[MinValueValidator(1)])
    stock = models.PositiveIntegerField(
        _("stock"), null=True, blank=True, help_text=_("Empty: unlimited.")
    )
    per_person_limit = models.PositiveIntegerField(
        _("limit per person"),
        null=True,
        blank=True,
        help_text=_("Most vouchers one person may hold or have used; empty: no limit."),
    )
    valid_from = models.DateTimeField(_("offered from"), null=True, blank=True)
    valid_until = models.DateTimeField(_("offered until"), null=True, blank=True)
    voucher_days = models.PositiveIntegerField(
        _("voucher valid for (days)"), default=30, validators=[MinValueValidator(1)]
    )
    communities = models.ManyToManyField(
        "grids.Community",
        verbose_name=_("communities"),
        blank=True,
        related_name="rewards",
        help_text=_("Where the reward is offered; none selected: everywhere."),
    )
    photo = models.ImageField(_("photo"), upload_to="rewards/", blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reward")
        verbose_name_plural = _("rewards")
        ordering = ["cost", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(cost__gt=0), name="points_reward_cost_positive"),
            models.CheckConstraint(
                condition=Q(stock__isnull=True) | Q(stock__gte=0),
                name="points_reward_stock_never_negative",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gt=models.F("valid_from")),
                name="points_reward_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name_zh


class VoucherStatus(models.TextChoices):
    ISSUED = "issued", _("Issued")
    FULFILLED = "fulfilled", _("Fulfilled")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")


class Voucher(models.Model):
    """One redemption: the code a resident shows at the counter."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="vouchers",
    )
    reward = models.ForeignKey(
        Reward, verbose_name=_("reward"), on_delete=models.PROTECT, related_name="vouchers"
    )
    code = models.CharField(_("code"), max_length=16, unique=True)
    status = models.CharField(
        _("status"), max_length=16, choices=VoucherStatus.choices, default=VoucherStatus.ISSUED
    )
    cost = models.PositiveIntegerField(_("cost (points)"))
    idempotency_key = models.CharField(_("idempotency key"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    fulfilled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("fulfilled by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    fulfilled_at = models.DateTimeField(_("fulfilled at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("cancelled or expired at"), null=True, blank=True)

    class Meta:
        verbose_name = _("voucher")
        verbose_name_plural = _("vouchers")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "idempotency_key"], name="points_voucher_idempotency_key"
            ),
        ]
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self) -> str:
        return self.code


class LedgerEntry(models.Model):
    """One movement of points; never updated or deleted once written."""

    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="entries"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EntryKind.choices)
    amount = models.BigIntegerField(_("amount"))
    balance_after = models.BigIntegerField(_("balance after"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    source = models.CharField(
        _("source"),
        max_length=120,
        blank=True,
        help_text=_("Stable key of what this pays for, e.g. hazard:123:verified."),
    )
    rule = models.ForeignKey(
        EarningRule,
        verbose_name=_("earning rule"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
    )
    voucher = models.ForeignKey(
        Voucher,
        verbose_name=_("voucher"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["-id"]
        constraints = [
            # The same event never pays twice, even when two awards race.
            models.UniqueConstraint(
                fields=["rule", "source"],
                condition=Q(kind="earn"),
                name="points_earn_once_per_rule_and_source",
            ),
            # A voucher is paid for once and refunded at most once.
            models.UniqueConstraint(
                fields=["voucher", "kind"],
                condition=Q(kind__in=["redeem", "refund"]),
                name="points_one_redeem_and_refund_per_voucher",
            ),
            models.CheckConstraint(condition=~Q(amount=0), name="points_entry_amount_not_zero"),
            models.CheckConstraint(
                condition=Q(balance_after__gte=0), name="points_entry_balance_after_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["account", "kind", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount:+d}"


class UnpaidReason(models.TextChoices):
    """Why a finished award paid nothing (an empty reason: it paid, or was paid before)."""

    NO_ACTIVE_RULE = "no_active_rule", _("No earning rule was active for this kind")
    CAP_REACHED = "cap_reached", _("A daily or monthly cap was reached")


class PendingAward(models.Model):
    """An award written in the payer's transaction and paid after it commits.

    ``points.awards.award`` writes it; its ``on_commit`` drain (or ``manage.py
    points_drain_awards``, from cron) pays it and sets ``done_at``. Until then it is the
    proof that the award is owed, so a process dying between commit and payment delays
    the award but never loses it; the ledger's unique source key makes a retry pay once.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="pending_awards",
    )
    kind = models.CharField(_("kind of event"), max_length=32, choices=EarnKind.choices)
    source = models.CharField(
        _("source"),
        max_length=120,
        help_text=_("Stable key of what this pays for, e.g. hazard:123:verified."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    entry = models.ForeignKey(
        LedgerEntry,
        verbose_name=_("ledger entry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty when done without payment: see why unpaid."),
    )
    unpaid_reason = models.CharField(
        _("why unpaid"), max_length=16, choices=UnpaidReason.choices, blank=True
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("pending award")
        verbose_name_plural = _("pending awards")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "source"], name="points_award_once_per_source")
        ]
        indexes = [
            models.Index(
                fields=["id"], condition=Q(done_at__isnull=True), name="points_award_pending"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.source}"
