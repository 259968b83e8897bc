"""Writes of the Open311 adapter: API keys, and reports filed through the hazard services."""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from grids.models import Building, User
from inspections.models import Category, HazardSource, PhotoStage
from inspections.open311.models import DEFAULT_RATE_LIMIT_PER_MINUTE, ApiKey, Open311Submission
from inspections.services import hazard_report, photo_add

KEY_PREFIX = "o311_"


def key_hash(raw_key: str) -> str:
    """Keys are 256 random bits, so one SHA-256 round is enough to store them safely."""
    return hashlib.sha256(raw_key.encode()).hexdigest()


@transaction.atomic
def api_key_create(
    *, name: str, rate_limit_per_minute: int = DEFAULT_RATE_LIMIT_PER_MINUTE, contact: str = ""
) -> tuple[ApiKey, str]:
    """A new key for a client application; the returned key is never available again."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the key a name.")}, code="required")
    if ApiKey.objects.filter(name=name).exists():
        raise ValidationError({"name": _("A key with this name exists already.")}, code="unique")
    if rate_limit_per_minute < 1:
        raise ValidationError(
            {"rate_limit_per_minute": _("Allow at least one request per minute.")}, code="min"
        )
    raw_key = KEY_PREFIX + secrets.token_urlsafe(32)
    account = User(username=f"open311-{secrets.token_hex(8)}", display_name=name[:64])
    account.is_active = False
    account.set_unusable_password()
    account.save()
    api_key = ApiKey.objects.create(
        name=name,
        key_hash=key_hash(raw_key),
        key_prefix=raw_key[:12],
        user=account,
        rate_limit_per_minute=rate_limit_per_minute,
        contact=contact,
    )
    return api_key, raw_key


def api_key_revoke(*, name: str) -> ApiKey:
    """Refuse the key from now on; revoking twice keeps the first revocation time."""
    api_key = ApiKey.objects.filter(name=name).first()
    if api_key is None:
        raise ValidationError({"name": _("There is no key with this name.")}, code="unknown")
    if api_key.is_active:
        api_key.is_active, api_key.revoked_at = False, timezone.now()
        api_key.save(update_fields=["is_active", "revoked_at"])
    return api_key


def api_key_check(*, raw_key: str) -> ApiKey:
    """The active key ``raw_key`` stands for, or PermissionDenied (Open311 answers 403)."""
    if not raw_key:
        raise PermissionDenied(_("An api_key is required to submit a request."))
    api_key = ApiKey.objects.select_related("user").filter(key_hash=key_hash(raw_key)).first()
    if api_key is None or not api_key.is_active:
        raise PermissionDenied(_("This api_key is not valid."))
    return api_key


def api_key_throttle_wait(*, api_key: ApiKey) -> int | None:
    """Count one request in the key's current minute; seconds to wait when over its limit.

    The counter lives in the cache: per process with the default local-memory cache,
    shared by every process when the cache is shared (Redis, Memcached).
    """
    now = int(time.time())
    counter = f"open311:rate:{api_key.key_hash[:16]}:{now // 60}"
    cache.add(counter, 0, timeout=120)
    try:
        count = cache.incr(counter)
    except ValueError:  # expired between add and incr
        cache.set(counter, 1, timeout=120)
        count = 1
    if count > api_key.rate_limit_per_minute:
        return 60 - now % 60
    return None


@dataclass
class Reporter:
    """What the client says about the person reporting; stored, never published."""

    email: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    device_id: str = ""
    account_id: str = ""


@dataclass
class Open311Report:
    service_code: str
    description: str = ""
    lat: float | None = None
    lng: float | None = None
    address_string: str = ""
    attributes: dict[str, Any] = field(default_factory=dict)
    media_url: str = ""
    reporter: Reporter = field(default_factory=Reporter)


@transaction.atomic
def open311_request_create(
    *, api_key: ApiKey, report: Open311Report, media: Any = None
) -> Open311Submission:
    """File the report as a hazard with source Open311, through the same service and rules
    as the REST API; a refused photo rolls the whole report back."""
    category = Category.objects.filter(code=report.service_code, is_active=True).first()
    if category is None:
        # The issue and GeoReport clients expect 404 for an unknown service code, on POST
        # as on services/{service_code}.
        raise Http404(_("There is no service with this code."))
    lat, lng = _place(report)
    result = hazard_report(
        user=api_key.user,
        category_code=category.code,
        description=report.description.strip() or category.name_zh,
        lat=lat,
        lng=lng,
        address=report.address_string.strip(),
        attributes=report.attributes,
        source=HazardSource.OPEN311,
    )
    submission = Open311Submission.objects.create(
        hazard=result.hazard,
        api_key=api_key,
        token=secrets.token_hex(16),
        media_url=report.media_url,
        **vars(report.reporter),
    )
    if media is not None:
        try:
            photo_add(
                user=api_key.user, hazard_id=result.hazard.pk, stage=PhotoStage.REPORT, upload=media
            )
        except ValidationError as error:
            # GeoReport calls the file "media": the refusal names the field the client sent.
            raise ValidationError({"media": error.messages}) from None
    return submission


def _place(report: Open311Report) -> tuple[float, float]:
    """The point to locate: lat/long, or a building whose address is exactly the one sent
    (there is no geocoder; anything else must come with coordinates)."""
    if report.lat is not None and report.lng is not None:
        return report.lat, report.lng
    if report.lat is not None or report.lng is not None:
        raise ValidationError({"long": _("Send both lat and long.")}, code="required")
    address = report.address_string.strip()
    if not address:
        raise ValidationError(
            {"lat": _("Send lat and long, or an address_string.")}, code="required"
        )
    building = Building.objects.filter(address__iexact=address).order_by("pk").first()
    if building is None:
        raise ValidationError(
            {"address_string": _("This address is not known; send lat and long instead.")},
            code="unknown",
        )
    return building.lat, building.lng
