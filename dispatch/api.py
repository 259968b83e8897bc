"""HTTP for one-click dispatch: staff open and follow dispatches, volunteers answer offers."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.lists import ScopedListApi
from config.api.times import MomentField
from config.idempotency import client_uuid_field
from dispatch.models import (
    MAX_PEOPLE,
    PROGRESS_STEPS,
    Dispatch,
    DispatchStatus,
    Offer,
    OfferStatus,
    Outcome,
    Urgency,
)
from dispatch.selectors import (
    dispatch_get,
    dispatch_list,
    dispatch_offers,
    offer_get,
    offer_list,
    offer_shows_place,
)
from dispatch.services import (
    dispatch_close,
    dispatch_open,
    offer_accept,
    offer_decline,
    offer_progress,
    offer_see,
)
from inspections.selectors import hazard_get
from volunteers.models import Skill

TAGS = ["dispatch"]


class DispatchSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=DispatchStatus.choices)
    community = serializers.IntegerField(source="community_id")
    grid = serializers.IntegerField(source="grid_id", allow_null=True)
    hazard = serializers.IntegerField(source="hazard_id", allow_null=True)
    lat = serializers.FloatField()
    lng = serializers.FloatField()
    address = serializers.CharField()
    area = serializers.CharField()
    description = serializers.CharField()
    skill = serializers.CharField(source="skill.code", allow_null=True, default=None)
    people_needed = serializers.IntegerField()
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    is_drill = serializers.BooleanField()
    ring = serializers.IntegerField()
    rings_m = serializers.ListField(child=serializers.IntegerField())
    ring_deadline_at = serializers.DateTimeField(allow_null=True)
    accepted = serializers.IntegerField(source="accepted_count")
    offered = serializers.IntegerField(source="offered_count")
    opened_at = serializers.DateTimeField()
    first_accepted_at = serializers.DateTimeField(allow_null=True)
    first_arrived_at = serializers.DateTimeField(allow_null=True)
    filled_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    outcome = serializers.CharField()
    outcome_note = serializers.CharField()


class BoardOfferSerializer(serializers.Serializer):
    """One line of a dispatch's status board (staff)."""

    id = serializers.IntegerField()
    volunteer = serializers.IntegerField(source="volunteer_id")
    volunteer_name = serializers.CharField(source="volunteer.public_name")
    ring = serializers.IntegerField()
    distance_m = serializers.IntegerField()
    status = serializers.ChoiceField(choices=OfferStatus.choices)
    offered_at = serializers.DateTimeField()
    seen_at = serializers.DateTimeField(allow_null=True)
    accepted_at = serializers.DateTimeField(allow_null=True)
    declined_at = serializers.DateTimeField(allow_null=True)
    stood_down_at = serializers.DateTimeField(allow_null=True)
    en_route_at = serializers.DateTimeField(allow_null=True)
    arrived_at = serializers.DateTimeField(allow_null=True)
    on_task_at = serializers.DateTimeField(allow_null=True)
    done_at = serializers.DateTimeField(allow_null=True)


class DispatchPlaceSerializer(serializers.Serializer):
    lat = serializers.FloatField()
    lng = serializers.FloatField()
    address = serializers.CharField()


class MyOfferSerializer(serializers.Serializer):
    """An offer as its volunteer sees it: the exact place only once they accepted."""

    id = serializers.IntegerField()
    dispatch = serializers.IntegerField(source="dispatch_id")
    dispatch_status = serializers.ChoiceField(
        source="dispatch.status", choices=DispatchStatus.choices
    )
    status = serializers.ChoiceField(choices=OfferStatus.choices)
    distance_m = serializers.IntegerField()
    area = serializers.CharField(source="dispatch.area")
    skill = serializers.CharField(source="dispatch.skill.code", allow_null=True, default=None)
    urgency = serializers.ChoiceField(source="dispatch.urgency", choices=Urgency.choices)
    is_drill = serializers.BooleanField(source="dispatch.is_drill")
    people_needed = serializers.IntegerField(source="dispatch.people_needed")
    description = serializers.CharField(source="dispatch.description")
    place = serializers.SerializerMethodField(
        help_text=_("Exact place (lat, lng, address): null until you accept.")
    )
    offered_at = serializers.DateTimeField()
    seen_at = serializers.DateTimeField(allow_null=True)
    accepted_at = serializers.DateTimeField(allow_null=True)
    en_route_at = serializers.DateTimeField(allow_null=True)
    arrived_at = serializers.DateTimeField(allow_null=True)
    on_task_at = serializers.DateTimeField(allow_null=True)
    done_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(DispatchPlaceSerializer(allow_null=True))
    def get_place(self, offer: Offer) -> dict[str, Any] | None:
        if not offer_shows_place(offer):
            return None
        dispatch = offer.dispatch
        return {"lat": dispatch.lat, "lng": dispatch.lng, "address": dispatch.address}


