"""The public example bank (no login): examples are found by an unguessable token."""

from django.urls import path

from . import views

app_name = "public_examples"

urlpatterns = [
    path("eksempelbank/", views.public_list, name="list"),
    path("eksempelbank/<str:token>/", views.public_detail, name="detail"),
    path("eksempelbank/<str:token>/fil/", views.public_file, name="file"),
]
