"""HTTP for safety points: balance, history, catalogue, redemption, vouchers, staff tools."""

from __future__ import annotations

from datetime import date
from typing import Any

import segno
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from grids.models import Community, User
from points.models import EntryKind, LedgerEntry, Reward, Voucher, VoucherStatus
from points.selectors import (
    account_get,
    leaderboard,
    ledger_history,
    reward_catalogue,
    reward_get,
    voucher_get,
    voucher_list,
)
from points.services import (
    account_leaderboard_opt_in,
    points_adjust,
    reward_redeem,
    voucher_cancel,
    voucher_fulfil,
)

IDEMPOTENCY_HEADER = OpenApiParameter(
    name="Idempotency-Key",
    type=str,
    location=OpenApiParameter.HEADER,
    required=True,
    description=_(
        "A key the client makes up per redemption (a UUID, say) and repeats on retry: the "
        "same key always answers with the same voucher and never redeems twice."
    ),
)


def _localized(request: Request, zh: str, en: str) -> str:
    return en if en and str(getattr(request, "LANGUAGE_CODE", "")).startswith("en") else zh


class RewardRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.SerializerMethodField()
    name_zh = serializers.CharField()
    name_en = serializers.CharField()

    def get_name(self, reward: Reward) -> str:
        return _localized(self.context["request"], reward.name_zh, reward.name_en)


class VoucherSerializer(serializers.Serializer):
    code = serializers.CharField()
    status = serializers.ChoiceField(choices=VoucherStatus.choices)
    reward = RewardRefSerializer()
    cost = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    fulfilled_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)


class VoucherDetailSerializer(VoucherSerializer):
    qr_svg = serializers.SerializerMethodField(
        help_text=_("The code as a QR image (SVG data URI) to show at the counter.")
    )

    def get_qr_svg(self, voucher: Voucher) -> str:
        # make_qr, never make: segno.make picks a Micro QR for short codes, which phone
        # cameras and zbar cannot read.
        return str(segno.make_qr(voucher.code, error="m").svg_data_uri(scale=6))


