from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("", views.audit_log, name="log"),
    path("nodtilgang/", views.emergency_reviews, name="emergency_reviews"),
    path("nodtilgang/<uuid:external_id>/", views.emergency_review, name="emergency_review"),
    path("innsyn/", views.innsyn, name="innsyn"),
    path("innsyn/<uuid:external_id>/", views.innsyn_report, name="innsyn_report"),
    path("innsyn/<uuid:external_id>/csv/", views.innsyn_csv, name="innsyn_csv"),
]
