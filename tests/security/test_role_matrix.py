"""The role matrix: every route of the URL conf against every role, as the table says.

The tables live in ``table_api.py`` (REST, Open311, pages) and ``table_admin.py`` (the
admin site); ``matrix.py`` runs a cell. A route the URL conf has and the tables lack
fails ``test_every_route_is_in_the_table``: a new route needs its row.
"""

from __future__ import annotations

import os

import pytest
from django.contrib import admin

from tests.security.matrix import Row, describe, mismatch, route_key, url_routes
from tests.security.table_admin import TABLE as ADMIN_TABLE
from tests.security.table_api import TABLE as API_TABLE
from tests.security.world import ROLES, World

TABLE: list[Row] = [*API_TABLE, *ADMIN_TABLE]


@pytest.mark.parametrize("table_row", TABLE, ids=lambda r: r.label)
def test_cell(world: World, db: None, table_row: Row) -> None:
    if record := os.environ.get("MATRIX_RECORD"):  # a file to write what every cell answers
        cells = " ".join(f"{role}={describe(world, table_row, role)}" for role in ROLES)
        with open(record, "a", encoding="utf-8") as out:
            out.write(f"{table_row.label} | {table_row.url} :: {cells}\n")
        return
    wrong = [m for role in ROLES if (m := mismatch(world, table_row, role))]

    assert not wrong, f"{table_row.label} {table_row.url}:\n  " + "\n  ".join(wrong)


def test_every_cell_states_an_outcome() -> None:
    """No cell is left at a placeholder: each says a status, a redirect or the rows."""
    vague = [f"{r.label} {role}" for r in TABLE for role, v in r.cells.items() if not v]

    assert vague == []


def test_every_route_is_in_the_table() -> None:
    """A route of the URL conf (admin site included) without a row fails here: add it."""
    in_table = {table_row.route for table_row in TABLE}

    missing = sorted({route_key(full, pattern) for full, pattern in url_routes()} - in_table)

    assert missing == []


def test_every_method_of_every_api_view_is_in_the_table() -> None:
    """Each HTTP method a REST or Open311 view answers has its row."""
    in_table = {(table_row.route, table_row.method) for table_row in TABLE}
    missing = []
    for full, pattern in url_routes():
        view = getattr(pattern.callback, "view_class", None) or getattr(
            pattern.callback, "cls", None
        )
        if view is None or full.startswith("admin/") and not full.startswith("admin/dashboard"):
            continue
        for method in ("get", "post", "put", "patch", "delete"):
            if hasattr(view, method) and (route_key(full, pattern), method.upper()) not in in_table:
                missing.append(f"{method.upper()} {route_key(full, pattern)}")

    assert missing == []


def test_every_admin_action_is_in_the_table() -> None:
    """An action a ModelAdmin offers (Django's delete included) without a row fails here."""
    in_table = {table_row.route for table_row in TABLE if table_row.route.startswith("action:")}
    offered = set()
    for model, model_admin in admin.site._registry.items():
        names = [a if isinstance(a, str) else a.__name__ for a in model_admin.actions or []]
        for name in ["delete_selected", *names]:
            offered.add(f"action:{model._meta.label_lower}:{name}")

    assert sorted(offered - in_table) == []
