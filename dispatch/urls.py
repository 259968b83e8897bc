from django.urls import path

from dispatch import api

urlpatterns = [
    path("dispatches/", api.DispatchListApi.as_view(), name="dispatches"),
    path("dispatches/<int:dispatch_id>/", api.DispatchDetailApi.as_view(), name="dispatch-detail"),
    path(
        "dispatches/<int:dispatch_id>/close/", api.DispatchCloseApi.as_view(), name="dispatch-close"
    ),
    path("dispatch-offers/", api.OfferListApi.as_view(), name="dispatch-offers"),
    path("dispatch-offers/<int:offer_id>/", api.OfferDetailApi.as_view(), name="dispatch-offer"),
    path(
        "dispatch-offers/<int:offer_id>/progress/",
        api.OfferProgressApi.as_view(),
        name="dispatch-offer-progress",
    ),
    *(
        path(
            f"dispatch-offers/<int:offer_id>/{answer}/",
            api.OfferAnswerApi.as_view(),
            {"answer": answer},
            name=f"dispatch-offer-{answer}",
        )
        for answer in api.OfferAnswerApi.answers
    ),
]
