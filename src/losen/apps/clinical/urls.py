from django.urls import path

from . import views

app_name = "clinical"

urlpatterns = [
    path("person/<uuid:external_id>/kartlegging/ny/", views.assessment_new, name="assessment_new"),
    path("person/<uuid:external_id>/maling/ny/", views.measurement_new, name="measurement_new"),
    path("person/<uuid:external_id>/plan/", views.plan, name="plan"),
    path("person/<uuid:external_id>/utfall/", views.outcomes, name="outcomes"),
    path("kartlegging/<uuid:external_id>/", views.assessment_detail, name="assessment"),
    path("maling/<uuid:external_id>/fhir/", views.measurement_fhir, name="measurement_fhir"),
    path("varsel/<uuid:external_id>/", views.notice_acknowledge, name="notice"),
    path("tiltak/<uuid:external_id>/avslutt/", views.plan_item_end, name="plan_item_end"),
    path("tiltak/", views.catalogue, name="catalogue"),
    path("arbeidsliste/", views.work_list, name="work_list"),
    path("resultater/", views.leader_outcomes, name="leader_outcomes"),
    path("innstillinger/", views.step_policy, name="step_policy"),
]
