from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("logg-inn/", views.LoginView.as_view(), name="login"),
    path("logg-ut/", views.LogoutView.as_view(), name="logout"),
    path("kommune/velg/", views.choose_municipality, name="choose_municipality"),
    path("enheter/", views.unit_list, name="units"),
    path("enheter/<uuid:external_id>/", views.unit_detail, name="unit"),
    path("brukere/", views.user_list, name="users"),
    path("brukere/<uuid:external_id>/", views.user_detail, name="user"),
]
