"""The whistleblower's API under /api/v1/tips/: no account, no cookie, the receipt only.

The receipt always travels in a POST body, never in a URL (which proxies log). Every
view here authenticates nobody, sets no cookie and is throttled without knowing who
asks (inspections.tips.throttling). A wrong receipt and a purged tip answer alike: 404
``not_found`` with the same message.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from grids.models import District, Enterprise
from inspections.models import Category
from inspections.tips import services
from inspections.tips.models import Tip
from inspections.tips.selectors import tip_for_receipt
from inspections.tips.throttling import TipThrottle

RECEIPT_EXAMPLE = "1234 5678 9012 3456 7890 1234 5678"


class PublicApi(APIView):
    """Nobody is authenticated, so no session and no CSRF cookie is ever involved."""

    authentication_classes: list[Any] = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [TipThrottle]
    parser_classes = [JSONParser, MultiPartParser, FormParser]


class TipFollowUpSerializer(serializers.Serializer):
    """What the whistleblower reads: status, deadlines, the two-way messages."""

    class MessageSerializer(serializers.Serializer):
        from_whistleblower = serializers.BooleanField()
        body = serializers.CharField()
        on = serializers.DateField()

    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    outcome = serializers.CharField()
    category = serializers.CharField(source="category.localized_name")
    enterprise = serializers.CharField(source="enterprise_label")
    received_on = serializers.DateField()
    acknowledged_on = serializers.DateField(allow_null=True)
    closed_on = serializers.DateField(allow_null=True)
    acknowledge_due_on = serializers.DateField()
    feedback_due_on = serializers.DateField()
    files = serializers.SerializerMethodField()
    reward = serializers.CharField(source="reward_state")
    messages = MessageSerializer(many=True)

    def get_files(self, tip: Tip) -> int:
        return tip.attachments.count()


def _files(request: Request) -> list[Any]:
    return list(request.FILES.getlist("files"))


class TipOptionsApi(PublicApi):
    """The categories and districts the form offers."""

    throttle_classes: list[Any] = []

    class OutputSerializer(serializers.Serializer):
        categories = serializers.ListField(child=serializers.DictField())
        districts = serializers.ListField(child=serializers.DictField())

    @extend_schema(responses=OutputSerializer, tags=["whistleblower"], auth=[])
    def get(self, request: Request) -> Response:
        categories = Category.objects.filter(is_active=True).order_by("code")
        return Response(
            {
                "categories": [{"code": c.code, "name": c.localized_name()} for c in categories],
                "districts": [
                    {"id": d.pk, "name": d.name} for d in District.objects.order_by("code")
                ],
            }
        )


class TipEnterpriseSearchApi(PublicApi):
    """Enterprises of the registry by name (at least two characters; 20 at most)."""

    throttle_classes: list[Any] = []

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        name = serializers.CharField()
        address = serializers.CharField()
        district = serializers.CharField(source="community.district.name")

    @extend_schema(
        parameters=[OpenApiParameter("search", str, description=str(_("part of the name")))],
        responses=OutputSerializer(many=True),
        tags=["whistleblower"],
        auth=[],
    )
    def get(self, request: Request) -> Response:
        search = request.query_params.get("search", "").strip()
        if len(search) < 2:
            return Response([])
        rows = (
            Enterprise.objects.filter(name__icontains=search)
            .select_related("community__district")
            .order_by("name")[:20]
        )
        return Response(self.OutputSerializer(rows, many=True).data)


class TipSubmitApi(PublicApi):
    """Send a tip. The answer holds the receipt, shown this once and never again."""

    class InputSerializer(serializers.Serializer):
        category = serializers.CharField(max_length=40)
        description = serializers.CharField(max_length=5000)
        enterprise = serializers.IntegerField(required=False, allow_null=True)
        enterprise_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
        enterprise_address = serializers.CharField(max_length=200, required=False, allow_blank=True)
        district = serializers.IntegerField(required=False, allow_null=True)
        contact_name = serializers.CharField(max_length=64, required=False, allow_blank=True)
        contact_phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
        files = serializers.ListField(child=serializers.FileField(), required=False)

    class OutputSerializer(serializers.Serializer):
        receipt = serializers.CharField()
        status = serializers.CharField()
        received_on = serializers.DateField()

    @extend_schema(
        request={"multipart/form-data": InputSerializer, "application/json": InputSerializer},
        responses={201: OutputSerializer},
        tags=["whistleblower"],
        auth=[],
        examples=[
            OpenApiExample(
                "receipt",
                value={"receipt": RECEIPT_EXAMPLE, "status": "new", "received_on": "2026-12-03"},
                response_only=True,
            )
        ],
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        result = services.tip_submit(
            category_code=fields["category"],
            description=fields["description"],
            enterprise_id=fields.get("enterprise"),
            enterprise_name=fields.get("enterprise_name", ""),
            enterprise_address=fields.get("enterprise_address", ""),
            district_id=fields.get("district"),
            contact_name=fields.get("contact_name", ""),
            contact_phone=fields.get("contact_phone", ""),
            files=_files(request),
        )
        body = {
            "receipt": result.receipt,
            "status": result.tip.status,
            "received_on": result.tip.received_on,
        }
        return Response(self.OutputSerializer(body).data, status=status.HTTP_201_CREATED)


class TipReceiptSerializer(serializers.Serializer):
    receipt = serializers.CharField(max_length=64)


class TipFollowUpApi(PublicApi):
    """Read the tip with its receipt: status, deadlines and the handlers' messages."""

    @extend_schema(
        request=TipReceiptSerializer,
        responses={200: TipFollowUpSerializer},
        tags=["whistleblower"],
        auth=[],
        examples=[OpenApiExample("receipt", value={"receipt": RECEIPT_EXAMPLE}, request_only=True)],
    )
    def post(self, request: Request) -> Response:
        data = TipReceiptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tip = tip_for_receipt(receipt=data.validated_data["receipt"])
        return Response(TipFollowUpSerializer(tip).data)

    extra_error_codes = [404]


