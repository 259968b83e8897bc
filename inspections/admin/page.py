"""What the admin hazard page says: the hazard's facts, its attributes by label, its
photos by stage and its timeline in words, as a staff member reads them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from grids.display import local_minute, person_label, person_name
from grids.models import RiskColour
from inspections.models import (
    EventKind,
    Hazard,
    HazardEvent,
    HazardSource,
    HazardStatus,
    Photo,
    PhotoStage,
)

RISK_COLOURS: dict[str, str] = {
    RiskColour.RED: "#c62828",
    RiskColour.ORANGE: "#ef6c00",
    RiskColour.YELLOW: "#f9a825",
    RiskColour.BLUE: "#1565c0",
}
STATUS_COLOURS: dict[str, str] = {
    HazardStatus.REPORTED: "#6a1b9a",
    HazardStatus.ASSIGNED: "#1565c0",
    HazardStatus.RECTIFYING: "#ef6c00",
    HazardStatus.AWAITING_VERIFICATION: "#00838f",
    HazardStatus.CLOSED: "#2e7d32",
    HazardStatus.REJECTED: "#616161",
    HazardStatus.DUPLICATE: "#616161",
}


RISK_SHORT = {
    RiskColour.RED: gettext_lazy("red"),
    RiskColour.ORANGE: gettext_lazy("orange"),
    RiskColour.YELLOW: gettext_lazy("yellow"),
    RiskColour.BLUE: gettext_lazy("blue"),
}


def risk_badge(colour: str, *, short: bool = False) -> SafeString:
    """A coloured dot and the grade in words (the colour alone in narrow list columns)."""
    if colour not in RiskColour.values:
        label: Any = colour
    else:
        label = RISK_SHORT[RiskColour(colour)] if short else RiskColour(colour).label
    return format_html(
        '<span class="sg-risk" style="--sg-risk:{}">{}</span>',
        RISK_COLOURS.get(colour, "#999"),
        label,
    )


def status_badge(hazard: Hazard) -> SafeString:
    colour = STATUS_COLOURS.get(hazard.status, "#444")
    text = hazard.get_status_display()
    return format_html('<span class="sg-status" style="--sg-status:{}">{}</span>', colour, text)


def is_overdue(hazard: Hazard, now: Any = None) -> bool:
    return hazard.is_open and hazard.due_at < (now or timezone.now())


def deadline_words(hazard: Hazard, now: Any = None) -> SafeString:
    """The deadline in Beijing time, marked when it has passed on an open hazard."""
    text = local_minute(hazard.due_at)
    if is_overdue(hazard, now):
        return format_html('<span class="sg-overdue">{} · {}</span>', text, _("overdue"))
    return format_html("{}", text)


@dataclass(frozen=True)
class Fact:
    label: str
    value: Any


def hazard_facts(hazard: Hazard) -> list[Fact]:
    """The hazard's own facts, in the order staff look for them."""
    facts = [
        Fact(_("Category"), hazard.category.localized_name()),
        Fact(_("Status"), status_badge(hazard)),
        Fact(_("Risk grade"), risk_badge(hazard.risk_colour)),
        Fact(_("Major hazard"), _("yes") if hazard.is_major else _("no")),
        Fact(_("Deadline"), deadline_words(hazard)),
        Fact(_("Address"), hazard.address or f"{hazard.lat:.5f}, {hazard.lng:.5f}"),
        Fact(_("Community / grid"), _place(hazard)),
        Fact(_("Source"), hazard.get_source_display()),
        Fact(_("Reported by"), _reporter(hazard)),
        Fact(_("Reported at"), local_minute(hazard.created_at)),
        Fact(_("Assignee"), person_label(hazard.assignee) if hazard.assignee else "—"),
    ]
    if hazard.escalation_level:
        facts.append(Fact(_("Escalation level"), hazard.escalation_level))
    if hazard.closed_at:
        facts.append(
            Fact(_("Closed"), f"{local_minute(hazard.closed_at)} · {person_name(hazard.closed_by)}")
        )
    if hazard.duplicate_of_id:
        url = reverse("admin:inspections_hazard_change", args=[hazard.duplicate_of_id])
        facts.append(
            Fact(_("Duplicate of"), format_html('<a href="{}">{}</a>', url, hazard.duplicate_of))
        )
    if hazard.reject_reason:
        facts.append(Fact(_("Reason for rejection"), hazard.reject_reason))
    return facts


