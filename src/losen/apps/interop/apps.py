from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InteropConfig(AppConfig):
    name = "losen.apps.interop"
    label = "interop"
    verbose_name = _("Samhandling med journalsystemer")
