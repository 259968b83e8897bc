from django.urls import path

from grids.api.me import MeApi, MeCloseApi, MeDataApi
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
    path("me/data/", MeDataApi.as_view(), name="me-data"),
    path("me/close/", MeCloseApi.as_view(), name="me-close"),
    path("districts/", DistrictListApi.as_view(), name="district-list"),
    path("communities/", CommunityListApi.as_view(), name="community-list"),
    path(
        "communities/<id:community_id>/partition/preview/",
        PartitionPreviewApi.as_view(),
        name="community-partition-preview",
    ),
    path(
        "communities/<id:community_id>/partition/apply/",
        PartitionApplyApi.as_view(),
        name="community-partition-apply",
    ),
    path(
        "communities/<id:community_id>/assignment/preview/",
        AssignmentPreviewApi.as_view(),
        name="community-assignment-preview",
    ),
    path(
        "communities/<id:community_id>/assignment/apply/",
        AssignmentApplyApi.as_view(),
        name="community-assignment-apply",
    ),
    path("grids/", GridListApi.as_view(), name="grid-list"),
    path("grids/<id:pk>/", GridDetailApi.as_view(), name="grid-detail"),
    path("grids/<id:grid_id>/worker/", GridWorkerApi.as_view(), name="grid-worker"),
    path("buildings/", BuildingListApi.as_view(), name="building-list"),
    path("buildings/<id:pk>/", BuildingDetailApi.as_view(), name="building-detail"),
    path("enterprises/", EnterpriseListApi.as_view(), name="enterprise-list"),
    path("enterprises/<id:pk>/", EnterpriseDetailApi.as_view(), name="enterprise-detail"),
    path("my-grid/", MyGridApi.as_view(), name="my-grid"),
    path("locate/", LocateApi.as_view(), name="locate"),
    path("coverage/", CoverageApi.as_view(), name="coverage"),
]
