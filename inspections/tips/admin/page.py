"""What a tip's admin page says: its facts, its timeline and who opened it, in words, with
every time to the day (handlers see when, not at what minute, a whistleblower acted)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from grids.display import person_name
from grids.models import User
from inspections.admin.page import risk_badge
from inspections.selectors import hazard_visible
from inspections.tips.models import Tip, TipEventKind, TipStatus
from inspections.tips.selectors import OPEN_TIP_STATUSES

OPENINGS_SHOWN = 30


@dataclass(frozen=True)
class Fact:
    label: str
    value: Any


def _day(value: Any) -> str:
    return value.isoformat() if value else "—"


def _enterprise(tip: Tip) -> Any:
    if tip.enterprise is None:
        address = tip.enterprise_address or _("no address given")
        return format_html("{} ({}) · {}", tip.enterprise_name, _("not in the registry"), address)
    enterprise = tip.enterprise
    grade = risk_badge(enterprise.risk_colour)
    if enterprise.is_blacklisted:
        return format_html(
            '{} · {} · {} <b class="sg-major">{}</b>: {}',
            enterprise.name,
            enterprise.address or "—",
            grade,
            _("blacklisted"),
            enterprise.blacklist_reason,
        )
    return format_html("{} · {} · {}", enterprise.name, enterprise.address or "—", grade)


def _hazard(tip: Tip, user: User) -> Any:
    if tip.hazard is None:
        return "—"
    if hazard_visible(user).filter(pk=tip.hazard.pk).exists():
        url = reverse("admin:inspections_hazard_change", args=[tip.hazard.pk])
        return format_html('<a href="{}">{}</a>', url, tip.hazard.number)
    return tip.hazard.number


def _deadlines(tip: Tip) -> str:
    """The clocks still running: acknowledging (while new), an outcome (until given)."""
    running = []
    if tip.status == TipStatus.NEW:
        running.append(_("acknowledge by %(day)s") % {"day": _day(tip.acknowledge_due_on)})
    if tip.status in OPEN_TIP_STATUSES:
        running.append(_("outcome by %(day)s") % {"day": _day(tip.feedback_due_on)})
    return " · ".join(running) or "—"


def tip_facts(tip: Tip, *, user: User) -> list[Fact]:
    return [
        Fact(_("Status"), tip.get_status_display()),
        Fact(_("Category"), tip.category.localized_name()),
        Fact(_("District"), tip.district.name),
        Fact(_("Enterprise or site"), _enterprise(tip)),
        Fact(_("Major hazard"), _("yes") if tip.is_major else _("no")),
        Fact(_("Received on"), _day(tip.received_on)),
        Fact(_("Deadlines"), _deadlines(tip)),
        Fact(_("Acknowledged on"), _day(tip.acknowledged_on)),
        Fact(_("Outcome"), tip.get_outcome_display() if tip.outcome else "—"),
        Fact(_("Outcome given on"), _day(tip.decided_on)),
        Fact(_("Closed on"), _day(tip.closed_on)),
        Fact(_("Handler"), person_name(tip.assignee) if tip.assignee else "—"),
        Fact(_("Hazard made from it"), _hazard(tip, user)),
        Fact(_("Reward"), tip.get_reward_state_display() if tip.reward_state else _("No reward")),
    ]


@dataclass(frozen=True)
class Line:
    on: str
    who: str
    what: str
    note: str


def _what(event: Any) -> str:
    if event.kind == TipEventKind.TRANSITION:
        return f"{event.get_from_status_display()} → {event.get_to_status_display()}"
    if event.kind == TipEventKind.RECEIVED:
        return str(TipEventKind.RECEIVED.label)
    return event.get_kind_display()


def tip_timeline(tip: Tip) -> list[Line]:
    """Every step, note, message, reveal (with its reason) and reminder, to the day."""
    lines = []
    for event in tip.events.all():
        if event.actor is not None:
            who = person_name(event.actor)
        elif event.kind == TipEventKind.REMINDER:
            who = _("SafeGrid")
        else:
            who = _("whistleblower")
        lines.append(Line(_day(event.on), who, _what(event), event.note))
    return lines


def tip_openings(tip: Tip) -> list[Line]:
    """Who opened the tip, a file of it or its contact, newest first, to the day."""
    rows = tip.accesses.select_related("user")[:OPENINGS_SHOWN]
    words = {
        "open": _("opened it (API)"),
        "admin": _("opened it"),
        "reveal": _("revealed the contact"),
    }
    lines = []
    for access in rows:
        what = words.get(access.what) or (
            _("opened a file") if access.what.startswith("file") else access.what
        )
        lines.append(Line(_day(timezone.localdate(access.at)), person_name(access.user), what, ""))
    return lines
