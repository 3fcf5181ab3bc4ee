from django.urls import path

from . import views

app_name = "persons"

urlpatterns = [
    path("", views.person_list, name="list"),
    path("<uuid:external_id>/", views.person_detail, name="detail"),
    path("<uuid:external_id>/nodtilgang/", views.emergency_access, name="emergency"),
]
