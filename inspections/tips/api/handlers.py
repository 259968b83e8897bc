"""Tip handlers' API under /api/v1/tip-handling/: list, open, steps, notes, messages,
assignment, the recorded reveal of a contact, and evidence files.

Anyone without the handler role gets 404 on every route here (never 403: a tip's
existence is itself a secret); a handler gets 404 for other districts' tips.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.http import FileResponse, Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.lists import ScopedListApi
from grids.models import User
from grids.selectors import user_is_tip_handler
from inspections.tips import services
from inspections.tips.filters import TipFilter
from inspections.tips.models import Tip
from inspections.tips.selectors import tip_attachment_get, tip_list
from inspections.tips.services.handling import STEPS


class IsTipHandler(permissions.BasePermission):
    """Tip handlers only; everyone else is told the route does not exist."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not (request.user.is_authenticated and user_is_tip_handler(request.user)):
            raise Http404
        return True


class HandlerApi(APIView):
    permission_classes = [permissions.IsAuthenticated, IsTipHandler]
    extra_error_codes = [404]

    def handler(self, request: Request) -> User:
        """The signed-in tip handler (IsTipHandler let nobody else this far)."""
        return cast(User, request.user)


class TipSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.CharField()
    outcome = serializers.CharField()
    category = serializers.CharField(source="category.localized_name")
    district = serializers.CharField(source="district.name")
    enterprise = serializers.CharField(source="enterprise_label")
    enterprise_id = serializers.IntegerField(allow_null=True)
    is_major = serializers.BooleanField()
    received_on = serializers.DateField()
    acknowledge_due_on = serializers.DateField()
    feedback_due_on = serializers.DateField()
    assignee = serializers.SerializerMethodField()
    version = serializers.IntegerField()

    def get_assignee(self, tip: Tip) -> dict[str, Any] | None:
        return {"id": tip.assignee.pk, "name": tip.assignee.public_name} if tip.assignee else None


class TipEventSerializer(serializers.Serializer):
    kind = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    note = serializers.CharField()
    on = serializers.DateField()
    actor = serializers.CharField(source="actor.public_name", default=None)


class TipMessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    from_whistleblower = serializers.BooleanField()
    author = serializers.CharField(source="author.public_name", default=None)
    body = serializers.CharField()
    on = serializers.DateField()


class TipAttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    size = serializers.IntegerField()
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    on = serializers.DateField()


class TipDetailSerializer(TipSummarySerializer):
    description = serializers.CharField()
    enterprise_address = serializers.CharField()
    has_contact = serializers.SerializerMethodField()
    hazard = serializers.CharField(source="hazard.number", default=None)
    acknowledged_on = serializers.DateField(allow_null=True)
    decided_on = serializers.DateField(allow_null=True)
    closed_on = serializers.DateField(allow_null=True)
    events = TipEventSerializer(many=True)
    messages = TipMessageSerializer(many=True)
    attachments = TipAttachmentSerializer(many=True)

    def get_has_contact(self, tip: Tip) -> bool:
        return bool(tip.contact_name or tip.contact_phone)


class TipListApi(ScopedListApi):
    """The tips of the handler's districts (all of them for city-wide handlers), newest
    first; ``status`` repeated for several."""

    permission_classes = HandlerApi.permission_classes
    extra_error_codes = HandlerApi.extra_error_codes
    model = Tip
    serializer_class = TipSummarySerializer
    filterset_class = TipFilter

    def rows(self, user: Any) -> Any:
        return tip_list(user=user)

    @extend_schema(tags=["tip handling"])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class TipDetailApi(HandlerApi):
    """Open a tip (the opening is recorded): facts, timeline, messages, files."""

    @extend_schema(responses=TipDetailSerializer, tags=["tip handling"])
    def get(self, request: Request, pk: int) -> Response:
        return Response(
            TipDetailSerializer(services.tip_open(by=self.handler(request), tip_id=pk)).data
        )


class TipVersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class TipUnsubstantiateSerializer(TipVersionSerializer):
    note = serializers.CharField(max_length=2000)


class TipSubstantiateSerializer(TipVersionSerializer):
    hazard_description = serializers.CharField(max_length=2000)
    is_major = serializers.BooleanField(default=False)
    enterprise = serializers.IntegerField(required=False, allow_null=True, source="enterprise_id")
    category = serializers.CharField(required=False, allow_blank=True, source="category_code")


class TipStepApi(HandlerApi):
    """One step of the lifecycle; each subclass names its service and its input."""

    extra_error_codes = [404, 409]

    def step(
        self,
        request: Request,
        pk: int,
        service: Callable[..., Tip],
        inputs: type[serializers.Serializer],
    ) -> Response:
        data = inputs(data=request.data)
        data.is_valid(raise_exception=True)
        tip = service(by=self.handler(request), tip_id=pk, **data.validated_data)
        return Response(TipSummarySerializer(tip).data)


def _step_schema(inputs: type[serializers.Serializer], summary: str) -> Any:
    return extend_schema(
        request=inputs, responses=TipSummarySerializer, tags=["tip handling"], summary=summary
    )


class TipAcknowledgeApi(TipStepApi):
    """Acknowledge receipt (within 7 days)."""

    @_step_schema(TipVersionSerializer, "Acknowledge receipt (within 7 days).")
    def post(self, request: Request, pk: int) -> Response:
        return self.step(request, pk, services.tip_acknowledge, TipVersionSerializer)


