from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("person/<uuid:external_id>/ny/", views.decision_new, name="decision_new"),
    path("<uuid:external_id>/", views.decision_detail, name="decision"),
    path("<uuid:external_id>/status/", views.decision_status, name="decision_status"),
]
