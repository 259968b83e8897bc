"""Staff screens for volunteers, scoped to the communities they run.

Decisions (confirming certificates, recording training, approving hours) are admin
actions that call the same services as the API, so the admin pays points exactly as the
API does and refuses what the API refuses.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from grids.admin import CommunityScopedAdmin
from grids.display import local_short, person_name
from grids.models import Community, Enterprise
from grids.selectors import user_staff_communities
from volunteers import services
from volunteers.models import (
    Activity,
    Availability,
    Certificate,
    Course,
    Enrolment,
    EnrolmentStatus,
    Signup,
    SignupStatus,
    Skill,
    Team,
    TrainingSession,
    VolunteerProfile,
)
from volunteers.selectors import approval_overdue, certificate_counts


def _run_each(
    admin_view: admin.ModelAdmin, request: HttpRequest, rows: QuerySet[Any], act: Callable
) -> None:
    """Apply a service to each chosen row; a refused row is reported, the others go on."""
    done = 0
    for row in rows:
        try:
            act(row)
            done += 1
        except (ValidationError, PermissionDenied) as error:
            text = " ".join(getattr(error, "messages", [str(error)]))
            admin_view.message_user(request, f"{row}: {text}", messages.ERROR)
    if done:
        admin_view.message_user(
            request, gettext("%(count)d done.") % {"count": done}, messages.SUCCESS
        )


class ScopedChoicesMixin:
    """Offer only the staff member's communities (and what is in them) in forms."""

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        mine = user_staff_communities(request.user)
        if db_field.related_model is Community:
            kwargs["queryset"] = mine
        elif db_field.related_model is Enterprise:
            kwargs["queryset"] = Enterprise.objects.filter(community__in=mine)
        elif db_field.related_model is VolunteerProfile:
            kwargs["queryset"] = VolunteerProfile.objects.filter(community__in=mine)
        elif db_field.related_model is Course:
            kwargs["queryset"] = Course.objects.filter(community__in=mine)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.related_model is VolunteerProfile:
            mine = user_staff_communities(request.user)
            kwargs["queryset"] = VolunteerProfile.objects.filter(community__in=mine).select_related(
                "user"
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "parent", "needs_certificate"]
    list_select_related = ["parent"]
    search_fields = ["code", "name_zh", "name_en"]


def photo_tag(certificate: Certificate, *, height: int = 60) -> str:
    if not certificate.photo:
        return "—"
    url = reverse("volunteer-certificate-photo", kwargs={"pk": certificate.pk})
    return format_html(
        '<a href="{}" target="_blank"><img src="{}?size=thumbnail" style="max-height:{}px" '
        'alt="" loading="lazy"></a>',
        url,
        url,
        height,
    )


class CertificateInline(admin.TabularInline):
    model = Certificate
    extra = 0
    can_delete = False
    fields = ("skill", "issuer", "number", "expires_on", "status", "photo_preview")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("photo"))
    def photo_preview(self, certificate: Certificate) -> str:
        return photo_tag(certificate)


class AvailabilityInline(admin.TabularInline):
    model = Availability
    extra = 0


