"""``/cds-services``: CDS Hooks discovery, the patient-view service and its feedback."""

from django.urls import path

from . import cds

app_name = "cds"

urlpatterns = [
    # Included at the site's root, so that the discovery URL has no trailing slash (as the
    # CDS Hooks specification writes it) and no route begins with one.
    path("cds-services", cds.discovery, name="discovery"),
    path(f"cds-services/{cds.SERVICE_ID}", cds.patient_view, name="patient_view"),
    path(f"cds-services/{cds.SERVICE_ID}/feedback", cds.feedback, name="feedback"),
]
