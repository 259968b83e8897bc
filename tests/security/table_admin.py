"""The role matrix, admin site (``/admin/...``): every page of every registered model, its
actions and its exports, against every role.

A model's pages follow from one line of ``MODELS``: the row of side A its object pages
open, and what each page answers. Non-staff people (residents, workers) and anonymous
visitors are sent to the sign-in page everywhere.
"""

from __future__ import annotations

from django.apps import apps

from tests.security.matrix import Row, row

X = 0  # placeholder while recording
SIGNED_OUT = {"anon": "login", "res": "login", "res2": "login", "wrk": "login", "wrk2": "login"}

# model label -> (label of the side-A object, {page: {role: expect}})
MODELS: dict[str, tuple[str, dict[str, dict]]] = {
    "auth.group": ("group", {}),
    "knox.authtoken": ("authtoken", {}),
    "django_tasks_database.dbtaskresult": ("dbtaskresult", {}),
    "realtime.event": ("event", {}),
    "grids.user": ("user_resident", {}),
    "grids.district": ("district_a", {}),
    "grids.community": ("community_a", {}),
    "grids.grid": ("grid_a1", {}),
    "grids.building": ("building_a1", {}),
    "grids.gridassignment": ("gridassignment_a1", {}),
    "grids.enterprise": ("enterprise_a", {}),
    "inspections.hazard": ("hazard_a", {}),
    "inspections.category": ("category", {}),
    "inspections.checklisttemplate": ("checklist", {}),
    "inspections.inspection": ("inspection_a", {}),
    "open311.apikey": ("apikey", {}),
    "open311.open311submission": ("submission", {}),
    "tips.tip": ("tip_a", {}),
    "tips.tipfigure": ("tipfigure_a", {}),
    "points.account": ("account_a", {}),
    "points.ledgerentry": ("entry_a", {}),
    "points.pendingaward": ("pendingaward", {}),
    "points.earningrule": ("earningrule", {}),
    "points.reward": ("reward_a", {}),
    "points.voucher": ("voucher_a", {}),
    "volunteers.skill": ("skill", {}),
    "volunteers.volunteerprofile": ("profile_a", {}),
    "volunteers.certificate": ("certificate_a", {}),
    "volunteers.team": ("team_a", {}),
    "volunteers.course": ("course_a", {}),
    "volunteers.trainingsession": ("session_a", {}),
    "volunteers.enrolment": ("enrolment_a", {}),
    "volunteers.activity": ("activity_a", {}),
    "volunteers.signup": ("signup_a", {}),
    "dispatch.dispatch": ("dispatch_a", {}),
}

PAGES = ("changelist", "add", "history", "delete", "change", "redirect")


def model_rows() -> list[Row]:
    table: list[Row] = []
    for label, (obj, pages) in MODELS.items():
        app_label, model_name = label.split(".")
        model = apps.get_model(label)
        base = f"/admin/{app_label}/{model_name}/"
        prefix = obj.rsplit("_", 1)[0] if obj.endswith(("_a", "_a1", "_resident")) else obj
        if label == "grids.user":
            prefix = "user_"
        urls = {
            "changelist": (f"{app_label}_{model_name}_changelist", base),
            "add": (f"{app_label}_{model_name}_add", base + "add/"),
            "history": (f"{app_label}_{model_name}_history", base + f"{{{obj}.pk}}/history/"),
            "delete": (f"{app_label}_{model_name}_delete", base + f"{{{obj}.pk}}/delete/"),
            "change": (f"{app_label}_{model_name}_change", base + f"{{{obj}.pk}}/change/"),
            "redirect": (f"admin/{app_label}/{model_name}/<path:object_id>/", base + f"{{{obj}.pk}}/"),
        }
        for page in PAGES:
            route, url = urls[page]
            cells = {**SIGNED_OUT, **pages.get(page, {})}
            if page == "redirect":
                cells = pages.get(page, {})
            table.append(
                row(
                    route, "GET", url, X, **cells,
                    **({"of": prefix, "model": model} if page == "changelist" else {}),
                )  # fmt: skip
            )
    return table


