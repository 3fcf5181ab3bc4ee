from django.urls import path

from . import views

app_name = "criteria"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("nivaer/", views.descriptions, name="descriptions"),
]
