from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from grids.models import Building, Community, District, Grid, GridAssignment, RoleGrant, User


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 0
    autocomplete_fields = ["community"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "display_name", "phone", "is_staff", "is_active", "date_joined"]
    search_fields = ["username", "display_name", "phone", "email"]
    list_filter = ["is_staff", "is_active", "role_grants__role", "preferred_language"]
    inlines = [RoleGrantInline]
    autocomplete_fields = ["home_building"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (
            _("SafeGrid"),
            {"fields": ("phone", "display_name", "preferred_language", "home_building")},
        ),
    )


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "district", "target_grid_size"]
    list_filter = ["district"]
    search_fields = ["code", "name"]
    list_select_related = ["district"]


@admin.register(Grid)
class GridAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "community", "population"]
    list_filter = ["community__district"]
    search_fields = ["code", "name", "community__name"]
    list_select_related = ["community"]
    autocomplete_fields = ["community"]


@admin.register(Building)
class BuildingAdmin(admin.ModelAdmin):
    list_display = ["name", "community", "grid", "residents", "lat", "lng"]
    list_filter = ["community__district"]
    search_fields = ["name", "address"]
    list_select_related = ["community", "grid"]
    autocomplete_fields = ["community", "grid"]


@admin.register(GridAssignment)
class GridAssignmentAdmin(admin.ModelAdmin):
    list_display = ["grid", "worker", "started_at", "ended_at"]
    list_filter = ["ended_at"]
    search_fields = ["grid__code", "worker__username", "worker__display_name"]
    list_select_related = ["grid", "worker"]
    autocomplete_fields = ["grid", "worker"]