SITE: list[Row] = [
    row("index", "GET", "/admin/", X),
    row("login", "GET", "/admin/login/", X),
    row("logout", "POST", "/admin/logout/", X, content_type="application/x-www-form-urlencoded"),
    row("password_change", "GET", "/admin/password_change/", X),
    row("password_change_done", "GET", "/admin/password_change/done/", X),
    row("autocomplete", "GET", "/admin/autocomplete/?app_label=inspections&model_name=hazard&field_name=assignee", X),
    row("jsi18n", "GET", "/admin/jsi18n/", X),
    row("view_on_site", "GET", "/admin/r/1/1/", X),
    row("auth_user_password_change", "GET", "/admin/grids/user/{user_resident.pk}/password/", X),
    row("grids_building_process_import", "POST", "/admin/grids/building/process_import/", X, content_type="application/x-www-form-urlencoded"),
    row("grids_building_import", "GET", "/admin/grids/building/import/", X),
    row("grids_building_export", "GET", "/admin/grids/building/export/", X),
    row("grids_enterprise_process_import", "POST", "/admin/grids/enterprise/process_import/", X, content_type="application/x-www-form-urlencoded"),
    row("grids_enterprise_import", "GET", "/admin/grids/enterprise/import/", X),
    row("grids_enterprise_export", "GET", "/admin/grids/enterprise/export/", X),
    row("inspections_hazard_step", "GET", "/admin/inspections/hazard/{hazard_a.pk}/step/assign/", X),
    row("inspections_hazard_export", "GET", "/admin/inspections/hazard/export/", X),
    row("points_adjust", "GET", "/admin/points/account/adjust/", X),
    row("points_ledgerentry_export", "GET", "/admin/points/ledgerentry/export/", X),
    row("points_counter", "GET", "/admin/points/voucher/counter/", X),
    row("points_voucher_export", "GET", "/admin/points/voucher/export/", X),
    row("dispatch_dispatch_close", "GET", "/admin/dispatch/dispatch/{dispatch_a.pk}/close/", X),
    row("app_list", "GET", "/admin/grids/", X),
    row("admin/(?P<url>.*)$", "GET", "/admin/nothing/here/", X),
]

# model label -> {action: {role: expect}}: every action of every ModelAdmin, run on the
# side-A object; "changed" means the object changed (or went), "same" that nothing did.
ACTIONS: dict[str, dict[str, dict]] = {
    "auth.group": {"delete_selected": {}},
    "knox.authtoken": {"delete_selected": {}},
    "django_tasks_database.dbtaskresult": {"delete_selected": {}},
    "realtime.event": {"delete_selected": {}},
    "grids.user": {"delete_selected": {}},
    "grids.district": {"delete_selected": {}},
    "grids.community": {
        "delete_selected": {}, "preview_partition": {}, "apply_partition": {},
        "apply_assignment": {},
    },
    "grids.grid": {"delete_selected": {}},
    "grids.building": {"delete_selected": {}, "export_admin_action": {}},
    "grids.gridassignment": {"delete_selected": {}},
    "grids.enterprise": {"delete_selected": {}, "export_admin_action": {}},
    "inspections.hazard": {
        "delete_selected": {}, "assign_to_grid_workers": {}, "export_admin_action": {},
    },
    "inspections.category": {"delete_selected": {}},
    "inspections.checklisttemplate": {"delete_selected": {}},
    "inspections.inspection": {"delete_selected": {}},
    "open311.apikey": {"delete_selected": {}, "revoke": {}},
    "open311.open311submission": {"delete_selected": {}},
    "tips.tip": {"delete_selected": {}, "acknowledge": {}, "investigate": {}},
    "tips.tipfigure": {"delete_selected": {}},
    "points.account": {"delete_selected": {}},
    "points.ledgerentry": {"delete_selected": {}, "export_admin_action": {}},
    "points.pendingaward": {"delete_selected": {}},
    "points.earningrule": {"delete_selected": {}},
    "points.reward": {"delete_selected": {}},
    "points.voucher": {"delete_selected": {}, "fulfil": {}, "export_admin_action": {}},
    "volunteers.skill": {"delete_selected": {}},
    "volunteers.volunteerprofile": {"delete_selected": {}},
    "volunteers.certificate": {"delete_selected": {}, "confirm": {}, "reject": {}},
    "volunteers.team": {"delete_selected": {}},
    "volunteers.course": {"delete_selected": {}},
    "volunteers.trainingsession": {"delete_selected": {}},
    "volunteers.enrolment": {
        "delete_selected": {}, "attended": {}, "completed": {}, "absent": {},
    },
    "volunteers.activity": {"delete_selected": {}},
    "volunteers.signup": {"delete_selected": {}, "approve": {}, "reject": {}},
    "dispatch.dispatch": {"delete_selected": {}},
}


def action_rows() -> list[Row]:
    table: list[Row] = []
    for label, actions in ACTIONS.items():
        app_label, model_name = label.split(".")
        obj = MODELS[label][0]
        for action, cells in actions.items():
            data = {"action": action, "_selected_action": f"{{{obj}.pk}}", "index": "0"}
            if action == "delete_selected":
                data["post"] = "yes"
            table.append(
                row(
                    f"action:{label}:{action}", "POST", f"/admin/{app_label}/{model_name}/", X,
                    data=data, content_type="application/x-www-form-urlencoded", watch=obj,
                    **{**SIGNED_OUT, **cells},
                )
            )  # fmt: skip
    return table


TABLE: list[Row] = [*model_rows(), *SITE, *action_rows()]
