"""The machinery of the role matrix: the routes of the URL conf, a row of the table, and
running one cell (one role against one route) to compare with what the table says.

A cell's expectation is written in the table as one of:

- a status code (``404``), checked exactly;
- ``"login"``: a redirect to the admin's sign-in page (302);
- ``"gone"``: the admin's answer to an object the user may not open: a redirect to the
  admin index (302) with "does not exist";
- ``"saved"``: an admin form accepted and saved: a redirect (302) that is neither to the
  sign-in page nor to the admin index;
- ``(200, "hazard_a hazard_a2")``: that status, and the rows listed are exactly the rows
  named (labels of ``World.rows``; an empty string for none; ``ALL`` for every row of the
  model, ``ALL_BUT_TIPS`` for every event but the tips programme's).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

from tests.security.world import World

SHORT = {
    "anon": "anonymous",
    "res": "resident",
    "res2": "other_resident",
    "wrk": "worker",
    "wrk2": "other_worker",
    "stf": "staff",
    "stf2": "other_staff",
    "tip": "tip_handler",
    "tip2": "other_tip_handler",
    "mgr": "district_manager",
    "adm": "administrator",
}

Expect = int | str | tuple[int, str] | None


def url_routes() -> Iterator[tuple[str, URLPattern]]:
    """Every route of the URL conf, admin site included, as (full pattern, pattern)."""

    def walk(patterns: list[Any], prefix: str) -> Iterator[tuple[str, URLPattern]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern), pattern

    yield from walk(get_resolver().url_patterns, "")


def route_key(full: str, pattern: URLPattern) -> str:
    """The route's name, or its pattern where it has none (admin's redirects)."""
    return pattern.name or full


@dataclass
class Row:
    """One route with one method: the URL to call and what each role gets."""

    route: str
    method: str
    url: str
    cells: dict[str, Expect]
    data: Any = None
    key: str = "id"  # the field of a listed row that names it
    attr: str = "pk"  # the attribute of World.rows[label] that the field holds
    content_type: str = "application/json"
    extra: dict[str, str] = field(default_factory=dict)
    of: str = ""  # the label prefix of the rows a list shows (to name them when recording)
    model: Any = None  # for "ALL": every row of this model
    watch: str = ""  # a row whose change (or deletion) the cell reports as "changed"

    @property
    def label(self) -> str:
        return f"{self.method} {self.route}"


def row(
    route: str,
    method: str,
    url: str,
    default: Expect,
    *,
    data: Any = None,
    key: str = "id",
    attr: str = "pk",
    content_type: str = "application/json",
    extra: dict[str, str] | None = None,
    of: str = "",
    model: Any = None,
    watch: str = "",
    **cells: Expect,
) -> Row:
    """A table row: ``default`` for every role not named, short role names for the rest."""
    unknown = set(cells) - set(SHORT)
    assert not unknown, f"{route}: unknown roles {unknown}"
    lists = [v for v in [default, *cells.values()] if isinstance(v, tuple)]
    assert of or not lists, f"{route}: rows are compared only on a list that names them (of=)"
    full = {SHORT[short]: cells.get(short, default) for short in SHORT}
    return Row(
        route=route, method=method, url=url, cells=full, data=data, key=key, attr=attr,
        content_type=content_type, extra=extra or {}, of=of, model=model, watch=watch,
    )  # fmt: skip


def rows_of(body: bytes, key: str) -> set[str]:
    """The names (``key`` values) of the rows a JSON list or an admin change list shows."""
    text = body.decode("utf-8", "replace")
    if text.lstrip().startswith(("{", "[")):
        payload = json.loads(text)
        items = payload.get("results", payload) if isinstance(payload, dict) else payload
        if isinstance(items, dict):  # a single object: no rows to compare
            return set()
        return {str(item[key]) for item in items}
    return set(re.findall(r'name="_selected_action" value="([^"]+)"', text)) or set(
        re.findall(r'href="/admin/[a-z_]+/[a-z_]+/([^/"]+)/change/', text)
    )


def observe(world: World, table_row: Row, role: str) -> tuple[int, str, set[str] | None]:
    """Call the route as ``role`` inside a savepoint that is rolled back afterwards."""
    client = world.clients[role]
    signed_in = copy.deepcopy(client.cookies)  # a logout cell must not sign the role out
    url = table_row.url.format_map(world.rows)
    cache.clear()  # rate limits count per test run, not across cells
    watched = world.rows[table_row.watch] if table_row.watch else None
    with transaction.atomic():
        before = _state(watched)
        call = getattr(client, table_row.method.lower())
        body = table_row.data(world) if callable(table_row.data) else table_row.data
        if isinstance(body, dict):
            body = {
                k: v.format_map(world.rows) if isinstance(v, str) else v for k, v in body.items()
            }
        kwargs: dict[str, Any] = dict(table_row.extra)
        if table_row.content_type == "multipart":
            pass  # the client encodes a dict (files included) as multipart/form-data
        elif table_row.method != "GET":
            kwargs["content_type"] = table_row.content_type
            if isinstance(body, dict) and table_row.content_type == "application/json":
                body = json.dumps(body)
            elif isinstance(body, dict):
                body = urlencode(body, doseq=True)
        response = call(
            url, body if body is not None else ({} if table_row.method == "GET" else None), **kwargs
        )
        changed = watched is not None and _state(watched) != before
        transaction.set_rollback(True)
    client.cookies = signed_in
    location = response.get("Location", "")
    content = b"" if getattr(response, "streaming", False) else response.content
    listed: set[str] | None = None
    if table_row.of and response.status_code == 200 and not getattr(response, "streaming", False):
        try:
            listed = rows_of(content, table_row.key)
        except (ValueError, KeyError, TypeError, AttributeError):
            listed = None
    if watched is not None and not (response.status_code == 302 and "/admin/login/" in location):
        return (999 if changed else 998), location, None
    return response.status_code, location, listed


def _state(obj: Any) -> Any:
    if obj is None:
        return None
    return type(obj).objects.filter(pk=obj.pk).values().first()


def named_rows(world: World, table_row: Row, labels: str) -> set[str]:
    if labels == "ALL":
        return {str(pk) for pk in table_row.model.objects.values_list("pk", flat=True)}
    if labels == "ALL_BUT_TIPS":  # the event log without the whistleblower programme's events
        rows = table_row.model.objects.exclude(type__startswith="tip.")
        return {str(pk) for pk in rows.values_list("pk", flat=True)}
    return {str(getattr(world.rows[label], table_row.attr)) for label in labels.split()}


def describe(world: World, table_row: Row, role: str) -> str:
    """What a cell answers now, in the table's notation (to write a new row)."""
    status, location, listed = observe(world, table_row, role)
    if status in (998, 999):
        return '"changed"' if status == 999 else '"same"'
    if status == 302 and "/admin/login/" in location:
        return '"login"'
    if status == 302 and location.rstrip("/").endswith("/admin"):
        return '"gone"'
    if status == 302 and table_row.method == "POST" and location.startswith("/admin/"):
        return '"saved"'
    if listed:
        if table_row.model is not None and listed == named_rows(world, table_row, "ALL"):
            return '(200, "ALL")'
        names = {
            str(getattr(v, table_row.attr, None)): k
            for k, v in world.rows.items()
            if k.startswith(table_row.of or "\0")
        }
        return f'(200, "{" ".join(sorted(names.get(i, "?" + i) for i in listed))}")'
    if listed == set() and status == 200:
        return '(200, "")'
    return str(status)


