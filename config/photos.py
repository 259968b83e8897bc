"""Photo intake, shared by every app: prove it is an image, refuse bombs, strip metadata,
make two copies.

Everything here works on bytes in memory; nothing touches storage, so a refused upload
leaves nothing behind. ``process_photo`` is what ``bench/photo.py`` measures.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, JpegImagePlugin

# MPO is a JPEG with more pictures after the first (phones write HDR gain maps and depth
# maps that way); only the first is kept.
ALLOWED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP"}
DISPLAY_MAX_PX = 2048
THUMBNAIL_MAX_PX = 320
# Pillow warns above this and refuses above twice this; we refuse above it ourselves,
# from the header, before any pixel is decoded.
Image.MAX_IMAGE_PIXELS = max(Image.MAX_IMAGE_PIXELS or 0, settings.HAZARD_PHOTO_MAX_PIXELS)


@dataclass(frozen=True)
class ProcessedPhoto:
    content_hash: str
    display: bytes
    thumbnail: bytes
    width: int
    height: int
    taken_at: datetime | None
    gps: tuple[float, float] | None


def max_bytes() -> int:
    return int(settings.HAZARD_PHOTO_MAX_BYTES)


def max_pixels() -> int:
    return int(settings.HAZARD_PHOTO_MAX_PIXELS)


def refuse(message: str, code: str) -> ValidationError:
    return ValidationError({"file": [ValidationError(message, code=code)]})


def read_upload(upload: Any) -> bytes:
    """The upload's bytes, refused before reading when the declared size is too big."""
    limit = max_bytes()
    if getattr(upload, "size", 0) > limit:
        raise refuse(_("The photo is larger than %(mb)d MB.") % {"mb": limit // 2**20}, "too_large")
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise refuse(_("The photo is larger than %(mb)d MB.") % {"mb": limit // 2**20}, "too_large")
    if not data:
        raise refuse(_("The file is empty."), "empty")
    return data


def process_photo(data: bytes, *, keep_location: bool) -> ProcessedPhoto:
    """Validate and re-encode ``data``; raises ValidationError (field ``file``) if refused."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            return _process(data, keep_location=keep_location)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise refuse(_("The photo has too many pixels."), "too_many_pixels") from None
        except (OSError, SyntaxError, ValueError, Image.UnidentifiedImageError):
            raise refuse(
                _("The file is not a complete JPEG, PNG or WebP image."), "invalid_image"
            ) from None


def _process(data: bytes, *, keep_location: bool) -> ProcessedPhoto:
    _verify(data)
    image: Image.Image = Image.open(io.BytesIO(data))
    exif = image.getexif()
    if isinstance(image, JpegImagePlugin.JpegImageFile):
        # Decode at the smallest 1/2^n scale that still covers the display size.
        image.draft("RGB", (DISPLAY_MAX_PX, DISPLAY_MAX_PX))
    image.load()
    image = _to_rgb(image)
    image.thumbnail((DISPLAY_MAX_PX, DISPLAY_MAX_PX))
    # Orientation after the resize: the box is square, so the bounds are the same, and
    # turning 4 MP costs a third of turning the 12 MP original.
    image = _apply_orientation(image, exif.get(ExifTags.Base.Orientation))
    display = _encode(image, quality=85)
    width, height = image.size
    image.thumbnail((THUMBNAIL_MAX_PX, THUMBNAIL_MAX_PX))
    thumbnail = _encode(image, quality=80)
    return ProcessedPhoto(
        content_hash=hashlib.sha256(data).hexdigest(),
        display=display,
        thumbnail=thumbnail,
        width=width,
        height=height,
        taken_at=_taken_at(exif) if keep_location else None,
        gps=_gps(exif) if keep_location else None,
    )


# The table ImageOps.exif_transpose uses, applied to our already reduced copy.
ORIENTATION_METHODS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _apply_orientation(image: Image.Image, orientation: Any) -> Image.Image:
    method = ORIENTATION_METHODS.get(orientation) if isinstance(orientation, int) else None
    return image.transpose(method) if method is not None else image


def _verify(data: bytes) -> None:
    """Header checks (format, pixel count) and Pillow's structural verify; no decoding."""
    with Image.open(io.BytesIO(data)) as probe:
        if probe.format not in ALLOWED_FORMATS:
            raise refuse(_("Send a JPEG, PNG or WebP photo."), "unsupported_format")
        width, height = probe.size
        if width * height > max_pixels():
            raise refuse(_("The photo has too many pixels."), "too_many_pixels")
        probe.verify()


def _to_rgb(image: Image.Image) -> Image.Image:
    if image.mode == "RGB":
        return image
    if image.mode in {"RGBA", "LA", "P", "PA"}:
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _encode(image: Image.Image, *, quality: int) -> bytes:
    # A fresh JPEG with no exif, icc_profile or comment: every piece of metadata is gone.
    # Pillow copies the source's JPEG comment (image.info) into the new file unless told
    # otherwise, so the empty comment is explicit.
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality, optimize=False, comment=b"")
    return buffer.getvalue()


def _taken_at(exif: Image.Exif) -> datetime | None:
    raw = exif.get_ifd(ExifTags.IFD.Exif).get(ExifTags.Base.DateTimeOriginal) or exif.get(
        ExifTags.Base.DateTime
    )
    try:
        naive = datetime.strptime(str(raw).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except (TypeError, ValueError):
        return None
    return timezone.make_aware(naive)  # phones record local time without a zone


def _gps(exif: Image.Exif) -> tuple[float, float] | None:
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    try:
        lat = _degrees(gps[ExifTags.GPS.GPSLatitude], gps.get(ExifTags.GPS.GPSLatitudeRef, "N"))
        lng = _degrees(gps[ExifTags.GPS.GPSLongitude], gps.get(ExifTags.GPS.GPSLongitudeRef, "E"))
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        return None
    return round(lat, 7), round(lng, 7)


def _degrees(value: Any, ref: Any) -> float:
    degrees, minutes, seconds = (float(part) for part in value)
    result = degrees + minutes / 60 + seconds / 3600
    return -result if str(ref).strip("\x00").upper() in {"S", "W"} else result
