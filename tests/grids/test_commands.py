"""Import, partition and assign commands."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from grids.models import Building, Enterprise, Grid, GridAssignment
from tests.factories import CommunityFactory
from tests.grids.factories import make_available_worker, make_community_with_buildings

pytestmark = pytest.mark.django_db

GOOD_CSV = """name,address,lat,lng,residents,entrance
1号楼,梅园路1号,32.0600,118.7900,120,
12号楼,梅园路12号,32.0610,118.7910,80,3
12号楼,梅园路12号,32.0610,118.7911,90,4
"""

BAD_CSV = """name,address,lat,lng,residents
1号楼,梅园路1号,32.0600,118.7900,120
,梅园路2号,32.0601,118.7901,50
3号楼,梅园路3号,95,118.7902,50
4号楼,梅园路4号,32.0603,118.7903,-4
5号楼,梅园路5号,32.0604,,50
6号楼,梅园路6号,32.0605,118.7905,999999
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err, verbosity=0)
    return out.getvalue(), err.getvalue()


def test_import_buildings_from_csv_with_entrances(tmp_path: Path) -> None:
    community = CommunityFactory(code="MY")

    out, _err = _run(
        "import_buildings", str(_write(tmp_path, "b.csv", GOOD_CSV)), "--community", "MY"
    )

    names = sorted(Building.objects.filter(community=community).values_list("name", flat=True))
    assert names == ["12号楼3单元", "12号楼4单元", "1号楼"]
    assert "3 created" in out


def test_reimport_updates_resident_counts(tmp_path: Path) -> None:
    CommunityFactory(code="MY")
    path = _write(tmp_path, "b.csv", GOOD_CSV)
    _run("import_buildings", str(path), "--community", "MY")
    _write(tmp_path, "b.csv", GOOD_CSV.replace(",120,", ",130,"))

    out, _err = _run("import_buildings", str(path), "--community", "MY")

    assert Building.objects.get(name="1号楼").residents == 130
    assert Building.objects.count() == 3
    assert "0 created, 3 updated" in out


def test_import_buildings_from_geojson(tmp_path: Path) -> None:
    CommunityFactory(code="MY")
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [118.79, 32.06]},
            "properties": {"name": "1号楼", "residents": 60},
        }
    ]
    text = json.dumps({"type": "FeatureCollection", "features": features})

    _run("import_buildings", str(_write(tmp_path, "b.geojson", text)), "--community", "MY")

    building = Building.objects.get()
    assert (building.lat, building.lng, building.residents) == (32.06, 118.79, 60)


def test_bad_rows_are_listed_with_line_and_field_and_nothing_is_written(tmp_path: Path) -> None:
    CommunityFactory(code="MY")
    err = StringIO()

    with pytest.raises(CommandError, match="5 bad rows: nothing was imported"):
        call_command(
            "import_buildings", str(_write(tmp_path, "b.csv", BAD_CSV)), "--community", "MY",
            stderr=err, verbosity=0,
        )  # fmt: skip

    lines = err.getvalue().splitlines()
    assert "line 3, name: is required" in lines
    assert "line 4, lat: must be between -90 and 90" in lines
    assert "line 5, residents: must be a whole number from 0 to 20000" in lines
    assert "line 6, lng: is missing or not a number" in lines
    assert "line 7, residents: must be a whole number from 0 to 20000" in lines
    assert Building.objects.count() == 0


def test_skip_bad_rows_imports_the_good_ones(tmp_path: Path) -> None:
    CommunityFactory(code="MY")

    out, err = _run(
        "import_buildings", str(_write(tmp_path, "b.csv", BAD_CSV)), "--community", "MY",
        "--skip-bad-rows",
    )  # fmt: skip

    assert list(Building.objects.values_list("name", flat=True)) == ["1号楼"]
    assert "5 bad rows skipped" in out
    assert "line 4, lat" in err