# --- Staff --------------------------------------------------------------------------------------
class DispatchListApi(ScopedListApi):
    """Dispatches of my communities, newest first; POST opens one in one action."""

    # 404: the hazard named in the request does not exist or is not the caller's to see.
    # 409: the client_uuid was used before for another dispatch.
    extra_error_codes = [404, 409]

    class InputSerializer(serializers.Serializer):
        lat = serializers.FloatField(required=False, min_value=-90, max_value=90)
        lng = serializers.FloatField(required=False, min_value=-180, max_value=180)
        hazard = serializers.IntegerField(
            required=False, help_text=_("Open it for this hazard: its place is used.")
        )
        skill = serializers.SlugRelatedField(
            slug_field="code", queryset=Skill.objects.all(), required=False, allow_null=True
        )
        people_needed = serializers.IntegerField(min_value=1, max_value=MAX_PEOPLE, default=1)
        urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.URGENT)
        is_drill = serializers.BooleanField(default=False)
        address = serializers.CharField(required=False, allow_blank=True, max_length=200)
        description = serializers.CharField(required=False, allow_blank=True, max_length=500)
        client_uuid = client_uuid_field()

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            has_place = "lat" in attrs and "lng" in attrs
            if not has_place and "hazard" not in attrs:
                raise serializers.ValidationError(
                    _("Give the place (lat and lng) or the hazard it is for.")
                )
            return attrs

    serializer_class = DispatchSerializer
    model = Dispatch

    def rows(self, user: Any) -> Any:
        return dispatch_list(user=user)

    @extend_schema(tags=TAGS)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        request=InputSerializer,
        responses={201: DispatchSerializer, 200: DispatchSerializer},
        description=_(
            "201 with the new dispatch; 200 with the same dispatch for a retry with the same "
            "client_uuid (nobody is asked twice); 409 `client_uuid_reused` for the same UUID "
            "with other content."
        ),
        examples=[
            OpenApiExample(
                "CPR near a building",
                request_only=True,
                value={
                    "lat": 32.0603,
                    "lng": 118.7969,
                    "skill": "cpr",
                    "people_needed": 2,
                    "urgency": "emergency",
                    "description": "老人晕倒，需要心肺复苏",
                    "client_uuid": "5f0c2d9e-3c1b-4a57-9d2e-7b6a1f0e8c44",
                },
            ),
            OpenApiExample(
                "From a hazard, as a drill",
                request_only=True,
                value={"hazard": 123, "is_drill": True},
            ),
        ],
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        if "hazard" in fields:
            fields["hazard"] = hazard_get(user=request.user, hazard_id=fields["hazard"])
        dispatch = dispatch_open(user=request.user, **fields)
        shown = dispatch_get(user=request.user, dispatch_id=dispatch.pk)
        answer = status.HTTP_200_OK if dispatch.replayed else status.HTTP_201_CREATED
        return Response(DispatchSerializer(shown).data, status=answer)


