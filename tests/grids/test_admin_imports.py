"""Admin import of buildings, resident counts and enterprises (CSV and Excel, Chinese
headers): a dry-run preview with per-row reasons first, the write only on confirmation."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook

from grids.models import Building, Enterprise
from tests.factories import BuildingFactory, CommunityFactory, GridFactory, make_staff

pytestmark = pytest.mark.django_db
CSV, XLSX = "0", "1"  # positions in IMPORT_EXPORT_FORMATS


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def csv_file(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("buildings.csv", text.encode("utf-8-sig"), "text/csv")


def preview(client: Client, model: str, upload: Any, fmt: str = CSV, resource: str = "0") -> Any:
    return client.post(
        f"/admin/grids/{model}/import/",
        {"import_file": upload, "format": fmt, "resource": resource},
    )


def confirm(client: Client, model: str, previewed: Any) -> Any:
    html = previewed.content.decode()
    hidden = dict(re.findall(r'name="(\w+)" value="([^"]*)"', html))
    keys = ["import_file_name", "original_file_name", "format", "resource"]
    return client.post(f"/admin/grids/{model}/process_import/", {k: hidden[k] for k in keys})


def test_buildings_preview_writes_nothing_then_confirm_writes(db: None) -> None:
    community = CommunityFactory(code="MY-01")
    client = signed_in(make_staff(community))
    upload = csv_file(
        "社区编码,楼栋名称,单元,地址,纬度,经度,居民人数\n"
        "MY-01,12号楼,3,梅园路12号,32.06,118.79,120\n"
        "MY-01,13号楼,,梅园路13号,32.061,118.791,80\n"
    )

    previewed = preview(client, "building", upload)
    assert previewed.status_code == 200
    assert Building.objects.count() == 0
    assert "12号楼3单元" in previewed.content.decode()
    done = confirm(client, "building", previewed)

    assert done.status_code == 302
    assert sorted(Building.objects.values_list("name", "residents")) == [
        ("12号楼3单元", 120),
        ("13号楼", 80),
    ]


def test_bad_rows_are_listed_with_the_commands_reasons_and_nothing_is_written(db: None) -> None:
    community = CommunityFactory(code="MY-01")
    client = signed_in(make_staff(community))
    upload = csv_file(
        "社区编码,楼栋名称,地址,纬度,经度,居民人数\n"
        "MY-01,1号楼,,32.06,118.79,abc\n"
        "MY-01,2号楼,,95,118.79,10\n"
        "MY-01,3号楼,,32.06,118.79,10\n"
        "MY-01,3号楼,,32.06,118.79,10\n"
    )

    html = preview(client, "building", upload).content.decode()

    assert "must be a whole number from 0 to 20000" in html
    assert "must be between -90 and 90" in html
    assert "repeats the row on line 4" in html
    assert 'name="import_file_name"' not in html  # no confirm button
    assert Building.objects.count() == 0


def test_staff_cannot_import_into_another_community(db: None) -> None:
    CommunityFactory(code="THEIRS")
    client = signed_in(make_staff(CommunityFactory(code="MINE")))

    html = preview(
        client,
        "building",
        csv_file("社区编码,楼栋名称,纬度,经度,居民人数\nTHEIRS,1号楼,32.06,118.79,10\n"),
    ).content.decode()

    assert "no community you serve has the code THEIRS" in html
    assert Building.objects.count() == 0


def test_resident_counts_update_existing_buildings_only(db: None) -> None:
    community = CommunityFactory(code="MY-01")
    BuildingFactory(community=community, name="12号楼3单元", residents=100)
    client = signed_in(make_staff(community))
    ok = csv_file("社区编码,楼栋名称,单元,居民人数\nMY-01,12号楼,3,135\n")
    unknown = csv_file("社区编码,楼栋名称,居民人数\nMY-01,99号楼,10\n")

    confirm(client, "building", preview(client, "building", ok, resource="1"))
    refused = preview(client, "building", unknown, resource="1").content.decode()

    assert Building.objects.get(name="12号楼3单元").residents == 135
    assert "no building of this name in the community" in refused
    assert Building.objects.count() == 1


def test_enterprises_from_excel_with_chinese_headers(db: None) -> None:
    community = CommunityFactory(code="MY-01")
    grid = GridFactory(community=community)
    BuildingFactory(community=community, grid=grid, lat=32.06, lng=118.79)
    book = Workbook()
    sheet = book.active
    sheet.append(
        ["社区编码", "名称", "场所类型", "纬度", "经度", "风险等级", "黑名单", "黑名单原因"]
    )
    sheet.append(["MY-01", "老王饭店", "restaurant", 32.0601, 118.7901, "橙", "否", ""])
    sheet.append(["MY-01", "黑作坊", "factory", 32.0602, 118.7902, "红", "是", ""])
    content = io.BytesIO()
    book.save(content)
    upload = SimpleUploadedFile("sites.xlsx", content.getvalue())
    client = signed_in(make_staff(community))

    html = preview(client, "enterprise", upload, fmt=XLSX).content.decode()

    assert "is required when the enterprise is blacklisted" in html
    assert Enterprise.objects.count() == 0


def test_enterprise_import_finds_the_grid_like_the_command(db: None) -> None:
    community = CommunityFactory(code="MY-01")
    grid = GridFactory(community=community)
    BuildingFactory(community=community, grid=grid, lat=32.06, lng=118.79)
    client = signed_in(make_staff(community))
    upload = csv_file(
        "社区编码,名称,场所类型,纬度,经度,风险等级\nMY-01,老王饭店,restaurant,32.0601,118.7901,橙\n"
    )

    confirm(client, "enterprise", preview(client, "enterprise", upload))

    site = Enterprise.objects.get()
    assert (site.name, site.risk_colour, site.grid) == ("老王饭店", "orange", grid)