class BalanceApi(APIView):
    """My points balance and whether I appear on my community's leaderboard."""

    class OutputSerializer(serializers.Serializer):
        balance = serializers.IntegerField()
        leaderboard_opt_in = serializers.BooleanField()

    class InputSerializer(serializers.Serializer):
        leaderboard_opt_in = serializers.BooleanField()

    @extend_schema(responses=OutputSerializer, tags=["points"])
    def get(self, request: Request) -> Response:
        return Response(self.OutputSerializer(account_get(user=request.user)).data)

    @extend_schema(request=InputSerializer, responses=OutputSerializer, tags=["points"])
    def patch(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        account = account_leaderboard_opt_in(
            user=request.user, opt_in=data.validated_data["leaderboard_opt_in"]
        )
        return Response(self.OutputSerializer(account).data)


class HistoryApi(generics.ListAPIView):
    """My ledger, newest first: every point earned, spent, refunded, expired or adjusted."""

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        kind = serializers.ChoiceField(choices=EntryKind.choices)
        amount = serializers.IntegerField()
        balance_after = serializers.IntegerField()
        reason = serializers.CharField()
        source = serializers.CharField()  # type: ignore[assignment]  # a body key
        voucher = serializers.CharField(source="voucher.code", allow_null=True, default=None)
        created_at = serializers.DateTimeField()

    serializer_class = OutputSerializer
    queryset = LedgerEntry.objects.none()  # for the schema; rows come from the selector

    def get_queryset(self) -> Any:
        return ledger_history(user=self.request.user)

    @extend_schema(tags=["points"])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class RewardListApi(generics.ListAPIView):
    """Rewards offered to me now, cheapest first."""

    class OutputSerializer(RewardRefSerializer):
        description = serializers.CharField()
        cost = serializers.IntegerField()
        stock = serializers.IntegerField(allow_null=True, help_text=_("Null: unlimited."))
        per_person_limit = serializers.IntegerField(allow_null=True)
        valid_from = serializers.DateTimeField(allow_null=True)
        valid_until = serializers.DateTimeField(allow_null=True)
        voucher_days = serializers.IntegerField()
        photo = serializers.SerializerMethodField()

        def get_photo(self, reward: Reward) -> str | None:
            return reward.photo.url if reward.photo else None

    serializer_class = OutputSerializer
    queryset = Reward.objects.none()  # for the schema; rows come from the selector

    def get_queryset(self) -> Any:
        return reward_catalogue(user=self.request.user)

    @extend_schema(tags=["rewards"])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class RewardRedeemApi(APIView):
    """Redeem a reward: debits my points and issues a voucher, exactly once per key."""

    extra_error_codes = ["409"]

    @extend_schema(
        request=None,
        parameters=[IDEMPOTENCY_HEADER],
        responses={201: VoucherDetailSerializer},
        tags=["rewards"],
    )
    def post(self, request: Request, reward_id: int) -> Response:
        key = request.headers.get("Idempotency-Key", "")
        if not key.strip():
            raise serializers.ValidationError(
                {"Idempotency-Key": [_("This header is required to redeem.")]}, code="required"
            )
        reward = reward_get(reward_id=reward_id)
        if reward is None:
            raise Http404
        voucher = reward_redeem(user=request.user, reward=reward, idempotency_key=key)
        body = VoucherDetailSerializer(voucher, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


class VoucherListApi(generics.ListAPIView):
    """My vouchers, newest first."""

    serializer_class = VoucherSerializer
    queryset = Voucher.objects.none()  # for the schema; rows come from the selector

    def get_queryset(self) -> Any:
        return voucher_list(user=self.request.user)

    @extend_schema(tags=["vouchers"])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


def _my_voucher(request: Request, code: str) -> Voucher:
    voucher = voucher_get(user=request.user, code=code)
    if voucher is None:
        raise Http404
    return voucher


class VoucherDetailApi(APIView):
    """One of my vouchers with its QR code, to show at the counter."""

    @extend_schema(responses=VoucherDetailSerializer, tags=["vouchers"])
    def get(self, request: Request, code: str) -> Response:
        voucher = _my_voucher(request, code)
        return Response(VoucherDetailSerializer(voucher, context={"request": request}).data)


class VoucherCancelApi(APIView):
    """Cancel one of my unused vouchers; the points come back."""

    extra_error_codes = ["409"]

    @extend_schema(request=None, responses=VoucherSerializer, tags=["vouchers"])
    def post(self, request: Request, code: str) -> Response:
        voucher = voucher_cancel(voucher=_my_voucher(request, code), by=request.user)
        return Response(VoucherSerializer(voucher, context={"request": request}).data)


class VoucherFulfilApi(APIView):
    """Staff: hand over the reward for a voucher code shown at the counter."""

    extra_error_codes = ["409"]

    @extend_schema(request=None, responses=VoucherSerializer, tags=["vouchers"])
    def post(self, request: Request, code: str) -> Response:
        voucher = voucher_fulfil(code=code, by=request.user)
        return Response(VoucherSerializer(voucher, context={"request": request}).data)


class AdjustmentApi(APIView):
    """Staff: correct a resident's balance, saying why. Never below zero."""

    class InputSerializer(serializers.Serializer):
        user = serializers.PrimaryKeyRelatedField(
            queryset=User.objects.select_related("home_building")
        )
        amount = serializers.IntegerField(min_value=-1_000_000, max_value=1_000_000)
        note = serializers.CharField(max_length=200)

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        user = serializers.IntegerField(source="account.user_id")
        amount = serializers.IntegerField()
        balance_after = serializers.IntegerField()
        reason = serializers.CharField()
        created_at = serializers.DateTimeField()

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer}, tags=["points"])
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry: LedgerEntry = points_adjust(**data.validated_data, by=request.user)
        return Response(self.OutputSerializer(entry).data, status=status.HTTP_201_CREATED)


class LeaderboardApi(APIView):
    """Who earned the most points in a community in a month (only people who opted in)."""

    class FilterSerializer(serializers.Serializer):
        community = serializers.PrimaryKeyRelatedField(queryset=Community.objects.all())
        month = serializers.RegexField(
            r"^\d{4}-(0[1-9]|1[0-2])$", required=False, help_text=_("YYYY-MM; default: now.")
        )

    class OutputSerializer(serializers.Serializer):
        rank = serializers.IntegerField()
        user_id = serializers.IntegerField()
        name = serializers.CharField()
        points = serializers.IntegerField()

    extra_error_codes = ["400"]

    @extend_schema(
        parameters=[
            OpenApiParameter("community", OpenApiTypes.INT, required=True),
            OpenApiParameter("month", OpenApiTypes.STR, description="YYYY-MM"),
        ],
        responses=OutputSerializer(many=True),
        tags=["points"],
    )
    def get(self, request: Request) -> Response:
        query = self.FilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        month = query.validated_data.get("month")
        first = date.fromisoformat(month + "-01") if month else timezone.localdate().replace(day=1)
        rows = leaderboard(community=query.validated_data["community"], month=first)
        return Response(self.OutputSerializer(rows, many=True).data)
