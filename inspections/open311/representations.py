"""The spec's fields for services, service definitions and requests; nothing personal.

Publication rule for every public read (list, one request, JSON and XML): nothing a person
wrote is published, since residents' descriptions and addresses carry room numbers and
names, and staff notes can be internal. A request shows a sentence made from its service
and community instead of the description, the building's registered address instead of
the one typed in, coordinates rounded to ``PUBLIC_COORDINATE_DECIMALS`` (about 100 m),
and ``status_notes`` from a fixed public sentence per status (never a transition note or a
rejection reason). FixMyStreet publishes only what a moderator approved; SafeGrid has no
moderation step, so it publishes no free text at all.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from inspections.models import Category, Hazard, HazardStatus
from inspections.open311.models import Open311Submission
from inspections.open311.selectors import CLOSED_STATUSES

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this implementation of the spec last changed in a way clients could notice.
CHANGESET = "2026-11-23T00:00:00+08:00"


def english() -> bool:
    return (get_language() or "").startswith("en")


def w3c(moment: datetime | None) -> str | None:
    """ISO 8601 with the offset of the city's time zone (Asia/Shanghai)."""
    if moment is None:
        return None
    return timezone.localtime(moment, timezone.get_default_timezone()).isoformat(timespec="seconds")


def service_name(category: Category) -> str:
    return category.name_en if english() and category.name_en else category.name_zh


def service(category: Category) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "service_name": service_name(category),
        "description": category.description,
        "metadata": bool(category.attributes),
        "type": "realtime",
        "keywords": ", ".join(
            dict.fromkeys(word for word in (category.name_zh, category.name_en) if word)
        ),
        "group": _("Safety hazards"),
    }


def service_definition(category: Category) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "attributes": [
            attribute(definition, order)
            for order, definition in enumerate(category.attributes or [], start=1)
        ],
    }


def attribute(definition: dict[str, Any], order: int) -> dict[str, Any]:
    return {
        "variable": definition.get("variable", True),
        "code": definition["code"],
        "datatype": definition["datatype"],
        "required": bool(definition.get("required", False)),
        "datatype_description": _localised(definition, "datatype_description"),
        "order": definition.get("order", order),
        "description": _localised(definition, "description"),
        "values": [
            {"key": value.get("key"), "name": _localised(value, "name")}
            for value in definition.get("values") or []
        ],
    }


def _localised(source: dict[str, Any], name: str) -> str:
    """``name`` itself is the Chinese text; ``name_en`` (when given) serves English."""
    if english() and source.get(f"{name}_en"):
        return str(source[f"{name}_en"])
    return str(source.get(name) or source.get(f"{name}_zh") or "")


# About 110 m of latitude: enough to find the place, not the door.
PUBLIC_COORDINATE_DECIMALS = 3


def _public_status_notes() -> dict[str, str]:
    return {
        HazardStatus.REPORTED: _("Reported; waiting for the community to take it up."),
        HazardStatus.ASSIGNED: _("Assigned to the grid worker for rectification."),
        HazardStatus.RECTIFYING: _("Being rectified."),
        HazardStatus.AWAITING_VERIFICATION: _("Rectified; waiting for verification."),
        HazardStatus.CLOSED: _("Rectified and verified."),
        HazardStatus.REJECTED: _("Checked and not taken up."),
    }


def status_notes(hazard: Hazard) -> str:
    """A fixed public sentence for the status; never a note somebody wrote."""
    if hazard.status == HazardStatus.DUPLICATE and hazard.duplicate_of is not None:
        return _("Duplicate of %(number)s.") % {"number": hazard.duplicate_of.number}
    return _public_status_notes().get(hazard.status, "")


def public_description(hazard: Hazard) -> str:
    return _("%(service)s reported in %(community)s.") % {
        "service": service_name(hazard.category),
        "community": hazard.community.name,
    }


def public_address(hazard: Hazard) -> str:
    """The building's registered address, never the address the reporter typed."""
    return hazard.building.address if hazard.building is not None else ""


def service_notice(hazard: Hazard) -> str:
    return _("%(community)s handles this; the deadline is %(expected)s.") % {
        "community": hazard.community.name,
        "expected": w3c(hazard.due_at),
    }


def service_request(hazard: Hazard) -> dict[str, Any]:
    """A hazard as a public service request (from ``open311_hazards()``)."""
    return {
        "service_request_id": hazard.number,
        "status": "closed" if hazard.status in CLOSED_STATUSES else "open",
        "status_notes": status_notes(hazard),
        "service_name": service_name(hazard.category),
        "service_code": hazard.category.code,
        "description": public_description(hazard),
        "agency_responsible": hazard.community.name,
        "service_notice": service_notice(hazard),
        "requested_datetime": w3c(hazard.created_at),
        "updated_datetime": w3c(hazard.updated_at),
        "expected_datetime": w3c(hazard.due_at),
        "address": public_address(hazard),
        "lat": round(hazard.lat, PUBLIC_COORDINATE_DECIMALS),
        "long": round(hazard.lng, PUBLIC_COORDINATE_DECIMALS),
        # Only a link a client published itself; hazard photos are private and stay so.
        "media_url": getattr(hazard, "public_media_url", None) or None,
    }


def created(submission: Open311Submission) -> dict[str, Any]:
    """The answer to the client that filed the report (its own account_id echoed back)."""
    return {
        "service_request_id": submission.hazard.number,
        "token": submission.token,
        "service_notice": service_notice(submission.hazard),
        "account_id": submission.account_id or None,
    }


def token(submission: Open311Submission) -> dict[str, Any]:
    return {"service_request_id": submission.hazard.number, "token": submission.token}


def discovery(*, base_url: str, contact: str, key_service: str) -> dict[str, Any]:
    return {
        "changeset": CHANGESET,
        "contact": contact,
        "key_service": key_service,
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base_url,
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
