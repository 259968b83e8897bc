"""Adding a photo to a hazard's timeline; files are written only for a valid image."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from config.photos import ProcessedPhoto, process_photo, read_upload
from grids.selectors import user_active_grid
from inspections.events import HAZARD_COMMENTED, hazard_publish
from inspections.models import EventKind, Hazard, HazardEvent, ItemResult, Photo, PhotoStage
from inspections.selectors import hazard_get, user_staffs_community

PHOTO_DIR = "hazard-photos"
# The files written inside the innermost ``photos_atomic`` block (None outside one).
_WRITTEN_IN_BLOCK: ContextVar[list[str] | None] = ContextVar("photos_written", default=None)


@contextmanager
def photos_atomic() -> Iterator[None]:
    """One transaction for photos and the step they belong to (a photo, then the close it
    allows): if the block rolls back, the files its photos wrote are deleted too, so a
    refused step leaves neither a photo row nor a file."""
    written: list[str] = []
    token = _WRITTEN_IN_BLOCK.set(written)
    try:
        with transaction.atomic():
            yield
    except BaseException:
        _delete_orphans(written)
        raise
    finally:
        _WRITTEN_IN_BLOCK.reset(token)


def photo_add(*, user: Any, hazard_id: int, stage: str, upload: Any, note: str = "") -> Photo:
    """Validate, strip and resize the upload, then store it on the hazard's timeline.

    The same image twice on one hazard returns the first Photo (``_created`` False).
    """
    hazard = hazard_get(user=user, hazard_id=hazard_id)
    _check_stage(user, hazard, stage)
    data = read_upload(upload)
    # Only a signed-in worker's own camera position is worth keeping; never a resident's.
    processed = process_photo(data, keep_location=user_active_grid(user) is not None)
    existing = Photo.objects.filter(hazard=hazard, content_hash=processed.content_hash).first()
    if existing is not None:
        existing._created = False  # type: ignore[attr-defined]
        return existing
    written: list[str] = []
    try:
        with transaction.atomic():
            photo = _store(user, hazard, stage, note, processed, written)
    except BaseException:
        _delete_orphans(written)
        raise
    photo._created = True  # type: ignore[attr-defined]
    return photo


def _check_stage(user: Any, hazard: Hazard, stage: str) -> None:
    if stage not in PhotoStage.values:
        raise ValidationError({"stage": _("Unknown photo stage.")}, code="invalid_choice")
    staff = user_staffs_community(user, hazard.community_id)
    allowed = {
        PhotoStage.REPORT: hazard.is_open,
        PhotoStage.PROGRESS: staff or hazard.assignee_id == user.pk,
        PhotoStage.RECTIFIED: staff or hazard.assignee_id == user.pk,
        PhotoStage.VERIFICATION: staff,
        PhotoStage.PATROL: False,  # patrol photos go on a checklist item, not a hazard
    }[PhotoStage(stage)]
    if not allowed:
        raise PermissionDenied(_("You may not add this kind of photo to this hazard."))


def _store(
    user: Any, hazard: Hazard, stage: str, note: str, processed: ProcessedPhoto, written: list[str]
) -> Photo:
    event = HazardEvent.objects.create(
        hazard=hazard, actor=user, kind=EventKind.PHOTO, note=note or str(PhotoStage(stage).label)
    )
    photo = Photo.objects.create(
        hazard=hazard,
        event=event,
        stage=stage,
        uploaded_by=user,
        **_stored_fields(processed, written),
    )
    if hazard.cover_photo_id is None:
        Hazard.objects.filter(pk=hazard.pk, cover_photo__isnull=True).update(cover_photo=photo)
    # A new line in the timeline, like a comment: clients reload the hazard.
    hazard_publish(type=HAZARD_COMMENTED, hazard=hazard, extra={"photo": photo.pk})
    return photo


def inspection_photo_add(*, user: Any, inspection_id: int, item_code: str, upload: Any) -> Photo:
    """A photo for one checklist item of the caller's own inspection (pass, fail or n/a).

    Same intake as hazard photos (verified, stripped, resized; nothing stored on failure);
    the worker's own photo keeps its GPS and time as fields. The same image sent again
    (a phone's retry) returns the item's photo instead of storing a second one.
    """
    result = (
        ItemResult.objects.select_related("inspection", "photo")
        .filter(inspection_id=inspection_id, inspection__worker=user, item__code=item_code)
        .first()
    )
    if result is None:
        raise Http404
    processed = process_photo(read_upload(upload), keep_location=True)
    if result.photo is not None and result.photo.content_hash == processed.content_hash:
        result.photo._created = False  # type: ignore[attr-defined]
        return result.photo
    written: list[str] = []
    try:
        with transaction.atomic():
            photo = _store_patrol_photo(user, result, processed, written)
    except BaseException:
        _delete_orphans(written)
        raise
    photo._created = True  # type: ignore[attr-defined]
    return photo


def _store_patrol_photo(
    user: Any, result: ItemResult, processed: ProcessedPhoto, written: list[str]
) -> Photo:
    photo = Photo.objects.create(
        inspection=result.inspection,
        stage=PhotoStage.PATROL,
        uploaded_by=user,
        **_stored_fields(processed, written),
    )
    result.photo = photo
    result.save(update_fields=["photo"])
    return photo


def _stored_fields(processed: ProcessedPhoto, written: list[str]) -> dict[str, Any]:
    """Write the display copy and thumbnail; the Photo fields that describe them."""
    base = f"{PHOTO_DIR}/{processed.content_hash[:2]}/{processed.content_hash}"
    lat, lng = processed.gps or (None, None)
    return {
        "content_hash": processed.content_hash,
        "display": _save_file(f"{base}.jpg", processed.display, written),
        "thumbnail": _save_file(f"{base}-thumb.jpg", processed.thumbnail, written),
        "width": processed.width,
        "height": processed.height,
        "taken_at": processed.taken_at,
        "gps_lat": lat,
        "gps_lng": lng,
    }


def _save_file(name: str, content: bytes, written: list[str]) -> str:
    """Files are named by content hash, so an identical image shares the stored copy."""
    if default_storage.exists(name):
        return name
    saved = default_storage.save(name, ContentFile(content))
    written.append(saved)
    if (block := _WRITTEN_IN_BLOCK.get()) is not None:
        block.append(saved)
    return saved


def _delete_orphans(names: list[str]) -> None:
    for name in names:
        if (
            not Photo.objects.filter(display=name).exists()
            and not Photo.objects.filter(thumbnail=name).exists()
        ):
            default_storage.delete(name)
