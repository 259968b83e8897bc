"""Links that one program adds to another's page of the staff workbench.

A page (``"inspections.hazard"``) asks ``page_links(page, user, obj)`` for what other
programs offer there; a program registers, in its ``AppConfig.ready``, a ``PageLink``
with its label, the URL for the object and who may follow it. So the hazard page can
offer "Dispatch volunteers" without inspections knowing that dispatch exists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class PageLink:
    key: str
    label: str | Promise
    url: Callable[[Any], str]
    allowed: Callable[[Any, Any], bool]


_links: dict[str, dict[str, PageLink]] = {}


def register_page_link(page: str, link: PageLink) -> None:
    _links.setdefault(page, {})[link.key] = link


def page_links(page: str, user: Any, obj: Any) -> list[tuple[str, str]]:
    """(label, url) of the links registered for ``page`` that ``user`` may follow."""
    return [
        (str(link.label), link.url(obj))
        for link in _links.get(page, {}).values()
        if link.allowed(user, obj)
    ]
