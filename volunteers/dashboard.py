"""The volunteer program's figures: force, joint teams, certificates, hours, drills, approvals.

Every figure is an aggregate query over the reader's places; none loads rows into Python.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.dashboard import (
    Block,
    DashboardFilters,
    Figure,
    Panel,
    Table,
    Trend,
    admin_link,
    percent,
    ratio,
)
from grids.dashboard import residents_in_places
from grids.models import Building, Community
from volunteers.models import (
    ActivityKind,
    Certificate,
    HoursStatus,
    ProfileStatus,
    Signup,
    SignupStatus,
    Team,
    VolunteerProfile,
)
from volunteers.selectors import APPROVAL_OVERDUE, certificate_valid_q

JOINT_TEAM_TARGET = 0.80
DRILL_TARGET = 0.75
# Sahana Eden's rule: active means 8 hours a month on average over the last year.
ACTIVE_MINUTES_A_YEAR = 8 * 60 * 12
COMMUNITY_ROWS = 30


def _volunteers(filters: DashboardFilters) -> QuerySet[VolunteerProfile]:
    return VolunteerProfile.objects.filter(filters.community_q(), status=ProfileStatus.ACTIVE)


def _residents(filters: DashboardFilters) -> int:
    return residents_in_places(filters)


def _attended(filters: DashboardFilters) -> QuerySet[Signup]:
    return Signup.objects.filter(
        filters.community_q("activity__community_id"),
        checked_in_at__isnull=False,
        **filters.created_range("activity__starts_at"),
    )


def force_blocks(filters: DashboardFilters) -> list[Block]:
    residents = _residents(filters)
    volunteers = _volunteers(filters)
    counts = volunteers.aggregate(
        total=Count("pk"),
        certified=Count(
            "pk",
            filter=Q(
                Exists(Certificate.objects.filter(certificate_valid_q(), profile=OuterRef("pk")))
            ),
        ),
    )
    communities = Community.objects.filter(filters.community_q("pk"))
    joint = Team.objects.filter(enterprise__isnull=False, members__isnull=False)
    teams = communities.aggregate(
        total=Count("pk"),
        joint=Count("pk", filter=Q(Exists(joint.filter(community_id=OuterRef("pk"))))),
    )
    joint_share = ratio(teams["joint"], teams["total"])
    per_thousand = counts["total"] * 1000 / residents if residents else None
    return [
        Figure(
            label=_("Volunteers per 1,000 residents"),
            value="—" if per_thousand is None else f"{per_thousand:.1f}",
            target=_("no target: the force the study asks for"),
            link=admin_link("admin:volunteers_volunteerprofile_changelist"),
            note=_("%(volunteers)s active volunteers, %(residents)s residents")
            % {"volunteers": f"{counts['total']:,}", "residents": f"{residents:,}"},
        ),
        Figure(
            label=_("Communities with a joint team"),
            value=percent(joint_share),
            target="≥ 80%",
            meets=None if joint_share is None else joint_share >= JOINT_TEAM_TARGET,
            link=admin_link("admin:volunteers_team_changelist"),
            note=_("enterprise + community + volunteers; %(joint)s of %(total)s communities")
            % {"joint": f"{teams['joint']:,}", "total": f"{teams['total']:,}"},
        ),
        Figure(
            label=_("Volunteers with a valid certificate"),
            value=percent(ratio(counts["certified"], counts["total"])),
            target=_("no target"),
            link=admin_link("admin:volunteers_certificate_changelist"),
            note=_("confirmed by staff and not expired"),
        ),
        _community_table(filters),
    ]


def _community_table(filters: DashboardFilters) -> Table:
    rows = (
        Community.objects.filter(filters.community_q("pk"))
        .annotate(
            active=Count(
                "volunteers",
                filter=Q(volunteers__status=ProfileStatus.ACTIVE),
                distinct=True,
            ),
        )
        .order_by("code")
        .values("pk", "name", "active")[:COMMUNITY_ROWS]
    )
    residents = dict(
        Building.objects.filter(community_id__in=[row["pk"] for row in rows])
        .values("community_id")
        .annotate(total=Sum("residents"))
        .values_list("community_id", "total")
    )
    body = []
    for row in rows:
        people = residents.get(row["pk"]) or 0
        body.append(
            [row["name"], f"{row['active']:,}", f"{people:,}",
             f"{row['active'] * 1000 / people:.1f}" if people else "—"]
        )  # fmt: skip
    return Table(
        title=_("Volunteers per 1,000 residents by community"),
        columns=[_("Community"), _("Volunteers"), _("Residents"), _("Per 1,000")],
        rows=body,
        numeric={1, 2, 3},
        note=_("The first %(count)d communities by code.") % {"count": COMMUNITY_ROWS},
    )


def activity_blocks(filters: DashboardFilters) -> list[Block]:
    approved = Signup.objects.filter(
        filters.community_q("activity__community_id"),
        hours_status=HoursStatus.APPROVED,
        **filters.created_range("checked_in_at"),
    )
    weekly = dict(
        approved.annotate(week=TruncWeek("checked_in_at"))
        .values("week")
        .annotate(total_minutes=Sum("minutes"))
        .values_list("week", "total_minutes")
    )
    by_week = {timezone.localtime(w).date(): m for w, m in weekly.items() if w}
    monthly = (
        approved.annotate(month=TruncMonth("checked_in_at"))
        .values("month")
        .annotate(total_minutes=Sum("minutes"))
        .order_by("month")
    )
    return [
        Figure(
            label=_("Approved volunteer hours"),
            value=f"{sum(by_week.values()) / 60:,.1f}",
            target=_("no target"),
            trend=Trend(filters.weeks, [(by_week.get(w) or 0) / 60 for w in filters.weeks]),
            link=admin_link("admin:volunteers_signup_changelist"),
        ),
        Table(
            title=_("Hours per month"),
            columns=[_("Month"), _("Hours")],
            rows=[
                [
                    timezone.localtime(row["month"]).strftime("%Y-%m"),
                    f"{row['total_minutes'] / 60:,.1f}",
                ]
                for row in monthly
                if row["month"]
            ],
            numeric={1},
        ),
        _active_figure(filters),
        _drill_figure(filters),
        _no_show_figure(filters),
        _approvals_figure(filters),
    ]


def _active_figure(filters: DashboardFilters) -> Figure:
    year_ago = timezone.now() - timedelta(days=365)
    volunteers = _volunteers(filters).annotate(
        minutes=Sum(
            "signups__minutes",
            filter=Q(
                signups__hours_status=HoursStatus.APPROVED, signups__checked_in_at__gte=year_ago
            ),
        )
    )
    active = volunteers.filter(minutes__gte=ACTIVE_MINUTES_A_YEAR).count()
    total = _volunteers(filters).count()
    return Figure(
        label=_("Active volunteers"),
        value=percent(ratio(active, total)),
        target=_("no target"),
        note=_("%(active)s of %(total)s: 8 hours a month on average over the last year")
        % {"active": f"{active:,}", "total": f"{total:,}"},
    )


def _drill_figure(filters: DashboardFilters) -> Figure:
    residents = _residents(filters)
    people = (
        _attended(filters)
        .filter(activity__kind=ActivityKind.DRILL)
        .aggregate(n=Count("profile__user", distinct=True))["n"]
    )
    share = ratio(people, residents)
    return Figure(
        label=_("Residents in drills"),
        value=percent(share),
        target="≥ 75%",
        meets=None if share is None else share >= DRILL_TARGET,
        link=admin_link("admin:volunteers_activity_changelist", {"kind__exact": "drill"}),
        note=_("%(people)s people checked in to a drill in the range") % {"people": f"{people:,}"},
    )


def _no_show_figure(filters: DashboardFilters) -> Figure:
    over = Signup.objects.filter(
        filters.community_q("activity__community_id"),
        status=SignupStatus.CONFIRMED,
        activity__ends_at__lt=timezone.now(),
        **filters.created_range("activity__starts_at"),
    ).aggregate(total=Count("pk"), missing=Count("pk", filter=Q(no_show=True)))
    return Figure(
        label=_("No-show rate"),
        value=percent(ratio(over["missing"], over["total"])),
        target=_("no target: lower is better"),
        link=admin_link("admin:volunteers_signup_changelist", {"no_show__exact": "1"}),
    )


def _approvals_figure(filters: DashboardFilters) -> Figure:
    waiting = Signup.objects.filter(
        filters.community_q("activity__community_id"), hours_status=HoursStatus.PENDING
    ).aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=Q(checked_out_at__lt=timezone.now() - APPROVAL_OVERDUE)),
    )
    return Figure(
        label=_("Hours waiting for approval"),
        value=f"{waiting['total']:,}",
        target=_("none waiting more than 7 days"),
        meets=waiting["overdue"] == 0,
        link=admin_link("admin:volunteers_signup_changelist", {"hours_status__exact": "pending"}),
        note=_("%(overdue)s waiting more than 7 days") % {"overdue": f"{waiting['overdue']:,}"},
    )


def volunteer_blocks(filters: DashboardFilters) -> list[Block]:
    return force_blocks(filters) + activity_blocks(filters)


VOLUNTEERS_PANEL = Panel(
    key="volunteers", title=gettext_lazy("Volunteers"), blocks=volunteer_blocks, order=40
)
