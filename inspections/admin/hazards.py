"""The hazard workbench: a list with saved views, a page per hazard, lifecycle buttons.

Everything here is scoped by ``hazard_visible`` (staff: their communities). No field is
edited on a form: every change is a step through the services (``steps``).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from config.api.errors import Conflict
from config.exports import ReadableExportMixin
from config.workbench import page_links
from grids.display import local_short, person_name
from grids.models import GridAssignment
from inspections import services
from inspections.admin.common import thumbnail_tag
from inspections.admin.exports import HazardResource
from inspections.admin.page import (
    attribute_rows,
    deadline_words,
    hazard_facts,
    is_overdue,
    photos_by_stage,
    risk_badge,
    status_badge,
    timeline_lines,
)
from inspections.admin.steps import STEPS, StepForm, open_steps
from inspections.models import OPEN_STATUSES, Hazard, HazardStatus
from inspections.selectors import hazard_detail, hazard_visible
from inspections.services.transitions import STEPS as SERVICE_STEPS

SAVED_VIEWS = {
    "new_today": _("New today"),
    "overdue": _("Overdue"),
    "awaiting_verification": _("Awaiting verification"),
    "escalated": _("Escalated"),
}


def saved_view_filter(name: str, queryset: QuerySet[Hazard]) -> QuerySet[Hazard]:
    """The rows of one saved view (also what the dashboard's links open)."""
    now = timezone.now()
    if name == "new_today":
        midnight = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
        return queryset.filter(created_at__gte=midnight)
    if name == "overdue":
        return queryset.filter(status__in=OPEN_STATUSES, due_at__lt=now)
    if name == "awaiting_verification":
        return queryset.filter(status=HazardStatus.AWAITING_VERIFICATION)
    if name == "escalated":
        return queryset.filter(status__in=OPEN_STATUSES, escalation_level__gt=0)
    return queryset


class SavedViewFilter(admin.SimpleListFilter):
    title = _("saved view")
    parameter_name = "view"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return list(SAVED_VIEWS.items())

    def queryset(self, request: HttpRequest, queryset: QuerySet[Hazard]) -> QuerySet[Hazard]:
        return saved_view_filter(self.value() or "", queryset)


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Overdue")), ("no", _("On time or finished"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Hazard]) -> QuerySet[Hazard]:
        overdue = {"status__in": OPEN_STATUSES, "due_at__lt": timezone.now()}
        if self.value() == "yes":
            return queryset.filter(**overdue)
        if self.value() == "no":
            return queryset.exclude(**overdue)
        return queryset


class CreatedRangeFilter(admin.ListFilter):
    """``created_from``/``created_to`` (local dates, inclusive): the dashboard's links."""

    title = _("reported between")
    parameters = ("created_from", "created_to")

    def __init__(self, request: HttpRequest, params: Any, model: Any, model_admin: Any) -> None:
        super().__init__(request, params, model, model_admin)
        for name in self.parameters:
            if name in params:
                value = params.pop(name)
                self.used_parameters[name] = value[-1] if isinstance(value, list) else value

    def expected_parameters(self) -> list[str | None]:
        return list(self.parameters)

    def has_output(self) -> bool:
        return True  # the changelist applies only filters that have output

    def choices(self, changelist: Any) -> Any:
        start, end = (self.used_parameters.get(name) for name in self.parameters)
        shown = [
            {
                "selected": not (start or end),
                "query_string": changelist.get_query_string(remove=list(self.parameters)),
                "display": gettext("Any time"),
            }
        ]
        if start or end:
            shown.append(
                {
                    "selected": True,
                    "query_string": changelist.get_query_string(),
                    "display": f"{start or '…'} – {end or '…'}",
                }
            )
        return shown

    def queryset(self, request: HttpRequest, queryset: QuerySet[Hazard]) -> QuerySet[Hazard]:
        start, end = (self.used_parameters.get(name) for name in self.parameters)
        try:
            if start:
                queryset = queryset.filter(created_at__gte=_local_midnight(start, 0))
            if end:
                queryset = queryset.filter(created_at__lt=_local_midnight(end, 1))
        except ValueError:
            return queryset.none()
        return queryset


def _local_midnight(value: Any, days_after: int) -> datetime:
    day = datetime.strptime(str(value), "%Y-%m-%d").date()
    moment = datetime.combine(day, time.min) + timedelta(days=days_after)
    return timezone.make_aware(moment)


@admin.register(Hazard)
class HazardAdmin(ReadableExportMixin, admin.ModelAdmin):
    resource_classes = [HazardResource]
    change_list_template = "admin/inspections/hazard/change_list.html"
    list_display = [
        "number", "category_name", "status_words", "risk", "grid_name", "assignee_name",
        "deadline", "reported",
    ]  # fmt: skip
    list_display_links = ["number"]
    list_filter = [
        SavedViewFilter, "status", OverdueFilter, "risk_colour", "is_major", "source",
        ("community__district", admin.RelatedOnlyFieldListFilter),
        ("community", admin.RelatedOnlyFieldListFilter), ("grid", admin.RelatedOnlyFieldListFilter),
        "category", CreatedRangeFilter,
    ]  # fmt: skip
    list_select_related = ["category", "grid", "assignee"]
    list_per_page = 50
    search_fields = ["number", "description", "address"]
    search_help_text = _("Number, description or address")
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-id"]
    actions = ["assign_to_grid_workers"]

    # --- scope and permissions ----------------------------------------------------------
    def get_queryset(self, request: HttpRequest) -> QuerySet[Hazard]:
        visible = hazard_visible(request.user).values("pk")
        return super().get_queryset(request).filter(pk__in=visible)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # every field belongs to a service; the page's steps change hazards

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    # --- list columns -------------------------------------------------------------------
    @admin.display(description=_("category"), ordering="category__name_zh")
    def category_name(self, hazard: Hazard) -> str:
        return hazard.category.localized_name()

    @admin.display(description=_("status"), ordering="status")
    def status_words(self, hazard: Hazard) -> str:
        return status_badge(hazard)

    @admin.display(description=_("risk"), ordering="risk_colour")
    def risk(self, hazard: Hazard) -> str:
        major = gettext("major") if hazard.is_major else ""
        shown = format_html(' <b class="sg-major">{}</b>', major) if major else ""
        return format_html("{}{}", risk_badge(hazard.risk_colour, short=True), shown)

    @admin.display(description=_("grid"), ordering="grid__name")
    def grid_name(self, hazard: Hazard) -> str:
        return hazard.grid.name if hazard.grid else "—"

    @admin.display(description=_("assignee"), ordering="assignee__display_name")
    def assignee_name(self, hazard: Hazard) -> str:
        return person_name(hazard.assignee) if hazard.assignee else "—"

    @admin.display(description=_("deadline"), ordering="due_at")
    def deadline(self, hazard: Hazard) -> str:
        text = local_short(hazard.due_at)
        level = hazard.escalation_level
        escalated = format_html(' <b class="sg-escalated">↑{}</b>', level) if level else ""
        if is_overdue(hazard):
            return format_html('<span class="sg-overdue">{}</span>{}', text, escalated)
        return format_html("{}{}", text, escalated)

    @admin.display(description=_("reported at"), ordering="created_at")
    def reported(self, hazard: Hazard) -> str:
        return local_short(hazard.created_at)

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        current = request.GET.get("view", "")
        views = [(key, label, key == current) for key, label in SAVED_VIEWS.items()]
        return super().changelist_view(request, {**(extra_context or {}), "saved_views": views})

    # --- bulk action --------------------------------------------------------------------
    @admin.action(description=_("Assign the selected hazards to their grids' workers"))
    def assign_to_grid_workers(self, request: HttpRequest, queryset: QuerySet[Hazard]) -> None:
        workers = dict(
            GridAssignment.objects.filter(
                ended_at__isnull=True, grid_id__in=queryset.values("grid_id")
            ).values_list("grid_id", "worker_id")
        )
        assignable, _rule = SERVICE_STEPS["assign"]
        done, skipped = 0, []
        for hazard in queryset.order_by("created_at", "pk"):
            worker_id = workers.get(hazard.grid_id) if hazard.grid_id else None
            reason = self._cannot_assign(hazard, worker_id, assignable)
            if reason is None:
                try:
                    services.hazard_assign(
                        user=request.user,
                        hazard_id=hazard.pk,
                        version=hazard.version,
                        assignee_id=worker_id,  # type: ignore[arg-type]
                    )
                    done += 1
                    continue
                except (Conflict, ValidationError, PermissionDenied) as error:
                    reason = _error_text(error)
            skipped.append(f"{hazard.number}: {reason}")
        if done:
            message = gettext("%(count)d hazards assigned to their grids' workers.")
            self.message_user(request, message % {"count": done}, messages.SUCCESS)
        for line in skipped:
            self.message_user(request, line, messages.WARNING)

    @staticmethod
    def _cannot_assign(hazard: Hazard, worker_id: int | None, assignable: tuple) -> str | None:
        if hazard.status not in assignable:
            return gettext("a hazard that is “%(status)s” cannot be assigned") % {
                "status": hazard.get_status_display()
            }
        if worker_id is None:
            return gettext("its grid has no worker")
        if hazard.assignee_id == worker_id:
            return gettext("already assigned to the grid's worker")
        return None

    # --- the hazard page ----------------------------------------------------------------
    def get_urls(self) -> list[Any]:
        step = path(
            "<id:object_id>/step/<str:step>/",
            self.admin_site.admin_view(self.step_view),
            name="inspections_hazard_step",
        )
        return [step, *super().get_urls()]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        return self._page(request, self._hazard_id(request, object_id))

    def _hazard_id(self, request: HttpRequest, object_id: Any) -> int:
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            hazard_id = int(object_id)
        except (TypeError, ValueError):
            raise Http404 from None
        if not self.get_queryset(request).filter(pk=hazard_id).exists():
            raise Http404(gettext("No such hazard, or it is not in a community you serve."))
        return hazard_id

    def _page(
        self, request: HttpRequest, hazard_id: int, bound: StepForm | None = None
    ) -> TemplateResponse:
        hazard = hazard_detail(user=request.user, hazard_id=hazard_id)
        steps = open_steps(user=request.user, hazard=hazard, bound=bound)
        media = self.media
        for offered in steps:
            if offered.form is not None:
                media += offered.form.media
        context = {
            **self.admin_site.each_context(request),
            "title": f"{hazard.number} · {hazard.category.localized_name()}",
            "subtitle": None,
            "opts": self.opts,
            "hazard": hazard,
            "facts": hazard_facts(hazard),
            "deadline": deadline_words(hazard),
            "attributes": attribute_rows(hazard),
            "photo_groups": photos_by_stage(hazard.photos.all()),
            "timeline": timeline_lines(hazard),
            "steps": steps,
            "first_step": next((o.step.key for o in steps if not o.step.danger), None),
            "media": media,
            "cover": thumbnail_tag(hazard.cover_photo_id, height=160),
            "has_view_permission": True,
            "links": page_links("inspections.hazard", request.user, hazard),
        }
        return TemplateResponse(request, "admin/inspections/hazard/page.html", context)

    def step_view(self, request: HttpRequest, object_id: int, step: str) -> HttpResponse:
        """Run one step from the page's form; errors come back on the same page."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        hazard_id = self._hazard_id(request, object_id)
        if step not in STEPS:
            raise Http404
        hazard = hazard_detail(user=request.user, hazard_id=hazard_id)
        form = STEPS[step].form(
            request.POST, request.FILES, hazard=hazard, user=request.user, prefix=step
        )
        page = reverse("admin:inspections_hazard_change", args=[hazard_id])
        if not form.is_valid():
            return self._page(request, hazard_id, bound=form)
        try:
            STEPS[step].run(form)
        except Conflict as error:
            # Someone else acted first: show the hazard as it is now, with the API's words.
            self.message_user(request, _error_text(error), messages.ERROR)
            return redirect(page)
        except PermissionDenied as error:
            self.message_user(request, _error_text(error), messages.ERROR)
            return redirect(page)
        except ValidationError as error:
            _attach(form, error)
            return self._page(request, hazard_id, bound=form)
        done = gettext("%(step)s: done.") % {"step": STEPS[step].label}
        self.message_user(request, done, messages.SUCCESS)
        return redirect(page)


# The services' field names where the admin's forms call them something else.
FIELD_ALIASES = {"duplicate_of": "original", "assignee_id": "assignee"}


def _error_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    if isinstance(error, Conflict):
        return str(error.detail)
    return str(error) or gettext("You may not do this.")


def _attach(form: StepForm, error: Exception) -> None:
    """Put a service's refusal on the form, next to the field it names when it names one."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for name, problems in error.message_dict.items():
            name = FIELD_ALIASES.get(name, name)
            field = name if name in form.fields else None
            for problem in problems:
                form.add_error(field, problem)
        return
    form.add_error(None, _error_text(error))
