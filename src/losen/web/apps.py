from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "losen.web"
    label = "web"
    verbose_name = "Losen"
