"""Reads about hazards, scoped to what the user may see."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Max, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from grids.models import Enterprise, Role
from grids.selectors import (
    user_active_grid,
    user_is_administrator,
    user_managed_district_ids,
    user_roles,
    user_staff_communities,
)
from inspections.filters import HazardFilter, near_point
from inspections.models import (
    OPEN_STATUSES,
    Category,
    ChecklistItem,
    ChecklistTemplate,
    Hazard,
    HazardEvent,
    Inspection,
    Photo,
)

DUPLICATE_RADIUS_M = 100.0
LIST_COLUMNS = (
    "id", "number", "status", "lat", "lng", "address", "risk_colour", "is_major", "source",
    "reporter_id", "due_at", "escalation_level", "me_too_count", "version", "created_at",
    "cover_photo_id", "category__code", "category__name_zh", "category__name_en",
    "grid__code", "grid__name", "community__code", "community__name",
    "community__district__code", "community__district__name", "assignee__display_name",
)  # fmt: skip
LIST_VALUES = (
    *LIST_COLUMNS, "category_id", "grid_id", "community_id", "community__district_id",
    "assignee_id",
)  # fmt: skip


def user_staffs_community(user: Any, community_id: int) -> bool:
    """Community staff of this community, or an administrator."""
    if user_is_administrator(user):
        return True
    return user_staff_communities(user).filter(pk=community_id).exists()


def hazard_scope(user: Any) -> Q | None:
    """Residents their own reports, assignees their work, workers their grid, staff their
    communities; None means every hazard (administrators)."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    if user_is_administrator(user):
        return None
    scope = Q(reporter=user) | Q(assignee=user)
    roles = user_roles(user)  # cached on the user: asking costs no query
    grid = user_active_grid(user) if Role.GRID_WORKER in roles else None
    if grid is not None:
        scope |= Q(grid=grid)
    if Role.COMMUNITY_STAFF in roles:
        community_ids = list(user_staff_communities(user).values_list("pk", flat=True))
        scope |= Q(community_id__in=community_ids)
    if Role.DISTRICT_MANAGER in roles:
        scope |= Q(community__district_id__in=user_managed_district_ids(user))
    return scope


def hazard_visible(user: Any) -> QuerySet[Hazard]:
    scope = hazard_scope(user)
    queryset = Hazard.objects.all()
    return queryset if scope is None else queryset.filter(scope)


def hazard_list(*, user: Any, filters: Any = None) -> QuerySet[Hazard]:
    """The hazards ``user`` may see, filtered; related rows come with them (no per-row query)."""
    # Only the columns a list row shows; the cover photo needs just its id (thumbnail URL).
    return (
        _filtered(user, filters)
        .select_related("category", "grid", "community__district", "assignee")
        .only(*LIST_COLUMNS)
    )


def hazard_list_rows(*, user: Any, filters: Any = None) -> QuerySet[Any]:
    """``hazard_list`` as plain rows (dicts of ``LIST_VALUES``), for the paginated API list:
    the same query, without building six model instances per row."""
    return _filtered(user, filters).values(*LIST_VALUES)


def _filtered(user: Any, filters: Any) -> QuerySet[Hazard]:
    filterset = HazardFilter(filters or {}, queryset=hazard_visible(user))
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return filterset.qs


def hazard_get(*, user: Any, hazard_id: int) -> Hazard:
    """One visible hazard with its related rows, or 404 (never 403: no existence leak)."""
    hazard = (
        hazard_visible(user)
        .select_related("category", "grid", "community__district", "assignee", "reporter")
        .filter(pk=hazard_id)
        .first()
    )
    if hazard is None:
        raise Http404
    return hazard


