"""Benchmark the hazard list API against a hand-written raw Django view.

    python bench/hazard_list.py [--hazards 100000] [--requests 300]
    DATABASE_URL=postgres://user@host/safegrid_bench python bench/hazard_list.py --hazards 1000000

Builds ``--hazards`` hazards (numpy, seeded) over a small city in a throwaway database
(SQLite file by default; PostgreSQL when ``DATABASE_URL`` is set: the database name must
contain "bench" or "test", and it is created and dropped here). A community staff member
who runs half of the communities then asks, in turn, four filtered first pages of 50
(no filter; two statuses; one community and overdue; one category and colour):

- ``api``: ``GET /api/v1/hazards/`` (the real view: scoping selector, FilterSet, cursor
  pagination, serializer with category, grid, district, assignee and thumbnail URL);
- ``raw``: a plain Django view with the same scope and filters written by hand, one
  ``.values()`` query and ``JsonResponse`` of the same rows.

Both go through the same middleware and session sign-in (``django.test.Client``), in
the same process, alternating request by request. Each variant's rows are checked to be
the same ids in the same order. Reported: requests per second, p50/p95 per view, ratio.

The last line printed is one JSON object (CONTRACT.md, "Benchmarks").
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import types
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere

from bench.common import throwaway_database

PAGE = 50
BATCH = 5000
# The plan's time on a busy machine is mostly waiting for a core: the fastest of a few
# runs of the same plan is its cost.
EXPLAIN_RUNS = 3


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hazards", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300, help="requests per view")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not (1_000 <= args.hazards <= 5_000_000 and 20 <= args.requests <= 100_000):
        parser.error("--hazards must be 1000..5000000 and --requests 20..100000")
    return args


def django_setup() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["SAFEGRID_TESTING"] = "1"
    # Connections as production has them (settings: psycopg's pool on PostgreSQL unless
    # DATABASE_POOL=0), not a new connection per request.
    os.environ.pop("DATABASE_POOL", None)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def build(hazards: int, seed: int) -> dict[str, Any]:
    """A city of a few communities, and ``hazards`` hazards spread over them."""
    from django.db import connection, transaction
    from django.utils import timezone

    from grids.models import Building, Community, District, Grid, Role, RoleGrant, User
    from inspections.models import Category, Hazard, HazardStatus

    rng = np.random.default_rng(seed)
    now = timezone.now()
    with transaction.atomic():
        district = District.objects.create(code="D01", name="玄武区")
        communities = [
            Community.objects.create(district=district, code=f"C{i:03d}", name=f"第{i}社区")
            for i in range(max(4, hazards // 50_000))
        ]
        grids = Grid.objects.bulk_create(
            Grid(community=c, code=f"{c.code}-G{j}", name=f"第{j}网格")
            for c in communities
            for j in range(5)
        )
        for grid in grids:
            Building.objects.create(
                community_id=grid.community_id, grid=grid, name="1号楼", lat=32.06, lng=118.79,
                residents=300,
            )  # fmt: skip
        workers = User.objects.bulk_create(
            User(username=f"worker{i}", display_name=f"网格员{i}") for i in range(len(grids))
        )
        staff = User.objects.create(username="staff", display_name="社区工作人员", is_staff=True)
        RoleGrant.objects.bulk_create(
            RoleGrant(user=staff, role=Role.COMMUNITY_STAFF, community=c)
            for c in communities[: len(communities) // 2]
        )
        categories = Category.objects.bulk_create(
            Category(code=code, name_zh=code, name_en=code, default_risk_colour="orange")
            for code in ["fire-exit", "gas-leak", "wiring", "extinguisher", "e-bike", "other"]
        )
    photo = _first_hazard_and_photo(categories[0], grids[0], now)
    statuses = HazardStatus.values
    colours = ["red", "orange", "yellow", "blue"]
    grid_ids = np.array([g.pk for g in grids])
    community_of = {g.pk: g.community_id for g in grids}
    worker_of = {g.pk: w.pk for g, w in zip(grids, workers, strict=True)}
    columns = [
        "number", "category_id", "description", "lat", "lng", "address", "community_id",
        "grid_id", "is_major", "risk_colour", "source", "status", "reject_reason",
        "assignee_id", "created_at", "updated_at", "due_at", "cover_photo_id", "fingerprint",
        "escalation_level", "me_too_count", "version", "attribute_values",
    ]  # fmt: skip
    sql = (
        f"INSERT INTO {Hazard._meta.db_table} ({', '.join(columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    # Rows go in by executemany: building a million model objects would take most of the
    # run, and what is measured is reading them.
    for start in range(1, hazards, BATCH):
        size = min(BATCH, hazards - start)
        grid_pick = grid_ids[rng.integers(len(grid_ids), size=size)]
        age_h = rng.uniform(0, 24 * 365, size=size)
        status_pick = rng.integers(len(statuses), size=size)
        rows = []
        for k in range(size):
            index = start + k
            created = now - timedelta(hours=float(age_h[k]))
            status = statuses[int(status_pick[k])]
            status = "reported" if status == "duplicate" else status
            grid_id = int(grid_pick[k])
            rows.append((
                f"H-2026-{index + 1:07d}", categories[index % len(categories)].pk, "楼道堆放杂物",
                32.06, 118.79, "玄武区中山路1号", community_of[grid_id], grid_id,
                index % 10 == 0, colours[(index // 7) % 4], "patrol", status,
                "x" if status == "rejected" else "",
                worker_of[grid_id] if status != "reported" else None,
                created, created, created + timedelta(hours=72),
                photo.pk if index % 3 == 0 else None, "bench", 0, 0, 1, "{}",
            ))  # fmt: skip
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, rows)
        print(f"\r  {start + size:>9,} hazards", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"staff": staff, "community": communities[0], "category": categories[0]}


def _first_hazard_and_photo(category: Any, grid: Any, now: Any) -> Any:
    """One hazard with one photo, which a third of the others use as their cover."""
    from inspections.models import Hazard, Photo

    hazard = Hazard.objects.create(
        number="H-2026-0000001", category=category, description="楼道堆放杂物", lat=32.06,
        lng=118.79, community_id=grid.community_id, grid=grid, risk_colour="orange",
        source="patrol", created_at=now, due_at=now, fingerprint="bench",
    )  # fmt: skip
    photo = Photo.objects.create(
        hazard=hazard, stage="report", content_hash="0" * 64, display="bench.jpg",
        thumbnail="bench-thumb.jpg", width=1, height=1,
    )  # fmt: skip
    Hazard.objects.filter(pk=hazard.pk).update(cover_photo=photo)
    return photo


def raw_view(request: Any) -> Any:
    """The hand-written baseline: same scope, same filters, same rows, no framework."""
    from django.db.models import Q, Subquery
    from django.http import JsonResponse
    from django.utils import timezone

    from grids.models import Role, RoleGrant
    from inspections.models import OPEN_STATUSES, Category, Hazard

    if not request.user.is_authenticated:
        return JsonResponse({"detail": "sign in"}, status=401)
    communities = list(
        RoleGrant.objects.filter(user=request.user, role=Role.COMMUNITY_STAFF).values_list(
            "community_id", flat=True
        )
    )
    # The same scope as the API's (own reports and assignments too), so the same rows.
    user = request.user
    rows = Hazard.objects.filter(
        Q(reporter=user) | Q(assignee=user) | Q(community_id__in=communities)
    )
    query = request.GET
    if query.getlist("status"):
        rows = rows.filter(status__in=query.getlist("status"))
    if query.get("community"):
        rows = rows.filter(community_id=int(query["community"]))
    if query.get("overdue") == "true":
        rows = rows.filter(status__in=OPEN_STATUSES, due_at__lt=timezone.now())
    if query.get("category"):  # the code resolved to an id in the same statement
        code = Category.objects.filter(code=query["category"]).values("pk")[:1]
        rows = rows.filter(category_id=Subquery(code))
    if query.get("risk_colour"):
        rows = rows.filter(risk_colour=query["risk_colour"])
    fields = (
        "id", "number", "status", "category__code", "category__name_zh", "category__name_en",
        "lat", "lng", "address", "grid_id", "grid__code", "grid__name", "community_id",
        "community__code", "community__name", "community__district_id",
        "community__district__code", "community__district__name", "risk_colour", "is_major",
        "source", "reporter_id", "assignee_id", "assignee__display_name", "due_at",
        "escalation_level", "me_too_count", "version", "created_at", "cover_photo_id",
    )  # fmt: skip
    page = list(rows.order_by("-created_at", "-id").values(*fields)[: PAGE + 1])
    now = timezone.now()
    results = []
    for row in page[:PAGE]:
        photo = row["cover_photo_id"]
        row["thumbnail_url"] = f"/api/v1/photos/{photo}/thumbnail/" if photo else None
        row["is_overdue"] = row["status"] in OPEN_STATUSES and row["due_at"] < now
        results.append(row)
    return JsonResponse({"next": None if len(page) <= PAGE else "more", "results": results})


def install_urls() -> None:
    from django.conf import settings
    from django.urls import clear_url_caches, include, path

    module = types.ModuleType("bench_hazard_urls")
    module.urlpatterns = [  # type: ignore[attr-defined]
        path("raw/hazards/", raw_view),
        path("", include("config.urls")),
    ]
    sys.modules[module.__name__] = module
    settings.ROOT_URLCONF = module.__name__
    clear_url_caches()


def explain_variants(client: Any, variants: list[str]) -> dict[str, float]:
    """``EXPLAIN ANALYZE`` of the API's page query for each filter combination, printed;
    the execution time of each (ms). PostgreSQL only (an empty dict on SQLite)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        return {}
    plans = {}
    for query in variants:
        with CaptureQueriesContext(connection) as captured:
            client.get(f"/api/v1/hazards/?{query}")
        page_query = 'FROM "inspections_hazard"'
        (sql,) = [q["sql"] for q in captured.captured_queries
                  if page_query in q["sql"] and "LIMIT" in q["sql"]]  # fmt: skip
        client.get(f"/api/v1/hazards/?{query}")  # warm, as the timed requests are
        runs = [_explain(connection, sql) for _ in range(EXPLAIN_RUNS)]
        lines, best = min(runs, key=lambda run: run[1])
        each = ", ".join(f"{ms:.2f}" for _lines, ms in runs)
        title = f"filter: {query or '(none)'} (fastest of {EXPLAIN_RUNS}; all: {each} ms)"
        print(f"-- EXPLAIN ANALYZE, {title}\n" + "\n".join(lines))
        plans[query] = round(best, 3)
    return plans


