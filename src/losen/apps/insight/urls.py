from django.urls import path

from . import views

app_name = "insight"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("krav-mot-kapasitet/", views.demand, name="demand"),
    path("import/", views.imports, name="imports"),
    path("import/<uuid:external_id>/", views.import_detail, name="import_detail"),
    path("eksport/", views.export, name="export"),
]