@admin.register(VolunteerProfile)
class VolunteerProfileAdmin(ScopedChoicesMixin, CommunityScopedAdmin):
    list_display = ["name", "community", "status", "on_duty", "skill_list", "created_at"]
    list_filter = ["status", "on_duty", ("community", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["user", "community"]
    search_fields = ["user__display_name", "user__username"]
    fields = ("user", "community", "status", "skills", "base_lat", "base_lng", "on_duty",
              "last_lat", "last_lng", "last_located_at")  # fmt: skip
    readonly_fields = ("user", "on_duty", "last_lat", "last_lng", "last_located_at")
    filter_horizontal = ["skills"]
    inlines = [AvailabilityInline, CertificateInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[VolunteerProfile]:
        return super().get_queryset(request).prefetch_related("skills")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # residents register themselves in the field app

    @admin.display(description=_("volunteer"), ordering="user__display_name")
    def name(self, profile: VolunteerProfile) -> str:
        return person_name(profile.user)

    @admin.display(description=_("skills"))
    def skill_list(self, profile: VolunteerProfile) -> str:
        return "、".join(skill.name_zh for skill in profile.skills.all()) or "—"


@admin.register(Certificate)
class CertificateAdmin(CommunityScopedAdmin):
    community_path = "profile__community"
    list_display = ["holder", "skill", "issuer", "number", "expires_on", "status", "counts",
                    "photo_preview"]  # fmt: skip
    list_filter = ["status", ("skill", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["profile__user", "skill"]
    search_fields = ["number", "issuer", "profile__user__display_name"]
    readonly_fields = ("profile", "skill", "issuer", "number", "expires_on", "status",
                       "confirmed_by", "confirmed_at", "session", "photo_preview")  # fmt: skip
    fields = readonly_fields
    actions = ["confirm", "reject"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # volunteers add their own, with a photo

    @admin.display(description=_("volunteer"))
    def holder(self, certificate: Certificate) -> str:
        return person_name(certificate.profile.user)

    @admin.display(description=_("counts"), boolean=True)
    def counts(self, certificate: Certificate) -> bool:
        return certificate_counts(certificate)

    @admin.display(description=_("photo"))
    def photo_preview(self, certificate: Certificate) -> str:
        return photo_tag(certificate)

    @admin.action(description=_("Confirm the chosen certificates"))
    def confirm(self, request: HttpRequest, queryset: QuerySet[Certificate]) -> None:
        _run_each(self, request, queryset, lambda c: services.certificate_decide(
            user=request.user, certificate_id=c.pk, confirm=True))  # fmt: skip

    @admin.action(description=_("Reject the chosen certificates"))
    def reject(self, request: HttpRequest, queryset: QuerySet[Certificate]) -> None:
        _run_each(self, request, queryset, lambda c: services.certificate_decide(
            user=request.user, certificate_id=c.pk, confirm=False))  # fmt: skip


@admin.register(Team)
class TeamAdmin(ScopedChoicesMixin, CommunityScopedAdmin):
    list_display = ["name", "community", "enterprise", "leader_name", "member_count", "joint"]
    list_select_related = ["community", "enterprise", "leader__user"]
    list_filter = [("community", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name"]
    filter_horizontal = ["members"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Team]:
        return super().get_queryset(request).annotate(member_total=Count("members"))

    @admin.display(description=_("leader"))
    def leader_name(self, team: Team) -> str:
        return person_name(team.leader.user) if team.leader else "—"

    @admin.display(description=_("members"), ordering="member_total")
    def member_count(self, team: Team) -> int:
        return team.member_total  # type: ignore[attr-defined]

    @admin.display(description=_("joint team"), boolean=True)
    def joint(self, team: Team) -> bool:
        return team.enterprise_id is not None and team.member_total > 0  # type: ignore[attr-defined]


@admin.register(Course)
class CourseAdmin(ScopedChoicesMixin, CommunityScopedAdmin):
    list_display = ["name", "community", "skill", "issuer", "certificate_valid_days"]
    list_select_related = ["community", "skill"]
    search_fields = ["name"]


class EnrolmentInline(admin.TabularInline):
    model = Enrolment
    extra = 0
    can_delete = False
    fields = ("profile", "status", "completed_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(TrainingSession)
class TrainingSessionAdmin(ScopedChoicesMixin, CommunityScopedAdmin):
    community_path = "course__community"
    list_display = ["course", "starts_at", "place", "capacity", "enrolled"]
    list_select_related = ["course"]
    inlines = [EnrolmentInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[TrainingSession]:
        return (
            super()
            .get_queryset(request)
            .annotate(taken=Count("enrolments", filter=~Q(enrolments__status="cancelled")))
        )

    @admin.display(description=_("enrolled"), ordering="taken")
    def enrolled(self, session: TrainingSession) -> int:
        return session.taken  # type: ignore[attr-defined]


@admin.register(Enrolment)
class EnrolmentAdmin(CommunityScopedAdmin):
    community_path = "session__course__community"
    list_display = ["profile", "session", "status", "completed_at"]
    list_filter = ["status"]
    list_select_related = ["profile__user", "session__course"]
    readonly_fields = ("profile", "session", "status", "completed_at", "recorded_by")
    fields = readonly_fields
    actions = ["attended", "completed", "absent"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def _record(self, request: HttpRequest, rows: QuerySet[Enrolment], outcome: str) -> None:
        _run_each(self, request, rows, lambda e: services.enrolment_record(
            user=request.user, enrolment_id=e.pk, outcome=outcome))  # fmt: skip

    @admin.action(description=_("Record: attended"))
    def attended(self, request: HttpRequest, queryset: QuerySet[Enrolment]) -> None:
        self._record(request, queryset, EnrolmentStatus.ATTENDED)

    @admin.action(description=_("Record: completed (grants the certificate and points)"))
    def completed(self, request: HttpRequest, queryset: QuerySet[Enrolment]) -> None:
        self._record(request, queryset, EnrolmentStatus.COMPLETED)

    @admin.action(description=_("Record: absent"))
    def absent(self, request: HttpRequest, queryset: QuerySet[Enrolment]) -> None:
        self._record(request, queryset, EnrolmentStatus.ABSENT)


class SignupInline(admin.TabularInline):
    model = Signup
    extra = 0
    can_delete = False
    fields = ("profile", "status", "waiting_position", "checked_in_at", "checked_out_at",
              "minutes", "hours_status", "no_show")  # fmt: skip
    readonly_fields = fields
    ordering = ["status", "waiting_position", "id"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Activity)
class ActivityAdmin(ScopedChoicesMixin, CommunityScopedAdmin):
    list_display = ["title", "kind", "community", "when", "capacity", "taken", "waiting",
                    "checkin_code"]  # fmt: skip
    list_filter = ["kind", ("community", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["community"]
    search_fields = ["title", "place"]
    readonly_fields = ("checkin_code", "cancelled_at", "created_by")
    filter_horizontal = ["required_skills"]
    inlines = [SignupInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Activity]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                confirmed=Count("signups", filter=Q(signups__status=SignupStatus.CONFIRMED)),
                waiting_count=Count("signups", filter=Q(signups__status=SignupStatus.WAITING)),
            )
        )

    def save_model(self, request: HttpRequest, obj: Activity, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        data = form.cleaned_data
        created = services.activity_create(
            user=request.user,
            **{name: data[name] for name in ("kind", "title", "community", "place", "lat",
                                              "lng", "starts_at", "ends_at", "capacity")},
            required_skills=data.get("required_skills") or [],
        )  # fmt: skip
        obj.pk, obj.checkin_code, obj.created_at = (
            created.pk,
            created.checkin_code,
            created.created_at,
        )

    @admin.display(description=_("starts"), ordering="starts_at")
    def when(self, activity: Activity) -> str:
        return local_short(activity.starts_at)

    @admin.display(description=_("confirmed"), ordering="confirmed")
    def taken(self, activity: Activity) -> int:
        return activity.confirmed  # type: ignore[attr-defined]

    @admin.display(description=_("waiting"), ordering="waiting_count")
    def waiting(self, activity: Activity) -> int:
        return activity.waiting_count  # type: ignore[attr-defined]


@admin.register(Signup)
class SignupAdmin(CommunityScopedAdmin):
    """The approvals queue: filter on hours waiting, the longest waiting first."""

    community_path = "activity__community"
    list_display = ["volunteer", "activity", "checked_in", "checked_out", "hours",
                    "hours_status", "waiting_days", "no_show"]  # fmt: skip
    list_filter = ["hours_status", "no_show", "status", "activity__kind"]
    list_select_related = ["profile__user", "activity"]
    search_fields = ["profile__user__display_name", "activity__title"]
    ordering = ["checked_out_at", "id"]
    readonly_fields = ("activity", "profile", "status", "waiting_position", "signed_up_at",
                       "promoted_at", "cancelled_at", "checked_in_at", "checked_out_at",
                       "minutes", "hours_status", "hours_decided_by", "hours_decided_at",
                       "no_show")  # fmt: skip
    fields = readonly_fields
    actions = ["approve", "reject"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("volunteer"))
    def volunteer(self, signup: Signup) -> str:
        return person_name(signup.profile.user)

    @admin.display(description=_("checked in"), ordering="checked_in_at")
    def checked_in(self, signup: Signup) -> str:
        return local_short(signup.checked_in_at)

    @admin.display(description=_("checked out"), ordering="checked_out_at")
    def checked_out(self, signup: Signup) -> str:
        return local_short(signup.checked_out_at)

    @admin.display(description=_("hours"), ordering="minutes")
    def hours(self, signup: Signup) -> str:
        return f"{signup.minutes / 60:.1f}"

    @admin.display(description=_("waiting (days)"))
    def waiting_days(self, signup: Signup) -> str:
        if signup.hours_status != "pending" or signup.checked_out_at is None:
            return "—"
        days = (timezone.now() - signup.checked_out_at).days
        if approval_overdue(signup):
            return format_html('<strong style="color:#ba2121">{} ⚠</strong>', days)
        return str(days)

    @admin.action(description=_("Approve the hours (pays the points)"))
    def approve(self, request: HttpRequest, queryset: QuerySet[Signup]) -> None:
        _run_each(self, request, queryset, lambda s: services.hours_approve(
            user=request.user, signup_id=s.pk))  # fmt: skip

    @admin.action(description=_("Reject the hours"))
    def reject(self, request: HttpRequest, queryset: QuerySet[Signup]) -> None:
        _run_each(self, request, queryset, lambda s: services.hours_reject(
            user=request.user, signup_id=s.pk))  # fmt: skip
