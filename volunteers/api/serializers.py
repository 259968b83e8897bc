"""Output shapes shared by the volunteer endpoints."""

from __future__ import annotations

from typing import Any

import segno
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from volunteers.models import (
    ActivityKind,
    Certificate,
    CertificateStatus,
    EnrolmentStatus,
    HoursStatus,
    ProfileStatus,
    SignupStatus,
    Skill,
)
from volunteers.selectors import approval_overdue, certificate_counts, signup_position


def localized(context: dict[str, Any], zh: str, en: str) -> str:
    request = context.get("request")
    language = str(getattr(request, "LANGUAGE_CODE", "")) if request else ""
    return en if en and language.startswith("en") else zh


class SkillSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.SerializerMethodField()
    parent = serializers.IntegerField(  # type: ignore[assignment]  # a body key
        source="parent_id", allow_null=True
    )
    needs_certificate = serializers.BooleanField()

    def get_name(self, skill: Skill) -> str:
        return localized(self.context, skill.name_zh, skill.name_en)


class AvailabilitySerializer(serializers.Serializer):
    weekday = serializers.IntegerField(min_value=0, max_value=6, help_text=_("0 Monday … 6 Sunday"))
    starts = serializers.TimeField(format="%H:%M")
    ends = serializers.TimeField(format="%H:%M")


class ProfileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    community = serializers.IntegerField(source="community_id")
    community_name = serializers.CharField(source="community.name")
    status = serializers.ChoiceField(choices=ProfileStatus.choices)
    skills = serializers.SerializerMethodField()
    availability = AvailabilitySerializer(many=True)
    base_lat = serializers.FloatField(allow_null=True)
    base_lng = serializers.FloatField(allow_null=True)
    on_duty = serializers.BooleanField()
    last_lat = serializers.FloatField(allow_null=True)
    last_lng = serializers.FloatField(allow_null=True)
    last_located_at = serializers.DateTimeField(allow_null=True)

    def get_skills(self, profile: Any) -> list[int]:
        return sorted(skill.pk for skill in profile.skills.all())


class CertificateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    skill = serializers.IntegerField(source="skill_id")
    skill_code = serializers.CharField(source="skill.code")
    issuer = serializers.CharField()
    number = serializers.CharField()
    expires_on = serializers.DateField()
    status = serializers.ChoiceField(choices=CertificateStatus.choices)
    counts = serializers.SerializerMethodField(
        help_text=_("True when confirmed by staff and not expired: it counts for its skill.")
    )
    photo_url = serializers.SerializerMethodField()

    def get_counts(self, certificate: Certificate) -> bool:
        return certificate_counts(certificate)

    def get_photo_url(self, certificate: Certificate) -> str:
        return f"/api/v1/volunteers/certificates/{certificate.pk}/photo/"


class ActivitySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ActivityKind.choices)
    title = serializers.CharField()
    community = serializers.IntegerField(source="community_id")
    place = serializers.CharField()
    lat = serializers.FloatField()
    lng = serializers.FloatField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    capacity = serializers.IntegerField()
    confirmed = serializers.IntegerField(help_text=_("Places taken."))
    required_skills = serializers.SerializerMethodField()

    def get_required_skills(self, activity: Any) -> list[int]:
        return sorted(skill.pk for skill in activity.required_skills.all())


class StaffActivitySerializer(ActivitySerializer):
    waiting = serializers.IntegerField()
    checkin_code = serializers.CharField()
    cancelled_at = serializers.DateTimeField(allow_null=True)


class ActivityCodeSerializer(serializers.Serializer):
    checkin_code = serializers.CharField()
    qr_svg = serializers.SerializerMethodField(
        help_text=_("The check-in code as a QR image (SVG data URI) to show at the event.")
    )

    def get_qr_svg(self, activity: Any) -> str:
        return str(segno.make(activity.checkin_code, error="m").svg_data_uri(scale=8))


class SignupSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    activity = serializers.IntegerField(source="activity_id")
    activity_title = serializers.CharField(source="activity.title")
    status = serializers.ChoiceField(choices=SignupStatus.choices)
    waiting_position = serializers.SerializerMethodField(
        help_text=_("Your place in the waiting list now: 1 moves up next; null when not waiting.")
    )
    signed_up_at = serializers.DateTimeField()
    promoted_at = serializers.DateTimeField(allow_null=True)
    checked_in_at = serializers.DateTimeField(allow_null=True)
    checked_out_at = serializers.DateTimeField(allow_null=True)
    minutes = serializers.IntegerField()
    hours_status = serializers.ChoiceField(choices=HoursStatus.choices)
    no_show = serializers.BooleanField()

    def get_waiting_position(self, signup: Any) -> int | None:
        if hasattr(signup, "place_in_line"):
            return signup.place_in_line
        return signup_position(signup)


class ApprovalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    activity = serializers.IntegerField(source="activity_id")
    activity_title = serializers.CharField(source="activity.title")
    community = serializers.IntegerField(source="activity.community_id")
    volunteer = serializers.CharField(source="profile.user.public_name")
    checked_in_at = serializers.DateTimeField()
    checked_out_at = serializers.DateTimeField()
    minutes = serializers.IntegerField()
    hours_status = serializers.ChoiceField(choices=HoursStatus.choices)
    overdue = serializers.SerializerMethodField(
        help_text=_("Waiting for approval for more than 7 days.")
    )

    def get_overdue(self, signup: Any) -> bool:
        return approval_overdue(signup)


class EnrolmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    session = serializers.IntegerField(source="session_id")
    volunteer = serializers.IntegerField(source="profile_id")
    status = serializers.ChoiceField(choices=EnrolmentStatus.choices)
    completed_at = serializers.DateTimeField(allow_null=True)
