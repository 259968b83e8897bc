"""The role matrix's city: the two-district city of the tips tests (tests/tips/conftest.py)
with one row of every kind on each side, so that every route has something to show, to
hide and to refuse.

Side A is district A / community A (grids A1 and A2); side B is district B / community B.
Every role of the matrix is a person here; ``World.rows`` names every row by a label
(``hazard_a``, ``voucher_b``, ...) so the matrix can say which rows a role must see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, cast

from django.contrib.auth.models import Group
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from knox.models import AuthToken

from config.realtime.models import Event
from dispatch.models import Offer
from dispatch.services import dispatch_open
from grids.models import Building, Community, Enterprise, Grid, GridAssignment, User
from inspections.models import BUILDING_SITE_KIND, Category, ChecklistTemplate, Hazard
from inspections.open311.models import ApiKey, Open311Submission
from inspections.services import hazard_report, inspection_record, photo_add
from inspections.tips.models import TipAttachment, TipFigure
from inspections.tips.services import tip_submit
from points.models import Account, EarningRule, LedgerEntry, PendingAward
from points.services import reward_redeem
from tests.factories import BuildingFactory, GridFactory, UserFactory, make_staff, make_worker
from tests.inspections.factories import (
    ChecklistItemFactory,
    ChecklistTemplateFactory,
    jpeg_bytes,
    upload,
)
from tests.points.factories import EarningRuleFactory, RewardFactory, give_points
from tests.tips.conftest import build_tip_city
from tests.volunteers.factories import (
    ActivityFactory,
    CourseFactory,
    SessionFactory,
    SkillFactory,
)
from volunteers.models import (
    Enrolment,
    Signup,
    Skill,
    Team,
    VolunteerProfile,
)
from volunteers.services import certificate_add

ROLES = (
    "anonymous",
    "resident",
    "other_resident",
    "worker",
    "other_worker",
    "staff",
    "other_staff",
    "tip_handler",
    "other_tip_handler",
    "district_manager",
    "administrator",
)


@dataclass
class World:
    people: dict[str, User | None]
    rows: dict[str, Any] = field(default_factory=dict)
    clients: dict[str, Any] = field(default_factory=dict)

    def pk(self, label: str) -> int:
        return self.rows[label].pk


def build_world() -> World:
    city = build_tip_city()
    community_a: Community = city.community
    grid_a1: Grid = community_a.grids.get()
    building_a1: Building = grid_a1.buildings.get()
    grid_a2 = GridFactory(community=community_a)
    building_a2 = BuildingFactory(
        community=community_a, grid=grid_a2, lat=building_a1.lat + 0.002, lng=building_a1.lng
    )
    enterprise_b: Enterprise = city.other_enterprise
    community_b: Community = enterprise_b.community
    grid_b = Grid.objects.get(pk=enterprise_b.grid_id)
    building_b: Building = grid_b.buildings.get()

    resident = cast(User, UserFactory(home_building=building_a1, phone="13800000001"))
    other_resident = cast(User, UserFactory(home_building=building_b, phone="13800000002"))
    other_worker = make_worker(grid_a2)
    other_staff = make_staff(community_b)
    people: dict[str, User | None] = {
        "anonymous": None,
        "resident": resident,
        "other_resident": other_resident,
        "worker": city.worker,
        "other_worker": other_worker,
        "staff": city.staff,
        "other_staff": other_staff,
        "tip_handler": city.handler,
        "other_tip_handler": city.other_handler,
        "district_manager": city.manager,
        "administrator": city.admin,
    }
    world = World(people=people)
    rows = world.rows
    rows.update({f"user_{role}": user for role, user in people.items() if user is not None})
    rows.update(user_second_handler=city.second_handler, user_city_handler=city.city_handler)
    # A district manager works in the admin's dashboard, so signs in to the admin.
    User.objects.filter(pk=city.manager.pk).update(is_staff=True)
    city.manager.is_staff = True
    for label, worker in (("gridassignment_a1", city.worker), ("gridassignment_a2", other_worker)):
        rows[label] = GridAssignment.objects.get(worker=worker)
    rows.update(
        community_a=community_a, community_b=community_b, grid_a1=grid_a1, grid_a2=grid_a2,
        grid_b=grid_b, building_a1=building_a1, building_a2=building_a2, building_b=building_b,
        enterprise_a=city.enterprise, enterprise_b=enterprise_b, district_a=city.district,
        district_b=city.other_district, category=city.category,
    )  # fmt: skip
    _hazards(world, city.category)
    _tips(world, city.category)
    _points(world)
    _volunteers(world)
    _platform(world)
    return world


def _hazards(world: World, category: Category) -> None:
    rows, people = world.rows, world.people

    def report(user: User | None, building: Building, text: str) -> Hazard:
        return hazard_report(
            user=user, category_code=category.code, description=text,
            lat=building.lat, lng=building.lng, client_uuid=None,
        ).hazard  # fmt: skip

    rows["hazard_a"] = report(people["resident"], rows["building_a1"], "A1 楼道堆物")
    rows["hazard_a2"] = report(people["other_worker"], rows["building_a2"], "A2 电动车充电")
    rows["hazard_b"] = report(people["other_resident"], rows["building_b"], "B 消防通道")
    rows["photo_a"] = photo_add(
        user=people["resident"], hazard_id=rows["hazard_a"].pk, stage="report",
        upload=upload(jpeg_bytes()),
    )  # fmt: skip
    rows["photo_b"] = photo_add(
        user=people["other_resident"], hazard_id=rows["hazard_b"].pk, stage="report",
        upload=upload(jpeg_bytes()),
    )  # fmt: skip
    template = ChecklistTemplate.objects.filter(site_kind=BUILDING_SITE_KIND).first()
    if template is None:
        template = cast(
            ChecklistTemplate,
            ChecklistTemplateFactory(site_kind=BUILDING_SITE_KIND, name="楼栋消防检查"),
        )
        ChecklistItemFactory(template=template, code="exits", text="安全出口畅通")
    rows["checklist"] = template
    rows["checklist_item"] = template.items.first()
    item_code = rows["checklist_item"].code
    now = timezone.now()
    for label, worker, building in (
        ("inspection_a", people["worker"], rows["building_a1"]),
        ("inspection_a2", people["other_worker"], rows["building_a2"]),
    ):
        rows[label], _ = inspection_record(
            user=worker, started_at=now - timedelta(minutes=20), finished_at=now,
            start_lat=building.lat, start_lng=building.lng, finish_lat=building.lat,
            finish_lng=building.lng, building_id=building.pk,
            results=[{"item": item_code, "outcome": "pass"}],
        )  # fmt: skip
    key_user = UserFactory(username="open311-app", is_active=True)
    rows["user_open311"] = key_user
    rows["apikey"] = ApiKey.objects.create(
        name="街道 App", key_hash="0" * 64, key_prefix="sg_test", user=key_user
    )
    rows["submission"] = Open311Submission.objects.create(
        hazard=rows["hazard_b"], api_key=rows["apikey"], token="tok-b", first_name="王"
    )


def _tips(world: World, category: Category) -> None:
    rows = world.rows
    for side, enterprise in (("a", rows["enterprise_a"]), ("b", rows["enterprise_b"])):
        result = tip_submit(
            category_code=category.code, description=f"{side} 车间危化品超量存放",
            enterprise_id=enterprise.pk, contact_name="匿名", files=[upload(jpeg_bytes())],
        )  # fmt: skip
        rows[f"tip_{side}"] = result.tip
        rows[f"receipt_{side}"] = result.receipt
        rows[f"attachment_{side}"] = TipAttachment.objects.filter(tip=result.tip).first()
    for side in ("a", "b"):
        rows[f"tipfigure_{side}"] = TipFigure.objects.create(
            month=timezone.localdate().replace(day=1), district=rows[f"district_{side}"],
            outcome="substantiated", count=3, acknowledged_in_time=3,
        )  # fmt: skip


def _points(world: World) -> None:
    rows, people = world.rows, world.people
    rows["reward_a"] = RewardFactory(name_zh="A 停车券", cost=10, communities=[rows["community_a"]])
    rows["reward_b"] = RewardFactory(name_zh="B 停车券", cost=10, communities=[rows["community_b"]])
    for side, who in (("a", "resident"), ("b", "other_resident")):
        give_points(people[who], 100)
        rows[f"account_{side}"] = Account.objects.get(user=people[who])
        rows[f"voucher_{side}"] = reward_redeem(
            user=people[who], reward=rows[f"reward_{side}"], idempotency_key=f"matrix-{side}"
        )
        credit, redemption = LedgerEntry.objects.filter(account=rows[f"account_{side}"]).order_by(
            "id"
        )
        rows[f"entry_{side}"], rows[f"entry_{side}_redeemed"] = credit, redemption
    rows["earningrule"] = EarningRule.objects.first() or EarningRuleFactory()
    rows["pendingaward"] = PendingAward.objects.create(
        user=people["resident"], kind=rows["earningrule"].kind, source="matrix:1:done"
    )


def _volunteers(world: World) -> None:
    rows, people = world.rows, world.people
    skill = cast(Skill, SkillFactory(code="matrix-first-aid", name_zh="急救"))
    rows["skill"] = skill
    now = timezone.now()
    for side, who in (("a", "resident"), ("b", "other_resident")):
        community = rows[f"community_{side}"]
        building = rows["building_a1" if side == "a" else "building_b"]
        profile = VolunteerProfile.objects.create(
            user=people[who], community=community, on_duty=True, status="active",
            last_lat=building.lat, last_lng=building.lng, last_located_at=now,
        )  # fmt: skip
        profile.skills.set([skill])
        rows[f"profile_{side}"] = profile
        rows[f"certificate_{side}"] = certificate_add(
            profile=profile, skill=skill, issuer="市红十字会", number=f"RC-{side}",
            expires_on=timezone.localdate() + timedelta(days=365), upload=upload(jpeg_bytes()),
        )  # fmt: skip
        activity = ActivityFactory(community=community, lat=building.lat, lng=building.lng)
        rows[f"activity_{side}"] = activity
        rows[f"signup_{side}"] = Signup.objects.create(
            activity=activity, profile=profile, status="confirmed", signed_up_at=now
        )
        rows[f"team_{side}"] = team = Team.objects.create(
            name=f"{side} 联合救援队", community=community, leader=profile
        )
        team.members.set([profile])
        rows[f"course_{side}"] = course = CourseFactory(community=community, skill=skill)
        rows[f"session_{side}"] = session = SessionFactory(course=course)
        rows[f"enrolment_{side}"] = Enrolment.objects.create(
            session=session, profile=profile, status="enrolled"
        )
        staff = people["staff" if side == "a" else "other_staff"]
        rows[f"dispatch_{side}"] = dispatch = dispatch_open(
            user=staff, lat=building.lat, lng=building.lng, description=f"{side} 有人晕倒"
        )
        rows[f"offer_{side}"] = Offer.objects.filter(dispatch=dispatch).first()


def _platform(world: World) -> None:
    rows = world.rows
    rows["group"] = Group.objects.create(name="matrix")
    rows["authtoken"], _ = AuthToken.objects.create(world.people["administrator"])
    rows["event"] = Event.objects.order_by("id").first()
    rows["dbtaskresult"] = DBTaskResult.objects.first()
