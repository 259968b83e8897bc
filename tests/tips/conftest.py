"""Two districts, each with a community, a grid, a building and an enterprise; handlers of
each district and of the whole city; the people who must never see a tip."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from PIL import Image
from rest_framework.test import APIClient

from grids.models import Community, District, Enterprise, Role, RoleGrant, User
from inspections.models import Category
from inspections.tips.services import tip_submit
from inspections.tips.services.submission import SubmitResult
from tests.city import ELSEWHERE, build_city
from tests.factories import (
    UserFactory,
)
from tests.inspections.factories import HERE, CategoryFactory, _dms

# What a whistleblower's client would give away; none of it may be stored or logged.
CLIENT_IP = "203.0.113.77"
CLIENT_UA = "Mozilla/5.0 (Linux; Android 14; TipTestPhone-4417) AppleWebKit/537.36"
AUTHOR = "Zhang Wei, Acme Chemicals QA"


@dataclass
class TipCity:
    district: District
    community: Community
    enterprise: Enterprise
    other_district: District
    other_enterprise: Enterprise
    category: Category
    handler: User
    second_handler: User
    city_handler: User
    other_handler: User
    staff: User
    worker: User
    manager: User
    admin: User


def _handler(**scope: Any) -> User:
    user = UserFactory(is_staff=True)
    RoleGrant.objects.create(user=user, role=Role.TIP_HANDLER, **scope)
    return user


@pytest.fixture(autouse=True)
def _fresh_throttles() -> None:
    cache.clear()


@pytest.fixture
def tip_city(db: None) -> TipCity:
    return build_tip_city()


def build_tip_city() -> TipCity:
    """The root small city (tests/city.py), its two communities in two districts, each
    with an enterprise, and the programme's people (also the base of the role matrix's
    city, tests/security/world.py)."""
    city = build_city(
        category=CategoryFactory(code="chemicals", name_zh="危化品违规存放", name_en="Chemicals")
    )
    enterprise = Enterprise.objects.create(
        community=city.community, grid=city.grid, name="宏达化工有限公司", kind="factory",
        address="建邺路 1 号", lat=HERE[0], lng=HERE[1],
    )  # fmt: skip
    other_enterprise = Enterprise.objects.create(
        community=city.other_community, grid=city.other_grid, name="远东仓储", kind="warehouse",
        lat=ELSEWHERE[0], lng=ELSEWHERE[1],
    )  # fmt: skip
    manager = UserFactory()
    RoleGrant.objects.create(user=manager, role=Role.DISTRICT_MANAGER, district=city.district)
    return TipCity(
        district=city.district,
        community=city.community,
        enterprise=enterprise,
        other_district=city.other_community.district,
        other_enterprise=other_enterprise,
        category=city.category,
        handler=_handler(district=city.district),
        second_handler=_handler(community=city.community),
        city_handler=_handler(),
        other_handler=_handler(district=city.other_community.district),
        staff=city.staff,
        worker=city.worker,
        manager=manager,
        admin=UserFactory(is_superuser=True, is_staff=True),
    )


@pytest.fixture
def submit(tip_city: TipCity) -> Callable[..., SubmitResult]:
    def make(**fields: Any) -> SubmitResult:
        values = {
            "category_code": tip_city.category.code,
            "description": "车间里存放了超量的危化品，消防通道被堵。",
            "enterprise_id": tip_city.enterprise.pk,
            **fields,
        }
        return tip_submit(**values)

    return make


@pytest.fixture
def anonymous() -> APIClient:
    """The whistleblower's client: an address and a browser the server must forget."""
    return APIClient(REMOTE_ADDR=CLIENT_IP, HTTP_USER_AGENT=CLIENT_UA)


def revealing_jpeg(size: tuple[int, int] = (640, 480)) -> bytes:
    """A JPEG carrying GPS, an author (EXIF Artist), a comment, XMP and an ICC profile."""
    image = Image.new("RGB", size, (180, 40, 40))
    image.paste((20, 20, 220), (0, 0, size[0] // 2, size[1] // 4))
    exif = Image.Exif()
    exif[0x013B] = AUTHOR  # Artist
    exif[0x010F] = "TipTestCam"  # Make
    exif.get_ifd(0x8825).update({1: "N", 2: _dms(32.0612), 3: "E", 4: _dms(118.7901)})
    xmp = f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><dc:creator>{AUTHOR}</dc:creator></x:xmpmeta>'
    from PIL import ImageCms

    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = io.BytesIO()
    image.save(
        buffer, format="JPEG", exif=exif.tobytes(), comment=AUTHOR.encode(), xmp=xmp.encode(),
        icc_profile=icc, quality=90,
    )  # fmt: skip
    return buffer.getvalue()
