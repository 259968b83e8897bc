"""Hazards, photos, patrols and metrics under /api/v1/."""

from django.urls import URLPattern, URLResolver, path

from inspections.api import hazards, metrics, patrols, photos

TRANSITIONS = {
    "assign": hazards.HazardAssignApi,
    "start": hazards.HazardStartApi,
    "submit-fix": hazards.HazardSubmitFixApi,
    "return-fix": hazards.HazardReturnFixApi,
    "close": hazards.HazardCloseApi,
    "reject": hazards.HazardRejectApi,
    "mark-duplicate": hazards.HazardMarkDuplicateApi,
    "reopen": hazards.HazardReopenApi,
}

urlpatterns: list[URLPattern | URLResolver] = [
    path("hazard-categories/", hazards.CategoryListApi.as_view(), name="hazard-categories"),
    path("hazards/", hazards.HazardListApi.as_view(), name="hazard-list"),
    path("hazards/metrics/", metrics.HazardMetricsApi.as_view(), name="hazard-metrics"),
    path("hazards/<id:pk>/", hazards.HazardDetailApi.as_view(), name="hazard-detail"),
    path("hazards/<id:pk>/comments/", hazards.HazardCommentApi.as_view(), name="hazard-comment"),
    path("hazards/<id:pk>/me-too/", hazards.HazardMeTooApi.as_view(), name="hazard-me-too"),
    path(
        "hazards/<id:pk>/photos/",
        photos.HazardPhotoUploadApi.as_view(),
        name="hazard-photo-upload",
    ),
    path(
        "photos/<id:pk>/<segment:size>/",
        photos.PhotoFileApi.as_view(),
        name="hazard-photo-file",
    ),
    *(
        path(f"hazards/<id:pk>/{action}/", view.as_view(), name=f"hazard-{action}")
        for action, view in TRANSITIONS.items()
    ),
    path("checklists/", patrols.ChecklistTemplateListApi.as_view(), name="checklist-list"),
    path("inspections/", patrols.InspectionListApi.as_view(), name="inspection-list"),
    path("inspections/due/", patrols.InspectionDueApi.as_view(), name="inspection-due"),
    path(
        "inspections/<id:pk>/items/<segment:code>/photo/",
        photos.InspectionItemPhotoApi.as_view(),
        name="inspection-item-photo",
    ),
]
