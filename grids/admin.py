from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin

from config.api.errors import Conflict
from config.exports import HeaderLabelledExportForm, LimitedImportForm
from grids.display import local_minute, mask_phone, person_name
from grids.models import (
    Building,
    Community,
    District,
    Enterprise,
    Grid,
    GridAssignment,
    RoleGrant,
    User,
)
from grids.resources import BuildingResource, EnterpriseResource, ResidentCountResource
from grids.selectors.places import grid_worker_name
from grids.selectors.users import user_staff_communities
from grids.services import (
    PartitionReport,
    communities_partition_apply,
    community_assignment_apply,
    community_partition_preview,
)


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 0
    autocomplete_fields = ["community"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "display_name", "masked_phone", "is_staff", "is_active"]
    search_fields = ["username", "display_name", "phone", "email"]
    list_filter = ["is_staff", "is_active", "role_grants__role", "preferred_language"]
    inlines = [RoleGrantInline]
    autocomplete_fields = ["home_building"]

    @admin.display(description=_("mobile phone"))
    def masked_phone(self, user: User) -> str:
        return mask_phone(user.phone) if user.phone else "—"

    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (
            _("SafeGrid"),
            {
                "fields": (
                    "phone",
                    "display_name",
                    "preferred_language",
                    "home_building",
                    "base_lat",
                    "base_lng",
                )
            },
        ),
    )


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


def _summary(report: PartitionReport) -> str:
    return gettext(
        "%(community)s: %(grids)d grids (%(kept)d kept, %(new)d new, %(retired)d retired), "
        "%(share).0f%% within ±10%%, %(oversized)d single oversized buildings, "
        "%(moved)d residents change grid. %(method)s"
    ) % {
        "community": report.community.name,
        "grids": report.grid_count,
        "kept": report.grids_kept,
        "new": report.grids_created,
        "retired": report.grids_retired,
        "share": report.within_share * 100,
        "oversized": report.oversized_single_unit,
        "moved": report.residents_moved,
        "method": report.method_note,
    }


# The places a form may point at, by their path to a community: a form offers and accepts
# only those of the user's own communities.
PLACE_COMMUNITY_PATHS: dict[type, str] = {
    Community: "pk",
    Grid: "community",
    Building: "community",
    Enterprise: "community",
}


class CommunityScopedAdmin(admin.ModelAdmin):
    """Community staff see and write in the admin only what belongs to their communities."""

    community_path = "community"

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        path = PLACE_COMMUNITY_PATHS.get(db_field.related_model)
        if path is not None and "queryset" not in kwargs:
            communities = user_staff_communities(request.user)
            kwargs["queryset"] = db_field.related_model._default_manager.filter(
                **{f"{path}__in": communities}
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(
            **{f"{self.community_path}__in": user_staff_communities(request.user)}
        )


@admin.register(Community)
class CommunityAdmin(CommunityScopedAdmin):
    list_display = ["code", "name", "district", "target_grid_size"]
    list_filter = ["district"]
    search_fields = ["code", "name"]
    list_select_related = ["district"]
    autocomplete_fields = ["district"]
    community_path = "pk"
    actions = ["preview_partition", "apply_partition", "apply_assignment"]

    @admin.action(description=_("Preview re-partition (writes nothing)"))
    def preview_partition(self, request: HttpRequest, queryset: QuerySet[Community]) -> None:
        for community in queryset.order_by("code"):
            try:
                self.message_user(
                    request, _summary(community_partition_preview(community=community))
                )
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)

    @admin.action(description=_("Re-partition into grids (keeps grids and workers)"))
    def apply_partition(self, request: HttpRequest, queryset: QuerySet[Community]) -> None:
        try:
            reports = communities_partition_apply(communities=queryset, by=request.user)  # type: ignore[arg-type]
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        for report in reports:
            self.message_user(request, _summary(report), messages.SUCCESS)

    @admin.action(description=_("Assign available workers to uncovered grids"))
    def apply_assignment(self, request: HttpRequest, queryset: QuerySet[Community]) -> None:
        for community in queryset.order_by("code"):
            try:
                report = community_assignment_apply(community=community, by=request.user)  # type: ignore[arg-type]
            except (ValidationError, Conflict) as error:  # report it and go on
                text = " ".join(error.messages) if isinstance(error, ValidationError) else error
                self.message_user(request, f"{community.name}: {text}", messages.ERROR)
                continue
            self.message_user(
                request,
                gettext("%(community)s: %(assigned)d assigned, %(left)d grids still uncovered.")
                % {
                    "community": community.name,
                    "assigned": len(report.assignments),
                    "left": report.grids_left_uncovered,
                },
            )


