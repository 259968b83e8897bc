"""The operations dashboard at /admin/dashboard/, and the seam programs add figures through.

This module imports no app. Each app registers, in its ``AppConfig.ready``:

- panels (``register_panel``): a title and a function that takes the reader's
  ``DashboardFilters`` and returns ``Figure`` and ``Table`` blocks. A figure carries its
  value, its target, a weekly trend and the link to the admin list behind it;
- once, the place provider (``register_places``, the grids app): which districts and
  communities a reader may filter by, and which communities the figures cover.

A later program (tips, volunteers, dispatch) adds a figure like this::

    def drill_blocks(filters: DashboardFilters) -> list[Block]:
        rows = Attendance.objects.filter(filters.community_q("drill__community_id"),
                                         **filters.created_range("drill__held_at"))
        ...
        return [Figure(label=_("Residents in drills"), value=percent(share),
                       target=percent(0.75), meets=share >= 0.75,
                       trend=Trend(filters.weeks, weekly_shares, target=0.75, percent=True),
                       link=admin_link("admin:volunteers_attendance_changelist", filters))]

    register_panel(Panel(key="volunteers.drills", title=_("Drills"), blocks=drill_blocks))

Figures must come from aggregate queries (``filters.weeks`` and ``week_start`` help group
by week), never from rows loaded into Python: the city has millions of rows. A weekly
trend and its range's figure come from one pass with ``config.db.grouped_with_total``
(``week_of`` turns its weeks into Mondays).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from config.charts import trend_svg

DEFAULT_WEEKS = 12
MAX_DAYS = 366 * 2


# --- What a panel is given -----------------------------------------------------------------
@dataclass(frozen=True)
class Places:
    """The reader's places: what they may filter by, and the communities the figures cover.

    ``community_ids`` None means the whole city (an administrator without a filter).
    ``whole_district_ids`` are the districts of which the reader reads every community, and
    ``other_community_ids`` the chosen communities outside them: a summary kept per
    district and per community (inspections.summary) reads a district's row for the one
    and a community's for the other, the same figures as ``community_ids`` from far fewer
    rows.
    """

    districts: list[tuple[int, str]]
    communities: list[tuple[int, str, int]]  # id, name, district id
    community_ids: list[int] | None
    district_id: int | None = None
    community_id: int | None = None
    whole_district_ids: list[int] = field(default_factory=list)
    other_community_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class DashboardFilters:
    """What the reader asked for: places (already scoped to them) and a date range."""

    user: Any
    places: Places
    date_from: date
    date_to: date  # inclusive
    _memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def memo(self, key: str, compute: Callable[[], Any]) -> Any:
        """Compute once per page: two panels reading the same aggregate share it."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    @property
    def community_ids(self) -> list[int] | None:
        return self.places.community_ids

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.date_from, time.min))

    @property
    def end(self) -> datetime:
        """The first instant after the range (exclusive bound)."""
        return timezone.make_aware(datetime.combine(self.date_to + timedelta(days=1), time.min))

    @property
    def weeks(self) -> list[date]:
        """The Mondays of every week the range touches, oldest first."""
        first = week_start(self.date_from)
        count = (week_start(self.date_to) - first).days // 7 + 1
        return [first + timedelta(weeks=n) for n in range(count)]

    def community_q(self, path: str = "community_id") -> Q:
        """A filter on ``path`` (a community id) for the places asked for."""
        ids = self.community_ids
        return Q() if ids is None else Q(**{f"{path}__in": ids})

    def created_range(self, path: str = "created_at") -> dict[str, datetime]:
        return {f"{path}__gte": self.start, f"{path}__lt": self.end}

    def week_ends(self) -> list[datetime]:
        """The end of each week of ``weeks`` (or now, for the current week)."""
        now = timezone.now()
        ends = []
        for monday in self.weeks:
            end = timezone.make_aware(datetime.combine(monday + timedelta(days=7), time.min))
            ends.append(min(end, now, self.end))
        return ends

    def link_params(self) -> dict[str, str]:
        """The filters as the admin lists read them (see each app's list filters)."""
        params = {
            "created_from": self.date_from.isoformat(),
            "created_to": self.date_to.isoformat(),
        }
        if self.places.community_id:
            params["community__id__exact"] = str(self.places.community_id)
        elif self.places.district_id:
            params["community__district__id__exact"] = str(self.places.district_id)
        return params


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_of(truncated: datetime) -> date:
    """A ``TruncWeek`` value as its Monday's date: aware from a queryset, naive local
    time from ``config.db.grouped_with_total``."""
    if timezone.is_aware(truncated):
        return timezone.localtime(truncated).date()
    return truncated.date()


