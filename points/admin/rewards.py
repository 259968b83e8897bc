"""Earning rules (administrators), rewards and vouchers (staff, scoped), and the counter."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from config.api.errors import Conflict
from config.exports import ReadableExportMixin
from config.photos import process_photo, read_upload
from grids.display import local_minute, local_short, person_label, person_name
from grids.models import Community
from grids.selectors import user_is_administrator, user_staff_communities
from points.admin.exports import VoucherResource
from points.models import EarningRule, Reward, Voucher, VoucherStatus
from points.selectors import (
    counter_voucher_find,
    staff_reward_list,
    staff_voucher_list,
    user_may_fulfil,
)
from points.services import voucher_fulfil


@admin.register(EarningRule)
class EarningRuleAdmin(admin.ModelAdmin):
    list_display = ["kind", "points", "daily_cap", "monthly_cap", "active", "created_at"]
    list_filter = ["kind", "active"]
    list_editable = ["active"]


class RewardForm(forms.ModelForm):
    """Staff offer rewards in their own communities; only administrators offer city-wide."""

    # The photo intake judges the bytes and stores a fresh JPEG (these photos are public):
    # no staff phone's GPS, nothing hidden after the image, whatever the file is called.
    photo = forms.FileField(
        label=_("photo"), required=False, help_text=_("JPEG, PNG or WebP; at most 10 MB, 40 MP.")
    )

    class Meta:
        model = Reward
        fields = [
            "name_zh", "name_en", "description", "cost", "stock", "per_person_limit",
            "valid_from", "valid_until", "voucher_days", "communities", "photo", "active",
        ]  # fmt: skip

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if user is not None and not user_is_administrator(user):
            field = self.fields["communities"]
            field.queryset = user_staff_communities(user)  # type: ignore[attr-defined]
            field.required = True
            field.help_text = _("The communities you serve where this reward is offered.")

    def clean_photo(self) -> Any:
        photo = self.cleaned_data.get("photo")
        if not isinstance(photo, UploadedFile):
            return photo  # unchanged, or cleared
        try:
            processed = process_photo(read_upload(photo), keep_location=False)
        except ValidationError as error:
            raise forms.ValidationError(error.message_dict["file"]) from None
        return ContentFile(processed.display, name=f"{processed.content_hash}.jpg")

    def clean_communities(self) -> QuerySet[Community]:
        chosen = self.cleaned_data["communities"]
        if self.user is not None and not user_is_administrator(self.user):
            mine = set(user_staff_communities(self.user).values_list("pk", flat=True))
            if any(c.pk not in mine for c in chosen):
                raise forms.ValidationError(_("Choose only communities you serve."))
        return chosen


@admin.register(Reward)
class RewardAdmin(admin.ModelAdmin):
    form = RewardForm
    list_display = ["name_zh", "cost", "stock", "per_person_limit", "offered_in", "until", "active"]
    list_filter = ["active"]
    search_fields = ["name_zh", "name_en"]
    filter_horizontal = ["communities"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Reward]:
        mine = staff_reward_list(user=request.user).values("pk")
        return super().get_queryset(request).filter(pk__in=mine).prefetch_related("communities")

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change, **kwargs)

        class ScopedRewardForm(form):  # type: ignore[misc, valid-type]
            def __init__(self, *args: Any, **inner: Any) -> None:
                super().__init__(*args, user=request.user, **inner)

        return ScopedRewardForm

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """A reward also offered elsewhere is read-only for the staff of one community."""
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or user_is_administrator(request.user):
            return True
        mine = set(user_staff_communities(request.user).values_list("pk", flat=True))
        offered = {c.pk for c in obj.communities.all()}
        return bool(offered) and offered <= mine

    @admin.display(description=_("offered in"))
    def offered_in(self, reward: Reward) -> str:
        names = [c.name for c in reward.communities.all()]
        return "、".join(names) if names else gettext("everywhere")

    @admin.display(description=_("offered until"), ordering="valid_until")
    def until(self, reward: Reward) -> str:
        return local_short(reward.valid_until) if reward.valid_until else "—"


class CounterForm(forms.Form):
    code = forms.CharField(
        label=_("Voucher code"),
        max_length=64,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "off", "placeholder": "7KQM-2XDP"}
        ),
        help_text=_("Type the code, or scan the QR code with a scanner (it types the code)."),
    )


@admin.register(Voucher)
class VoucherAdmin(ReadableExportMixin, admin.ModelAdmin):
    resource_classes = [VoucherResource]
    list_display = ["code", "reward", "holder", "status", "cost", "created", "expires"]
    list_filter = ["status", ("reward", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["code", "user__display_name", "user__phone"]
    search_help_text = _("Code, holder's name or full phone number")
    list_select_related = ["reward", "user"]
    readonly_fields = [field.name for field in Voucher._meta.fields]
    actions = ["fulfil"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Voucher]:
        mine = staff_voucher_list(user=request.user).values("pk")
        return super().get_queryset(request).filter(pk__in=mine)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("holder"), ordering="user__display_name")
    def holder(self, voucher: Voucher) -> str:
        return person_label(voucher.user)

    @admin.display(description=_("created at"), ordering="created_at")
    def created(self, voucher: Voucher) -> str:
        return local_short(voucher.created_at)

    @admin.display(description=_("expires at"), ordering="expires_at")
    def expires(self, voucher: Voucher) -> str:
        return local_short(voucher.expires_at)

    @admin.action(description=_("Fulfil the selected vouchers (reward handed over)"))
    def fulfil(self, request: HttpRequest, queryset: QuerySet[Voucher]) -> None:
        done = 0
        for voucher in queryset:
            try:
                voucher_fulfil(code=voucher.code, by=request.user)
                done += 1
            except (Conflict, PermissionDenied, Http404) as error:
                self.message_user(request, f"{voucher.code}: {_refusal(error)}", messages.WARNING)
        if done:
            message = gettext("%(count)d vouchers fulfilled.") % {"count": done}
            self.message_user(request, message, messages.SUCCESS)

    def get_urls(self) -> list[Any]:
        counter = path(
            "counter/", self.admin_site.admin_view(self.counter_view), name="points_counter"
        )
        return [counter, *super().get_urls()]

    def counter_view(self, request: HttpRequest) -> HttpResponse:
        """The counter: look a code up, see what it is for and whether it is valid, hand over."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        if request.method == "POST" and "fulfil" in request.POST:
            return self._counter_fulfil(request)
        form = CounterForm(request.GET or None)
        voucher = None
        if form.is_valid():
            voucher = counter_voucher_find(user=request.user, code=form.cleaned_data["code"])
            if voucher is None:
                unknown = gettext("No voucher with this code in the communities you serve.")
                form.add_error("code", unknown)
        return self._counter_page(request, form, voucher)

    def _counter_fulfil(self, request: HttpRequest) -> HttpResponse:
        code = request.POST.get("fulfil", "")
        here = reverse("admin:points_counter")
        try:
            voucher = voucher_fulfil(code=code, by=request.user)
        except (Conflict, PermissionDenied, Http404) as error:
            self.message_user(request, f"{code}: {_refusal(error)}", messages.ERROR)
            return redirect(f"{here}?code={code}")
        done = gettext("%(code)s: hand over “%(reward)s” to %(holder)s. The voucher is now used.")
        names = {"code": voucher.code, "reward": voucher.reward.name_zh}
        names["holder"] = person_name(voucher.user)
        self.message_user(request, done % names, messages.SUCCESS)
        return redirect(here)

    def _counter_page(
        self, request: HttpRequest, form: CounterForm, voucher: Voucher | None
    ) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Counter: hand over a reward"),
            "opts": self.opts,
            "form": form,
            "voucher": voucher,
            "voucher_facts": _voucher_facts(voucher) if voucher else [],
            "valid": voucher is not None and _is_valid(voucher),
            "may_fulfil": voucher is not None
            and counter_may_fulfil(user=request.user, voucher=voucher),
            "recent": staff_voucher_list(user=request.user)
            .filter(status=VoucherStatus.FULFILLED, fulfilled_by_id=request.user.pk)
            .order_by("-fulfilled_at")[:10],
        }
        return TemplateResponse(request, "admin/points/counter.html", context)


