"""The demo city's places and people: districts, communities, buildings, grids, users.

Deterministic for a given seed and size: the same command gives the same city, so bug
reports against the demo can be reproduced.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from django.db import transaction
from django.utils import timezone

from config.demo import DemoContext
from grids.models import Building, Community, District, Grid, GridAssignment, Role, RoleGrant, User
from grids.services import communities_partition_apply

CITY_CENTRE = (32.06, 118.79)  # Nanjing
CITY_SPAN_KM = 60.0
RESIDENTS_PER_COMMUNITY = 5000
BATCH = 5000
DEMO_DEFAULT_RESIDENTS = 20_000

DISTRICT_NAMES = [
    "玄武区", "秦淮区", "建邺区", "鼓楼区", "浦口区", "栖霞区",
    "雨花台区", "江宁区", "六合区", "溧水区", "高淳区",
]  # fmt: skip
NAME_HEADS = [
    "梅园", "翠屏", "龙江", "清凉", "莫愁", "兰园", "虹桥", "锁金", "玄武", "后宰",
    "月牙", "夫子", "双塘", "南湖", "凤凰", "江东", "沙洲", "幕府", "燕子", "仙林",
    "迈皋", "尧化", "马群", "孝陵", "紫金", "雨花", "铁心", "宁南", "东山", "秣陵",
]  # fmt: skip
NAME_TAILS = ["新村", "花园", "北苑", "南苑", "西路", "东里", "小区", "家园", "山庄", "佳园"]
ROADS = ["中山路", "北京东路", "汉中路", "广州路", "江东中路", "龙蟠路", "应天大街", "中央路"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"


@dataclass(frozen=True)
class CityShape:
    districts: int
    communities: int


def city_shape(residents: int) -> CityShape:
    communities = max(2, round(residents / RESIDENTS_PER_COMMUNITY))
    districts = min(len(DISTRICT_NAMES), max(1, math.ceil(communities / 450)))
    return CityShape(districts=districts, communities=communities)


def community_name(index: int) -> str:
    head = NAME_HEADS[index % len(NAME_HEADS)]
    tail = NAME_TAILS[(index // len(NAME_HEADS)) % len(NAME_TAILS)]
    cycle = index // (len(NAME_HEADS) * len(NAME_TAILS))
    return f"{head}{tail}{'' if cycle == 0 else cycle + 1}社区"


def person_name(rng: np.random.Generator) -> str:
    surname = SURNAMES[int(rng.integers(len(SURNAMES)))]
    given = "".join(GIVEN[int(i)] for i in rng.integers(len(GIVEN), size=int(rng.integers(1, 3))))
    return surname + given


def building_sizes(rng: np.random.Generator, residents: int) -> np.ndarray:
    """Realistic counts: mostly low-rises, some mid-rises, a few high-rise entrances."""
    sizes: list[np.ndarray] = []
    total = 0
    while total < residents:
        kind = rng.random(256)
        chunk = np.where(
            kind < 0.75,
            rng.integers(6, 49, 256),
            np.where(kind < 0.97, rng.integers(48, 151, 256), rng.integers(150, 401, 256)),
        )
        sizes.append(chunk)
        total += int(chunk.sum())
    flat = np.concatenate(sizes)
    cut = int(np.searchsorted(np.cumsum(flat), residents)) + 1
    return flat[:cut]


def community_centres(count: int, rng: np.random.Generator) -> tuple[np.ndarray, float]:
    """Jittered lattice over the city; returns centres (km offsets) and the half-size."""
    side = math.ceil(math.sqrt(count))
    spacing = CITY_SPAN_KM / side
    index = np.arange(count)
    xy = np.stack([index % side, index // side], axis=1).astype(float) * spacing
    xy += rng.uniform(-0.1, 0.1, size=xy.shape) * spacing - CITY_SPAN_KM / 2
    return xy, min(0.4 * spacing, 0.8)


def km_to_latlng(xy_km: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lat0, lng0 = CITY_CENTRE
    lat = lat0 + xy_km[:, 1] / 111.32
    lng = lng0 + xy_km[:, 0] / (111.32 * math.cos(math.radians(lat0)))
    return lat, lng


def build_geography(ctx: DemoContext) -> None:
    """Districts, communities and buildings, partitioned into grids by the partition service."""
    rng = np.random.default_rng(ctx.seed)
    shape = city_shape(ctx.residents)
    districts = District.objects.bulk_create(
        District(code=f"D{i + 1:02d}", name=DISTRICT_NAMES[i]) for i in range(shape.districts)
    )
    centres, half_km = community_centres(shape.communities, rng)
    per_community = ctx.residents // shape.communities
    communities: list[Community] = []
    for index in ctx.progress(range(shape.communities), desc="communities", unit="community"):
        district = districts[index * shape.districts // shape.communities]
        community = Community.objects.create(
            district=district, code=f"C{index + 1:05d}", name=community_name(index)
        )
        communities.append(community)
        _build_community(ctx, rng, community, centres[index], half_km, per_community)
    # The demo's grids come from the same service staff use, so they look as real ones do.
    communities_partition_apply(communities=communities)
    ctx.created["districts"] = districts
    ctx.created["communities"] = communities


def _build_community(
    ctx: DemoContext,
    rng: np.random.Generator,
    community: Community,
    centre_km: np.ndarray,
    half_km: float,
    residents: int,
) -> None:
    sizes = building_sizes(rng, residents)
    xy = centre_km + rng.uniform(-half_km, half_km, size=(len(sizes), 2))
    lat, lng = km_to_latlng(xy)
    road = ROADS[community.pk % len(ROADS)]
    Building.objects.bulk_create(
        (
            Building(
                community=community,
                name=f"{i + 1}号楼",
                address=f"{community.district.name}{road}{community.pk * 10 + i + 1}号",
                lat=round(float(lat[i]), 6),
                lng=round(float(lng[i]), 6),
                residents=int(sizes[i]),
            )
            for i in range(len(sizes))
        ),
        batch_size=BATCH,
    )


def build_people(ctx: DemoContext) -> None:
    """A worker for every grid, staff for every community, handlers, residents, an admin."""
    rng = np.random.default_rng(ctx.seed + 1)
    now = timezone.now()
    grids = list(Grid.objects.order_by("pk"))
    communities: list[Community] = ctx.created["communities"]
    workers = _bulk_users(ctx, rng, "worker", len(grids))
    _place_workers(rng, workers, grids)
    # Most grids are covered; one in twenty waits for a worker, and the spare workers at
    # the end of the list are who `assign_workers` (or the staff API) can send there.
    covered = [i for i in range(len(grids)) if i % 20 != 7]
    GridAssignment.objects.bulk_create(
        (
            GridAssignment(grid=grids[i], worker=workers[j], started_at=now)
            for j, i in enumerate(covered)
        ),
        batch_size=BATCH,
    )
    _grant(workers, Role.GRID_WORKER, [None] * len(workers))
    staff = _bulk_users(ctx, rng, "staff", len(communities), is_staff=True)
    _grant(staff, Role.COMMUNITY_STAFF, communities)
    handlers = _bulk_users(ctx, rng, "handler", max(1, len(communities) // 50), is_staff=True)
    _grant(handlers, Role.TIP_HANDLER, [None] * len(handlers))
    ctx.created["residents"] = _residents(ctx, rng)
    ctx.created["workers"], ctx.created["staff"] = workers, staff
    ctx.created["handlers"] = handlers
    ctx.created["admin"] = _admin(ctx, now)


def _place_workers(rng: np.random.Generator, workers: list[User], grids: list[Grid]) -> None:
    """Each worker's base (home or station) is near a grid: the one they will cover."""
    covered = [i for i in range(len(grids)) if i % 20 != 7]
    spare = [i for i in range(len(grids)) if i % 20 == 7]
    for worker, index in zip(workers, covered + spare, strict=True):
        grid = grids[index]
        worker.base_lat = round(float(grid.centroid_lat or 0) + rng.normal(0, 0.002), 6)
        worker.base_lng = round(float(grid.centroid_lng or 0) + rng.normal(0, 0.002), 6)
    User.objects.bulk_update(workers, ["base_lat", "base_lng"], batch_size=BATCH)