# --- What a panel returns ------------------------------------------------------------------
@dataclass(frozen=True)
class Trend:
    """One value per week of ``filters.weeks`` (None where there is nothing to measure)."""

    weeks: Sequence[date]
    values: Sequence[float | None]
    target: float | None = None
    percent: bool = False

    def svg(self, title: str) -> SafeString:
        scale = 100 if self.percent else 1
        values = [None if v is None else v * scale for v in self.values]
        target = None if self.target is None else self.target * scale
        fmt = "{:.1f}%" if self.percent else "{:g}"
        return trend_svg(self.weeks, values, target=target, title=title, value_format=fmt)


@dataclass(frozen=True)
class Figure:
    label: Any
    value: Any
    target: Any = None  # what the value should be, in words ("≥ 92%"); None: no target
    meets: bool | None = None  # None when there is nothing to judge yet
    trend: Trend | None = None
    link: str | None = None
    link_text: Any = _("See the rows")
    note: Any = None

    @property
    def chart(self) -> SafeString | None:
        return self.trend.svg(str(self.label)) if self.trend else None


@dataclass(frozen=True)
class Table:
    title: Any
    columns: list[Any]
    rows: list[list[Any]]
    note: Any = None
    numeric: set[int] = field(default_factory=set)  # column indexes aligned right


Block = Figure | Table


@dataclass(frozen=True)
class Panel:
    key: str
    title: Any
    blocks: Callable[[DashboardFilters], list[Block]]
    order: int = 100


_panels: dict[str, Panel] = {}
_places: list[Callable[..., Places]] = []


def register_panel(panel: Panel) -> None:
    """Add (or replace, by key) a dashboard panel."""
    _panels[panel.key] = panel


def panels() -> list[Panel]:
    return sorted(_panels.values(), key=lambda panel: (panel.order, panel.key))


def register_places(provider: Callable[..., Places]) -> None:
    """``provider(user, district_id=, community_id=) -> Places``; the grids app's."""
    _places[:] = [provider]


# --- Formatting helpers panels share -------------------------------------------------------
def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def admin_link(url_name: str, params: dict[str, str] | None = None) -> str:
    url = reverse(url_name)
    return f"{url}?{urlencode(params)}" if params else url


# --- The page ------------------------------------------------------------------------------
class FilterForm(forms.Form):
    """Place ids are checked by the place provider, which only ever narrows the scope."""

    district = forms.IntegerField(label=_("District"), required=False)
    community = forms.IntegerField(label=_("Community"), required=False)
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )

    def show_places(self, places: Places) -> None:
        """Offer the districts and communities the reader may choose from."""
        everywhere: list[tuple[Any, Any]] = [("", _("All"))]
        self.fields["district"].widget = forms.Select(choices=everywhere + places.districts)
        communities = [(pk, name) for pk, name, _district in places.communities]
        self.fields["community"].widget = forms.Select(choices=everywhere + communities)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        today = timezone.localdate()
        end = data.get("date_to") or today
        start = data.get("date_from") or week_start(end) - timedelta(weeks=DEFAULT_WEEKS - 1)
        if start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        if (end - start).days > MAX_DAYS:
            raise forms.ValidationError(_("Choose a range of at most two years."))
        data["date_from"], data["date_to"] = start, end
        return data


def dashboard_filters(request: HttpRequest) -> tuple[FilterForm, DashboardFilters]:
    """The reader's filters, scoped to the places they may read; invalid input: defaults."""
    form = FilterForm(request.GET)
    if form.is_valid():
        data = form.cleaned_data
    else:
        defaults = FilterForm({})
        defaults.is_valid()
        data = defaults.cleaned_data
    places = _places[0](
        request.user, district_id=data.get("district"), community_id=data.get("community")
    )
    filters = DashboardFilters(
        user=request.user, places=places, date_from=data["date_from"], date_to=data["date_to"]
    )
    # The form shows what the figures are for, whatever was typed (errors listed above it).
    shown = FilterForm(
        initial={
            "district": places.district_id,
            "community": places.community_id,
            "date_from": filters.date_from,
            "date_to": filters.date_to,
        }
    )
    shown.show_places(places)
    shown.typed_errors = form.errors if form.is_bound else {}  # type: ignore[attr-defined]
    return shown, filters


@staff_member_required
def dashboard_view(request: HttpRequest) -> HttpResponse:
    """Figures for community staff, district managers and administrators."""
    form, filters = dashboard_filters(request)
    context = {
        **admin.site.each_context(request),
        "title": _("Operations dashboard"),
        "form": form,
        "filters": filters,
        "panels": [(panel.title, panel.blocks(filters)) for panel in panels()],
    }
    return TemplateResponse(request, "admin/dashboard.html", context)
