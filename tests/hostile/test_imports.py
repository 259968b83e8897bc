"""The admin's building and enterprise imports (CSV, Excel) against hostile files: each is
refused with a message on the import page or previewed row by row; never a 500, never a
row written before the confirmation."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook
from pytest_django.fixtures import SettingsWrapper

from grids.models import Building, Enterprise
from tests.city import City
from tests.hostile.corpus import corpus

pytestmark = pytest.mark.django_db
CSV, XLSX = "0", "1"  # positions in IMPORT_EXPORT_FORMATS
HEADER = "社区编码,楼栋名称,地址,纬度,经度,居民人数\n"


def _xlsx_bomb() -> bytes:
    """A workbook whose one sheet inflates to 400 MB of cells."""
    book = Workbook()
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                row = b'<row><c t="inlineStr"><is><t>' + b"A" * 1000 + b"</t></is></c></row>"
                head, tail = data.split(b"<sheetData></sheetData>")
                with bomb.open(item.filename, "w", force_zip64=True) as sheet:
                    sheet.write(head + b"<sheetData>")
                    for _ in range(400_000):
                        sheet.write(row)
                    sheet.write(b"</sheetData>" + tail)
            else:
                bomb.writestr(item, data)
    return out.getvalue()


def _hostile_imports() -> list[tuple[str, bytes, str, str]]:
    jpeg = next(f for f in corpus() if f.key == "jpeg_zip_polyglot").data
    return [
        ("empty_csv", b"", "buildings.csv", CSV),
        ("jpeg_as_csv", jpeg, "buildings.csv", CSV),
        ("gbk_csv", (HEADER + "MY-01,1号楼,,32.06,118.79,10\n").encode("gbk"), "b.csv", CSV),
        ("nul_csv", HEADER.encode() + b"MY-01,\x00\x00,,32.06,118.79,10\n", "b.csv", CSV),
        ("jpeg_zip_as_xlsx", jpeg, "buildings.xlsx", XLSX),
        ("csv_as_xlsx", HEADER.encode(), "buildings.xlsx", XLSX),
        ("xlsx_bomb", _xlsx_bomb(), "buildings.xlsx", XLSX),
    ]


CASES = [pytest.param(*case, id=case[0]) for case in _hostile_imports()]


@pytest.mark.parametrize(("key", "data", "name", "fmt"), CASES)
@pytest.mark.parametrize("model", ["building", "enterprise"])
def test_a_hostile_import_is_refused_or_previewed_and_writes_nothing(
    city: City, model: str, key: str, data: bytes, name: str, fmt: str
) -> None:
    client = Client()
    client.force_login(city.staff)
    before = (Building.objects.count(), Enterprise.objects.count())

    response = client.post(
        f"/admin/grids/{model}/import/",
        {"import_file": SimpleUploadedFile(name, data), "format": fmt, "resource": "0"},
    )

    assert response.status_code == 200, response.status_code
    page = response.content.decode()
    assert "errorlist" in page or "import-preview" in page or "errornote" in page, page[-2000:]
    assert "Traceback" not in page and ".py" not in page  # no server code or paths shown
    assert (Building.objects.count(), Enterprise.objects.count()) == before


def test_a_file_without_the_naming_columns_says_which_are_missing(city: City) -> None:
    client = Client()
    client.force_login(city.staff)
    buildings = (HEADER + "MY-01,1号楼,,32.06,118.79,10\n").encode("utf-8-sig")

    response = client.post(
        "/admin/grids/enterprise/import/",
        {"import_file": SimpleUploadedFile("e.csv", buildings), "format": CSV, "resource": "0"},
    )

    assert "The file has no column 名称: use the column names listed above." in (
        response.content.decode()
    )
    assert "import_id_fields" not in response.content.decode()


def test_a_file_with_more_rows_than_one_import_takes_is_refused_before_any_is_read(
    city: City, settings: SettingsWrapper
) -> None:
    settings.IMPORT_MAX_ROWS = 3
    client = Client()
    client.force_login(city.staff)
    rows = "".join(f"{city.community.code},新{n}号楼,,32.06,118.79,10\n" for n in range(4))

    response = client.post(
        "/admin/grids/building/import/",
        {
            "import_file": SimpleUploadedFile("b.csv", (HEADER + rows).encode()),
            "format": CSV,
            "resource": "0",
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "The file has 4 rows; an import here takes at most 3." in page
    assert "import-preview" not in page
    assert not Building.objects.filter(name__startswith="新").exists()


def test_a_file_larger_than_one_import_takes_is_refused_before_it_is_read(
    city: City, settings: SettingsWrapper
) -> None:
    settings.IMPORT_MAX_BYTES = 1024
    client = Client()
    client.force_login(city.staff)
    big = (HEADER + f"{city.community.code},1号楼,{'很长的地址' * 200},32.06,118.79,10\n").encode()

    response = client.post(
        "/admin/grids/building/import/",
        {"import_file": SimpleUploadedFile("b.csv", big), "format": CSV, "resource": "0"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "an import here takes at most 1.0\xa0KB" in page
    assert "import-preview" not in page
