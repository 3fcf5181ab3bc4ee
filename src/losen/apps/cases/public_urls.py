"""Public pages of the cases app (no login): the allocation criteria in force.

Found by municipality number, as the other public pages; they show no personal data.
"""

from django.urls import path

from . import views

app_name = "public_cases"

urlpatterns = [
    path(
        "kommune/<str:number>/tildelingskriterier/",
        views.public_criteria,
        name="criteria",
    ),
]
