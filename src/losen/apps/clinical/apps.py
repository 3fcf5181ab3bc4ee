from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClinicalConfig(AppConfig):
    name = "losen.apps.clinical"
    label = "clinical"
    verbose_name = _("Kartlegging og oppfølging")