def _bulk_users(
    ctx: DemoContext, rng: np.random.Generator, prefix: str, count: int, *, is_staff: bool = False
) -> list[User]:
    width = max(4, len(str(count)))
    users = (
        User(
            username=f"{prefix}{i + 1:0{width}d}",
            display_name=person_name(rng),
            password=ctx.password_hash,
            is_staff=is_staff,
        )
        for i in range(count)
    )
    User.objects.bulk_create(users, batch_size=BATCH)
    return list(User.objects.filter(username__startswith=prefix).order_by("pk"))


def _grant(users: list[User], role: Role, communities: Sequence[Community | None]) -> None:
    RoleGrant.objects.bulk_create(
        (
            RoleGrant(user=u, role=role, community=c)
            for u, c in zip(users, communities, strict=True)
        ),
        batch_size=BATCH,
    )


def _residents(ctx: DemoContext, rng: np.random.Generator) -> list[User]:
    """Sign-in accounts for a sample of residents (one per 500 people, at least 5)."""
    count = max(5, ctx.residents // 500)
    buildings = list(Building.objects.order_by("pk").values_list("pk", flat=True)[: count * 7])
    residents = _bulk_users(ctx, rng, "resident", count)
    for index, user in enumerate(residents):
        user.home_building_id = buildings[(index * 7) % len(buildings)]
    User.objects.bulk_update(residents, ["home_building"], batch_size=BATCH)
    return residents


def _admin(ctx: DemoContext, now: datetime) -> User:
    admin = User.objects.create(
        username="admin",
        display_name="系统管理员",
        password=ctx.password_hash,
        is_staff=True,
        is_superuser=True,
        date_joined=now,
    )
    RoleGrant.objects.create(user=admin, role=Role.ADMINISTRATOR)
    return admin


def build_city(ctx: DemoContext) -> None:
    with transaction.atomic():
        build_geography(ctx)
        build_people(ctx)
