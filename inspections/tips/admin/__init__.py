"""Tips in the admin, for tip handlers only: everyone else gets 404 on every tip URL.

The list and the tip's page are scoped by the same selector as the API, and every step on
the page goes through the API's services (``steps``): the same rules, the same refusals.
Opening a tip's page is recorded like an opening through the API. Whistleblowers' times
are shown to the day.
"""

from __future__ import annotations

import functools
from datetime import date, timedelta
from typing import Any, cast

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from config.api.errors import Conflict, DomainError
from grids.display import person_name
from grids.models import Enterprise, User
from grids.selectors import user_is_tip_handler, user_tip_district_ids
from inspections.tips.admin.page import tip_facts, tip_openings, tip_timeline
from inspections.tips.admin.steps import STEPS, TipForm, offered_steps
from inspections.tips.models import (
    ACKNOWLEDGE_WITHIN_DAYS,
    FEEDBACK_WITHIN_MONTHS,
    Tip,
    TipFigure,
    TipStatus,
    add_months,
)
from inspections.tips.selectors import OPEN_TIP_STATUSES, tip_detail, tip_scope
from inspections.tips.services import tip_acknowledge, tip_investigate, tip_open
from inspections.tips.services.handling import Contact


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

    def get_urls(self) -> list[Any]:
        return [self._guarded(url) for url in [*self.extra_urls(), *super().get_urls()]]

    def extra_urls(self) -> list[URLPattern]:
        return []

    def check_object(self, request: HttpRequest, object_id: Any) -> None:
        """Raise Http404 unless ``request.user`` may open this object."""

    def _guarded(self, url: URLPattern) -> URLPattern:
        """The same URL, answering 404 to a signed-in non-handler and to a handler for a tip
        outside their districts (a tip's existence is a secret, as in the API); anonymous
        visitors still go to the sign-in page."""
        view = url.callback

        @functools.wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if request.user.is_authenticated:
                if not user_is_tip_handler(request.user):
                    raise Http404
                if "object_id" in kwargs:
                    self.check_object(request, kwargs["object_id"])
            return view(request, *args, **kwargs)

        return URLPattern(url.pattern, guarded, url.default_args, url.name)


def _error_text(error: Exception) -> str:
    """A service's refusal in the words the API gives it."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    if isinstance(error, Conflict | DomainError):
        return " ".join(str(part) for part in _flat(error.detail))
    return str(error) or gettext("You may not do this.")


def _flat(detail: Any) -> list[Any]:
    if isinstance(detail, dict):
        return [item for value in detail.values() for item in _flat(value)]
    if isinstance(detail, list):
        return [item for value in detail for item in _flat(value)]
    return [detail]


def _attach(form: TipForm, error: ValidationError) -> None:
    """Put a service's refusal on the form, next to the field it names when it names one."""
    if hasattr(error, "error_dict"):
        for name, problems in error.message_dict.items():
            field = name if name in form.fields else None
            for problem in problems:
                form.add_error(field, problem)
        return
    form.add_error(None, " ".join(error.messages))


# Three months are never shorter than 89 days: older tips are the candidates for the
# exact test, which is done on their day received (tips are counted in hundreds).
SHORTEST_FEEDBACK_DAYS = 89


def overdue_q(queryset: QuerySet[Tip], today: date) -> Q:
    """Tips whose clock has run out: not acknowledged within 7 days, or no outcome by
    ``feedback_due_on`` (3 calendar months, month ends clamped as the model does)."""
    late_ack = Q(
        status=TipStatus.NEW, received_on__lt=today - timedelta(days=ACKNOWLEDGE_WITHIN_DAYS)
    )
    candidates = queryset.filter(
        status__in=OPEN_TIP_STATUSES,
        received_on__lte=today - timedelta(days=SHORTEST_FEEDBACK_DAYS),
    ).values_list("pk", "received_on")
    late = [
        pk for pk, received in candidates if add_months(received, FEEDBACK_WITHIN_MONTHS) < today
    ]
    return late_ack | Q(pk__in=late)


