"""The dashboard's places (who reads which communities) and the grid coverage panel."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.dashboard import Block, DashboardFilters, Figure, Panel, Places, Trend, admin_link
from grids.models import Building, Community, District, Grid, GridAssignment
from grids.selectors import user_is_administrator, user_managed_district_ids, user_staff_communities
from grids.selectors.coverage import RESIDENTS_PER_WORKER_STANDARD

# Past this many, the community list waits until a district is chosen.
COMMUNITY_CHOICES_MAX = 300


def dashboard_places(
    user: Any, district_id: int | None = None, community_id: int | None = None
) -> Places:
    """Staff read their communities, district managers their districts, administrators all.

    A district or community outside that scope narrows it to nothing: the figures are
    then zero, never someone else's.
    """
    if user_is_administrator(user):
        scope = Community.objects.all()
    else:
        scope = Community.objects.filter(
            Q(pk__in=user_staff_communities(user).values("pk"))
            | Q(district_id__in=user_managed_district_ids(user))
        )
    districts = list(
        District.objects.filter(pk__in=scope.values("district_id"))
        .order_by("code")
        .values_list("pk", "name")
    )
    chosen = scope.filter(district_id=district_id) if district_id else scope
    if community_id:
        chosen = chosen.filter(pk=community_id)
    whole_city = user_is_administrator(user) and not district_id and not community_id
    listed = scope.filter(district_id=district_id) if district_id else scope
    communities = list(
        listed.order_by("code").values_list("pk", "name", "district_id")[
            : COMMUNITY_CHOICES_MAX + 1
        ]
    )
    if len(communities) > COMMUNITY_CHOICES_MAX:
        communities = []
    if whole_city or community_id:
        whole: list[int] = []
    elif user_is_administrator(user):
        whole = [district_id] if district_id else []
    else:
        managed = set(user_managed_district_ids(user))
        whole = sorted(managed & {district_id} if district_id else managed)
    return Places(
        districts=districts,
        communities=communities,
        community_ids=None if whole_city else list(chosen.values_list("pk", flat=True)),
        whole_district_ids=whole,
        other_community_ids=[]
        if whole_city
        else list(chosen.exclude(district_id__in=whole).values_list("pk", flat=True)),
        district_id=district_id if any(pk == district_id for pk, _name in districts) else None,
        community_id=community_id if chosen.exists() and community_id else None,
    )


def residents_in_places(filters: DashboardFilters) -> int:
    """The residents of the reader's places (once a page: coverage and volunteers use it)."""
    return filters.memo(
        "residents",
        lambda: Building.objects.filter(filters.community_q()).aggregate(
            total=Sum("residents", default=0)
        )["total"],
    )


def coverage_blocks(filters: DashboardFilters) -> list[Block]:
    """Residents per worker against 500 and grids without a worker, now and by week."""
    grids = Grid.objects.filter(filters.community_q(), is_active=True)
    covered = GridAssignment.objects.filter(grid=OuterRef("pk"), ended_at__isnull=True)
    now = grids.aggregate(grids=Count("pk"), covered=Count("pk", filter=Q(Exists(covered))))
    residents = residents_in_places(filters)
    on_duty = _workers_by_week(filters)
    per_worker = round(residents / now["covered"]) if now["covered"] else None
    uncovered = now["grids"] - now["covered"]
    link = {k: v for k, v in filters.link_params().items() if k.startswith("community")}
    return [
        Figure(
            label=_("Residents per grid worker"),
            value="—" if per_worker is None else f"{per_worker:,}",
            target=_("≤ %(standard)d (study standard)")
            % {"standard": RESIDENTS_PER_WORKER_STANDARD},
            meets=None if per_worker is None else per_worker <= RESIDENTS_PER_WORKER_STANDARD,
            trend=Trend(
                filters.weeks,
                [round(residents / n) if n else None for n in on_duty],
                target=RESIDENTS_PER_WORKER_STANDARD,
            ),
            link=admin_link("admin:grids_grid_changelist", link),
            link_text=gettext_lazy("See the grids"),
            note=_("%(residents)s residents, %(workers)s workers on duty")
            % {"residents": f"{residents:,}", "workers": f"{now['covered']:,}"},
        ),
        Figure(
            label=_("Grids without a worker"),
            value=f"{uncovered:,}",
            target=_("0"),
            meets=uncovered == 0,
            trend=Trend(filters.weeks, [max(now["grids"] - n, 0) for n in on_duty], target=0),
            link=admin_link("admin:grids_grid_changelist", {**link, "covered": "no"}),
            link_text=gettext_lazy("See the grids"),
            note=_("of %(grids)s grids") % {"grids": f"{now['grids']:,}"},
        ),
    ]


def _workers_by_week(filters: DashboardFilters) -> list[int]:
    """Workers on duty at the end of each week, from the assignment history (one query)."""
    ends = filters.week_ends()
    counts = GridAssignment.objects.filter(
        filters.community_q("grid__community_id"), grid__is_active=True
    ).aggregate(
        **{
            f"w{index}": Count(
                "pk",
                filter=Q(started_at__lte=end) & (Q(ended_at__isnull=True) | Q(ended_at__gt=end)),
            )
            for index, end in enumerate(ends)
        }
    )
    return [counts[f"w{index}"] for index in range(len(ends))]


COVERAGE_PANEL = Panel(
    key="grids.coverage", title=gettext_lazy("Grid coverage"), blocks=coverage_blocks, order=10
)
