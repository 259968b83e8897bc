"""Extra attributes a category asks for, in the shape of Open311 service attributes.

A definition is ``{"code", "datatype", "required", "description", "values"}`` where
``values`` (for the list types) is ``[{"key", "name"}]``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DATATYPES = {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}
LIST_TYPES = {"singlevaluelist", "multivaluelist"}


def validate_attribute_definitions(value: Any) -> None:
    """Model-level check of ``Category.attributes``."""
    if not isinstance(value, list):
        raise ValidationError(_("Attributes must be a list."), code="invalid_attributes")
    codes: set[str] = set()
    for definition in value:
        if not isinstance(definition, dict) or not isinstance(definition.get("code"), str):
            raise ValidationError(_("Every attribute needs a code."), code="invalid_attributes")
        if definition.get("datatype") not in DATATYPES:
            raise ValidationError(
                _("Attribute %(code)s has an unknown datatype.") % {"code": definition["code"]},
                code="invalid_attributes",
            )
        if definition["datatype"] in LIST_TYPES and not definition.get("values"):
            raise ValidationError(
                _("Attribute %(code)s needs a list of values.") % {"code": definition["code"]},
                code="invalid_attributes",
            )
        if definition["code"] in codes:
            raise ValidationError(_("Attribute codes must be unique."), code="invalid_attributes")
        codes.add(definition["code"])


def clean_attribute_values(definitions: list[dict[str, Any]], values: Any) -> dict[str, Any]:
    """Check submitted values against a category's definitions; unknown keys are refused."""
    if values in (None, ""):
        values = {}
    if not isinstance(values, dict):
        raise ValidationError({"attributes": _("Send the attributes as an object.")})
    known = {definition["code"]: definition for definition in definitions}
    errors: dict[str, str] = {}
    for code in values:
        if code not in known:
            errors[code] = _("This category has no such attribute.")
    cleaned: dict[str, Any] = {}
    for code, definition in known.items():
        raw = values.get(code)
        if raw in (None, "", []):
            if definition.get("required"):
                errors[code] = _("This attribute is required.")
            continue
        try:
            cleaned[code] = _clean_one(definition, raw)
        except ValueError as exc:
            errors[code] = str(exc)
    if errors:
        # Named by the label the reporter saw (the definition's description), never its code.
        raise ValidationError(
            {
                "attributes": [
                    _("%(label)s: %(message)s")
                    % {"label": (known.get(code) or {}).get("description") or code, "message": msg}
                    for code, msg in errors.items()
                ]
            }
        )
    return cleaned


def _clean_one(definition: dict[str, Any], raw: Any) -> Any:
    datatype = definition["datatype"]
    keys = {str(option.get("key")) for option in definition.get("values") or []}
    if datatype == "number":
        if isinstance(raw, bool):
            raise ValueError(_("Enter a number."))
        try:
            return float(raw)
        except (TypeError, ValueError):
            raise ValueError(_("Enter a number.")) from None
    if datatype == "datetime":
        try:
            return datetime.fromisoformat(str(raw)).isoformat()
        except ValueError:
            raise ValueError(_("Enter a date and time in ISO 8601.")) from None
    if datatype == "singlevaluelist":
        if str(raw) not in keys:
            raise ValueError(_("Choose one of the listed values."))
        return str(raw)
    if datatype == "multivaluelist":
        chosen = [str(item) for item in (raw if isinstance(raw, list) else [raw])]
        if not set(chosen) <= keys:
            raise ValueError(_("Choose only listed values."))
        return sorted(set(chosen))
    text = str(raw)
    if len(text) > (200 if datatype == "string" else 2000):
        raise ValueError(_("This text is too long."))
    return text