class OverdueFilter(admin.SimpleListFilter):
    title = _("tip deadlines")
    parameter_name = "overdue"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("A deadline has passed"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Tip]) -> QuerySet[Tip]:
        if self.value() == "yes":
            return queryset.filter(overdue_q(queryset, timezone.localdate()))
        return queryset


def _due(day: date, *, running: bool) -> Any:
    """The deadline's day, marked when its clock is still running and it has passed."""
    if running and day < timezone.localdate():
        return format_html('<span class="sg-overdue">{}</span>', day.isoformat())
    return day.isoformat()


@admin.register(Tip)
class TipAdmin(HandlersOnlyAdmin):
    list_display = [
        "number", "status", "district", "enterprise_label", "received_on", "acknowledge_by",
        "feedback_by", "assignee_name",
    ]  # fmt: skip
    # Only the districts the handler serves, not every district's name.
    list_filter = [
        OverdueFilter, "status", "outcome", ("district", admin.RelatedOnlyFieldListFilter),
    ]  # fmt: skip
    search_fields = ["number"]
    list_select_related = ["district", "category", "enterprise", "assignee"]
    actions = ["acknowledge", "investigate"]

    # --- scope: every URL of this admin is a 404 for anyone who may not open the tip ------
    def get_queryset(self, request: HttpRequest) -> QuerySet[Tip]:
        return super().get_queryset(request).filter(tip_scope(request.user))

    def extra_urls(self) -> list[URLPattern]:
        step = path(
            "<id:object_id>/step/<str:step>/",
            self.admin_site.admin_view(self.step_view),
            name="tips_tip_step",
        )
        return [step]

    def check_object(self, request: HttpRequest, object_id: Any) -> None:
        self._tip_id(request, object_id)

    def _tip_id(self, request: HttpRequest, object_id: Any) -> int:
        try:
            tip_id = int(object_id)
        except (TypeError, ValueError):
            raise Http404 from None
        if not self.get_queryset(request).filter(pk=tip_id).exists():
            raise Http404(gettext("No such tip, or it is not in a district you handle."))
        return tip_id

    # --- list ---------------------------------------------------------------------------
    def _step(self, request: HttpRequest, queryset: QuerySet[Tip], service: Any) -> None:
        """The API's services, tip by tip: the same rules, and each refusal reported."""
        for tip in queryset.order_by("pk"):
            try:
                service(by=cast(User, request.user), tip_id=tip.pk, version=tip.version)
            except (Conflict, DomainError, ValidationError) as error:
                self.message_user(request, f"{tip.number}: {_error_text(error)}", messages.ERROR)
            else:
                self.message_user(request, f"{tip.number}: {gettext('done')}", messages.SUCCESS)

    @admin.action(description=_("Acknowledge the selected tips"))
    def acknowledge(self, request: HttpRequest, queryset: QuerySet[Tip]) -> None:
        self._step(request, queryset, tip_acknowledge)

    @admin.action(description=_("Start investigating the selected tips"))
    def investigate(self, request: HttpRequest, queryset: QuerySet[Tip]) -> None:
        self._step(request, queryset, tip_investigate)

    @admin.display(description=_("enterprise or site"))
    def enterprise_label(self, tip: Tip) -> str:
        return tip.enterprise_label

    @admin.display(description=_("handler"))
    def assignee_name(self, tip: Tip) -> str:
        return person_name(tip.assignee) if tip.assignee else "—"

    @admin.display(description=_("acknowledge by"))
    def acknowledge_by(self, tip: Tip) -> Any:
        return _due(tip.acknowledge_due_on, running=tip.status == TipStatus.NEW)

    @admin.display(description=_("outcome due by"))
    def feedback_by(self, tip: Tip) -> Any:
        return _due(tip.feedback_due_on, running=tip.status in OPEN_TIP_STATUSES)

    # --- the tip's page -----------------------------------------------------------------
    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        user = cast(User, request.user)
        tip = tip_open(by=user, tip_id=self._tip_id(request, object_id), where="admin")
        return self._page(request, tip)

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> Any:
        raise Http404  # every change is on the tip's own timeline

    def _page(
        self,
        request: HttpRequest,
        tip: Tip,
        *,
        bound: TipForm | None = None,
        contact: Contact | None = None,
        status: int = 200,
    ) -> TemplateResponse:
        user = cast(User, request.user)
        steps = offered_steps(user=user, tip=tip, bound=bound)
        context = {
            **self.admin_site.each_context(request),
            "title": f"{tip.number} · {tip.category.localized_name()}",
            "subtitle": None,
            "opts": self.opts,
            "tip": tip,
            "facts": tip_facts(tip, user=user),
            "timeline": tip_timeline(tip),
            "openings": tip_openings(tip),
            "has_contact": bool(tip.contact_name or tip.contact_phone),
            "contact": contact,
            "steps": steps,
            "first_step": next((o.step.key for o in steps if not o.step.danger), None),
            "has_view_permission": True,
        }
        return TemplateResponse(request, "admin/tips/tip/page.html", context, status=status)

    def step_view(self, request: HttpRequest, object_id: int, step: str) -> HttpResponse:
        """Run one step from the page's form. Bad input comes back on the same page (400)
        with nothing changed; a refusal (someone acted first, a closed tip) is the
        service's message over the tip as it is now."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if step not in STEPS:
            raise Http404
        user = cast(User, request.user)
        tip_id = self._tip_id(request, object_id)
        tip = tip_detail(user=user, tip_id=tip_id)
        form = STEPS[step].form(request.POST, tip=tip, user=user, prefix=step)
        page = reverse("admin:tips_tip_change", args=[tip_id])
        if not form.is_valid():
            return self._refused(request, tip_id, form)
        try:
            result = STEPS[step].run(form)
        except (Conflict, DomainError, PermissionDenied) as error:
            self.message_user(request, _error_text(error), messages.ERROR)
            return redirect(page)
        except ValidationError as error:
            _attach(form, error)
            return self._refused(request, tip_id, form)
        if isinstance(result, Contact):
            # Shown on this answer only: never stored, never on a page opened later.
            return self._page(request, tip_detail(user=user, tip_id=tip_id), contact=result)
        self.message_user(request, self._done(step, result), messages.SUCCESS)
        return redirect(page)

    def _refused(self, request: HttpRequest, tip_id: int, form: TipForm) -> TemplateResponse:
        """The tip again with the form's errors: shown again, so recorded again."""
        tip = tip_open(by=cast(User, request.user), tip_id=tip_id, where="admin")
        return self._page(request, tip, bound=form, status=400)

    @staticmethod
    def _done(step: str, result: Any) -> str:
        done = gettext("%(step)s: done.") % {"step": STEPS[step].label}
        hazard = getattr(result, "hazard", None) if step == "substantiate" else None
        if hazard is None:
            return done
        enterprise = Enterprise.objects.get(pk=hazard.enterprise_id)  # its grade after the step
        words = gettext("Hazard %(number)s made; %(enterprise)s is now graded %(grade)s.") % {
            "number": hazard.number,
            "enterprise": enterprise.name,
            "grade": enterprise.get_risk_colour_display(),
        }
        if enterprise.is_blacklisted:
            words += " " + gettext("It is on the blacklist: %(reason)s") % {
                "reason": enterprise.blacklist_reason
            }
        return f"{done} {words}"


@admin.register(TipFigure)
class TipFigureAdmin(HandlersOnlyAdmin):
    list_display = ["month", "district", "outcome", "count", "acknowledged_in_time"]
    list_filter = [("district", admin.RelatedOnlyFieldListFilter), "outcome"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[TipFigure]:
        """The handler's districts, as for the tips themselves (city-wide: all)."""
        district_ids = user_tip_district_ids(request.user)
        queryset = super().get_queryset(request)
        return queryset if district_ids is None else queryset.filter(district_id__in=district_ids)
