"""``/cds-services``: CDS Hooks discovery, the patient-view service and its feedback."""

from django.urls import path

from . import cds

app_name = "cds"

urlpatterns = [
    path("", cds.discovery, name="discovery"),
    path(f"/{cds.SERVICE_ID}", cds.patient_view, name="patient_view"),
    path(f"/{cds.SERVICE_ID}/feedback", cds.feedback, name="feedback"),
]
