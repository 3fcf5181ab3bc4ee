from django.urls import path

from . import views

app_name = "guidance"

urlpatterns = [
    path("", views.index, name="index"),
    path("ny/", views.assessment_new, name="assessment_new"),
    path("resultater/", views.results, name="results"),
    path("avviksregister/", views.register, name="register"),
    path("tiltak/", views.actions, name="actions"),
    path("tiltak/<uuid:external_id>/", views.action, name="action"),
    path("<uuid:external_id>/", views.assessment, name="assessment"),
    path("<uuid:external_id>/avslutt/", views.assessment_close, name="assessment_close"),
    path("<uuid:external_id>/xlsx/", views.assessment_xlsx, name="assessment_xlsx"),
    path("<uuid:external_id>/docx/", views.assessment_docx, name="assessment_docx"),
    path("punkt/<uuid:external_id>/", views.point, name="point"),
    path("punkt/<uuid:external_id>/tall/", views.point_figure, name="point_figure"),
    path("punkt/<uuid:external_id>/tiltak/", views.action_new, name="action_new"),
]
