from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CriteriaConfig(AppConfig):
    name = "losen.apps.criteria"
    label = "criteria"
    verbose_name = _("Kriterier og forklaringer")