def test_repeated_building_in_one_file_is_a_bad_row(tmp_path: Path) -> None:
    CommunityFactory(code="MY")
    text = GOOD_CSV + "1号楼,梅园路1号,32.0600,118.7900,120,\n"

    with pytest.raises(CommandError):
        _run("import_buildings", str(_write(tmp_path, "b.csv", text)), "--community", "MY")
    assert Building.objects.count() == 0


def test_unknown_community_or_file_type_is_a_command_error(tmp_path: Path) -> None:
    CommunityFactory(code="MY")
    with pytest.raises(CommandError, match="No community"):
        _run("import_buildings", str(_write(tmp_path, "b.csv", GOOD_CSV)), "--community", "XX")
    with pytest.raises(CommandError, match="csv or .geojson"):
        _run("import_buildings", str(_write(tmp_path, "b.txt", GOOD_CSV)), "--community", "MY")


def test_import_enterprises_with_blacklist(tmp_path: Path) -> None:
    CommunityFactory(code="MY")
    text = (
        "community,name,kind,lat,lng,credit_code,risk_colour,is_blacklisted,blacklist_reason\n"
        "MY,老王饭店,restaurant,32.06,118.79,91320100MA1XXXXX1X,红,是,三次重大隐患\n"
        "MY,小李仓库,warehouse,32.061,118.791,,yellow,,\n"
    )

    _run("import_enterprises", str(_write(tmp_path, "e.csv", text)))

    bad = Enterprise.objects.get(name="老王饭店")
    assert (bad.risk_colour, bad.is_blacklisted, bad.blacklist_reason) == (
        "red",
        True,
        "三次重大隐患",
    )
    assert Enterprise.objects.count() == 2


def test_enterprise_bad_rows_are_reported_and_nothing_written(tmp_path: Path) -> None:
    CommunityFactory(code="MY")
    text = (
        "community,name,kind,lat,lng,risk_colour,is_blacklisted,blacklist_reason\n"
        "MY,好店,shop,32.06,118.79,blue,,\n"
        "ZZ,无名店,shop,32.06,118.79,blue,,\n"
        "MY,黑店,shop,32.06,118.79,purple,yes,\n"
    )
    err = StringIO()

    with pytest.raises(CommandError, match="2 bad rows"):
        call_command("import_enterprises", str(_write(tmp_path, "e.csv", text)), stderr=err,
                     verbosity=0)  # fmt: skip

    lines = err.getvalue().splitlines()
    assert "line 3, community: no community has the code ZZ" in lines
    assert "line 4, risk_colour: must be one of red, orange, yellow, blue" in lines
    assert "line 4, blacklist_reason: is required when the enterprise is blacklisted" in lines
    assert Enterprise.objects.count() == 0


def test_partition_command_dry_run_then_apply() -> None:
    make_community_with_buildings(code="MY")

    dry, _err = _run("partition_community", "MY", "--dry-run")
    assert Grid.objects.count() == 0
    applied, _err = _run("partition_community", "MY")

    assert "MY" in dry and "4 grids" in dry
    assert Grid.objects.count() == 4
    assert "100.0% within ±10%" in applied


def test_partition_all_skips_communities_without_residents() -> None:
    make_community_with_buildings(code="A")
    make_community_with_buildings(code="B", rows=2)
    CommunityFactory(code="EMPTY")

    out, _err = _run("partition_community", "--all")

    assert "2 communities, 6 grids" in out


def test_partition_command_refuses_an_empty_community() -> None:
    CommunityFactory(code="EMPTY")

    with pytest.raises(CommandError, match="no buildings"):
        _run("partition_community", "EMPTY")


def test_assign_workers_command() -> None:
    make_community_with_buildings(code="MY")
    _run("partition_community", "MY")
    for i in range(4):
        make_available_worker(lat=32.06, lng=118.79 + i * 0.001)

    dry, _err = _run("assign_workers", "MY", "--dry-run")
    assert GridAssignment.objects.count() == 0
    out, _err = _run("assign_workers", "MY")

    assert "would assign 4 workers" in dry
    assert "assigned 4 workers" in out
    assert GridAssignment.objects.filter(ended_at__isnull=True).count() == 4
