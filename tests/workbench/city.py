"""A community as a staff member finds it on a Monday morning: hazards in every state,
photos, two workers and an uncovered grid, residents with points and a voucher."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from grids.models import Community, User
from inspections.models import Hazard
from inspections.services import (
    hazard_assign,
    hazard_report,
    hazard_start_rectification,
    hazard_submit_fix,
    photo_add,
)
from points.models import Voucher
from points.services import reward_redeem
from tests.factories import (
    BuildingFactory,
    CommunityFactory,
    DistrictFactory,
    GridFactory,
    UserFactory,
    make_staff,
    make_worker,
)
from tests.fieldapp.factories import ATTRIBUTES
from tests.inspections.factories import CategoryFactory, jpeg_bytes, upload
from tests.points.factories import RewardFactory, give_points

HERE = (32.06, 118.79)
DETAILS = {"floor": 3, "blocked": "fully", "items": ["bikes", "boxes"]}


@dataclass
class Desk:
    community: Community
    staff: User
    colleague: User
    worker: User
    awaiting: Hazard
    fresh: Hazard
    voucher: Voucher


def build_desk() -> Desk:
    district = DistrictFactory(name="玄武区")
    community = CommunityFactory(district=district, name="梅园新村社区", code="MY")
    grids = [GridFactory(community=community, name=f"第{n}网格") for n in (1, 2, 3)]
    for index, grid in enumerate(grids):
        BuildingFactory(
            community=community, grid=grid, name=f"{index + 1}号楼", residents=480 + 40 * index,
            lat=HERE[0] + 0.002 * index, lng=HERE[1],
        )  # fmt: skip
    worker = make_worker(grids[0], username="wangfang", display_name="王芳")
    make_worker(grids[1], username="zhangwei", display_name="张伟")
    staff = make_staff(community, username="staff", display_name="陈主任")
    colleague = make_staff(community, username="colleague", display_name="刘干事")
    exits = CategoryFactory(
        code="fire-exit", name_zh="消防通道堵塞", name_en="Blocked exit", attributes=ATTRIBUTES
    )
    bikes = CategoryFactory(code="e-bike", name_zh="电动车违规充电", name_en="E-bike charging")
    home = grids[0].buildings.first()
    residents = [
        UserFactory(display_name=name, phone=f"1380000{n:04d}", home_building=home)
        for n, name in enumerate(["李大爷", "赵阿姨", "孙先生", "周女士"])
    ]
    hazards = []
    now = timezone.now()
    for n in range(14):
        reporter = worker if n % 3 == 0 else residents[n % len(residents)]
        result = hazard_report(
            user=reporter,
            category_code=(exits if n % 2 else bikes).code,
            description=["三号楼楼道堆放纸箱，堵住安全出口", "地下车库有电动车在充电"][n % 2],
            lat=HERE[0] + 0.002 * (n % 3),
            lng=HERE[1] + 0.0001 * n,
            address=f"梅园新村{n % 3 + 1}号楼{n % 6 + 1}单元",
            attributes=DETAILS if n % 2 else {},
            client_uuid=None,
        )  # fmt: skip
        hazards.append(result.hazard)
        Hazard.objects.filter(pk=result.hazard.pk).update(
            created_at=now - timedelta(days=5 * n, hours=n), due_at=now + timedelta(days=3 - n)
        )
    awaiting = hazards[1]
    photo_add(user=residents[1], hazard_id=awaiting.pk, stage="report", upload=upload(jpeg_bytes()))
    _move(awaiting, staff, worker, fix=True)
    for hazard in hazards[2:7]:
        _move(hazard, staff, worker, fix=False)
    Hazard.objects.filter(pk=hazards[3].pk).update(escalation_level=2, escalated_at=now)
    reward = RewardFactory(name_zh="社区停车券（一次）", cost=50, communities=[community])
    give_points(residents[0], 120)
    voucher = reward_redeem(user=residents[0], reward=reward, idempotency_key="desk")
    return Desk(
        community=community, staff=staff, colleague=colleague, worker=worker,
        awaiting=Hazard.objects.get(pk=awaiting.pk), fresh=hazards[0], voucher=voucher,
    )  # fmt: skip


def _move(hazard: Hazard, staff: User, worker: User, *, fix: bool) -> None:
    with transaction.atomic():
        version = Hazard.objects.get(pk=hazard.pk).version
        hazard_assign(user=staff, hazard_id=hazard.pk, version=version, assignee_id=worker.pk)
    if not fix:
        return
    hazard_start_rectification(user=worker, hazard_id=hazard.pk, version=version + 1)
    photo_add(
        user=worker,
        hazard_id=hazard.pk,
        stage="rectified",
        upload=upload(jpeg_bytes(colour=(40, 160, 60))),
    )
    hazard_submit_fix(user=worker, hazard_id=hazard.pk, version=version + 2, note="纸箱已清走")
