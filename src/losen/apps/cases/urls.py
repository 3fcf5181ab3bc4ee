from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("person/<uuid:external_id>/ny/", views.decision_new, name="decision_new"),
    path("<uuid:external_id>/", views.decision_detail, name="decision"),
    path("<uuid:external_id>/status/", views.decision_status, name="decision_status"),
    # The caseworker's work: applications, assessments, drafts, letters, complaints
    path("soknader/", views.application_list, name="applications"),
    path("soknader/ny/", views.application_new, name="application_new"),
    path(
        "person/<uuid:external_id>/soknad/",
        views.application_new_for_person,
        name="application_new_for_person",
    ),
    path("soknad/<uuid:external_id>/", views.application_detail, name="application"),
    path(
        "soknad/<uuid:external_id>/trekk/",
        views.application_withdraw,
        name="application_withdraw",
    ),
    path(
        "soknad/<uuid:external_id>/forelopig-svar/",
        views.preliminary_reply,
        name="preliminary_reply",
    ),
    path(
        "soknad/<uuid:external_id>/forelopig-svar.docx",
        views.preliminary_reply_docx,
        name="preliminary_reply_docx",
    ),
    path("soknad/<uuid:external_id>/vurdering/", views.assessment, name="assessment"),
    path("soknad/<uuid:external_id>/vedtak/", views.draft_new, name="draft_new"),
    path("<uuid:external_id>/utkast/", views.draft, name="draft"),
    path("<uuid:external_id>/fatt/", views.issue, name="issue"),
    path("<uuid:external_id>/plass/", views.give_place, name="give_place"),
    path("<uuid:external_id>/vedtaksbrev.docx", views.decision_docx, name="decision_docx"),
    path("<uuid:external_id>/utskrift/", views.decision_print, name="decision_print"),
    path("<uuid:external_id>/klage/", views.complaint, name="complaint"),
    # Lists and reports
    path("arbeidsliste/", views.work_list, name="work_list"),
    path("venteliste/", views.waiting_list, name="waiting_list"),
    path("rapport/", views.report, name="report"),
    # The leaders' allocation criteria
    path("tildelingskriterier/", views.criteria_list, name="criteria"),
    path("tildelingskriterier/ny/", views.criteria_new, name="criteria_new"),
    path(
        "tildelingskriterier/<uuid:external_id>/",
        views.criteria_version,
        name="criteria_version",
    ),
]
