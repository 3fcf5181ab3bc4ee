from django.urls import path

from . import views

app_name = "interop"

urlpatterns = [
    path("person/<uuid:external_id>/fhir-import/", views.fhir_import, name="fhir_import"),
]
