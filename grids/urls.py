from django.urls import path

from grids.api.me import MeApi
from grids.api.operations import (
    AssignmentApplyApi,
    AssignmentPreviewApi,
    CoverageApi,
    GridWorkerApi,
    PartitionApplyApi,
    PartitionPreviewApi,
)
from grids.api.places import (
    BuildingDetailApi,
    BuildingListApi,
    CommunityListApi,
    DistrictListApi,
    EnterpriseDetailApi,
    EnterpriseListApi,
    GridDetailApi,
    GridListApi,
    LocateApi,
    MyGridApi,
)

urlpatterns = [
    path("me/", MeApi.as_view(), name="me"),
    path("districts/", DistrictListApi.as_view(), name="district-list"),
    path("communities/", CommunityListApi.as_view(), name="community-list"),
    path(
        "communities/<int:community_id>/partition/preview/",
        PartitionPreviewApi.as_view(),
        name="community-partition-preview",
    ),
    path(
        "communities/<int:community_id>/partition/apply/",
        PartitionApplyApi.as_view(),
        name="community-partition-apply",
    ),
    path(
        "communities/<int:community_id>/assignment/preview/",
        AssignmentPreviewApi.as_view(),
        name="community-assignment-preview",
    ),
    path(
        "communities/<int:community_id>/assignment/apply/",
        AssignmentApplyApi.as_view(),
        name="community-assignment-apply",
    ),
    path("grids/", GridListApi.as_view(), name="grid-list"),
    path("grids/<int:pk>/", GridDetailApi.as_view(), name="grid-detail"),
    path("grids/<int:grid_id>/worker/", GridWorkerApi.as_view(), name="grid-worker"),
    path("buildings/", BuildingListApi.as_view(), name="building-list"),
    path("buildings/<int:pk>/", BuildingDetailApi.as_view(), name="building-detail"),
    path("enterprises/", EnterpriseListApi.as_view(), name="enterprise-list"),
    path("enterprises/<int:pk>/", EnterpriseDetailApi.as_view(), name="enterprise-detail"),
    path("my-grid/", MyGridApi.as_view(), name="my-grid"),
    path("locate/", LocateApi.as_view(), name="locate"),
    path("coverage/", CoverageApi.as_view(), name="coverage"),
]
