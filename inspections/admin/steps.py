"""The lifecycle buttons of the admin hazard page: one small form per step.

Each form calls the same service as the REST API's transition endpoint, so the admin keeps
the same rules (who, from which status, after-photo, a second verifier for major hazards),
answers a stale version with the same 409 message, and sends the same realtime events.
Which forms a page shows comes from ``hazard_steps_open``, the services' own table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grids.display import person_label
from grids.models import GridAssignment, Role, User
from inspections import services
from inspections.models import Hazard, PhotoStage
from inspections.services.photos import photos_atomic
from inspections.services.transitions import hazard_steps_open

NOTE_MAX = 2000


class StepForm(forms.Form):
    """Every step names the version the page showed, as the API's ``version`` does."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, hazard: Hazard, user: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})["version"] = hazard.version
        super().__init__(*args, **kwargs)
        self.hazard, self.user = hazard, user


class OptionalNoteForm(StepForm):
    note = forms.CharField(
        label=_("Note (optional)"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RequiredNoteForm(StepForm):
    note_label: Any = _("Note")
    note = forms.CharField(max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["note"].label = self.note_label


class ReturnFixForm(RequiredNoteForm):
    note_label = _("What is still wrong")


class ReopenForm(RequiredNoteForm):
    note_label = _("Why it is reopened")


class CommentForm(RequiredNoteForm):
    note_label = _("Comment")


class RejectForm(StepForm):
    reason = forms.CharField(
        label=_("Reason for rejecting"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def assignee_candidates(hazard: Hazard) -> list[User]:
    """Workers covering a grid of the hazard's community, then the community's staff."""
    covering = set(
        GridAssignment.objects.filter(
            ended_at__isnull=True, grid__community_id=hazard.community_id
        ).values_list("worker_id", flat=True)
    )
    staff = Q(role_grants__role=Role.COMMUNITY_STAFF, role_grants__community=hazard.community_id)
    people = User.objects.filter(Q(pk__in=covering) | staff, is_active=True).distinct()
    return sorted(people, key=lambda person: (person.pk not in covering, person_label(person)))


def grid_worker(hazard: Hazard) -> User | None:
    """The worker covering the hazard's grid now, if any."""
    if hazard.grid_id is None:
        return None
    assignment = (
        GridAssignment.objects.select_related("worker")
        .filter(grid_id=hazard.grid_id, ended_at__isnull=True)
        .first()
    )
    return assignment.worker if assignment else None


class AssignForm(OptionalNoteForm):
    assignee = forms.TypedChoiceField(label=_("Assign to"), coerce=int)
    field_order = ["assignee", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        worker = grid_worker(self.hazard)
        choices = [
            (person.pk, self._label(person, worker)) for person in assignee_candidates(self.hazard)
        ]
        field = self.fields["assignee"]
        field.choices = choices  # type: ignore[attr-defined]
        current = self.hazard.assignee_id or (worker.pk if worker else None)
        field.initial = current

    @staticmethod
    def _label(person: User, worker: User | None) -> str:
        label = person_label(person)
        if worker is not None and person.pk == worker.pk:
            return str(_("%(name)s (the grid's worker)") % {"name": label})
        return label


class CloseForm(OptionalNoteForm):
    # A plain file field: the photo intake (config.photos) judges the bytes, as for the
    # API, whatever the file is called.
    photo = forms.FileField(
        label=_("Verification photo"),
        required=False,
        help_text=_("A hazard closes only with a photo taken after the fix; add one here."),
    )


class DuplicateForm(OptionalNoteForm):
    original = forms.ModelChoiceField(
        label=_("Original hazard"),
        queryset=Hazard.objects.none(),
        help_text=_("Search by number, description or address."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from inspections.selectors import hazard_visible

        field = self.fields["original"]
        field.widget = AutocompleteSelect(Hazard._meta.get_field("duplicate_of"), admin.site)
        # Setting the queryset after the widget hands the widget its choices.
        field.queryset = hazard_visible(self.user).exclude(pk=self.hazard.pk)  # type: ignore[attr-defined]


def _version(form: StepForm) -> dict[str, Any]:
    return {"user": form.user, "hazard_id": form.hazard.pk, "version": form.cleaned_data["version"]}


def _close(form: StepForm) -> Any:
    """The photo and the close together: a refused close (a stale page) keeps no photo."""
    photo = form.cleaned_data.get("photo")
    with photos_atomic():
        if photo is not None:
            services.photo_add(
                user=form.user,
                hazard_id=form.hazard.pk,
                stage=PhotoStage.VERIFICATION,
                upload=photo,
            )
        return services.hazard_close(**_version(form), note=form.cleaned_data["note"])


@dataclass(frozen=True)
class Step:
    """One button: its label, its form and the service call it makes."""

    key: str
    label: Any
    form: type[StepForm]
    run: Callable[[Any], Any]
    danger: bool = False


STEPS: dict[str, Step] = {
    step.key: step
    for step in [
        Step(
            "assign",
            _("Assign"),
            AssignForm,
            lambda f: services.hazard_assign(
                **_version(f), assignee_id=f.cleaned_data["assignee"], note=f.cleaned_data["note"]
            ),
        ),
        Step(
            "start",
            _("Start rectification"),
            OptionalNoteForm,
            lambda f: services.hazard_start_rectification(
                **_version(f), note=f.cleaned_data["note"]
            ),
        ),
        Step(
            "submit_fix",
            _("Submit the fix"),
            OptionalNoteForm,
            lambda f: services.hazard_submit_fix(**_version(f), note=f.cleaned_data["note"]),
        ),
        Step("close", _("Verify and close"), CloseForm, _close),
        Step(
            "return_fix",
            _("Return the fix"),
            ReturnFixForm,
            lambda f: services.hazard_return_fix(**_version(f), note=f.cleaned_data["note"]),
            danger=True,
        ),
        Step(
            "reject",
            _("Reject"),
            RejectForm,
            lambda f: services.hazard_reject(**_version(f), reason=f.cleaned_data["reason"]),
            danger=True,
        ),
        Step(
            "mark_duplicate",
            _("Mark as duplicate"),
            DuplicateForm,
            lambda f: services.hazard_mark_duplicate(
                **_version(f),
                original_id=f.cleaned_data["original"].pk,
                note=f.cleaned_data["note"],
            ),
            danger=True,
        ),
        Step(
            "reopen",
            _("Reopen"),
            ReopenForm,
            lambda f: services.hazard_reopen(**_version(f), note=f.cleaned_data["note"]),
            danger=True,
        ),
        Step(
            "comment",
            _("Add a comment"),
            CommentForm,
            lambda f: services.hazard_comment(
                user=f.user, hazard_id=f.hazard.pk, note=f.cleaned_data["note"]
            ),
        ),
    ]
}


@dataclass
class OpenStep:
    """A step the page offers now, with its (possibly bound) form, or why it is blocked."""

    step: Step
    form: StepForm | None
    blocked: Any = None


def open_steps(*, user: Any, hazard: Hazard, bound: StepForm | None = None) -> list[OpenStep]:
    """The buttons for ``user`` on ``hazard`` now; ``bound`` keeps a form that had errors."""
    allowed = {*hazard_steps_open(user=user, hazard=hazard), "comment"}
    offered = []
    for key in (key for key in STEPS if key in allowed):  # the page's order, not the table's
        step = STEPS[key]
        if key == "close" and hazard.is_major and hazard.fix_submitted_by_id == user.pk:
            blocked = _("You submitted this fix: a major hazard must be verified by someone else.")
            offered.append(OpenStep(step, None, blocked))
            continue
        keep = bound is not None and bound.prefix == key
        form = bound if keep else step.form(hazard=hazard, user=user, prefix=key)
        offered.append(OpenStep(step, form))
    return offered
