from django.urls import path

from . import views

app_name = "knowledge"

urlpatterns = [
    path("sak/<uuid:external_id>/metodevurdering/ny/", views.method_new, name="method_new"),
    path("metodevurdering/<uuid:external_id>/", views.method_detail, name="method"),
    path("metodevurdering/<uuid:external_id>/endre/", views.method_edit, name="method_edit"),
    path("sak/<uuid:external_id>/etikk/ny/", views.reflection_new, name="reflection_new"),
    path("etikk/<uuid:external_id>/", views.reflection_detail, name="reflection"),
    path("etikk/<uuid:external_id>/endre/", views.reflection_edit, name="reflection_edit"),
    path(
        "vedtak/<uuid:external_id>/etikk/",
        views.decision_reflections,
        name="decision_reflections",
    ),
    path("eksempelbank/", views.bank, name="bank"),
    path("sak/<uuid:external_id>/eksempelbank/", views.example_offer, name="example_offer"),
    path(
        "eksempelbank/<uuid:external_id>/trekk/",
        views.example_withdraw,
        name="example_withdraw",
    ),
]