class TipReplyApi(PublicApi):
    """Answer the handlers and/or add evidence (photos, plain text) with the receipt."""

    class InputSerializer(TipReceiptSerializer):
        body = serializers.CharField(max_length=5000, required=False, allow_blank=True)
        files = serializers.ListField(child=serializers.FileField(), required=False)

    extra_error_codes = [404]

    @extend_schema(
        request={"multipart/form-data": InputSerializer, "application/json": InputSerializer},
        responses={201: TipFollowUpSerializer},
        tags=["whistleblower"],
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tip = tip_for_receipt(receipt=data.validated_data["receipt"])
        services.tip_reply(tip=tip, body=data.validated_data.get("body", ""), files=_files(request))
        tip = tip_for_receipt(receipt=data.validated_data["receipt"])
        return Response(TipFollowUpSerializer(tip).data, status=status.HTTP_201_CREATED)


class TipRewardCollectApi(PublicApi):
    """Collect the reward of a substantiated tip as an anonymous voucher (shown once)."""

    class OutputSerializer(serializers.Serializer):
        voucher = serializers.CharField()

    extra_error_codes = [404]

    @extend_schema(
        request=TipReceiptSerializer,
        responses={201: OutputSerializer},
        tags=["whistleblower"],
        auth=[],
        examples=[
            OpenApiExample(
                "voucher", value={"voucher": "1234 5678 9012 3456 7890"}, response_only=True
            )
        ],
    )
    def post(self, request: Request) -> Response:
        data = TipReceiptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tip = tip_for_receipt(receipt=data.validated_data["receipt"])
        code = services.tip_reward_collect(tip=tip)
        return Response({"voucher": code}, status=status.HTTP_201_CREATED)
