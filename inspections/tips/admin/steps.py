"""What a handler can do on a tip's admin page: one small form per step.

Each form calls the same service as the handlers' API (``inspections.tips.services``), so
the admin keeps the API's rules: which status allows which step, a stale version answered
with the same 409 message, the hazard made through the hazard services, the reveal
recorded. Which forms a page shows comes from the services' own table (``STEPS``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from grids.display import person_label
from grids.models import Enterprise
from inspections.models import Category
from inspections.tips import services
from inspections.tips.models import Tip, TipStatus
from inspections.tips.selectors import tip_handlers_for
from inspections.tips.services.handling import STEPS as SERVICE_STEPS

NOTE_MAX = 2000
TEXT_MAX = 5000


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class TipForm(forms.Form):
    """A form about one tip, for one handler."""

    def __init__(self, *args: Any, tip: Tip, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tip, self.user = tip, user


class VersionedForm(TipForm):
    """A step names the version the page showed, as the API's ``version`` does."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, tip: Tip, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})["version"] = tip.version
        super().__init__(*args, tip=tip, **kwargs)


class OptionalNoteForm(VersionedForm):
    note = forms.CharField(
        label=_("Note for handlers (optional)"),
        max_length=NOTE_MAX,
        required=False,
        widget=_textarea(2),
    )


class UnsubstantiateForm(VersionedForm):
    note = forms.CharField(
        label=_("Why it was not substantiated"), max_length=NOTE_MAX, widget=_textarea()
    )


