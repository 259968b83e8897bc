"""Pieces the hazard and patrol admin screens share."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html


def thumbnail_tag(photo_id: int | None, *, height: int = 80) -> str:
    """The permission-checked thumbnail of a photo (the same URL the API gives)."""
    if photo_id is None:
        return "—"
    url = reverse("hazard-photo-file", kwargs={"pk": photo_id, "size": "thumbnail"})
    return format_html(
        '<img src="{}" style="max-height:{}px;max-width:{}px" alt="" loading="lazy">',
        url,
        height,
        height * 3 // 2,
    )


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
