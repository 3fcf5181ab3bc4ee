from django.urls import path

from . import views

app_name = "priorities"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("ny/", views.case_create, name="case_create"),
    path("<uuid:external_id>/", views.case_detail, name="case_detail"),
    path("<uuid:external_id>/endre/", views.case_edit, name="case_edit"),
    path("<uuid:external_id>/fase/", views.case_phase, name="case_phase"),
    path("<uuid:external_id>/vekter/", views.case_weights, name="case_weights"),
    path("<uuid:external_id>/lovkrav/", views.case_legal, name="case_legal"),
    path("<uuid:external_id>/alternativ/ny/", views.alternative_create, name="alternative_create"),
    path("alternativ/<uuid:external_id>/", views.alternative_edit, name="alternative_edit"),
    path("<uuid:external_id>/styringsinformasjon/", views.indicator_add, name="indicator_add"),
    path("<uuid:external_id>/matrise/", views.matrix, name="matrix"),
    path("<uuid:external_id>/portefolje/", views.portfolio, name="portfolio"),
    path("<uuid:external_id>/medvirkning/", views.participation, name="participation"),
    path(
        "<uuid:external_id>/medvirkning/apne/",
        views.consultation_open,
        name="consultation_open",
    ),
    path("<uuid:external_id>/grunnlag/ny/", views.basis_create, name="basis_create"),
    path("grunnlag/<uuid:external_id>/", views.basis_detail, name="basis_detail"),
    path("grunnlag/<uuid:external_id>/docx/", views.basis_docx, name="basis_docx"),
    path("<uuid:external_id>/vedtak/", views.decision_record, name="decision_record"),
    path("<uuid:external_id>/publisering/", views.publish, name="publish"),
    path("<uuid:external_id>/oppfolging/ny/", views.followup_add, name="followup_add"),
    path("oppfolging/<uuid:external_id>/", views.followup_evaluate, name="followup_evaluate"),
    path(
        "oppfolging/<uuid:external_id>/styringsinformasjon/",
        views.followup_indicator_add,
        name="followup_indicator_add",
    ),
]
