"""The staff workbench for dispatch: open one in one form, follow it on its status board.

Every write goes through ``dispatch.services`` as the API's do; every list and page is
scoped by ``dispatch.selectors`` to the communities the reader serves.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from config.api.errors import Conflict
from dispatch.models import MAX_PEOPLE, Dispatch, DispatchStatus, Outcome, Urgency
from dispatch.selectors import dispatch_get, dispatch_list, dispatch_offers
from dispatch.services import dispatch_close, dispatch_open
from inspections.selectors import hazard_get
from volunteers.models import Skill


class DispatchOpenForm(forms.Form):
    hazard = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # Made when the form is shown: a double click or a resent POST opens one dispatch.
    client_uuid = forms.UUIDField(required=False, widget=forms.HiddenInput)
    lat = forms.FloatField(label=_("latitude"), min_value=-90, max_value=90, required=False)
    lng = forms.FloatField(label=_("longitude"), min_value=-180, max_value=180, required=False)
    address = forms.CharField(label=_("exact place"), max_length=200, required=False)
    description = forms.CharField(
        label=_("what happened"), max_length=500, required=False, widget=forms.Textarea({"rows": 3})
    )
    skill = forms.ModelChoiceField(
        label=_("skill needed"),
        queryset=Skill.objects.order_by("code"),
        required=False,
        empty_label=_("any volunteer"),
    )
    people_needed = forms.IntegerField(
        label=_("people needed"), min_value=1, max_value=MAX_PEOPLE, initial=1
    )
    urgency = forms.ChoiceField(label=_("urgency"), choices=Urgency.choices, initial=Urgency.URGENT)
    is_drill = forms.BooleanField(
        label=_("drill (practice, kept out of the figures)"), required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_place = data.get("lat") is not None and data.get("lng") is not None
        if not has_place and not data.get("hazard"):
            raise forms.ValidationError(_("Give the place: latitude and longitude."))
        return data


class DispatchCloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("outcome"), choices=Outcome.choices)
    note = forms.CharField(label=_("note"), max_length=500, required=False)


def _when(value: Any) -> str:
    return date_format(timezone.localtime(value), "H:i:s") if value else "—"


def _after(start: Any, end: Any) -> str:
    if not (start and end):
        return "—"
    seconds = round((end - start).total_seconds())
    return gettext("%(n)d s") % {"n": seconds} if seconds < 120 else f"{seconds / 60:.1f} min"


@admin.register(Dispatch)
class DispatchAdmin(admin.ModelAdmin):
    list_display = [
        "number", "area", "status", "urgency", "skill", "places", "is_drill", "opened",
        "first_acceptance",
    ]  # fmt: skip
    list_filter = ["status", "urgency", "is_drill", ("community", admin.RelatedOnlyFieldListFilter)]
    list_per_page = 50
    search_fields = ["area", "address", "description"]
    ordering = ["-opened_at", "-id"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Dispatch]:
        return dispatch_list(user=request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the status board's close form is the one change, through a service

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("number"), ordering="pk")
    def number(self, dispatch: Dispatch) -> str:
        return f"D-{dispatch.pk}"

    @admin.display(description=_("places"))
    def places(self, dispatch: Dispatch) -> str:
        return f"{dispatch.accepted_count}/{dispatch.people_needed}"  # type: ignore[attr-defined]

    @admin.display(description=_("opened at"), ordering="opened_at")
    def opened(self, dispatch: Dispatch) -> str:
        return _when(dispatch.opened_at)

    @admin.display(description=_("first acceptance after"))
    def first_acceptance(self, dispatch: Dispatch) -> str:
        return _after(dispatch.opened_at, dispatch.first_accepted_at)

    # --- pages --------------------------------------------------------------------------
    def get_urls(self) -> list[Any]:
        close = path(
            "<int:object_id>/close/",
            self.admin_site.admin_view(self.close_view),
            name="dispatch_dispatch_close",
        )
        return [close, *super().get_urls()]

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            form = DispatchOpenForm(request.POST)
            if form.is_valid():
                opened = self._open(request, form)
                if opened is not None:
                    return redirect("admin:dispatch_dispatch_change", opened.pk)
        else:
            form = DispatchOpenForm(initial={**self._initial(request), "client_uuid": uuid.uuid4()})
        return self._render(request, "open.html", title=gettext("Open a dispatch"), form=form)

    def _initial(self, request: HttpRequest) -> dict[str, Any]:
        hazard_id = request.GET.get("hazard", "")
        if not hazard_id.isdigit():
            return {}
        hazard = hazard_get(user=request.user, hazard_id=int(hazard_id))
        return {
            "hazard": hazard.pk,
            "lat": hazard.lat,
            "lng": hazard.lng,
            "address": hazard.address,
            "description": f"{hazard.number} {hazard.category.localized_name()}",
        }

    def _open(self, request: HttpRequest, form: DispatchOpenForm) -> Dispatch | None:
        data = dict(form.cleaned_data)
        hazard_id = data.pop("hazard")
        try:
            hazard = hazard_get(user=request.user, hazard_id=hazard_id) if hazard_id else None
            return dispatch_open(user=request.user, hazard=hazard, **data)
        except (ValidationError, PermissionDenied, Http404, Conflict) as error:
            if isinstance(error, Conflict):
                error = ValidationError(
                    gettext("This form was already used to open a dispatch: open a new form.")
                )
            for message in getattr(error, "messages", None) or [str(error)]:
                form.add_error(None, message)
            return None

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        return self._board(request, self._dispatch_id(object_id), DispatchCloseForm())

    def _dispatch_id(self, object_id: Any) -> int:
        try:
            return int(object_id)
        except (TypeError, ValueError):
            raise Http404 from None

    def _board(self, request: HttpRequest, dispatch_id: int, form: DispatchCloseForm) -> Any:
        if not self.has_view_permission(request):
            raise PermissionDenied
        dispatch = dispatch_get(user=request.user, dispatch_id=dispatch_id)
        offers = [
            {
                "offer": offer,
                "times": [
                    _when(t)
                    for t in (
                        offer.offered_at,
                        offer.seen_at,
                        offer.accepted_at or offer.declined_at,
                        offer.en_route_at,
                        offer.arrived_at,
                        offer.on_task_at,
                        offer.done_at,
                    )
                ],  # fmt: skip
            }
            for offer in dispatch_offers(dispatch=dispatch)
        ]
        return self._render(
            request,
            "board.html",
            title=f"D-{dispatch.pk} · {dispatch.area}",
            dispatch=dispatch,
            offers=offers,
            form=form,
            live=dispatch.status != DispatchStatus.CLOSED,
            radius=dispatch.rings_m[dispatch.ring] if dispatch.rings_m else None,
            first_acceptance=_after(dispatch.opened_at, dispatch.first_accepted_at),
            first_arrival=_after(dispatch.opened_at, dispatch.first_arrived_at),
            map_url=f"https://uri.amap.com/marker?position={dispatch.lng},{dispatch.lat}",
        )

    def close_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        dispatch_id = self._dispatch_id(object_id)
        dispatch_get(user=request.user, dispatch_id=dispatch_id)
        form = DispatchCloseForm(request.POST)
        if not form.is_valid():
            return self._board(request, dispatch_id, form)
        try:
            dispatch_close(
                user=request.user,
                dispatch_id=dispatch_id,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
        except Conflict as error:
            self.message_user(request, str(error.detail), messages.ERROR)
        else:
            self.message_user(request, gettext("The dispatch is closed."), messages.SUCCESS)
        return redirect(reverse("admin:dispatch_dispatch_change", args=[dispatch_id]))

    def _render(self, request: HttpRequest, template: str, **context: Any) -> TemplateResponse:
        return TemplateResponse(
            request,
            f"admin/dispatch/dispatch/{template}",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "has_view_permission": True,
                **context,
            },
        )
