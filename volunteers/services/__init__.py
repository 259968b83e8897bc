"""Writes of the volunteer program."""

from volunteers.services.activities import (
    activities_close,
    activity_create,
    hours_approve,
    hours_reject,
    signup_cancel,
    signup_check_in,
    signup_check_out,
    signup_create,
)
from volunteers.services.profiles import (
    availability_set,
    certificate_add,
    certificate_decide,
    volunteer_duty_set,
    volunteer_register,
    volunteer_update,
)
from volunteers.services.reminders import activity_reminders_send, certificate_reminders_send
from volunteers.services.teams import team_create, team_update
from volunteers.services.training import (
    course_create,
    enrolment_create,
    enrolment_record,
    session_create,
)

__all__ = [
    "activities_close",
    "activity_create",
    "activity_reminders_send",
    "availability_set",
    "certificate_add",
    "certificate_decide",
    "certificate_reminders_send",
    "course_create",
    "enrolment_create",
    "enrolment_record",
    "hours_approve",
    "hours_reject",
    "session_create",
    "signup_cancel",
    "signup_check_in",
    "signup_check_out",
    "signup_create",
    "team_create",
    "team_update",
    "volunteer_duty_set",
    "volunteer_register",
    "volunteer_update",
]