class CoveredFilter(admin.SimpleListFilter):
    title = _("worker")
    parameter_name = "covered"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Has a worker")), ("no", _("No worker"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Grid]) -> QuerySet[Grid]:
        active = GridAssignment.objects.filter(ended_at__isnull=True).values("grid_id")
        if self.value() == "yes":
            return queryset.filter(pk__in=active)
        if self.value() == "no":
            return queryset.filter(is_active=True).exclude(pk__in=active)
        return queryset


@admin.register(Grid)
class GridAdmin(CommunityScopedAdmin):
    list_display = ["code", "name", "community", "population", "worker", "is_active"]
    list_filter = [
        "is_active",
        CoveredFilter,
        ("community__district", admin.RelatedOnlyFieldListFilter),
        ("community", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["code", "name", "community__name"]
    list_select_related = ["community"]
    autocomplete_fields = ["community"]
    readonly_fields = ["boundary", "centroid_lat", "centroid_lng"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Grid]:
        active = GridAssignment.objects.filter(ended_at__isnull=True).select_related("worker")
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("assignments", queryset=active, to_attr="active_assignments")
            )
        )

    @admin.display(description=_("worker"))
    def worker(self, grid: Grid) -> str:
        return grid_worker_name(grid) or "—"


class ScopedImportMixin(ImportExportMixin):
    """Imports checked row by row (``grids.resources``) into the user's own communities."""

    export_form_class = HeaderLabelledExportForm
    import_form_class = LimitedImportForm
    to_encoding = "utf-8-sig"  # Excel reads Chinese in a CSV only after a BOM

    def get_resource_kwargs(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> dict[str, Any]:
        return {"user": request.user}


@admin.register(Building)
class BuildingAdmin(ScopedImportMixin, CommunityScopedAdmin):
    resource_classes = [BuildingResource, ResidentCountResource]
    list_display = ["name", "community", "grid", "residents", "lat", "lng"]
    list_filter = ["community__district"]
    search_fields = ["name", "address"]
    list_select_related = ["community", "grid"]
    autocomplete_fields = ["community", "grid"]


@admin.register(GridAssignment)
class GridAssignmentAdmin(CommunityScopedAdmin):
    community_path = "grid__community"

    list_display = ["grid", "worker_name", "started", "ended", "assigned_by_name", "ended_by_name"]
    list_filter = [("ended_at", admin.EmptyFieldListFilter), "grid__community__district"]
    search_fields = ["grid__code", "worker__username", "worker__display_name"]
    list_select_related = ["grid", "worker", "assigned_by", "ended_by"]
    autocomplete_fields = ["grid", "worker"]
    readonly_fields = ["assigned_by", "ended_by"]

    @admin.display(description=_("worker"), ordering="worker__display_name")
    def worker_name(self, assignment: GridAssignment) -> str:
        return person_name(assignment.worker)

    @admin.display(description=_("started at"), ordering="started_at")
    def started(self, assignment: GridAssignment) -> str:
        return local_minute(assignment.started_at)

    @admin.display(description=_("ended at"), ordering="ended_at")
    def ended(self, assignment: GridAssignment) -> str:
        return local_minute(assignment.ended_at)

    @admin.display(description=_("assigned by"))
    def assigned_by_name(self, assignment: GridAssignment) -> str:
        return person_name(assignment.assigned_by)

    @admin.display(description=_("ended by"))
    def ended_by_name(self, assignment: GridAssignment) -> str:
        return person_name(assignment.ended_by)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            obj.assigned_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Enterprise)
class EnterpriseAdmin(ScopedImportMixin, CommunityScopedAdmin):
    resource_classes = [EnterpriseResource]
    list_display = [
        "name",
        "kind",
        "community",
        "grid",
        "risk_colour",
        "inspection_interval_days",
        "is_blacklisted",
    ]
    list_filter = ["risk_colour", "is_blacklisted", "kind", "community__district"]
    search_fields = ["name", "credit_code", "address"]
    list_select_related = ["community", "grid"]
    autocomplete_fields = ["community", "grid"]
