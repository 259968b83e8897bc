"""How people, phones and times read on staff screens (admin lists, pages, exports).

Staff work from these all day: a person is a name, never a username; a phone number in a
list shows only enough to tell two people apart; a time is Beijing time, to the minute.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from grids.models import normalize_phone


def mask_phone(phone: str | None) -> str:
    """138****5678 for a mainland number; other numbers keep their first 3 and last 4."""
    digits = normalize_phone(phone or "")
    if len(digits) < 8:
        return "—" if not digits else digits[:1] + "*" * (len(digits) - 1)
    return f"{digits[:3]}****{digits[-4:]}"


def person_name(user: Any) -> str:
    """The display name staff know a person by; the username only when no name is set."""
    if user is None:
        return "—"
    return user.display_name or user.username


def person_label(user: Any) -> str:
    """A name with the masked phone, to tell two people of the same name apart."""
    if user is None:
        return "—"
    phone = getattr(user, "phone", None)
    return f"{person_name(user)} ({mask_phone(phone)})" if phone else person_name(user)


def local_minute(moment: datetime | None) -> str:
    """2026-12-02 14:30 in Asia/Shanghai (the project's TIME_ZONE)."""
    if moment is None:
        return "—"
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def local_short(moment: datetime | None) -> str:
    """12-02 14:30: a list column; the year only when it is not this year."""
    if moment is None:
        return "—"
    local = timezone.localtime(moment)
    if local.year != timezone.localtime().year:
        return local.strftime("%Y-%m-%d")
    return local.strftime("%m-%d %H:%M")


def hours_words(hours: float | None) -> str:
    """A duration as staff say it: 40 minutes, 5.5 hours, 3.2 days."""
    if hours is None:
        return "—"
    if hours < 1:
        return _("%(minutes)d min") % {"minutes": round(hours * 60)}
    if hours < 48:
        return _("%(hours)s h") % {"hours": f"{hours:.1f}"}
    return _("%(days)s days") % {"days": f"{hours / 24:.1f}"}