def hazard_detail(*, user: Any, hazard_id: int) -> Hazard:
    """A hazard with its timeline (and each event's photos) and all its photos."""
    hazard_get(user=user, hazard_id=hazard_id)
    return (
        Hazard.objects.select_related(
            "category", "grid", "community__district", "assignee", "reporter", "cover_photo"
        )
        .prefetch_related(
            Prefetch("events", queryset=HazardEvent.objects.select_related("actor")),
            "photos",
        )
        .get(pk=hazard_id)
    )


def hazard_to_confirm(*, user: Any, hazard_id: int) -> Hazard:
    """A hazard ``user`` may confirm ("me too"), locked for the count; or 404.

    One they can open, or one their own report of the same category was shown as a nearby
    duplicate (within ``DUPLICATE_RADIUS_M``): a resident cannot open a neighbour's report,
    but may confirm it when they stand in front of the same hazard. Any other id is a 404,
    so confirming cannot reveal another community's hazards or inflate their count.
    """
    hazard = (
        Hazard.objects.select_for_update().select_related("category").filter(pk=hazard_id).first()
    )
    if hazard is None or not (
        hazard_visible(user).filter(pk=hazard.pk).exists() or _suggested_to(user, hazard)
    ):
        raise Http404
    return hazard


def _suggested_to(user: Any, hazard: Hazard) -> bool:
    if not user.is_authenticated:
        return False
    own = Hazard.objects.filter(reporter=user, category_id=hazard.category_id).exclude(pk=hazard.pk)
    return near_point(own, hazard.lat, hazard.lng, DUPLICATE_RADIUS_M).exists()


def hazard_duplicate_suggestions(
    *, category: Category, lat: float, lng: float, exclude_id: int | None = None
) -> list[Hazard]:
    """Open hazards of the same category within 100 m, nearest first."""
    queryset = near_point(
        Hazard.objects.filter(category=category, status__in=OPEN_STATUSES),
        lat,
        lng,
        DUPLICATE_RADIUS_M,
    ).select_related("category")
    if exclude_id is not None:
        queryset = queryset.exclude(pk=exclude_id)
    return list(queryset.order_by("distance_squared")[:10])


def photo_get(*, user: Any, photo_id: int) -> Photo:
    """A photo of a hazard, or of an inspection, that the user may see; or 404."""
    visible = Q(hazard__in=hazard_visible(user)) | Q(
        inspection__in=inspection_list(user=user).values("pk")
    )
    photo = Photo.objects.filter(visible, pk=photo_id).first()
    if photo is None:
        raise Http404
    return photo


def category_list() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True).order_by("code")


def inspection_due_list(*, user: Any) -> list[dict[str, Any]]:
    """Sites in the worker's grid whose next inspection is due (never inspected first)."""
    grid = user_active_grid(user)
    if grid is None:
        return []
    now = timezone.now()
    sites = Enterprise.objects.filter(grid=grid).annotate(
        last_inspected_at=Max("inspections__started_at")
    )
    due = []
    for site in sites.order_by("pk"):
        next_due = (
            site.last_inspected_at + timedelta(days=site.inspection_interval_days)
            if site.last_inspected_at
            else None
        )
        if next_due is None or next_due <= now:
            due.append(
                {
                    "enterprise": site,
                    "last_inspected_at": site.last_inspected_at,
                    "due_at": next_due,
                }
            )
    due.sort(key=lambda row: (row["due_at"] is not None, row["due_at"] or now))
    return due


def inspection_list(*, user: Any) -> QuerySet[Inspection]:
    """Workers their own inspections; staff those in their communities; admins all."""
    queryset = Inspection.objects.select_related("building", "enterprise", "template", "grid")
    if user_is_administrator(user):
        return queryset
    communities = user_staff_communities(user).values_list("pk", flat=True)
    return queryset.filter(Q(worker=user) | Q(grid__community_id__in=list(communities)))


def checklist_template_list() -> QuerySet[ChecklistTemplate]:
    return ChecklistTemplate.objects.filter(is_active=True).prefetch_related(
        Prefetch("items", queryset=ChecklistItem.objects.select_related("category"))
    )
