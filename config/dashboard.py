"""The operations dashboard at /admin/dashboard/.

Apps contribute panels (``register_panel`` in their ``AppConfig.ready``) so that this
module imports no app: a panel is a title and a function that returns rows of figures for
the signed-in staff member.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Panel:
    key: str
    title: Any
    rows: Callable[[HttpRequest], list[tuple[Any, Any]]]
    order: int = 100


_panels: dict[str, Panel] = {}


def register_panel(panel: Panel) -> None:
    """Add (or replace, by key) a dashboard panel."""
    _panels[panel.key] = panel


def panels() -> list[Panel]:
    return sorted(_panels.values(), key=lambda panel: (panel.order, panel.key))


@staff_member_required
def dashboard_view(request: HttpRequest) -> HttpResponse:
    """Figures for community, district and city managers."""
    context = {
        **admin.site.each_context(request),
        "title": _("Operations dashboard"),
        "panels": [(panel.title, panel.rows(request)) for panel in panels()],
    }
    return TemplateResponse(request, "admin/dashboard.html", context)
