"""Yes/no query parameters: one parser for every boolean filter of the API.

django-filter's own boolean widget understands only ``true``/``false`` and silently ignores
anything else, so ``overdue=1`` returned the whole list unfiltered. Here ``1/0``,
``true/false`` and ``yes/no`` are understood and any other value is a 400.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

TRUE_WORDS = frozenset({"1", "true", "yes"})
FALSE_WORDS = frozenset({"0", "false", "no"})


class FlagFormField(forms.Field):
    """``1``/``true``/``yes`` or ``0``/``false``/``no`` (any case); empty means unset."""

    widget = forms.TextInput
    default_error_messages = {
        "invalid": _("Send true or false (1 or 0, yes or no also work)."),
    }

    def to_python(self, value: Any) -> bool | None:
        if value is None or isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word == "":
            return None
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValidationError(self.error_messages["invalid"], code="invalid")

    def validate(self, value: Any) -> None:
        if value is None and self.required:
            raise ValidationError(self.error_messages["required"], code="required")


@extend_schema_field(OpenApiTypes.BOOL)  # also when the filter runs a method (`overdue`)
class FlagFilter(django_filters.BooleanFilter):
    """A django-filter boolean filter that refuses values it does not understand."""

    field_class = FlagFormField