def _explain(connection: Any, sql: str) -> tuple[list[str], float]:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        lines = [row[0] for row in cursor.fetchall()]
    (timing,) = [line for line in lines if line.startswith("Execution Time")]
    return lines, float(timing.split()[2])


def measure(args: argparse.Namespace, vendor: str) -> dict[str, Any]:
    from django.conf import settings
    from django.test import Client

    started = time.perf_counter()
    made = build(args.hazards, args.seed)
    build_s = time.perf_counter() - started
    install_urls()
    client = Client(SERVER_NAME="localhost")
    client.force_login(made["staff"])
    variants = [
        "",
        "status=reported&status=assigned",
        f"community={made['community'].pk}&overdue=true",
        f"category={made['category'].code}&risk_colour=orange",
    ]
    for query in variants:  # same rows, same order
        api = client.get(f"/api/v1/hazards/?{query}")
        raw = client.get(f"/raw/hazards/?{query}")
        assert api.status_code == raw.status_code == 200, (api.content[:300], query)
        api_ids = [row["id"] for row in api.json()["results"]]
        assert api_ids == [row["id"] for row in raw.json()["results"]], query
        assert len(api_ids) == PAGE, (query, len(api_ids))
    plans = explain_variants(client, variants)
    latencies: dict[str, list[float]] = {"api": [], "raw": []}
    for index in range(args.requests):
        query = variants[index % len(variants)]
        for name, prefix in (("api", "/api/v1/hazards/"), ("raw", "/raw/hazards/")):
            t0 = time.perf_counter()
            response = client.get(f"{prefix}?{query}")
            latencies[name].append(time.perf_counter() - t0)
            assert response.status_code == 200
    figures: dict[str, Any] = {"hazards": args.hazards, "database": vendor, "page": PAGE}
    for name, key in (("api", ""), ("raw", "raw_")):
        values = sorted(latencies[name])
        figures[f"{key}rps"] = round(len(values) / sum(values), 1)
        figures[f"{key}p50_ms"] = round(statistics.median(values) * 1000, 2)
        figures[f"{key}p95_ms"] = round(values[int(0.95 * (len(values) - 1))] * 1000, 2)
    figures["ratio"] = round(figures["rps"] / figures["raw_rps"], 3)
    figures["explain_ms"] = {query or "(none)": ms for query, ms in plans.items()}
    figures["explain_max_ms"] = max(plans.values())
    figures["target_explain_ms_at_most"] = 2.0
    figures["database_pool"] = bool(settings.DATABASES["default"].get("OPTIONS", {}).get("pool"))
    figures["requests_per_view"] = args.requests
    figures["build_s"] = round(build_s, 1)
    figures["target_ratio_at_least"] = 0.8
    return figures


def main() -> None:
    args = parse_args()
    with throwaway_database("hazard_list.py") as vendor:
        django_setup()
        figures = measure(args, vendor)
    print(f"{'view':<6}{'req/s':>10}{'p50 ms':>10}{'p95 ms':>10}")
    print(f"{'api':<6}{figures['rps']:>10}{figures['p50_ms']:>10}{figures['p95_ms']:>10}")
    print(
        f"{'raw':<6}{figures['raw_rps']:>10}{figures['raw_p50_ms']:>10}{figures['raw_p95_ms']:>10}"
    )
    print(f"{figures['hazards']:,} hazards on {figures['database']}; ratio {figures['ratio']}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
