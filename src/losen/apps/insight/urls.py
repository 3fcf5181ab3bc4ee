from django.urls import path

from . import views

app_name = "insight"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("krav-mot-kapasitet/", views.demand, name="demand"),
    path("import/", views.imports, name="imports"),
    path("import/<uuid:external_id>/", views.import_detail, name="import_detail"),
    path("import/jobb/<uuid:external_id>/", views.import_job, name="import_job"),
    path(
        "import/jobb/<uuid:external_id>/prov-igjen/",
        views.import_job_retry,
        name="import_job_retry",
    ),
    path("eksport/", views.export, name="export"),
]
