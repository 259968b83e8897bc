"""Factories and builders for hazard tests."""

from __future__ import annotations

import io
import struct
import zlib
from typing import Any

import factory
from PIL import Image

from inspections.models import Category, ChecklistItem, ChecklistTemplate

# The test city's one building sits here; hazards reported nearby locate into its grid.
HERE = (32.06, 118.79)


class CategoryFactory(factory.django.DjangoModelFactory[Category]):
    class Meta:
        model = Category

    code = factory.Sequence(lambda n: f"cat-{n}")
    name_zh = factory.Sequence(lambda n: f"类别{n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")
    default_risk_colour = "yellow"


class ChecklistTemplateFactory(factory.django.DjangoModelFactory[ChecklistTemplate]):
    class Meta:
        model = ChecklistTemplate

    site_kind = "restaurant"
    name = "餐饮场所检查表"


class ChecklistItemFactory(factory.django.DjangoModelFactory[ChecklistItem]):
    class Meta:
        model = ChecklistItem

    template = factory.SubFactory(ChecklistTemplateFactory)
    code = factory.Sequence(lambda n: f"item-{n}")
    text = factory.Sequence(lambda n: f"检查项{n}")
    category = factory.SubFactory(CategoryFactory)


def jpeg_bytes(
    size: tuple[int, int] = (800, 600),
    *,
    orientation: int | None = None,
    gps: tuple[float, float] | None = None,
    taken: str | None = None,
    colour: tuple[int, int, int] = (200, 30, 30),
) -> bytes:
    """A real JPEG; optionally with EXIF orientation, GPS and DateTimeOriginal."""
    image = Image.new("RGB", size, colour)
    image.paste((20, 20, 220), (0, 0, size[0] // 2, size[1] // 4))  # asymmetric marker
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    if taken:
        exif.get_ifd(0x8769)[0x9003] = taken
    if gps:
        exif.get_ifd(0x8825).update({1: "N", 2: _dms(gps[0]), 3: "E", 4: _dms(gps[1])})
    exif[0x010F] = "TestCam"  # Make: metadata that must not survive
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif.tobytes(), quality=90)
    return buffer.getvalue()


def _dms(value: float) -> tuple[float, float, float]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60, 4)
    return (float(degrees), float(minutes), seconds)


def png_bytes(size: tuple[int, int] = (300, 200)) -> bytes:
    image = Image.new("RGBA", size, (10, 200, 10, 128))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def bomb_png_bytes(width: int = 100_000, height: int = 100_000) -> bytes:
    """A tiny PNG whose header claims billions of pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type=content_type)
