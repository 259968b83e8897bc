"""Tips in the admin, for tip handlers only: administrators without the role see nothing.

Read-only screens scoped by the same selector as the API; opening a tip's page is
recorded like an opening through the API. Steps are taken through the API's services.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from config.api.errors import Conflict, DomainError
from grids.models import User
from grids.selectors import user_is_tip_handler
from inspections.tips.models import Tip, TipAccess, TipFigure
from inspections.tips.selectors import tip_figure_list, tip_scope
from inspections.tips.services import tip_acknowledge, tip_investigate


class HandlersOnlyAdmin(admin.ModelAdmin):
    """Visible to tip handlers only, whatever other permissions the user has."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return user_is_tip_handler(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return user_is_tip_handler(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Tip)
class TipAdmin(HandlersOnlyAdmin):
    list_display = [
        "number", "status", "district", "enterprise_label", "received_on", "acknowledge_by",
        "feedback_by", "assignee",
    ]  # fmt: skip
    list_filter = ["status", "outcome", "district"]
    search_fields = ["number"]
    list_select_related = ["district", "category", "enterprise", "assignee"]
    exclude = ["receipt_hash", "contact_name", "contact_phone", "description"]
    readonly_fields = ["what_happened", "timeline", "messages_list"]
    actions = ["acknowledge", "investigate"]

    def _step(self, request: HttpRequest, queryset: QuerySet[Tip], service: Any) -> None:
        """The API's services, tip by tip: the same rules, and each refusal reported."""
        for tip in queryset.order_by("pk"):
            try:
                service(by=cast(User, request.user), tip_id=tip.pk, version=tip.version)
            except (Conflict, DomainError, ValidationError) as error:
                detail = getattr(error, "detail", None) or " ".join(getattr(error, "messages", []))
                self.message_user(request, f"{tip.number}: {detail}", messages.ERROR)
            else:
                self.message_user(request, f"{tip.number}: {_('done')}", messages.SUCCESS)

    @admin.action(description=_("Acknowledge the selected tips"))
    def acknowledge(self, request: HttpRequest, queryset: QuerySet[Tip]) -> None:
        self._step(request, queryset, tip_acknowledge)

    @admin.action(description=_("Start investigating the selected tips"))
    def investigate(self, request: HttpRequest, queryset: QuerySet[Tip]) -> None:
        self._step(request, queryset, tip_investigate)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Tip]:
        return super().get_queryset(request).filter(tip_scope(request.user))

    def change_view(self, request: HttpRequest, object_id: str, *args: Any, **kwargs: Any) -> Any:
        tip = self.get_queryset(request).filter(pk=object_id).first()
        if tip is not None:
            TipAccess.objects.create(tip=tip, user=cast(User, request.user), what="admin")
        return super().change_view(request, object_id, *args, **kwargs)

    @admin.display(description=_("enterprise or site"))
    def enterprise_label(self, tip: Tip) -> str:
        return tip.enterprise_label

    @admin.display(description=_("acknowledge by"))
    def acknowledge_by(self, tip: Tip) -> Any:
        return tip.acknowledge_due_on

    @admin.display(description=_("outcome due by"))
    def feedback_by(self, tip: Tip) -> Any:
        return tip.feedback_due_on

    @admin.display(description=_("what happened"))
    def what_happened(self, tip: Tip) -> str:
        return tip.description

    @admin.display(description=_("timeline"))
    def timeline(self, tip: Tip) -> str:
        rows = [
            (
                event.on,
                event.get_kind_display(),
                event.actor.public_name if event.actor else "",
                event.note,
            )
            for event in tip.events.select_related("actor")
        ]
        return format_html_join("", "<p>{} · {} · {} {}</p>", rows)

    @admin.display(description=_("messages"))
    def messages_list(self, tip: Tip) -> str:
        rows = [
            (
                message.on,
                _("whistleblower") if message.from_whistleblower else _("tip handler"),
                message.body,
            )
            for message in tip.messages.all()
        ]
        return format_html_join("", "<p>{} · {}: {}</p>", rows)


@admin.register(TipFigure)
class TipFigureAdmin(HandlersOnlyAdmin):
    list_display = ["month", "district", "outcome", "count", "acknowledged_in_time"]
    list_filter = ["district", "outcome"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[TipFigure]:
        # A district's handlers read its figures only, as on the dashboard.
        return tip_figure_list(user=request.user)