def _place(hazard: Hazard) -> str:
    grid = hazard.grid.name if hazard.grid else _("no grid")
    return f"{hazard.community.name} / {grid}"


def _reporter(hazard: Hazard) -> str:
    if hazard.source == HazardSource.WHISTLEBLOWER:
        return _("anonymous whistleblower")
    return person_label(hazard.reporter) if hazard.reporter else "—"


def attribute_rows(hazard: Hazard) -> list[Fact]:
    """The category's extra attributes by their labels, list values by their names."""
    values = hazard.attribute_values or {}
    rows = []
    for definition in hazard.category.attributes or []:
        code = definition.get("code")
        if code not in values or values[code] in (None, "", []):
            continue
        names = {str(v.get("key")): v.get("name") for v in definition.get("values") or []}
        raw = values[code]
        items = raw if isinstance(raw, list) else [raw]
        shown = "、".join(_attribute_word(names.get(str(item), item)) for item in items)
        rows.append(Fact(definition.get("description") or code, shown))
    return rows


def _attribute_word(value: Any) -> str:
    """3.0 reads as 3; everything else as it was entered."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _stage_labels() -> set[str]:
    """What a photo's timeline line says when no note was given, in every language."""
    from django.conf import settings

    labels = set()
    for code, _name in settings.LANGUAGES:
        with override(code):
            labels |= {str(stage.label) for stage in PhotoStage}
    return labels


@dataclass(frozen=True)
class PhotoGroup:
    stage: str
    photos: list[Photo]


def photos_by_stage(photos: Iterable[Photo]) -> list[PhotoGroup]:
    """Photos grouped by stage in lifecycle order (on report, progress, after, ...)."""
    photos = list(photos)
    return [
        PhotoGroup(str(stage.label), [p for p in photos if p.stage == stage])
        for stage in PhotoStage
        if any(p.stage == stage for p in photos)
    ]


@dataclass(frozen=True)
class TimelineLine:
    at: str
    who: str
    what: str
    note: str


def timeline_lines(hazard: Hazard) -> list[TimelineLine]:
    """Each event in words: when (Beijing time), who (by name), what happened.

    Needs ``hazard_detail``'s prefetch (events with actors, photos). A whistleblower is
    never named, not even on the first line.
    """
    stages = {p.event_id: str(p.get_stage_display()) for p in hazard.photos.all()}
    hidden = hazard.reporter_id if hazard.source == HazardSource.WHISTLEBLOWER else None
    automatic = _stage_labels()
    lines = []
    for event in hazard.events.all():
        if event.actor is None:
            who = _("system")
        elif hidden is not None and event.actor_id == hidden:
            who = _("anonymous whistleblower")
        else:
            who = person_name(event.actor)
        photo = event.kind == EventKind.PHOTO
        stage = stages.get(event.pk, "")
        note = "" if photo and event.note in automatic else event.note
        lines.append(
            TimelineLine(local_minute(event.created_at), who, _event_words(event, stage), note)
        )
    return lines


def _event_words(event: HazardEvent, stage: str) -> str:
    if event.kind == EventKind.TRANSITION:
        to = HazardStatus(event.to_status).label if event.to_status else ""
        if not event.from_status:
            return _("reported it: %(to)s") % {"to": to}
        source = HazardStatus(event.from_status).label
        return _("changed the status: %(from)s → %(to)s") % {"from": source, "to": to}
    if event.kind == EventKind.PHOTO:
        return _("added a photo: %(stage)s") % {"stage": stage}
    if event.kind == EventKind.COMMENT:
        return _("commented")
    if event.kind == EventKind.ESCALATION:
        return _("escalated it (overdue)")
    return str(EventKind(event.kind).label)