def mismatch(world: World, table_row: Row, role: str) -> str | None:
    """None when the cell holds, else what differs."""
    expected = table_row.cells[role]
    status, location, listed = observe(world, table_row, role)
    if expected in ("changed", "same"):
        ok = status == (999 if expected == "changed" else 998)
        if not ok:
            return f"{role}: expected {expected!r}, got {'changed' if status == 999 else status}"
    elif expected == "login":
        ok = status == 302 and "/admin/login/" in location
    elif expected == "gone":
        ok = status == 302 and location.rstrip("/").endswith("/admin") and "login" not in location
    elif expected == "saved":
        ok = (
            status == 302
            and location.startswith("/admin/")
            and "/admin/login/" not in location
            and not location.rstrip("/").endswith("/admin")
        )
    elif isinstance(expected, tuple):
        want_status, labels = expected
        want = named_rows(world, table_row, labels) if labels else set()
        ok = status == want_status and listed == want
        if not ok:
            got = sorted(listed or [])
            return f"{role}: expected {want_status} rows {sorted(want)}, got {status} rows {got}"
    else:
        ok = status == expected
    if ok:
        return None
    return f"{role}: expected {expected!r}, got {status} {location}".rstrip()


class _FormFields(HTMLParser):
    """What a browser would submit from an admin page's form (``form_id``): every named
    input, checked box, selected option and text area; file inputs stay empty."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("id") == self.form_id
            return
        name = a.get("name")
        if not self.inside or not name and tag != "option":
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("file", "submit", "button", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((name or "", a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select is not None and "selected" in a:
            self.fields.append((self._select, a.get("value", "")))
        elif tag == "textarea":
            self._textarea, self._text = name, []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, "".join(self._text).lstrip("\n")))
            self._textarea = None


def admin_form_data(world: World, url: str, form_id: str) -> dict[str, list[str]]:
    """The fields of the form at ``url`` as the administrator's browser would send them
    back unchanged (the probe every role then submits to an add or change route)."""
    response = world.clients["administrator"].get(url)
    parser = _FormFields(form_id)
    parser.feed(response.content.decode("utf-8", "replace"))
    data: dict[str, list[str]] = {}
    for name, value in parser.fields:
        data.setdefault(name, []).append(value)
    data.setdefault("_save", ["Save"])
    return data
