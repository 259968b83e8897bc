"""Reading the spec's query and form parameters; an empty parameter counts as absent."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from inspections.open311.selectors import RequestQuery, max_requests
from inspections.open311.services import Open311Report, Reporter

WINDOW = timedelta(days=90)
_ATTRIBUTE = re.compile(r"^attribute\[([^\]]+)\](\[\])?$")
_UNESCAPED_OFFSET = re.compile(r"([T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?) (\d\d:?\d\d)$")


def text(params: Any, name: str) -> str:
    value = params.get(name)
    return value.strip() if isinstance(value, str) else ""


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _moment(params: Any, name: str) -> datetime | None:
    raw = text(params, name)
    if not raw:
        return None
    try:
        # A "+08:00" left unescaped in a URL arrives as " 08:00".
        moment = parse_datetime(_UNESCAPED_OFFSET.sub(r"\1+\2", raw))
        if moment is None and (day := parse_date(raw)) is not None:
            moment = datetime.combine(day, time.min)
    except ValueError:
        moment = None
    if moment is None:
        raise ValidationError(
            {name: _("Use a W3C date and time, for example 2026-01-01T00:00:00+08:00.")},
            code="invalid",
        )
    try:
        moment = moment if timezone.is_aware(moment) else timezone.make_aware(moment)
        return moment.astimezone(UTC)  # overflows here, not in the database, near year 1
    except OverflowError:
        raise ValidationError({name: _("This date is out of range.")}, code="invalid") from None


def request_query(params: Any) -> RequestQuery:
    """The GET requests filters with the spec's defaults: the last 90 days."""
    statuses = {status.lower() for status in _split(text(params, "status"))}
    if statuses - {"open", "closed"}:
        raise ValidationError({"status": _("Use open, closed, or both.")}, code="invalid")
    start, end = _moment(params, "start_date"), _moment(params, "end_date")
    ids = _split(text(params, "service_request_id"))
    if len(ids) > max_requests():
        raise ValidationError(
            {"service_request_id": _("Ask for at most %(count)d requests at once.")
             % {"count": max_requests()}},
            code="too_many",
        )  # fmt: skip
    if ids:
        return RequestQuery(ids=ids)
    start, end = _window(start, end)
    return RequestQuery(
        service_codes=_split(text(params, "service_code")),
        start=start,
        end=end,
        statuses=statuses,
    )


def _window(start: datetime | None, end: datetime | None) -> tuple[datetime, datetime]:
    """Fill in the missing end of the window; it may not span more than 90 days."""
    try:
        if end is None:
            end = timezone.now() if start is None else start + WINDOW
        if start is None:
            start = end - WINDOW
    except OverflowError:
        raise ValidationError(
            {"start_date": _("This date is out of range.")}, code="invalid"
        ) from None
    if start > end:
        raise ValidationError({"end_date": _("end_date is before start_date.")}, code="invalid")
    if end - start > WINDOW:
        raise ValidationError(
            {"end_date": _("The range may not span more than 90 days.")}, code="invalid"
        )
    return start, end


class ReportInput(serializers.Serializer):
    """The spec's form fields of POST requests (limits as the REST API's)."""

    service_code = serializers.CharField(max_length=40)
    lat = serializers.FloatField(min_value=-90, max_value=90, required=False)
    long = serializers.FloatField(min_value=-180, max_value=180, required=False)
    address_string = serializers.CharField(max_length=200, required=False, default="")
    description = serializers.CharField(max_length=2000, required=False, default="")
    email = serializers.EmailField(max_length=254, required=False, default="")
    first_name = serializers.CharField(max_length=100, required=False, default="")
    last_name = serializers.CharField(max_length=100, required=False, default="")
    phone = serializers.CharField(max_length=40, required=False, default="")
    device_id = serializers.CharField(max_length=200, required=False, default="")
    account_id = serializers.CharField(max_length=200, required=False, default="")
    media_url = serializers.URLField(
        max_length=500,
        required=False,
        default="",
        help_text=gettext_lazy("Stored as a link; the server never fetches it."),
    )

    def validate_media_url(self, value: str) -> str:
        if value and not value.lower().startswith(("http://", "https://")):
            raise serializers.ValidationError(_("Send an http or https link."))
        return value


def report(data: Any) -> Open311Report:
    """The POSTed form as a report; raises ValidationError with the field at fault."""
    names: list[str] = list(ReportInput().fields)
    present = {name: value for name in names if (value := text(data, name))}
    form = ReportInput(data=present)
    form.is_valid(raise_exception=True)
    fields = dict(form.validated_data)
    reporter = Reporter(**{name: fields.pop(name) for name in vars(Reporter())})
    return Open311Report(
        service_code=fields["service_code"],
        description=fields["description"],
        lat=fields.get("lat"),
        lng=fields.get("long"),
        address_string=fields["address_string"],
        attributes=attributes(data),
        media_url=fields["media_url"],
        reporter=reporter,
    )


def attributes(data: Any) -> dict[str, Any]:
    """``attribute[code]=v`` and, for lists, ``attribute[code][]=v1&attribute[code][]=v2``."""
    values: dict[str, Any] = {}
    for key in data:
        match = _ATTRIBUTE.match(key)
        if match is None:
            continue
        sent = [value.strip() for value in data.getlist(key) if isinstance(value, str)]
        sent = [value for value in sent if value]
        if sent:
            values[match.group(1)] = sent if match.group(2) or len(sent) > 1 else sent[0]
    return values
