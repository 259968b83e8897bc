"""Evidence intake: photos through the hazard photo intake, plain text re-encoded.

Accepted: photos (JPEG, PNG, WebP), re-encoded by ``config.photos.process_photo``
as a fresh JPEG that carries no EXIF, GPS, XMP, comment or ICC profile; and plain text
(UTF-8 ``.txt``), decoded and written again, which has no metadata to carry. Refused:
PDF, Word, spreadsheets and every other format, whose files keep authors, editing
history and the software that made them. Everything is checked in memory before any
file is stored, so one refused file refuses the whole request and stores nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from config.photos import max_bytes, process_photo
from inspections.tips.models import AttachmentKind

MAX_FILES = 5
MAX_TEXT_BYTES = 1024 * 1024
IMAGE_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"RIFF")


@dataclass(frozen=True)
class PreparedFile:
    kind: str
    content: bytes
    width: int | None = None
    height: int | None = None


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError({"files": [ValidationError(message, code=code)]})


def evidence_prepare(uploads: list[Any]) -> list[PreparedFile]:
    """Every upload checked and stripped, or a ValidationError naming what to send instead."""
    if len(uploads) > MAX_FILES:
        raise _refuse(
            _("Send at most %(count)d files at a time.") % {"count": MAX_FILES}, "too_many"
        )
    return [_prepare(upload) for upload in uploads]


def _read(upload: Any, limit: int) -> bytes:
    if getattr(upload, "size", 0) > limit:
        raise _refuse(
            _("A file is larger than %(mb)d MB.") % {"mb": max(1, limit // 2**20)}, "too_large"
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise _refuse(
            _("A file is larger than %(mb)d MB.") % {"mb": max(1, limit // 2**20)}, "too_large"
        )
    if not data:
        raise _refuse(_("A file is empty."), "empty")
    return bytes(data)


def _prepare(upload: Any) -> PreparedFile:
    name = str(getattr(upload, "name", "") or "").lower()
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(IMAGE_SIGNATURES):
        try:
            photo = process_photo(_read(upload, max_bytes()), keep_location=False)
        except ValidationError as error:
            raise _refuse(" ".join(error.messages), "invalid_image") from None
        return PreparedFile(
            kind=AttachmentKind.PHOTO, content=photo.display, width=photo.width, height=photo.height
        )
    if name.endswith(".txt"):
        return PreparedFile(
            kind=AttachmentKind.DOCUMENT, content=_plain_text(_read(upload, MAX_TEXT_BYTES))
        )
    raise _refuse(
        _(
            "This kind of file is not accepted: PDF, Word, Excel and other documents keep "
            "the author's name and editing history. Send photos (JPEG, PNG, WebP) or plain "
            "text (.txt); to send a paper or a screen, take a photo of it."
        ),
        "unsupported_format",
    )


def _plain_text(data: bytes) -> bytes:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse(_("A text file must be plain UTF-8 text."), "invalid_text") from None
    if "\x00" in text:
        raise _refuse(_("A text file must be plain UTF-8 text."), "invalid_text")
    return text.replace("\r\n", "\n").replace("\r", "\n").encode("utf-8")
