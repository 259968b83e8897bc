from django.urls import path

from volunteers.api import staff, volunteer

P = "volunteers/"

urlpatterns = [
    path(f"{P}me/", volunteer.ProfileApi.as_view(), name="volunteer-me"),
    path(
        f"{P}me/availability/", volunteer.AvailabilityApi.as_view(), name="volunteer-availability"
    ),
    path(f"{P}me/duty/", volunteer.DutyApi.as_view(), name="volunteer-duty"),
    path(
        f"{P}me/certificates/",
        volunteer.CertificateListApi.as_view(),
        name="volunteer-certificates",
    ),
    path(f"{P}me/signups/", volunteer.MySignupListApi.as_view(), name="volunteer-signups"),
    path(f"{P}me/hours/", volunteer.MyHoursApi.as_view(), name="volunteer-hours"),
    path(f"{P}skills/", volunteer.SkillListApi.as_view(), name="volunteer-skills"),
    path(
        f"{P}certificates/pending/",
        staff.PendingCertificateListApi.as_view(),
        name="volunteer-certificates-pending",
    ),
    path(
        f"{P}certificates/<int:pk>/photo/",
        volunteer.CertificatePhotoApi.as_view(),
        name="volunteer-certificate-photo",
    ),
    path(
        f"{P}certificates/<int:pk>/decide/",
        staff.CertificateDecideApi.as_view(),
        name="volunteer-certificate-decide",
    ),
    path(f"{P}activities/", volunteer.ActivityListApi.as_view(), name="volunteer-activities"),
    path(
        f"{P}activities/<int:pk>/", volunteer.ActivityDetailApi.as_view(), name="volunteer-activity"
    ),
    path(f"{P}activities/<int:pk>/signup/", volunteer.SignupApi.as_view(), name="volunteer-signup"),
    path(f"{P}activities/<int:pk>/cancel/", volunteer.CancelApi.as_view(), name="volunteer-cancel"),
    path(
        f"{P}activities/<int:pk>/check-in/",
        volunteer.CheckInApi.as_view(),
        name="volunteer-check-in",
    ),
    path(
        f"{P}activities/<int:pk>/check-out/",
        volunteer.CheckOutApi.as_view(),
        name="volunteer-check-out",
    ),
    path(
        f"{P}staff/activities/",
        staff.StaffActivityListApi.as_view(),
        name="volunteer-staff-activities",
    ),
    path(
        f"{P}staff/activities/<int:pk>/code/",
        staff.ActivityCodeApi.as_view(),
        name="volunteer-activity-code",
    ),
    path(f"{P}approvals/", staff.ApprovalListApi.as_view(), name="volunteer-approvals"),
    path(f"{P}approvals/<int:pk>/approve/", staff.ApproveApi.as_view(), name="volunteer-approve"),
    path(f"{P}approvals/<int:pk>/reject/", staff.RejectApi.as_view(), name="volunteer-reject"),
    path(f"{P}teams/", staff.TeamListApi.as_view(), name="volunteer-teams"),
    path(f"{P}teams/<int:pk>/", staff.TeamDetailApi.as_view(), name="volunteer-team"),
    path(f"{P}courses/", staff.CourseListApi.as_view(), name="volunteer-courses"),
    path(f"{P}sessions/", staff.SessionListApi.as_view(), name="volunteer-sessions"),
    path(f"{P}sessions/<int:pk>/enrol/", volunteer.EnrolApi.as_view(), name="volunteer-enrol"),
    path(
        f"{P}enrolments/<int:pk>/record/",
        staff.EnrolmentRecordApi.as_view(),
        name="volunteer-enrolment-record",
    ),
]
