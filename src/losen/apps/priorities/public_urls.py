"""Pages without login: published cases and open consultations.

These take an unguessable ``token``, never an ``external_id``: they are public by design.
"""

from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("kommune/<str:number>/", views.public_index, name="index"),
    path("sak/<str:token>/", views.public_case, name="case"),
    path("medvirkning/<str:token>/", views.public_consultation, name="consultation"),
    path(
        "medvirkning/<str:token>/takk/",
        views.public_consultation_thanks,
        name="consultation_thanks",
    ),
]