class DispatchDetailApi(APIView):
    """One dispatch and its status board: every offer with each step's time."""

    class OutputSerializer(DispatchSerializer):
        offers = BoardOfferSerializer(many=True)

    @extend_schema(tags=TAGS, responses=OutputSerializer)
    def get(self, request: Request, dispatch_id: int) -> Response:
        dispatch = dispatch_get(user=request.user, dispatch_id=dispatch_id)
        dispatch.offers_board = list(dispatch_offers(dispatch=dispatch))  # type: ignore[attr-defined]
        body = DispatchSerializer(dispatch).data
        body["offers"] = BoardOfferSerializer(dispatch.offers_board, many=True).data  # type: ignore[attr-defined]
        return Response(body)


class DispatchCloseApi(APIView):
    """Close a dispatch with its outcome; whoever is still asked is stood down."""

    extra_error_codes = [409]

    class InputSerializer(serializers.Serializer):
        outcome = serializers.ChoiceField(choices=Outcome.choices)
        note = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")

    @extend_schema(
        tags=TAGS,
        request=InputSerializer,
        responses=DispatchSerializer,
        examples=[
            OpenApiExample(
                "Resolved", request_only=True, value={"outcome": "resolved", "note": "120已接手"}
            )
        ],
    )
    def post(self, request: Request, dispatch_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        dispatch_close(
            user=request.user,
            dispatch_id=dispatch_id,
            outcome=data.validated_data["outcome"],
            note=data.validated_data["note"],
        )
        return Response(
            DispatchSerializer(dispatch_get(user=request.user, dispatch_id=dispatch_id)).data
        )


# --- Volunteers ---------------------------------------------------------------------------------
class OfferListApi(ScopedListApi):
    """My dispatch offers, newest first; ``open=1``: those I can still answer or am on."""

    serializer_class = MyOfferSerializer
    model = Offer

    def rows(self, user: Any) -> Any:
        open_only = self.request.query_params.get("open") in {"1", "true"}
        return offer_list(user=user, open_only=open_only)

    @extend_schema(
        tags=TAGS,
        parameters=[OpenApiParameter("open", bool, description=_("Only open offers."))],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class OfferDetailApi(APIView):
    """One of my offers (the exact place once accepted)."""

    @extend_schema(tags=TAGS, responses=MyOfferSerializer)
    def get(self, request: Request, offer_id: int) -> Response:
        return Response(MyOfferSerializer(offer_get(user=request.user, offer_id=offer_id)).data)


class OfferAnswerApi(APIView):
    """``seen``, ``accept`` or ``decline`` (one tap each); a retry answers the same."""

    extra_error_codes = [409]
    answers = {"seen": offer_see, "accept": offer_accept, "decline": offer_decline}

    @extend_schema(
        tags=TAGS,
        request=None,
        responses=MyOfferSerializer,
        description=_(
            "accept: 200 with the exact place, or 409 `filled` when enough volunteers "
            "accepted first (`closed` when staff closed it)."
        ),
    )
    def post(self, request: Request, offer_id: int, answer: str) -> Response:
        if answer not in self.answers:
            raise Http404
        self.answers[answer](user=request.user, offer_id=offer_id)
        return Response(MyOfferSerializer(offer_get(user=request.user, offer_id=offer_id)).data)


class OfferProgressApi(APIView):
    """On the way, arrived, at the task, done: each step with its time, forward only."""

    extra_error_codes = [409]

    class InputSerializer(serializers.Serializer):
        step = serializers.ChoiceField(
            choices=[(step.value, step.label) for step in PROGRESS_STEPS]
        )
        occurred_at = MomentField(
            required=False,
            allow_null=True,
            default=None,
            help_text=_(
                "When the volunteer tapped it on the phone (it may reach us later). Kept "
                "between the step before it and now; the server's time when left out."
            ),
        )

    @extend_schema(
        tags=TAGS,
        request=InputSerializer,
        responses=MyOfferSerializer,
        examples=[
            OpenApiExample(
                "Arrived",
                request_only=True,
                value={"step": "arrived", "occurred_at": "2026-12-04T09:41:07+08:00"},
            )
        ],
    )
    def post(self, request: Request, offer_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        offer_progress(
            user=request.user,
            offer_id=offer_id,
            step=data.validated_data["step"],
            occurred_at=data.validated_data["occurred_at"],
        )
        return Response(MyOfferSerializer(offer_get(user=request.user, offer_id=offer_id)).data)