class TipInvestigateApi(TipStepApi):
    """Start the investigation."""

    @_step_schema(TipVersionSerializer, "Start the investigation.")
    def post(self, request: Request, pk: int) -> Response:
        return self.step(request, pk, services.tip_investigate, TipVersionSerializer)


class TipSubstantiateApi(TipStepApi):
    """Substantiated: makes a hazard carrying only what the handler writes for it."""

    @_step_schema(
        TipSubstantiateSerializer, "Substantiated: makes a hazard with nothing identifying."
    )
    def post(self, request: Request, pk: int) -> Response:
        return self.step(request, pk, services.tip_substantiate, TipSubstantiateSerializer)


class TipUnsubstantiateApi(TipStepApi):
    """Not substantiated, with the reason (kept for handlers)."""

    @_step_schema(TipUnsubstantiateSerializer, "Not substantiated, with the reason.")
    def post(self, request: Request, pk: int) -> Response:
        return self.step(request, pk, services.tip_unsubstantiate, TipUnsubstantiateSerializer)


class TipCloseApi(TipStepApi):
    """Close the tip (after an outcome); the receipt works 90 more days."""

    @_step_schema(TipVersionSerializer, "Close the tip (after an outcome).")
    def post(self, request: Request, pk: int) -> Response:
        return self.step(request, pk, services.tip_close, TipVersionSerializer)


class TipAssignApi(HandlerApi):
    """Give the tip to, or transfer it between, handlers of its district."""

    class InputSerializer(serializers.Serializer):
        version = serializers.IntegerField(min_value=1)
        assignee = serializers.IntegerField(source="assignee_id")

    extra_error_codes = [404, 409]

    @extend_schema(request=InputSerializer, responses=TipSummarySerializer, tags=["tip handling"])
    def post(self, request: Request, pk: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tip = services.tip_assign(by=self.handler(request), tip_id=pk, **data.validated_data)
        return Response(TipSummarySerializer(tip).data)


class TipNoteApi(HandlerApi):
    """A private note: handlers read it, the whistleblower never does."""

    class InputSerializer(serializers.Serializer):
        note = serializers.CharField(max_length=5000)

    @extend_schema(
        request=InputSerializer, responses={201: TipEventSerializer}, tags=["tip handling"]
    )
    def post(self, request: Request, pk: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        event = services.tip_note_add(by=self.handler(request), tip_id=pk, **data.validated_data)
        return Response(TipEventSerializer(event).data, status=status.HTTP_201_CREATED)


class TipMessageApi(HandlerApi):
    """A message to the whistleblower, who reads it with the receipt."""

    class InputSerializer(serializers.Serializer):
        body = serializers.CharField(max_length=5000)

    @extend_schema(
        request=InputSerializer, responses={201: TipMessageSerializer}, tags=["tip handling"]
    )
    def post(self, request: Request, pk: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        message = services.tip_message_send(
            by=self.handler(request), tip_id=pk, **data.validated_data
        )
        return Response(TipMessageSerializer(message).data, status=status.HTTP_201_CREATED)


class TipRevealApi(HandlerApi):
    """Reveal the confidential name and phone; who, when and why go on the timeline."""

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=2000)

    class OutputSerializer(serializers.Serializer):
        name = serializers.CharField()
        phone = serializers.CharField()

    @extend_schema(request=InputSerializer, responses=OutputSerializer, tags=["tip handling"])
    def post(self, request: Request, pk: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        contact = services.tip_contact_reveal(
            by=self.handler(request), tip_id=pk, **data.validated_data
        )
        return Response(self.OutputSerializer(contact).data)


class TipAttachmentApi(HandlerApi):
    """One evidence file (the opening is recorded)."""

    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiResponse(description="the file")},
        tags=["tip handling"],
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        attachment = tip_attachment_get(user=request.user, attachment_id=pk)
        services.tip_attachment_opened(by=self.handler(request), attachment=attachment)
        content_type = "image/jpeg" if attachment.kind == "photo" else "text/plain; charset=utf-8"
        response = FileResponse(attachment.file.open("rb"), content_type=content_type)
        response["Cache-Control"] = "no-store"
        return response


class TipRewardClaimApi(APIView):
    """A signed-in resident claims an anonymous reward voucher into their account.

    Without ``confirm_link: true`` the answer is 400 with the warning that claiming links
    the account to a whistleblower's reward. No handler can see which account claimed."""

    class InputSerializer(serializers.Serializer):
        voucher = serializers.CharField(max_length=40, source="code")
        confirm_link = serializers.BooleanField(default=False)

    class OutputSerializer(serializers.Serializer):
        claimed_on = serializers.DateField()

    extra_error_codes = [404]

    @extend_schema(request=InputSerializer, responses=OutputSerializer, tags=["whistleblower"])
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        voucher = services.tip_reward_claim(user=request.user, **data.validated_data)
        return Response(self.OutputSerializer(voucher).data)


STEP_VIEWS: dict[str, type[TipStepApi]] = {
    "acknowledge": TipAcknowledgeApi,
    "investigate": TipInvestigateApi,
    "substantiate": TipSubstantiateApi,
    "unsubstantiate": TipUnsubstantiateApi,
    "close": TipCloseApi,
}
assert set(STEP_VIEWS) == set(STEPS)