def counter_may_fulfil(*, user: Any, voucher: Voucher) -> bool:
    return user_may_fulfil(staff=user, reward=voucher.reward)


def _is_valid(voucher: Voucher) -> bool:
    return voucher.status == VoucherStatus.ISSUED and voucher.expires_at > timezone.now()


def _voucher_facts(voucher: Voucher) -> list[tuple[Any, Any]]:
    status = voucher.get_status_display()
    if voucher.status == VoucherStatus.ISSUED:
        # "Issued" reads as "handed over" at a counter: say what it means here.
        expired = voucher.expires_at <= timezone.now()
        status = gettext("Expired (not yet refunded)") if expired else gettext("Not used yet")
    facts = [
        (_("Reward"), voucher.reward.name_zh),
        (_("Description"), voucher.reward.description or "—"),
        (_("Holder"), person_label(voucher.user)),
        (_("Status"), status),
        (_("Cost (points)"), voucher.cost),
        (_("Redeemed at"), local_minute(voucher.created_at)),
        (_("Valid until"), local_minute(voucher.expires_at)),
    ]
    if voucher.fulfilled_at:
        who = person_name(voucher.fulfilled_by)
        facts.append((_("Handed over"), f"{local_minute(voucher.fulfilled_at)} · {who}"))
    return facts


def _refusal(error: Exception) -> str:
    if isinstance(error, Conflict):
        return str(error.detail)
    if isinstance(error, Http404):
        return gettext("No voucher with this code.")
    return str(error)
