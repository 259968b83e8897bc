"""Writes of a volunteer's own profile: registration, availability, duty, certificates."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from config.photos import process_photo, read_upload
from grids.models import Community
from volunteers.models import (
    Availability,
    Certificate,
    CertificateStatus,
    ProfileStatus,
    Skill,
    VolunteerProfile,
)
from volunteers.services.common import staff_check

CERTIFICATE_PHOTO_DIR = "certificate-photos"


def _check_position(lat: float | None, lng: float | None, field: str) -> None:
    if (lat is None) != (lng is None):
        raise ValidationError({field: _("Give both latitude and longitude, or neither.")})
    if lat is not None and lng is not None and not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise ValidationError({field: _("Latitude must be within ±90 and longitude within ±180.")})


@transaction.atomic
def volunteer_register(
    *,
    user: Any,
    community: Community,
    skills: list[Skill] | None = None,
    base_lat: float | None = None,
    base_lng: float | None = None,
) -> VolunteerProfile:
    """Make ``user`` a volunteer of ``community``; registering twice is refused."""
    _check_position(base_lat, base_lng, "base_lat")
    if VolunteerProfile.objects.filter(user=user).exists():
        raise ValidationError(_("You are already registered as a volunteer."), code="exists")
    profile = VolunteerProfile.objects.create(
        user=user, community=community, base_lat=base_lat, base_lng=base_lng
    )
    profile.skills.set(skills or [])
    return profile


@transaction.atomic
def volunteer_update(*, profile: VolunteerProfile, **changes: Any) -> VolunteerProfile:
    """Change the community, skills, base location or active/paused status."""
    skills = changes.pop("skills", None)
    allowed = {"community", "status", "base_lat", "base_lng"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(_("These fields cannot be changed here: %s") % ", ".join(unknown))
    merged_lat = changes.get("base_lat", profile.base_lat)
    merged_lng = changes.get("base_lng", profile.base_lng)
    _check_position(merged_lat, merged_lng, "base_lat")
    if changes.get("status") == ProfileStatus.PAUSED:
        changes["on_duty"] = False  # a paused volunteer is never dispatched
    for name, value in changes.items():
        setattr(profile, name, value)
    profile.save()
    if skills is not None:
        profile.skills.set(skills)
    return profile


def volunteer_duty_set(
    *, profile: VolunteerProfile, on_duty: bool, lat: float | None = None, lng: float | None = None
) -> VolunteerProfile:
    """The on-duty switch, with the position the phone reports (dispatch ranks by it)."""
    _check_position(lat, lng, "lat")
    if on_duty and profile.status != ProfileStatus.ACTIVE:
        raise ValidationError(
            _("A paused volunteer cannot go on duty; set the profile active first."),
            code="paused",
        )
    profile.on_duty = on_duty
    fields = ["on_duty"]
    if lat is not None:
        profile.last_lat, profile.last_lng, profile.last_located_at = lat, lng, timezone.now()
        fields += ["last_lat", "last_lng", "last_located_at"]
    profile.save(update_fields=fields)
    return profile


@transaction.atomic
def availability_set(
    *, profile: VolunteerProfile, windows: list[tuple[int, time, time]]
) -> list[Availability]:
    """Replace the weekly availability with ``windows`` (weekday, from, until)."""
    for weekday, starts, ends in windows:
        if not 0 <= weekday <= 6:
            raise ValidationError({"availability": _("A weekday is 0 (Monday) to 6 (Sunday).")})
        if ends <= starts:
            raise ValidationError({"availability": _("Each window must end after it starts.")})
    profile.availability.all().delete()
    return Availability.objects.bulk_create(
        Availability(profile=profile, weekday=d, starts=s, ends=e) for d, s, e in windows
    )


def certificate_add(
    *,
    profile: VolunteerProfile,
    skill: Skill,
    issuer: str,
    number: str,
    expires_on: date,
    upload: Any,
) -> Certificate:
    """Add a certificate with its photo; it counts once staff confirm it."""
    if expires_on <= timezone.localdate():
        raise ValidationError(
            {"expires_on": _("This certificate has already expired; add a valid one.")},
            code="expired",
        )
    processed = process_photo(read_upload(upload), keep_location=False)
    base = f"{CERTIFICATE_PHOTO_DIR}/{processed.content_hash[:2]}/{processed.content_hash}"
    written: list[str] = []
    try:
        with transaction.atomic():
            return Certificate.objects.create(
                profile=profile,
                skill=skill,
                issuer=issuer,
                number=number,
                expires_on=expires_on,
                photo_hash=processed.content_hash,
                photo=_save(f"{base}.jpg", processed.display, written),
                photo_thumbnail=_save(f"{base}-thumb.jpg", processed.thumbnail, written),
            )
    except IntegrityError:
        _delete(written)
        raise ValidationError(
            {"number": _("You already added this certificate.")}, code="duplicate"
        ) from None
    except BaseException:
        _delete(written)
        raise


def _save(name: str, content: bytes, written: list[str]) -> str:
    if default_storage.exists(name):
        return name
    saved = default_storage.save(name, ContentFile(content))
    written.append(saved)
    return saved


def _delete(names: list[str]) -> None:
    for name in names:
        if not Certificate.objects.filter(Q(photo=name) | Q(photo_thumbnail=name)).exists():
            default_storage.delete(name)


def certificate_decide(*, user: Any, certificate_id: int, confirm: bool) -> Certificate:
    """Staff confirm (or reject) a certificate after looking at its photo."""
    certificate = Certificate.objects.select_related("profile").filter(pk=certificate_id).first()
    if certificate is None:
        raise Http404
    staff_check(user=user, community_id=certificate.profile.community_id)
    certificate.status = CertificateStatus.CONFIRMED if confirm else CertificateStatus.REJECTED
    certificate.confirmed_by, certificate.confirmed_at = user, timezone.now()
    certificate.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    return certificate
