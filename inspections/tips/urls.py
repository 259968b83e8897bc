"""The whistleblower's API (/api/v1/tips/, anonymous) and the handlers' (/api/v1/tip-handling/)."""

from django.urls import URLPattern, path

from inspections.tips.api import handlers, public

urlpatterns: list[URLPattern] = [
    path("tips/", public.TipSubmitApi.as_view(), name="tip-submit"),
    path("tips/options/", public.TipOptionsApi.as_view(), name="tip-options"),
    path("tips/enterprises/", public.TipEnterpriseSearchApi.as_view(), name="tip-enterprises"),
    path("tips/follow-up/", public.TipFollowUpApi.as_view(), name="tip-follow-up"),
    path("tips/reply/", public.TipReplyApi.as_view(), name="tip-reply"),
    path("tips/reward/", public.TipRewardCollectApi.as_view(), name="tip-reward-collect"),
    path("tip-rewards/claim/", handlers.TipRewardClaimApi.as_view(), name="tip-reward-claim"),
    path("tip-handling/tips/", handlers.TipListApi.as_view(), name="tip-list"),
    path("tip-handling/tips/<int:pk>/", handlers.TipDetailApi.as_view(), name="tip-detail"),
    *[
        path(f"tip-handling/tips/<int:pk>/{step}/", view.as_view(), name=f"tip-{step}")
        for step, view in handlers.STEP_VIEWS.items()
    ],
    path("tip-handling/tips/<int:pk>/assign/", handlers.TipAssignApi.as_view(), name="tip-assign"),
    path("tip-handling/tips/<int:pk>/notes/", handlers.TipNoteApi.as_view(), name="tip-note"),
    path(
        "tip-handling/tips/<int:pk>/messages/", handlers.TipMessageApi.as_view(), name="tip-message"
    ),
    path("tip-handling/tips/<int:pk>/reveal/", handlers.TipRevealApi.as_view(), name="tip-reveal"),
    path(
        "tip-handling/attachments/<int:pk>/",
        handlers.TipAttachmentApi.as_view(),
        name="tip-attachment",
    ),
]