class SubstantiateForm(OptionalNoteForm):
    hazard_description = forms.CharField(
        label=_("The hazard, as the people who fix it will read it"),
        max_length=NOTE_MAX,
        widget=_textarea(4),
        help_text=_(
            "Write it yourself: nothing of the tip's text goes to the hazard. Leave out "
            "anything that could point to the whistleblower."
        ),
    )
    is_major = forms.BooleanField(label=_("Major hazard"), required=False)
    # Not required here: the service says why a hazard needs one, as it does to the API.
    enterprise = forms.TypedChoiceField(
        label=_("Enterprise (from the registry)"), coerce=int, required=False, empty_value=None
    )
    category = forms.ChoiceField(label=_("Category of the hazard"))
    field_order = ["hazard_description", "is_major", "enterprise", "category", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tip = self.tip
        self.fields["is_major"].initial = tip.is_major
        self.fields["is_major"].help_text = _(
            "Each substantiated major tip raises the enterprise's risk grade one step; the "
            "third within 12 months puts it on the blacklist."
        )
        enterprises = Enterprise.objects.filter(community__district_id=tip.district_id)
        choices = [(row.pk, row.name) for row in enterprises.order_by("name")]
        enterprise = self.fields["enterprise"]
        enterprise.choices = [("", _("Choose the enterprise")), *choices]  # type: ignore[attr-defined]
        enterprise.initial = tip.enterprise_id
        categories = Category.objects.filter(is_active=True).order_by("code")
        category = self.fields["category"]
        category.choices = [(row.code, row.localized_name()) for row in categories]  # type: ignore[attr-defined]
        category.initial = tip.category.code


class AssignForm(VersionedForm):
    assignee = forms.TypedChoiceField(label=_("Give the tip to"), coerce=int)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        handlers = tip_handlers_for(district_id=self.tip.district_id)
        if self.tip.assignee_id is not None:
            handlers = handlers.exclude(pk=self.tip.assignee_id)
        field = self.fields["assignee"]
        field.choices = [(person.pk, person_label(person)) for person in handlers]  # type: ignore[attr-defined]


class MessageForm(TipForm):
    body = forms.CharField(
        label=_("Message to the whistleblower"),
        max_length=TEXT_MAX,
        widget=_textarea(),
        help_text=_("They read it with their receipt, signed “tip handler”, never with your name."),
    )


class NoteForm(TipForm):
    note = forms.CharField(
        label=_("Private note"),
        max_length=TEXT_MAX,
        widget=_textarea(),
        help_text=_("Only handlers read it; the whistleblower never does."),
    )


class RevealForm(TipForm):
    reason = forms.CharField(
        label=_("Why you need the name and phone"),
        max_length=NOTE_MAX,
        widget=_textarea(2),
        help_text=_("Required. Your name, the time and this reason go on the tip's timeline."),
    )


def _versioned(form: Any) -> dict[str, Any]:
    return {"by": form.user, "tip_id": form.tip.pk, "version": form.cleaned_data["version"]}


def _substantiate(form: Any) -> Any:
    data = form.cleaned_data
    return services.tip_substantiate(
        **_versioned(form),
        hazard_description=data["hazard_description"],
        is_major=data["is_major"],
        enterprise_id=data["enterprise"],
        category_code=data["category"],
        note=data["note"],
    )


def _lifecycle(key: str) -> Callable[[Tip], bool]:
    """Offered while the tip is in a status the service's rule accepts."""
    return lambda tip: tip.status in SERVICE_STEPS[key].allowed_from


def _not_closed(tip: Tip) -> bool:
    return tip.status != TipStatus.CLOSED


def _has_contact(tip: Tip) -> bool:
    return bool(tip.contact_name or tip.contact_phone)


@dataclass(frozen=True)
class TipStep:
    """One button: its label, its form, when it is offered and the service call it makes."""

    key: str
    label: Any
    form: type[TipForm]
    offered: Callable[[Tip], bool]
    run: Callable[[Any], Any]
    danger: bool = False


STEPS: dict[str, TipStep] = {
    step.key: step
    for step in [
        TipStep(
            "acknowledge",
            _("Acknowledge receipt"),
            OptionalNoteForm,
            _lifecycle("acknowledge"),
            lambda f: services.tip_acknowledge(**_versioned(f), note=f.cleaned_data["note"]),
        ),
        TipStep(
            "investigate",
            _("Start investigating"),
            OptionalNoteForm,
            _lifecycle("investigate"),
            lambda f: services.tip_investigate(**_versioned(f), note=f.cleaned_data["note"]),
        ),
        TipStep(
            "substantiate",
            _("Substantiated: make a hazard"),
            SubstantiateForm,
            _lifecycle("substantiate"),
            _substantiate,
        ),
        TipStep(
            "unsubstantiate",
            _("Not substantiated"),
            UnsubstantiateForm,
            _lifecycle("unsubstantiate"),
            lambda f: services.tip_unsubstantiate(**_versioned(f), note=f.cleaned_data["note"]),
            danger=True,
        ),
        TipStep(
            "close",
            _("Close the tip"),
            OptionalNoteForm,
            _lifecycle("close"),
            lambda f: services.tip_close(**_versioned(f), note=f.cleaned_data["note"]),
        ),
        TipStep(
            "message",
            _("Send a message to the whistleblower"),
            MessageForm,
            _not_closed,
            lambda f: services.tip_message_send(
                by=f.user, tip_id=f.tip.pk, body=f.cleaned_data["body"]
            ),
        ),
        TipStep(
            "note",
            _("Add a private note"),
            NoteForm,
            lambda tip: True,
            lambda f: services.tip_note_add(
                by=f.user, tip_id=f.tip.pk, note=f.cleaned_data["note"]
            ),
        ),
        TipStep(
            "assign",
            _("Assign or transfer"),
            AssignForm,
            _not_closed,
            lambda f: services.tip_assign(**_versioned(f), assignee_id=f.cleaned_data["assignee"]),
        ),
        TipStep(
            "reveal",
            _("Reveal the name and phone"),
            RevealForm,
            _has_contact,
            lambda f: services.tip_contact_reveal(
                by=f.user, tip_id=f.tip.pk, reason=f.cleaned_data["reason"]
            ),
            danger=True,
        ),
    ]
}
assert {key for key in SERVICE_STEPS} <= set(STEPS)


@dataclass
class OfferedStep:
    step: TipStep
    form: TipForm


def offered_steps(*, user: Any, tip: Tip, bound: TipForm | None = None) -> list[OfferedStep]:
    """The forms for ``user`` on ``tip`` now; ``bound`` keeps a form that had errors."""
    offered = []
    for step in STEPS.values():
        if not step.offered(tip):
            continue
        keep = bound is not None and bound.prefix == step.key
        form = (
            bound if keep and bound is not None else step.form(tip=tip, user=user, prefix=step.key)
        )
        if isinstance(form, AssignForm) and not form.fields["assignee"].choices:  # type: ignore[attr-defined]
            continue  # no other handler of the district to give it to
        offered.append(OfferedStep(step, form))
    return offered
