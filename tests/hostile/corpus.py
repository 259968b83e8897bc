"""Hostile files, made in memory for every run (nothing binary is committed).

Each file says what the intake must do with it: ``refused`` (a 4xx naming the field) or
``clean`` (stored as a fresh JPEG with no metadata and nothing of the original's extra
bytes). ``evidence`` marks files only the whistleblower's evidence intake accepts (plain
text); the photo paths refuse them.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass
from typing import Literal

from PIL import Image

from tests.inspections.factories import bomb_png_bytes, jpeg_bytes

Verdict = Literal["refused", "clean"]
# Bytes that must never reach a stored copy: markers of the payloads hidden in the corpus.
PAYLOAD_MARKERS = (b"<script", b"<html", b"PK\x03\x04", b"TestCam", b"SECRET-COMMENT")


@dataclass(frozen=True)
class HostileFile:
    key: str
    what: str
    data: bytes
    name: str
    content_type: str
    photo: Verdict  # hazard, patrol, Open311, certificate and reward photos
    evidence: Verdict  # the whistleblower's evidence (photos and plain text)


def _png(image: Image.Image, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", **options)
    return buffer.getvalue()


def _save(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png_with_chunk(kind: bytes, data: bytes) -> bytes:
    """A real PNG with one more chunk before IEND."""
    png = _png(Image.new("RGB", (64, 48), (30, 90, 200)))
    return png[:-12] + _chunk(kind, data) + png[-12:]


def _jpeg_zip_polyglot() -> bytes:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("index.html", "<html><script>alert(1)</script></html>")
    return jpeg_bytes((120, 90)) + archive.getvalue()


def _jpeg_with_html_comment() -> bytes:
    image = Image.new("RGB", (120, 90), (200, 30, 30))
    return _save(image, "JPEG", comment=b"<html><script>alert(document.cookie)</script>")


def _jpeg_dimension_bomb() -> bytes:
    """A real JPEG whose frame header is patched to claim 65,000 x 65,000 pixels."""
    data = bytearray(jpeg_bytes((64, 64)))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", 65000, 65000)
    return bytes(data)


def _animated(fmt: str, frames: int, size: tuple[int, int]) -> bytes:
    images = [Image.new("RGB", size, (i * 7 % 256, 80, 160)) for i in range(frames)]
    return _save(images[0], fmt, save_all=True, append_images=images[1:], duration=20, loop=0)


def _cmyk_jpeg() -> bytes:
    return _save(Image.new("CMYK", (200, 150), (0, 200, 200, 20)), "JPEG")


def _png_16bit() -> bytes:
    image = Image.new("I;16", (200, 150))
    image.putdata([(x * 300) % 65535 for x in range(200 * 150)])
    return _png(image)


def _png_16bit_rgba() -> bytes:
    """16 bits per channel with alpha: Pillow reads it as 8-bit RGBA."""
    header = struct.pack(">IIBBBBB", 32, 24, 16, 6, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\x12\x34" * 4 * 32 for _ in range(24))
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(rows))
        + _chunk(b"IEND", b"")
    )


def _palette_png() -> bytes:
    image = Image.new("P", (200, 150))
    image.putpalette([i % 256 for i in range(768)])
    return _png(image, transparency=0)


def _grey_alpha_png() -> bytes:
    return _png(Image.new("LA", (120, 90), (128, 60)))


def _bilevel_png() -> bytes:
    return _png(Image.new("1", (120, 90), 1))


def _mpo() -> bytes:
    """Two frames with an MPF segment: what phones write for HDR gain maps and depth."""
    first = Image.new("RGB", (160, 120), (200, 30, 30))
    second = Image.new("RGB", (80, 60), (30, 30, 200))
    return _save(first, "MPO", save_all=True, append_images=[second])


def _svg() -> bytes:
    return (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" '
        b'height="10"><script>alert(document.domain)</script><rect width="10" '
        b'height="10"/></svg>'
    )


def _pdf_with_javascript() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R/OpenAction 3 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"3 0 obj<</S/JavaScript/JS(app.alert\\('x'\\))>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def _oversize() -> bytes:
    """A real JPEG padded past the 10 MB limit (bytes after the end marker)."""
    return jpeg_bytes((64, 64)) + b"\x00" * (10 * 1024 * 1024 + 1)


def _exif_rotated_with_gps() -> bytes:
    return jpeg_bytes((300, 200), orientation=8, gps=(32.06, 118.79), taken="2026:11:20 09:30:00")


def _jpeg_with_icc_and_xmp() -> bytes:
    image = Image.new("RGB", (120, 90), (10, 150, 90))
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">SECRET-COMMENT</x:xmpmeta>'
    return _save(image, "JPEG", icc_profile=b"SECRET-COMMENT" * 10, xmp=xmp)


def _png_text_bomb() -> bytes:
    """A zTXt chunk that inflates to 16 MB (Pillow stops at 1 MB)."""
    return _png_with_chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(b"A" * (16 * 2**20), 9))


def _webp_dimension_bomb() -> bytes:
    """A real lossless WebP whose VP8L header is patched to claim 16,383 x 16,383."""
    data = bytearray(_save(Image.new("RGB", (8, 8)), "WEBP", lossless=True))
    start = data.index(b"VP8L") + 9  # after the chunk header and the 0x2f signature
    bits = int.from_bytes(data[start : start + 4], "little")
    bits = (bits & ~0xFFFFFFF) | 16382 | (16382 << 14)  # width - 1 and height - 1
    data[start : start + 4] = bits.to_bytes(4, "little")
    return bytes(data)


def corpus() -> list[HostileFile]:
    """Every hostile file, freshly made."""
    jpeg = jpeg_bytes((120, 90))
    long_chinese = "楼道消防通道堵塞隐患照片" * 18 + ".jpg"  # 220 characters, 652 bytes
    too_long = "隐患照片" * 90 + ".jpg"  # 1,084 bytes: past Django's 1 KB for a part's headers
    return [
        HostileFile("empty", "zero bytes", b"", "photo.jpg", "image/jpeg", "refused", "refused"),
        HostileFile(
            "oversize", "10 MB + 1 byte", _oversize(), "big.jpg", "image/jpeg", "refused", "refused"
        ),
        HostileFile(
            "png_bomb",
            "PNG claiming 100,000 x 100,000 pixels (a 10 GB decode) in 100 bytes",
            bomb_png_bytes(),
            "bomb.png",
            "image/png",
            "refused",
            "refused",
        ),
        HostileFile(
            "png_bomb_just_over",
            "PNG of 8,000 x 6,000 (48 MP, above the 40 MP limit, under Pillow's own)",
            bomb_png_bytes(8000, 6000),
            "big.png",
            "image/png",
            "refused",
            "refused",
        ),
        HostileFile(
            "jpeg_bomb",
            "JPEG whose frame header claims 65,000 x 65,000",
            _jpeg_dimension_bomb(),
            "bomb.jpg",
            "image/jpeg",
            "refused",
            "refused",
        ),
        HostileFile(
            "webp_bomb",
            "lossless WebP of 16,383 x 16,383 (268 MP)",
            _webp_dimension_bomb(),
            "bomb.webp",
            "image/webp",
            "refused",
            "refused",
        ),
        HostileFile(
            "png_text_bomb",
            "PNG with a zTXt chunk inflating to 16 MB",
            _png_text_bomb(),
            "text.png",
            "image/png",
            "refused",
            "refused",
        ),
        HostileFile(
            "truncated_jpeg",
            "the first half of a JPEG",
            jpeg[: len(jpeg) // 2],
            "cut.jpg",
            "image/jpeg",
            "refused",
            "refused",
        ),
        HostileFile(
            "jpeg_zip_polyglot",
            "a JPEG with a ZIP (holding HTML) appended",
            _jpeg_zip_polyglot(),
            "poly.jpg",
            "image/jpeg",
            "clean",
            "clean",
        ),
        HostileFile(
            "jpeg_html_comment",
            "a JPEG whose comment is an HTML page with a script",
            _jpeg_with_html_comment(),
            "comment.jpg",
            "image/jpeg",
            "clean",
            "clean",
        ),
        HostileFile(
            "png_html_chunk",
            "a PNG with an HTML page in a tEXt chunk",
            _png_with_chunk(b"tEXt", b"Comment\x00<html><script>alert(1)</script></html>"),
            "chunk.png",
            "image/png",
            "clean",
            "clean",
        ),
        HostileFile(
            "html_as_jpeg",
            "an HTML page named .jpg and sent as image/jpeg",
            b"<html><script>alert(1)</script></html>",
            "photo.jpg",
            "image/jpeg",
            "refused",
            "refused",
        ),
        HostileFile(
            "svg_script",
            "an SVG with a script",
            _svg(),
            "drawing.svg",
            "image/svg+xml",
            "refused",
            "refused",
        ),
        HostileFile(
            "svg_as_png",
            "the same SVG named .png and sent as image/png",
            _svg(),
            "drawing.png",
            "image/png",
            "refused",
            "refused",
        ),
        HostileFile(
            "png_as_jpeg",
            "a real PNG named .jpg and sent as image/jpeg (mime mismatch)",
            _png(Image.new("RGB", (120, 90), (1, 2, 3))),
            "really-a-png.jpg",
            "image/jpeg",
            "clean",
            "clean",
        ),
        HostileFile(
            "jpeg_as_text",
            "a real JPEG named .txt and sent as text/plain",
            jpeg,
            "notes.txt",
            "text/plain",
            "clean",
            "clean",
        ),
        HostileFile(
            "gif_animated",
            "an animated GIF of 300 frames",
            _animated("GIF", 300, (64, 64)),
            "anim.gif",
            "image/gif",
            "refused",
            "refused",
        ),
        HostileFile(
            "webp_animated",
            "an animated WebP of 300 frames (only the first is kept)",
            _animated("WEBP", 300, (64, 64)),
            "anim.webp",
            "image/webp",
            "clean",
            "clean",
        ),
        HostileFile(
            "png_animated",
            "an animated PNG (APNG) of 300 frames (only the first is kept)",
            _animated("PNG", 300, (64, 64)),
            "anim.png",
            "image/png",
            "clean",
            "clean",
        ),
        HostileFile(
            "cmyk_jpeg", "a CMYK JPEG", _cmyk_jpeg(), "cmyk.jpg", "image/jpeg", "clean", "clean"
        ),
        HostileFile(
            "png_16bit_grey",
            "a 16-bit greyscale PNG",
            _png_16bit(),
            "grey16.png",
            "image/png",
            "clean",
            "clean",
        ),
        HostileFile(
            "png_16bit_rgba",
            "a 16-bit-per-channel RGBA PNG",
            _png_16bit_rgba(),
            "rgba16.png",
            "image/png",
            "clean",
            "clean",
        ),
        HostileFile(
            "png_palette",
            "a palette PNG with a transparent index",
            _palette_png(),
            "palette.png",
            "image/png",
            "clean",
            "clean",
        ),
        HostileFile(
            "png_grey_alpha",
            "a greyscale PNG with alpha",
            _grey_alpha_png(),
            "la.png",
            "image/png",
            "clean",
            "clean",
        ),
        HostileFile(
            "png_bilevel", "a 1-bit PNG", _bilevel_png(), "bw.png", "image/png", "clean", "clean"
        ),
        HostileFile(
            "mpo_jpeg",
            "a two-frame MPO JPEG (as phones write for HDR and depth)",
            _mpo(),
            "phone.jpg",
            "image/jpeg",
            "clean",
            "clean",
        ),
        HostileFile(
            "exif_rotated_gps",
            "a JPEG with EXIF orientation 8, GPS, time and camera make",
            _exif_rotated_with_gps(),
            "rotated.jpg",
            "image/jpeg",
            "clean",
            "clean",
        ),
        HostileFile(
            "jpeg_icc_xmp",
            "a JPEG with an ICC profile and XMP",
            _jpeg_with_icc_and_xmp(),
            "profile.jpg",
            "image/jpeg",
            "clean",
            "clean",
        ),
        HostileFile(
            "pdf_javascript",
            "a PDF that runs JavaScript when opened",
            _pdf_with_javascript(),
            "evidence.pdf",
            "application/pdf",
            "refused",
            "refused",
        ),
        HostileFile(
            "name_traversal",
            "a real JPEG named ../../../../etc/passwd.jpg",
            jpeg,
            "../../../../etc/passwd.jpg",
            "image/jpeg",
            "clean",
            "clean",
        ),
        HostileFile(
            "name_nul",
            "a real JPEG whose name has a NUL byte",
            jpeg,
            "photo\x00.php.jpg",
            "image/jpeg",
            "clean",
            "clean",
        ),
        HostileFile(
            "name_long_chinese",
            f"a real JPEG whose name is {len(long_chinese)} Chinese characters",
            jpeg,
            long_chinese,
            "image/jpeg",
            "clean",
            "clean",
        ),
        HostileFile(
            "name_too_long",
            f"a real JPEG whose name is {len(too_long)} Chinese characters",
            jpeg,
            too_long,
            "image/jpeg",
            "refused",
            "refused",
        ),
        HostileFile(
            "text_html",
            "a .txt holding an HTML page with a script",
            b"<html><script>alert(1)</script></html>",
            "notes.txt",
            "text/plain",
            "refused",
            "clean",
        ),
        HostileFile(
            "text_utf16",
            "a .txt in UTF-16 (NUL bytes)",
            "举报内容".encode("utf-16"),
            "notes.txt",
            "text/plain",
            "refused",
            "refused",
        ),
        HostileFile(
            "text_binary",
            "a .txt of invalid UTF-8",
            b"\xff\xfe\xfa" * 100,
            "notes.txt",
            "text/plain",
            "refused",
            "refused",
        ),
        HostileFile(
            "text_traversal_name",
            "plain text named ../../settings.txt",
            "整改记录\n".encode(),
            "../../settings.txt",
            "text/plain",
            "refused",
            "clean",
        ),
    ]
