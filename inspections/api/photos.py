"""Photo upload onto a hazard's timeline, and permission-checked photo files."""

from __future__ import annotations

from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from inspections.api.serializers import PhotoSerializer
from inspections.models import PhotoStage
from inspections.selectors import photo_get
from inspections.services import photo_add
from inspections.services.photos import inspection_photo_add


class HazardPhotoUploadApi(APIView):
    """Upload a JPEG, PNG or WebP photo (multipart) for one stage of the hazard.

    The stored copies have no metadata; the same image twice returns the first (200).
    """

    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        file = serializers.FileField(help_text=_("JPEG, PNG or WebP; at most 10 MB, 40 MP."))
        stage = serializers.ChoiceField(
            choices=[c for c in PhotoStage.choices if c[0] != PhotoStage.PATROL]
        )
        note = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)

    @extend_schema(
        request={"multipart/form-data": InputSerializer},
        responses={201: PhotoSerializer, 200: PhotoSerializer},
        tags=["hazard photos"],
    )
    def post(self, request: Request, pk: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        photo = photo_add(
            user=request.user,
            hazard_id=pk,
            stage=fields["stage"],
            upload=fields["file"],
            note=fields["note"],
        )
        created = getattr(photo, "_created", True)
        return Response(
            PhotoSerializer(photo).data, status=status.HTTP_201_CREATED if created else 200
        )


class InspectionItemPhotoApi(APIView):
    """Upload a photo (multipart) for one checklist item of your own inspection."""

    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        file = serializers.FileField(help_text=_("JPEG, PNG or WebP; at most 10 MB, 40 MP."))

    @extend_schema(
        request={"multipart/form-data": InputSerializer},
        responses={201: PhotoSerializer, 200: PhotoSerializer},
        tags=["patrols"],
        description=_("201 for a new photo; 200 when the item already has this same image."),
    )
    def post(self, request: Request, pk: int, code: str) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        photo = inspection_photo_add(
            user=request.user, inspection_id=pk, item_code=code, upload=data.validated_data["file"]
        )
        created = getattr(photo, "_created", True)
        return Response(PhotoSerializer(photo).data, status=201 if created else 200)


class PhotoFileApi(APIView):
    """The display copy or thumbnail of a photo, for those who may see its hazard."""

    @extend_schema(
        responses={(200, "image/jpeg"): OpenApiResponse(OpenApiTypes.BINARY)},
        tags=["hazard photos"],
    )
    def get(self, request: Request, pk: int, size: str) -> FileResponse:
        photo = photo_get(user=request.user, photo_id=pk)
        field = photo.thumbnail if size == "thumbnail" else photo.display
        response = FileResponse(field.open("rb"), content_type="image/jpeg")
        response["Cache-Control"] = "private, max-age=86400"
        return response
